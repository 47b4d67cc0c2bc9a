"""The incident metrics on a small fixture whose every number was worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.errors import InvalidInput
from warroom.metrics.rules import (
    NO_SERVICE,
    By,
    IncidentFacts,
    Participation,
    Period,
    StatusChange,
    check_window,
    parse_instant,
    percentile,
    period_key,
    report,
    status_stays,
    summarise,
)

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)


def at(minutes: float, days: int = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


def change(minutes: float, before: str, after: str) -> StatusChange:
    return StatusChange(at(minutes), before, after)


# A: started 10:00, detected +10, acknowledged +15, resolved +90; two people came in.
A = IncidentFacts(
    id=1, kind="service", severity="SEV1", services=("orders",), declared_at=at(10),
    started_at=at(0), detected_at=at(10), acknowledged_at=at(15), mitigated_at=at(60),
    resolved_at=at(90),
    changes=(change(15, "triage", "investigating"), change(30, "investigating", "identified"),
             change(60, "identified", "monitoring"), change(90, "monitoring", "resolved")),
    participants=(Participation(7, "Kai", at(15), at(45)), Participation(8, "Lee", at(20), None)),
)  # fmt: skip
# B: the next day, on two services: detected +20, acknowledged +30, resolved +180.
B = IncidentFacts(
    id=2, kind="service", severity="SEV2", services=("orders", "web-shop"),
    declared_at=at(20, 1), started_at=at(0, 1), detected_at=at(20, 1),
    acknowledged_at=at(30, 1), resolved_at=at(180, 1),
    changes=(change(30 + 1440, "triage", "investigating"),
             change(180 + 1440, "investigating", "resolved")),
    participants=(Participation(7, "Kai", at(30, 1), at(120, 1)),),
)  # fmt: skip
# C: a security incident still in triage: detected +5, nothing else yet.
C = IncidentFacts(
    id=3, kind="security", severity="SEV3", services=("web-shop",), declared_at=at(5, 2),
    started_at=at(0, 2), detected_at=at(5, 2),
)  # fmt: skip
# D: began before the window; it must count nowhere.
D = IncidentFacts(
    id=4, kind="service", severity="SEV1", services=("orders",), declared_at=at(0, -10),
    started_at=at(0, -10), detected_at=at(1, -10), acknowledged_at=at(2, -10),
    resolved_at=at(3, -10),
)  # fmt: skip
ALL = [A, B, C, D]


def minutes(value: float | None) -> float | None:
    return None if value is None else round(value / 60, 6)


def test_totals_match_the_hand_computed_values() -> None:
    found = report(ALL, SINCE, UNTIL, By.service, Period.month).total
    assert found.incidents == 3  # D began before the window
    mttd, mtta, mttr = (found.measures[m] for m in ("mttd", "mtta", "mttr"))
    assert (mttd.count, mttd.missing) == (3, 0)
    assert minutes(mttd.mean) == round(35 / 3, 6)  # (10 + 20 + 5) / 3
    assert (minutes(mttd.median), minutes(mttd.p90)) == (10, 20)
    # C has no acknowledgement nor resolution: left out of those means, counted as missing.
    assert (mtta.count, mtta.missing, minutes(mtta.mean)) == (2, 1, 7.5)  # (5 + 10) / 2
    assert (mttr.count, mttr.missing, minutes(mttr.mean)) == (2, 1, 135)  # (90 + 180) / 2


def test_time_to_innocence_counts_released_participants_only() -> None:
    result = report(ALL, SINCE, UNTIL, By.service, Period.month)
    mtti = result.total.measures["mtti"]
    assert (mtti.count, mtti.missing, minutes(mtti.mean)) == (2, 1, 60)  # (30 + 90) / 2
    kai, lee = result.people
    assert (kai.person, kai.tti.count, minutes(kai.tti.mean)) == ("Kai", 2, 60)
    assert (lee.person, lee.tti.count, lee.tti.missing, lee.tti.mean) == ("Lee", 0, 1, None)


def test_time_in_each_status_from_the_status_changes() -> None:
    assert {k: v / 60 for k, v in status_stays(A).items()} == {
        "triage": 5, "investigating": 15, "identified": 30, "monitoring": 30,
    }  # fmt: skip
    total = report(ALL, SINCE, UNTIL, By.service, Period.month).total.time_in_status
    # A 15 min and B 150 min investigating; C never left triage (still in it): missing.
    assert (total["investigating"].count, minutes(total["investigating"].mean)) == (2, 82.5)
    assert (total["triage"].count, total["triage"].missing) == (2, 1)
    assert minutes(total["triage"].mean) == 7.5  # (5 + 10) / 2
    assert total["resolved"].count == 0  # nobody was closed yet


def test_a_reopened_incident_adds_up_both_stays() -> None:
    reopened = IncidentFacts(
        id=9, kind="service", severity="SEV2", services=(), declared_at=at(0), started_at=at(0),
        changes=(change(10, "triage", "investigating"), change(20, "investigating", "resolved"),
                 change(50, "resolved", "investigating"), change(55, "investigating", "resolved")),
    )  # fmt: skip
    assert {k: v / 60 for k, v in status_stays(reopened).items()} == {
        "triage": 10, "investigating": 15, "resolved": 30,
    }  # fmt: skip


def test_by_service_counts_an_incident_in_each_of_its_services() -> None:
    groups = report(ALL, SINCE, UNTIL, By.service, Period.month).groups
    assert [(g.key, g.incidents) for g in groups] == [("orders", 2), ("web-shop", 2)]
    orders, shop = groups
    assert minutes(orders.measures["mttr"].mean) == 135  # A 90, B 180
    assert minutes(shop.measures["mttr"].mean) == 180  # B; C unresolved
    assert shop.measures["mttr"].missing == 1
    alone = IncidentFacts(id=5, kind="service", severity="SEV4", services=(),
                          declared_at=at(0, 3), started_at=at(0, 3))  # fmt: skip
    keys = [g.key for g in report([alone, *ALL], SINCE, UNTIL, By.service, Period.month).groups]
    assert keys == ["orders", "web-shop", NO_SERVICE]


def test_by_severity_kind_and_period() -> None:
    sev = report(ALL, SINCE, UNTIL, By.severity, Period.month).groups
    assert [(g.key, g.incidents) for g in sev] == [("SEV1", 1), ("SEV2", 1), ("SEV3", 1)]
    kinds = report(ALL, SINCE, UNTIL, By.kind, Period.month).groups
    assert [(g.key, g.incidents) for g in kinds] == [("security", 1), ("service", 2)]
    # 2026-11-02 is the Monday of ISO week 45 (A, B, C); D, ten days before, is in week 43.
    weeks = report(ALL, datetime(2026, 10, 1, tzinfo=UTC), UNTIL, By.period, Period.week).groups
    assert [(g.key, g.incidents) for g in weeks] == [("2026-W43", 1), ("2026-W45", 3)]
    months = report(ALL, datetime(2026, 10, 1, tzinfo=UTC), UNTIL, By.period, Period.month)
    assert [(g.key, g.incidents) for g in months.groups] == [("2026-10", 1), ("2026-11", 3)]


def test_period_keys_in_utc_and_iso_weeks() -> None:
    assert period_key(datetime(2027, 1, 1, 12, tzinfo=UTC), Period.week) == "2026-W53"
    tokyo = datetime.fromisoformat("2026-12-01T05:00+09:00")  # still 30 November in UTC
    assert period_key(tokyo, Period.month) == "2026-11"


def test_summaries_mean_median_and_nearest_rank_p90() -> None:
    stat = summarise([60.0, 120.0, None, 600.0, 180.0])
    assert (stat.count, stat.missing, stat.mean, stat.median, stat.p90) == (4, 1, 240, 150, 600)
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9
    empty = summarise([None])
    assert (empty.count, empty.missing, empty.mean, empty.p90) == (0, 1, None, None)


def test_window_checks_name_the_field() -> None:
    assert parse_instant("2026-11-01", "since") == SINCE
    assert parse_instant("2026-11-01T09:00+01:00", "since") == SINCE + timedelta(hours=8)
    with pytest.raises(InvalidInput) as bad:
        parse_instant("yesterday", "since")
    assert bad.value.field == "since"
    with pytest.raises(InvalidInput) as naive:
        parse_instant("2026-11-01T09:00", "until")
    assert naive.value.field == "until"
    with pytest.raises(InvalidInput) as backwards:
        check_window(UNTIL, SINCE)
    assert backwards.value.field == "until"
