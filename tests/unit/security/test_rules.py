"""Security incident rules: phases move forward one at a time or back with a reason; TLP
markings combine to the strictest; the advice before taking a server offline follows the
tier of what it runs; indicators are validated and normalised per type."""

from __future__ import annotations

import pytest

from warroom.errors import IllegalTransition, InvalidInput
from warroom.security.iocs import check_ioc, hash_algorithm, refang
from warroom.security.rules import (
    IocType,
    Phase,
    Tlp,
    check_phase_move,
    offline_advice,
    strictest,
)

P = Phase


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (P.detection_analysis, P.containment),
        (P.containment, P.eradication),
        (P.eradication, P.recovery),
        (P.recovery, P.validation),
        (P.validation, P.post_incident),
    ],
)
def test_each_phase_leads_to_the_next(current: Phase, target: Phase) -> None:
    check_phase_move(current, target, "")


def test_skipping_a_phase_is_refused_naming_what_comes_between() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_phase_move(P.detection_analysis, P.recovery, "")
    assert caught.value.field == "phase"
    assert "after containment, eradication" in str(caught.value)


def test_going_back_needs_a_reason() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_phase_move(P.recovery, P.containment, "  ")
    assert caught.value.field == "reason"
    check_phase_move(P.recovery, P.containment, "a second web shell found on web-02")
    with pytest.raises(IllegalTransition):
        check_phase_move(P.containment, P.containment, "again")


def test_a_mixed_document_carries_the_strictest_marking() -> None:
    assert strictest(Tlp.green, Tlp.amber_strict, Tlp.amber) is Tlp.amber_strict
    assert strictest(Tlp.clear, Tlp.red) is Tlp.red
    assert strictest() is Tlp.clear


def test_offline_advice_follows_the_tier() -> None:
    critical = offline_advice(1, "internet-facing")
    assert critical.severity == "caution"
    assert "revenue stops" in critical.text
    assert "faces the internet" in critical.text
    assert offline_advice(2, "internal").severity == "consider"
    assert offline_advice(None, "internal-tool").severity == "go"


@pytest.mark.parametrize(
    ("kind", "value", "normalised"),
    [
        ("ip", " 203.0.113.7 ", "203.0.113.7"),
        ("ip", "203.0.113[.]7", "203.0.113.7"),
        ("IP", "2001:DB8::1", "2001:db8::1"),
        ("ip", "198.51.100.0/24", "198.51.100.0/24"),
        ("domain", "Evil.Example.", "evil.example"),
        ("domain", "evil[.]example", "evil.example"),
        ("domain", "bücher.example", "xn--bcher-kva.example"),
        ("url", "hxxps://evil[.]example/drop?x=1", "https://evil.example/drop?x=1"),
        ("url", "HTTP://203.0.113.7:8080", "http://203.0.113.7:8080/"),
        ("hash", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
        ("hash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("account", "CORP\\svc-backup", "CORP\\svc-backup"),
        ("path", "/var/www/html/.x/shell.php", "/var/www/html/.x/shell.php"),
        ("path", "C:\\Windows\\Temp\\a.dll", "C:\\Windows\\Temp\\a.dll"),
        ("email", "payroll[@]evil[.]example", "payroll@evil.example"),
    ],
)  # fmt: skip
def test_indicators_are_normalised(kind: str, value: str, normalised: str) -> None:
    assert check_ioc(kind, value) == (IocType(kind.lower()), normalised)


@pytest.mark.parametrize(
    ("kind", "value", "field"),
    [
        ("ipv9", "1.2.3.4", "type"),
        ("ip", "300.1.1.1", "value"),
        ("ip", "evil.example", "value"),
        ("domain", "localhost", "value"),
        ("domain", "-bad.example", "value"),
        ("domain", "evil.example/path", "value"),
        ("url", "evil.example/drop", "value"),
        ("url", "javascript:alert(1)", "value"),
        ("hash", "abc123", "value"),
        ("hash", "z" * 64, "value"),
        ("account", "two words", "value"),
        ("path", "relative/path.txt", "value"),
        ("email", "no-at-sign.example", "value"),
        ("email", "a@b", "value"),
        ("domain", "", "value"),
        ("account", "bad\x00name", "value"),
    ],
)
def test_a_bad_indicator_is_refused_naming_the_field(kind: str, value: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_ioc(kind, value)
    assert caught.value.field == field


def test_refang_and_hash_algorithms() -> None:
    assert refang("hxxp://a[.]b(.)c") == "http://a.b.c"
    assert hash_algorithm("0" * 40) == "sha1"
    assert hash_algorithm("0" * 128) == "sha512"
