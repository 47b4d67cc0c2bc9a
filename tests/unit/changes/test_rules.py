"""The pure rules of changes: conflict reasons, the dependency neighbourhood, the state
machine, risk hints and suspect ranking. Values in, values out: no database, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.catalog.rules import reverse
from warroom.changes.facts import Catalog
from warroom.changes.rules import (
    ChangeState,
    ChangeType,
    ConflictSeverity,
    FreezeSlot,
    Graph,
    Reason,
    Risk,
    Slot,
    Trouble,
    World,
    after_submit,
    allowed_next,
    conflicts,
    risk_hints,
    suggested_risk,
    transition_error,
)
from warroom.changes.suspects import rank_suspects

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
S = ChangeState
# checkout → orders → order-db → storage, orders → identity; mobile → checkout; reporting →
# order-db (a sibling of orders: neither depends on the other).
DEPENDS_ON = {
    "mobile": {"checkout"},
    "checkout": {"orders"},
    "orders": {"order-db", "identity"},
    "order-db": {"storage"},
    "reporting": {"order-db"},
}
CATALOG = Catalog(DEPENDS_ON, reverse(DEPENDS_ON))


def slot(
    number: int = 1,
    *,
    start: datetime = START,
    hours: float = 2,
    services: tuple[str, ...] = ("orders",),
    hosts: tuple[str, ...] = ("ord-01",),
    kind: ChangeType = ChangeType.normal,
    implementer: int | None = None,
    incident_id: int | None = None,
    reboot: bool = False,
) -> Slot:
    return Slot(
        id=number,
        title=f"Change {number}",
        type=kind,
        start=start,
        end=start + timedelta(hours=hours),
        services=frozenset(services),
        hosts=frozenset(hosts),
        implementer=implementer,
        implementer_name="Ivy Implementer" if implementer else "",
        incident_id=incident_id,
        reboot=reboot,
    )


def incident(
    number: int = 7,
    severity: str = "SEV1",
    services: tuple[str, ...] = (),
    hosts: tuple[str, ...] = (),
) -> Trouble:
    return Trouble(
        "incident",
        f"INC-{number}",
        "Orders failing",
        severity,
        frozenset(services),
        frozenset(hosts),
        number,
    )


def group(services: tuple[str, ...] = (), hosts: tuple[str, ...] = ()) -> Trouble:
    return Trouble(
        "alert_group", "group 3", "AntivirusDetection", "", frozenset(services), frozenset(hosts)
    )


def check(change: Slot, **world: object) -> list[tuple[Reason, ConflictSeverity]]:
    found = conflicts(change, CATALOG.graph(change.services), World(**world))  # type: ignore[arg-type]
    return [(c.reason, c.severity) for c in found]


# -- one test per conflict reason --------------------------------------------------------------


def test_an_active_incident_on_an_asset_of_the_scope_conflicts() -> None:
    (found,) = conflicts(slot(), Graph(), World(troubles=[incident(hosts=("ord-01",))]))
    assert (found.reason, found.severity, found.incident_id) == (
        Reason.incident,
        ConflictSeverity.critical,
        7,
    )
    assert found.detail == "incident INC-7 (SEV1) is on ord-01: Orders failing"
    assert found.data["hosts"] == ["ord-01"]


def test_a_minor_incident_on_the_service_is_high_not_critical() -> None:
    trouble = incident(severity="SEV3", services=("orders",))
    assert check(slot(hosts=()), troubles=[trouble]) == [(Reason.incident, ConflictSeverity.high)]


def test_an_incident_elsewhere_does_not_conflict() -> None:
    trouble = incident(services=("wiki",), hosts=("wiki-01",))
    assert check(slot(), troubles=[trouble]) == []


def test_a_firing_alert_group_on_the_scope_conflicts() -> None:
    (found,) = conflicts(slot(), Graph(), World(troubles=[group(hosts=("ord-01", "ord-02"))]))
    assert (found.reason, found.severity) == (Reason.alert_group, ConflictSeverity.high)
    assert found.incident_id is None
    assert found.detail == "firing alert group 3 is on ord-01: AntivirusDetection"


def test_dependency_expansion_follows_the_graph_both_ways() -> None:
    graph = CATALOG.graph(["orders"])
    assert graph.dependencies == {"order-db", "identity", "storage"}
    assert graph.dependents == {"checkout", "mobile"}
    assert graph.near == {"order-db", "identity", "checkout"}
    # A sibling sharing a dependency is neither.
    assert "reporting" not in graph.dependencies | graph.dependents


def test_an_incident_on_a_service_the_scope_depends_on_conflicts() -> None:
    trouble = incident(services=("order-db",))
    (found,) = conflicts(slot(hosts=()), CATALOG.graph(["orders"]), World(troubles=[trouble]))
    assert found.reason is Reason.dependency
    assert found.severity is ConflictSeverity.high  # a major incident one hop away
    assert found.detail.endswith("is on a dependency: the scope depends on order-db")
    assert found.data["dependencies"] == ["order-db"]


def test_an_incident_on_a_service_that_depends_on_the_scope_conflicts() -> None:
    trouble = incident(services=("mobile",))  # mobile → checkout → orders: two hops up
    (found,) = conflicts(slot(hosts=()), CATALOG.graph(["orders"]), World(troubles=[trouble]))
    assert found.reason is Reason.dependency
    assert found.detail.endswith("mobile depends on the scope")
    assert found.data["dependents"] == ["mobile"]


def test_a_far_dependency_weighs_less_than_a_near_one() -> None:
    graph = CATALOG.graph(["orders"])
    near, far = incident(8, services=("order-db",)), incident(9, services=("storage",))
    by_ref = {c.data["ref"]: c.severity for c in conflicts(slot(), graph, World([near, far]))}
    assert by_ref == {"INC-8": ConflictSeverity.high, "INC-9": ConflictSeverity.medium}
    minor_far = incident(10, severity="SEV3", services=("storage",))
    assert check(slot(), troubles=[minor_far]) == [(Reason.dependency, ConflictSeverity.low)]


def test_a_sibling_service_in_trouble_is_not_a_dependency() -> None:
    assert check(slot(hosts=()), troubles=[incident(services=("reporting",))]) == []


def test_an_emergency_change_does_not_conflict_with_the_incident_it_fixes() -> None:
    fix = slot(kind=ChangeType.emergency, incident_id=7)
    mine, other = incident(7, hosts=("ord-01",)), incident(8, hosts=("ord-01",))
    found = conflicts(fix, Graph(), World(troubles=[mine, other]))
    assert [(c.reason, c.incident_id) for c in found] == [(Reason.incident, 8)]


def test_a_normal_change_naming_the_incident_still_conflicts_with_it() -> None:
    linked = slot(kind=ChangeType.normal, incident_id=7)
    found = conflicts(linked, Graph(), World(troubles=[incident(7, hosts=("ord-01",))]))
    assert [(c.reason, c.incident_id) for c in found] == [(Reason.incident, 7)]


def freeze(
    number: int = 1,
    start: datetime = START - timedelta(hours=1),
    hours: float = 24,
    services: tuple[str, ...] = (),
    hosts: tuple[str, ...] = (),
) -> FreezeSlot:
    return FreezeSlot(
        number,
        "Black Friday",
        start,
        start + timedelta(hours=hours),
        frozenset(services),
        frozenset(hosts),
    )


def test_a_change_inside_a_global_freeze_conflicts() -> None:
    (found,) = conflicts(slot(), Graph(), World(freezes=[freeze()]))
    assert (found.reason, found.severity) == (Reason.freeze, ConflictSeverity.high)
    assert "inside freeze 'Black Friday' on everything" in found.detail


def test_a_scoped_freeze_stops_only_its_scope() -> None:
    assert check(slot(), freezes=[freeze(services=("wiki",))]) == []
    assert check(slot(), freezes=[freeze(hosts=("ord-01",))]) == [
        (Reason.freeze, ConflictSeverity.high)
    ]


def test_a_freeze_that_ends_when_the_change_starts_does_not_conflict() -> None:
    before = freeze(start=START - timedelta(hours=5), hours=5)
    assert check(slot(), freezes=[before]) == []


def test_an_emergency_change_in_a_freeze_is_flagged_lower_and_once_per_freeze() -> None:
    # Two occurrences of one repeating freeze both overlap a long change: one conflict.
    first, second = freeze(hours=1), freeze(start=START + timedelta(hours=1), hours=1)
    found = check(slot(kind=ChangeType.emergency, hours=4), freezes=[first, second])
    assert found == [(Reason.freeze, ConflictSeverity.medium)]


def test_another_change_on_the_same_assets_at_the_same_time_conflicts() -> None:
    other = slot(2, start=START + timedelta(hours=1), hosts=("ord-01", "ord-02"))
    (found,) = conflicts(slot(), Graph(), World(others=[slot(), other]))
    assert (found.reason, found.severity) == (Reason.change_overlap, ConflictSeverity.high)
    assert found.detail == "CHG-2 'Change 2' works on ord-01 at the same time"


def test_back_to_back_changes_on_the_same_asset_do_not_overlap() -> None:
    after = slot(2, start=START + timedelta(hours=2))
    assert check(slot(), others=[after]) == []


def test_an_implementer_booked_on_two_changes_at_once_conflicts() -> None:
    mine = slot(implementer=42)
    elsewhere = slot(2, hosts=("wiki-01",), services=("wiki",), implementer=42)
    (found,) = conflicts(mine, Graph(), World(others=[elsewhere]))
    assert (found.reason, found.severity) == (Reason.implementer_busy, ConflictSeverity.medium)
    assert found.detail == "Ivy Implementer is also implementing CHG-2 'Change 2' then"
    assert check(slot(implementer=42), others=[slot(2, hosts=("x",), implementer=43)]) == []


def test_end_of_life_software_in_the_scope_conflicts_higher_when_rebooting() -> None:
    eol = {"ord-01": ["openssl 1.0.1e"], "wiki-01": ["python 2.7"]}
    (found,) = conflicts(slot(), Graph(), World(eol_hosts=eol))
    assert (found.reason, found.severity) == (Reason.end_of_life, ConflictSeverity.medium)
    assert found.detail == "end-of-life software (openssl 1.0.1e) on ord-01"
    assert check(slot(reboot=True), eol_hosts=eol) == [(Reason.end_of_life, ConflictSeverity.high)]
    assert check(slot(hosts=("ord-02",)), eol_hosts=eol) == []


def test_conflicts_come_worst_first() -> None:
    world = {
        "troubles": [incident(hosts=("ord-01",))],
        "freezes": [freeze()],
        "eol_hosts": {"ord-01": ["openssl 1.0.1e"]},
    }
    assert check(slot(), **world) == [
        (Reason.incident, ConflictSeverity.critical),
        (Reason.freeze, ConflictSeverity.high),
        (Reason.end_of_life, ConflictSeverity.medium),
    ]


# -- transitions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "to"),
    [
        (S.draft, S.submitted),
        (S.submitted, S.approved),
        (S.approved, S.scheduled),
        (S.scheduled, S.in_progress),
        (S.in_progress, S.completed),
        (S.in_progress, S.failed),
        (S.in_progress, S.rolled_back),
        (S.approved, S.cancelled),
        (S.scheduled, S.on_hold),
    ],
)
def test_allowed_transitions(state: ChangeState, to: ChangeState) -> None:
    assert transition_error(state, to, ChangeType.normal, None) is None


@pytest.mark.parametrize(
    ("state", "to"),
    [
        (S.draft, S.in_progress),  # not approved
        (S.submitted, S.scheduled),
        (S.draft, S.completed),
        (S.scheduled, S.completed),  # never started
        (S.cancelled, S.draft),
        (S.draft, S.on_hold),
    ],
)
def test_illegal_transitions(state: ChangeState, to: ChangeState) -> None:
    error = transition_error(state, to, ChangeType.normal, None)
    assert error is not None
    assert error.startswith(f"a {state} change cannot become {to}")


def test_an_ended_change_can_become_nothing() -> None:
    error = transition_error(S.completed, S.in_progress, ChangeType.normal, None)
    assert (
        error
        == "a completed change cannot become in_progress; it can become nothing (it has ended)"
    )


def test_a_held_change_returns_only_to_where_it_was_or_is_cancelled() -> None:
    assert allowed_next(S.on_hold, ChangeType.normal, "scheduled") == {S.scheduled, S.cancelled}
    assert transition_error(S.on_hold, S.in_progress, ChangeType.normal, "scheduled") is not None


def test_an_emergency_change_may_start_before_approval() -> None:
    assert transition_error(S.draft, S.in_progress, ChangeType.emergency, None) is None
    assert transition_error(S.submitted, S.in_progress, ChangeType.emergency, None) is None
    assert transition_error(S.submitted, S.in_progress, ChangeType.standard, None) is not None


def test_submitting_a_standard_change_approves_it() -> None:
    assert after_submit(ChangeType.standard) is S.approved
    assert after_submit(ChangeType.normal) is S.submitted


# -- risk hints --------------------------------------------------------------------------------


def test_a_reboot_of_a_tier_one_service_is_high_risk() -> None:
    hints = risk_hints({"orders": 1, "wiki": 3}, [], reboot=True)
    assert [(h.code, h.text) for h in hints] == [
        ("tier", "tier-1 service in scope: orders"),
        ("reboot", "reboot required"),
    ]
    assert suggested_risk(hints) is Risk.high


def test_tier_two_or_end_of_life_alone_is_medium_and_tier_three_is_low() -> None:
    assert suggested_risk(risk_hints({"billing": 2}, [], reboot=False)) is Risk.medium
    assert suggested_risk(risk_hints({"tool": 1}, [], reboot=False)) is Risk.medium
    assert risk_hints({"wiki": 3}, [], reboot=False) == []
    assert suggested_risk([]) is Risk.low
    hosts = [f"h{n}" for n in range(7)]
    (eol,) = risk_hints({}, hosts, reboot=False)
    assert eol.text == "end-of-life software on h0, h1, h2, h3, h4 …"
    assert suggested_risk(risk_hints({"orders": 1}, hosts, reboot=False)) is Risk.high


# -- suspects ----------------------------------------------------------------------------------


def test_suspects_rank_same_asset_then_same_service_then_dependency() -> None:
    started = START
    trouble = incident(services=("orders",), hosts=("ord-01",))
    on_host = slot(1, services=(), hosts=("ord-01",))
    on_service = slot(2, services=("orders",), hosts=())
    on_dependency = slot(3, services=("order-db",), hosts=())
    unrelated = slot(4, services=("wiki",), hosts=("wiki-01",))
    day_before = started - timedelta(days=1)
    ranked = rank_suspects(
        started,
        trouble,
        [
            (on_dependency, CATALOG.graph(["order-db"]), day_before),
            (unrelated, CATALOG.graph(["wiki"]), day_before),
            (on_service, CATALOG.graph(["orders"]), day_before),
            (on_host, Graph(), day_before),
        ],
    )
    assert [(s.change_id, s.reasons) for s in ranked] == [
        (1, ["same asset: ord-01"]),
        (2, ["same service: orders"]),
        (3, ["a dependency: orders"]),  # orders depends on the changed order-db
    ]


def test_a_change_just_before_the_incident_outranks_an_older_one() -> None:
    trouble = incident(services=("orders",))
    old = slot(1, services=("orders",), hosts=())
    recent = slot(2, services=("orders",), hosts=())
    ranked = rank_suspects(
        START,
        trouble,
        [
            (old, Graph(), START - timedelta(hours=30)),
            (recent, Graph(), START - timedelta(minutes=20)),
        ],
    )
    assert [s.change_id for s in ranked] == [2, 1]
    assert ranked[0].reasons == [
        "same service: orders",
        "time proximity: 20 min before the incident started",
    ]
    assert ranked[0].score > ranked[1].score
