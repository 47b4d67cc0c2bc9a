"""The pure paging rules: snapshots, progress through steps and rounds, deliveries from
notification rules, bundling and routing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from warroom.incidents.rules import Kind, Severity
from warroom.oncall.escalation_rules import (
    Contact,
    PolicySpec,
    Position,
    Routes,
    RuleSpec,
    SentState,
    ServiceFacts,
    StepSpec,
    TargetKind,
    TargetSpec,
    Urgency,
    business_start,
    is_exhausted,
    next_position,
    notify_again,
    pages_automatically,
    planned_deliveries,
    policy_of_snapshot,
    rise_pages,
    rise_urgency,
    route,
    snapshot_of,
    step_label,
    urgency,
    wait_after,
)

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
ANN = TargetSpec(TargetKind.schedule, 7, "Payments primary")
BOB = TargetSpec(TargetKind.person, 3, "Bob Lee")
OPS = TargetSpec(TargetKind.team, 2, "Operations")


def policy(repeat: int = 0) -> PolicySpec:
    return PolicySpec(1, "Payments", repeat, (StepSpec(5, (ANN,)), StepSpec(10, (BOB, OPS))))


def test_snapshot_round_trips_with_names() -> None:
    data = snapshot_of(policy(repeat=2))
    assert data["steps"][1]["targets"][1] == {"kind": "team", "id": 2, "name": "Operations"}
    assert policy_of_snapshot(data) == policy(repeat=2)


def test_steps_run_in_order_then_the_escalation_ends() -> None:
    spec = policy()
    first = Position(0, 0)
    second = next_position(spec, first)
    assert second == Position(1, 0)
    assert not is_exhausted(spec, second)
    end = next_position(spec, second)
    assert is_exhausted(spec, end)
    assert wait_after(spec, first) == timedelta(minutes=5)
    assert wait_after(spec, second) == timedelta(minutes=10)


def test_repeat_runs_the_steps_again_then_ends() -> None:
    spec = policy(repeat=1)
    ran = [Position(0, 0)]
    while not is_exhausted(spec, ran[-1]):
        ran.append(next_position(spec, ran[-1]))
    assert ran[:-1] == [Position(0, 0), Position(1, 0), Position(0, 1), Position(1, 1)]
    assert step_label(spec, Position(0, 1)) == "step 1 of 2, round 2 of 2"
    assert step_label(policy(), Position(1, 0)) == "step 2 of 2"


def test_notification_rules_decide_channels_and_delays() -> None:
    mail = Contact("email", "ann@example.com", 1)
    hook = Contact("webhook", "https://hooks.example.com/ann", 2)
    rules = [RuleSpec(hook, 10), RuleSpec(mail, 0)]
    planned = planned_deliveries(rules=rules, methods=[mail, hook], email="x@example.com", now=NOW)
    assert [(p.contact.channel, p.due_at - NOW) for p in planned] == [
        ("email", timedelta(0)),
        ("webhook", timedelta(minutes=10)),
    ]


def test_without_rules_each_method_at_once_and_without_methods_the_account_email() -> None:
    hook = Contact("webhook", "https://hooks.example.com/ann", 2)
    planned = planned_deliveries(rules=[], methods=[hook], email="ann@example.com", now=NOW)
    assert [(p.contact, p.due_at) for p in planned] == [(hook, NOW)]
    fallback = planned_deliveries(rules=[], methods=[], email="ann@example.com", now=NOW)
    assert [(p.contact, p.due_at) for p in fallback] == [(Contact("email", "ann@example.com"), NOW)]


def test_a_second_trigger_notifies_again_only_after_a_quiet_spell() -> None:
    assert notify_again([], NOW)
    assert not notify_again([SentState("pending", NOW - timedelta(hours=2))], NOW)
    assert not notify_again([SentState("sent", NOW - timedelta(minutes=5))], NOW)
    assert notify_again([SentState("sent", NOW - timedelta(minutes=45))], NOW)
    assert notify_again([SentState("sent", NOW - timedelta(minutes=5))], NOW, timedelta(0))


@pytest.mark.parametrize(
    ("severity", "pages"),
    [(Severity.SEV1, True), (Severity.SEV2, True), (Severity.SEV3, False), (Severity.SEV4, False)],
)
def test_only_major_incidents_page_by_themselves(severity: Severity, pages: bool) -> None:
    assert pages_automatically(severity) is pages


def test_sev3_pages_in_business_hours_and_sev4_never() -> None:
    assert [urgency(s) for s in Severity] == [
        Urgency.now,
        Urgency.now,
        Urgency.business_hours,
        Urgency.never,
    ]
    assert rise_urgency(Severity.SEV4, Severity.SEV3) is Urgency.business_hours
    assert rise_urgency(Severity.SEV3, Severity.SEV1) is Urgency.now
    assert rise_urgency(Severity.SEV2, Severity.SEV3) is Urgency.never


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("now", "zone", "starts"),
    [
        ("2026-11-25T10:00:00+00:00", UTC, "2026-11-25T10:00:00+00:00"),  # Wednesday, open
        ("2026-11-23T22:00:00+00:00", UTC, "2026-11-24T09:00:00+00:00"),  # Monday night
        ("2026-11-23T07:00:00+00:00", UTC, "2026-11-23T09:00:00+00:00"),  # Monday early
        ("2026-11-27T17:00:00+00:00", PARIS, "2026-11-30T08:00:00+00:00"),  # Friday 18:00 Paris
        ("2026-11-28T10:00:00+00:00", UTC, "2026-11-30T09:00:00+00:00"),  # Saturday
        ("2026-03-27T20:00:00+00:00", PARIS, "2026-03-30T07:00:00+00:00"),  # over the DST change
    ],
)
def test_business_hours_begin_on_the_next_weekday_at_nine_local(
    now: str, zone: tzinfo, starts: str
) -> None:
    at = business_start(datetime.fromisoformat(now), zone)
    assert at == datetime.fromisoformat(starts)


def test_a_rise_into_major_pages_and_a_fall_does_not() -> None:
    assert rise_pages(Severity.SEV3, Severity.SEV1)
    assert rise_pages(Severity.SEV2, Severity.SEV1)
    assert not rise_pages(Severity.SEV4, Severity.SEV3)
    assert not rise_pages(Severity.SEV1, Severity.SEV2)


ROUTES = Routes(security_policy=90, default_policy=91, commander_schedule=92)


def test_security_incidents_follow_the_security_route_only() -> None:
    services = [ServiceFacts("payments", 5, (11,), "Payments")]
    plan = route(kind=Kind.security, severity=Severity.SEV2, services=services, routes=ROUTES)
    assert [p for p, _ in plan.policies] == [90]
    unrouted = route(kind=Kind.security, severity=Severity.SEV2, services=services, routes=Routes())
    assert unrouted.empty
    assert unrouted.missing == ("security",)


def test_service_incidents_follow_each_service_policy_else_the_default() -> None:
    services = [
        ServiceFacts("payments", 5),
        ServiceFacts("checkout", 5),
        ServiceFacts("wiki", None),
    ]
    plan = route(kind=Kind.service, severity=Severity.SEV2, services=services, routes=ROUTES)
    assert [p for p, _ in plan.policies] == [5, 91]
    covered = route(kind=Kind.service, severity=Severity.SEV2, services=services[:2], routes=ROUTES)
    assert [p for p, _ in covered.policies] == [5]
    bare = route(kind=Kind.service, severity=Severity.SEV2, services=[], routes=ROUTES)
    assert [p for p, _ in bare.policies] == [91]
    assert plan.schedules == ()
    assert plan.people == ()


def test_sev1_also_pages_the_commander_rotation_and_owners() -> None:
    services = [ServiceFacts("payments", 5, (11,), "Payments"), ServiceFacts("ledger", 5, (11, 12))]
    plan = route(kind=Kind.service, severity=Severity.SEV1, services=services, routes=ROUTES)
    assert plan.schedules == ((92, "incident commander rotation"),)
    assert [p for p, _ in plan.people] == [11, 12]
    assert dict(plan.people)[11] == "owner of payments (Payments)"
    lonely = route(kind=Kind.service, severity=Severity.SEV1, services=services, routes=Routes())
    assert lonely.schedules == ()
    assert "commander" in lonely.missing
