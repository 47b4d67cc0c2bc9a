"""The first draft of a postmortem from plain facts: key events linked to the war room, the
changes marked, the impact's durations and the customers' SLAs, prompts where people judge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from warroom.reviews.draft import ChangeFact, CustomerFact, DraftFacts, EventFact, compose, span
from warroom.reviews.rules import SECTION_KEYS

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


FACTS = DraftFacts(
    ref="INC-7",
    title="Checkout returns 500",
    severity="SEV1",
    kind="service",
    description="Orders fail at payment.",
    services=("orders",),
    declared_at=minutes(10),
    started_at=T0,
    detected_at=minutes(5),
    acknowledged_at=minutes(12),
    mitigated_at=minutes(40),
    resolved_at=minutes(95),
    reporter="Ada",
    commander="Priya",
    sources=(),
    events=(
        EventFact(1, minutes(10), "declared", "Ada declared INC-7 as SEV1: Checkout", "Ada"),
        EventFact(2, minutes(11), "paged", "Paged Tomas", None),
        EventFact(3, minutes(30), "note", "Rolled back\n\nrelease 4.2.1", "Tomas"),
        EventFact(4, minutes(40), "status_changed", "Status identified → monitoring", "Priya"),
        EventFact(5, minutes(95), "status_changed", "Status monitoring → resolved", "Priya"),
    ),
    changes=(
        ChangeFact(
            4,
            "Deploy 4.2.1",
            "completed",
            minutes(-20),
            "cause",
            "pool halved",
            ("same service: orders",),
        ),
        ChangeFact(9, "Config push", "completed", minutes(-300), None, "", ("a dependency",)),
    ),
    customers=(CustomerFact("Hoffmann Logistik", 1, ("orders",), 0.23, True),),
)


def test_every_section_is_written_in_order() -> None:
    assert tuple(compose(FACTS)) == SECTION_KEYS


def test_the_timeline_keeps_the_key_events_each_linked_to_the_war_room() -> None:
    lines = compose(FACTS)["timeline"].splitlines()
    assert lines == [
        "- [2026-11-23 02:10 UTC](/incidents/INC-7#ev-1) Ada declared INC-7 as SEV1: Checkout"
        " (Ada)",
        "- [2026-11-23 02:30 UTC](/incidents/INC-7#ev-3) Rolled back release 4.2.1 (Tomas)",
        "- [2026-11-23 02:40 UTC](/incidents/INC-7#ev-4) Status identified → monitoring (Priya)",
        "- [2026-11-23 03:35 UTC](/incidents/INC-7#ev-5) Status monitoring → resolved (Priya)",
    ]


def test_the_cause_is_the_trigger_and_only_marked_changes_are_listed() -> None:
    sections = compose(FACTS)
    assert "[CHG-4 Deploy 4.2.1](/changes/4): pool halved" in sections["trigger"]
    assert sections["changes"].startswith("- **cause** [CHG-4 Deploy 4.2.1](/changes/4)")
    assert "Config push" not in sections["changes"]
    assert sections["contributing_factors"].startswith("_To be written")


def test_unmarked_suspects_are_offered_and_no_cause_leaves_the_trigger_to_people() -> None:
    unmarked = replace(FACTS, changes=(replace(FACTS.changes[0], mark=None, note=""),))
    sections = compose(unmarked)
    assert sections["trigger"].startswith("_To be written")
    assert "No change was marked as a suspect or cause" in sections["changes"]
    assert "[CHG-4 Deploy 4.2.1](/changes/4)" in sections["changes"]


def test_impact_and_detection_give_the_durations_and_the_customers_slas() -> None:
    sections = compose(FACTS)
    assert (
        "Customer impact: 40 min (from 2026-11-23 02:00 UTC until mitigated" in sections["impact"]
    )
    assert (
        "Time to detect: 5 min; to acknowledge: 7 min; to resolve: 1 h 35 min" in sections["impact"]
    )
    assert (
        "**Hoffmann Logistik** (tier 1) on orders: 23% of the month's allowed downtime; "
        "response time missed" in sections["impact"]
    )
    assert "- Found: declared by Ada" in sections["detection"]
    assert "Detected 2026-11-23 02:05 UTC, 5 min after the impact began" in sections["detection"]


def test_spans_read_like_people_write_them() -> None:
    assert span(timedelta(minutes=5)) == "5 min"
    assert span(timedelta(hours=1, minutes=5)) == "1 h 05 min"
    assert span(timedelta(days=2, hours=3)) == "2 d 3 h"
    assert span(None) == "—"
