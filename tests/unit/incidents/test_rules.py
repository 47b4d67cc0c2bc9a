from datetime import UTC, datetime, timedelta

import pytest

from warroom.errors import IllegalTransition, InvalidInput
from warroom.incidents.rules import (
    ALLOWED_TRANSITIONS,
    SEVERITY_DEFINITIONS,
    IncidentRole,
    Severity,
    Status,
    check_milestone_order,
    check_transition,
    format_ref,
    milestones_for_status,
    needs_commander,
    parse_ref,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.triage, Status.investigating),
        (Status.investigating, Status.identified),
        (Status.identified, Status.monitoring),
        (Status.monitoring, Status.resolved),
        (Status.resolved, Status.closed),
        (Status.triage, Status.resolved),  # a false alarm
        (Status.monitoring, Status.investigating),  # it came back
        (Status.resolved, Status.investigating),  # reopened
    ],
)
def test_allowed_transitions(current: Status, target: Status) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.triage, Status.closed),
        (Status.investigating, Status.closed),
        (Status.closed, Status.investigating),
        (Status.investigating, Status.triage),
        (Status.monitoring, Status.monitoring),
    ],
)
def test_forbidden_transitions_name_the_status_field(current: Status, target: Status) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(current, target)
    assert caught.value.field == "status"
    assert str(current) in caught.value.detail


def test_closed_is_final_and_only_resolved_closes() -> None:
    assert ALLOWED_TRANSITIONS[Status.closed] == frozenset()
    closers = {s for s, targets in ALLOWED_TRANSITIONS.items() if Status.closed in targets}
    assert closers == {Status.resolved}


def test_status_fills_milestones_once() -> None:
    empty: dict[str, datetime | None] = dict.fromkeys(
        ("acknowledged_at", "mitigated_at", "resolved_at")
    )
    assert milestones_for_status(Status.investigating, empty, NOW) == {"acknowledged_at": NOW}
    earlier = NOW - timedelta(minutes=20)
    known = {"acknowledged_at": earlier, "mitigated_at": None, "resolved_at": None}
    assert milestones_for_status(Status.resolved, known, NOW) == {
        "mitigated_at": NOW,
        "resolved_at": NOW,
    }


def test_reopen_clears_resolved() -> None:
    known = {"acknowledged_at": NOW, "mitigated_at": NOW, "resolved_at": NOW}
    assert milestones_for_status(Status.investigating, known, NOW) == {"resolved_at": None}


def test_milestones_in_order() -> None:
    start = NOW - timedelta(hours=2)
    check_milestone_order(
        {"started_at": start, "detected_at": start + timedelta(minutes=5), "resolved_at": NOW},
        NOW,
    )
    with pytest.raises(InvalidInput) as caught:
        check_milestone_order({"started_at": NOW, "detected_at": start}, NOW)
    assert caught.value.field == "detected_at"
    with pytest.raises(InvalidInput) as caught:
        check_milestone_order({"mitigated_at": NOW, "resolved_at": start}, NOW)
    assert caught.value.field == "resolved_at"


def test_milestones_not_in_future() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_milestone_order({"started_at": NOW + timedelta(seconds=1)}, NOW)
    assert caught.value.field == "started_at"


def test_major_incidents_need_a_commander() -> None:
    assert [s for s in Severity if needs_commander(s)] == [Severity.SEV1, Severity.SEV2]


def test_every_severity_is_defined() -> None:
    assert [d.severity for d in SEVERITY_DEFINITIONS] == list(Severity)
    assert "30 minutes" in SEVERITY_DEFINITIONS[0].update_cadence


def test_refs_round_trip() -> None:
    assert format_ref(42) == "INC-42"
    assert parse_ref("INC-42") == 42
    assert parse_ref("inc-42") == 42
    assert parse_ref("42") == 42
    assert parse_ref("INC-") is None
    assert parse_ref("INC-4x") is None


def test_only_sme_has_many_holders() -> None:
    assert [r for r in IncidentRole if not r.single_holder] == [IncidentRole.sme]
