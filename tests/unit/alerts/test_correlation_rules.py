"""Correlation's pure rules: keys, scope, windows, thresholds, severity, flapping, replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.alerts.correlation_replay import Arrival, Catalog, replay
from warroom.alerts.correlation_rules import (
    AlertFacts,
    RuleSpec,
    Spread,
    applies,
    check_group_by,
    group_key,
    group_title,
    group_values,
    is_flapping,
    propose_severity,
    record_change,
    threshold_met,
    window_open,
)
from warroom.incidents.rules import Severity

T0 = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
DEFAULT = RuleSpec(name="Same event across hosts", group_by=("event",), min_assets=5, id=1)


def facts(host: str, event: str = "AV", **extra: object) -> AlertFacts:
    return AlertFacts(event=event, source=host, severity="error", host=host, **extra)  # type: ignore[arg-type]


def test_same_event_on_different_hosts_shares_a_key() -> None:
    one, two = facts("a"), facts("b")
    assert group_key(group_values(DEFAULT, one)) == group_key(group_values(DEFAULT, two))
    assert group_key(group_values(DEFAULT, facts("a", "Disk"))) != group_key(
        group_values(DEFAULT, one)
    )
    assert len(group_key(group_values(DEFAULT, one))) == 64


def test_labels_and_attributes_group() -> None:
    rule = RuleSpec(name="r", group_by=("labels.alertname", "service"))
    alert = facts("a", labels={"alertname": "HighCPU"}, service="payments")
    assert group_values(rule, alert) == {"labels.alertname": "HighCPU", "service": "payments"}
    assert group_values(rule, facts("a")) == {"labels.alertname": "", "service": ""}


@pytest.mark.parametrize(
    ("fields", "ok"),
    [(["event"], True), (["labels.job", "source"], True), ([], False), (["host"], False)],
)
def test_check_group_by(fields: list[str], ok: bool) -> None:
    assert (check_group_by(fields) is None) is ok


def test_a_service_rule_applies_only_to_its_service() -> None:
    rule = RuleSpec(name="r", group_by=("event",), service_id=7)
    assert applies(rule, facts("a", service_id=7))
    assert not applies(rule, facts("a", service_id=8))
    assert applies(DEFAULT, facts("a"))
    assert not applies(RuleSpec(name="off", group_by=("event",), enabled=False), facts("a"))


def test_window_counts_from_the_first_alert() -> None:
    assert window_open(T0, DEFAULT, T0 + timedelta(seconds=900))
    assert not window_open(T0, DEFAULT, T0 + timedelta(seconds=901))


def test_thresholds() -> None:
    assert not threshold_met(DEFAULT, Spread(alerts=100, hosts=4))
    assert threshold_met(DEFAULT, Spread(alerts=5, hosts=5))
    share = RuleSpec(name="s", group_by=("event",), min_share=0.1)
    assert threshold_met(share, Spread(alerts=2, hosts=2, service_assets=20))
    assert not threshold_met(share, Spread(alerts=1, hosts=1, service_assets=20))
    assert not threshold_met(share, Spread(alerts=9, hosts=9))  # unknown service size
    assert threshold_met(RuleSpec(name="c", group_by=("event",), min_alerts=3), Spread(3, 1))
    assert not threshold_met(RuleSpec(name="none", group_by=("event",)), Spread(999, 999))


@pytest.mark.parametrize(
    ("tier", "spread", "severity"),
    [
        (1, Spread(5, 5, 480), Severity.SEV2),
        (1, Spread(5, 5, 40), Severity.SEV1),
        (1, Spread(20, 20, 480), Severity.SEV1),
        (2, Spread(5, 5, 480), Severity.SEV3),
        (2, Spread(5, 5, 50), Severity.SEV2),
        (3, Spread(50, 50, 50), Severity.SEV3),
        (None, Spread(99, 99), Severity.SEV3),
        (None, Spread(100, 100), Severity.SEV2),
    ],
)
def test_severity_from_tier_and_spread(
    tier: int | None, spread: Spread, severity: Severity
) -> None:
    assert propose_severity(tier, spread) is severity


def test_flapping_needs_four_changes_within_ten_minutes() -> None:
    history: list[str] = []
    for minute, status in enumerate(("firing", "resolved", "firing")):
        history = record_change(history, status, T0 + timedelta(minutes=minute))
    assert not is_flapping(history, T0 + timedelta(minutes=3))
    history = record_change(history, "resolved", T0 + timedelta(minutes=3))
    assert is_flapping(history, T0 + timedelta(minutes=3))
    assert not is_flapping(history, T0 + timedelta(minutes=11)), "old changes fade out"
    assert record_change(history, "resolved", T0) == history, "no change, nothing recorded"


def test_title_names_the_event_and_hosts() -> None:
    assert group_title({"event": "AV"}, 37) == "AV on 37 hosts"
    assert group_title({"event": "AV"}, 1) == "AV on 1 host"


def test_replay_opens_one_incident_at_the_fifth_host_and_splits_windows() -> None:
    arrivals = [Arrival(T0 + timedelta(seconds=n), n, facts(f"h{n % 7}")) for n in range(30)] + [
        Arrival(T0 + timedelta(minutes=20), 99, facts("late"))
    ]
    formed = replay(DEFAULT, arrivals, Catalog())
    first, second = formed
    assert (len(first.alerts), len(first.hosts)) == (30, 7)
    assert first.threshold_met_at == T0 + timedelta(seconds=4)
    assert first.opens_incident
    assert (len(second.alerts), second.threshold_met_at) == (1, None)


def test_replay_ignores_expected_and_flapping_for_thresholds() -> None:
    arrivals = [Arrival(T0, n, facts(f"h{n}", expected=n < 3, flapping=n == 3)) for n in range(7)]
    (group,) = replay(DEFAULT, arrivals, Catalog())
    assert len(group.hosts) == 7
    assert group.threshold_met_at is None  # only 3 hosts escalate
