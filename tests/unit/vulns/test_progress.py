"""Campaign progress maths: tallies by group and the burndown of open records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.vulns.progress import burndown, by_customer, by_tier, tally, time_to_understand

OPENED = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_tallies_count_open_records_and_sort_tiers_and_customers() -> None:
    assert tally([("affected", 2), ("verified", 1), ("scheduled", 1)]).open == 3
    tiers = by_tier([(5, "affected", 1), (2, "patched", 3), (5, "verified", 2)])
    assert [(tier, t.total, t.open, t.statuses) for tier, t in tiers] == [
        (2, 3, 0, {"patched": 3}),
        (5, 3, 1, {"affected": 1, "verified": 2}),
    ]
    customers = by_customer(
        [("Zeta", "affected", 2), ("Acme", "affected", 1), ("Beta", "unassessed", 2)]
    )
    assert [name for name, _ in customers] == ["Beta", "Zeta", "Acme"]


def test_the_burndown_counts_open_records_each_hour_then_each_day() -> None:
    left = [OPENED + timedelta(minutes=90), None, OPENED + timedelta(hours=2)]
    points = burndown(OPENED, OPENED + timedelta(hours=2, minutes=15), left)
    assert [(p.at - OPENED, p.open) for p in points] == [
        (timedelta(0), 3),
        (timedelta(hours=1), 3),
        (timedelta(hours=2), 1),
        (timedelta(hours=2, minutes=15), 1),
    ]
    daily = burndown(OPENED, OPENED + timedelta(days=4), [OPENED + timedelta(days=2)])
    assert [(p.at - OPENED, p.open) for p in daily] == [
        (timedelta(0), 1), (timedelta(days=1), 1), (timedelta(days=2), 0),
        (timedelta(days=3), 0), (timedelta(days=4), 0),
    ]  # fmt: skip
    assert burndown(OPENED, OPENED, []) == burndown(OPENED, OPENED - timedelta(hours=1), [])


def test_time_to_understand_runs_until_nothing_is_unassessed() -> None:
    assert time_to_understand(OPENED, None) is None
    assert time_to_understand(OPENED, OPENED + timedelta(minutes=30)) == 1800
