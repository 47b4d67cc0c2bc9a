"""Gathers what the conflict and suspect rules look at: a change's scope through the dependency
graph, active incidents and firing alert groups with their hosts, freezes, other booked changes,
and end-of-life software. Reads only; one ``Facts`` serves many changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from warroom.access.models import Person
from warroom.alerts.models import AlertGroup, AlertGroupMember, MaintenanceWindow
from warroom.catalog.lifecycles import cycles_by_product, software_status
from warroom.catalog.models import Asset, AssetService, Service, ServiceDependency
from warroom.catalog.rules import Support, reach, reverse
from warroom.changes.models import Change, ChangeAsset, ChangeService
from warroom.changes.rules import (
    BOOKED,
    ChangeType,
    FreezeSlot,
    Graph,
    Slot,
    Trouble,
    World,
)
from warroom.incidents.models import Incident
from warroom.incidents.rules import format_ref
from warroom.incidents.service import ACTIVE_STATUSES
from warroom.recurrence import occurrences


@dataclass
class Catalog:
    """Service names by id, who depends on what, and which hosts run which services."""

    depends_on: dict[str, set[str]] = field(default_factory=dict)
    used_by: dict[str, set[str]] = field(default_factory=dict)
    hosts_of: dict[str, set[str]] = field(default_factory=dict)  # service -> hostnames
    services_of: dict[str, set[str]] = field(default_factory=dict)  # hostname -> services

    def graph(self, services: Iterable[str]) -> Graph:
        roots = set(services)
        near = {
            n for r in roots for n in self.depends_on.get(r, set()) | self.used_by.get(r, set())
        }
        return Graph(
            frozenset(reach(self.depends_on, roots) - roots),
            frozenset(reach(self.used_by, roots) - roots),
            frozenset(near - roots),
        )


def load_catalog(session: Session) -> Catalog:
    names = dict(session.execute(select(Service.id, Service.name)).all())
    depends_on: dict[str, set[str]] = {}
    for a, b in session.execute(
        select(ServiceDependency.service_id, ServiceDependency.depends_on_id)
    ):
        depends_on.setdefault(names[a], set()).add(names[b])
    catalog = Catalog(depends_on, reverse(depends_on))
    links = select(Asset.hostname, AssetService.service_id).join(
        AssetService, AssetService.asset_id == Asset.id
    )
    for hostname, service_id in session.execute(links):
        host = hostname.lower()
        catalog.hosts_of.setdefault(names[service_id], set()).add(host)
        catalog.services_of.setdefault(host, set()).add(names[service_id])
    return catalog


def slot_of(change: Change, catalog: Catalog) -> Slot:
    """The change's direct scope: services named and those of its assets; hosts named and
    those of its services."""
    who = change.implementer
    row = SlotRow(
        change.id,
        change.title,
        change.type,
        change.planned_start,
        change.planned_end,
        who.id if who else None,
        who.name if who else "",
        change.incident_id,
        change.reboot_required,
    )
    return _slot(
        row, {s.name for s in change.services}, {a.hostname for a in change.assets}, catalog
    )


class SlotRow(NamedTuple):
    id: int
    title: str
    type: str
    start: datetime
    end: datetime
    implementer: int | None
    implementer_name: str | None
    incident_id: int | None
    reboot: bool


def _slot(row: SlotRow, named: set[str], assets: set[str], catalog: Catalog) -> Slot:
    hosts = {h.lower() for h in assets}
    services = set(named)
    for service in named:
        hosts |= catalog.hosts_of.get(service, set())
    for host in {h.lower() for h in assets}:
        services |= catalog.services_of.get(host, set())
    return Slot(
        id=row.id,
        title=row.title,
        type=ChangeType(row.type),
        start=row.start,
        end=row.end,
        services=frozenset(services),
        hosts=frozenset(hosts),
        implementer=row.implementer,
        implementer_name=row.implementer_name or "",
        incident_id=row.incident_id,
        reboot=row.reboot,
    )


def load_slots(session: Session, catalog: Catalog, *where: ColumnElement[bool]) -> list[Slot]:
    """The slots of the changes matching ``where``, read as plain rows: checking a thousand
    changes must not load a thousand changes with their assets' every column."""
    ids = select(Change.id).where(*where).scalar_subquery()
    query = (
        select(
            Change.id,
            Change.title,
            Change.type,
            Change.planned_start,
            Change.planned_end,
            Change.implementer_id,
            Person.name,
            Change.incident_id,
            Change.reboot_required,
        )
        .outerjoin(Person, Person.id == Change.implementer_id)
        .where(*where)
        .order_by(Change.planned_start, Change.id)
    )
    rows = [SlotRow(*r) for r in session.execute(query)]
    named: dict[int, set[str]] = {}
    for change_id, name in session.execute(
        select(ChangeService.change_id, Service.name)
        .join(Service, Service.id == ChangeService.service_id)
        .where(ChangeService.change_id.in_(ids))
    ):
        named.setdefault(change_id, set()).add(name)
    assets: dict[int, set[str]] = {}
    for change_id, hostname in session.execute(
        select(ChangeAsset.change_id, Asset.hostname)
        .join(Asset, Asset.id == ChangeAsset.asset_id)
        .where(ChangeAsset.change_id.in_(ids))
    ):
        assets.setdefault(change_id, set()).add(hostname)
    return [_slot(r, named.get(r.id, set()), assets.get(r.id, set()), catalog) for r in rows]


def troubles(session: Session, catalog: Catalog) -> list[Trouble]:
    """Active incidents (with the hosts of their alert groups), then firing alert groups that
    no active incident holds."""
    incidents = list(session.scalars(select(Incident).where(Incident.status.in_(ACTIVE_STATUSES))))
    active = {i.id for i in incidents}
    groups = list(
        session.scalars(
            select(AlertGroup).where(AlertGroup.status == "open", AlertGroup.escalating_alerts > 0)
        )
    )
    linked = [g.id for g in groups] + list(
        session.scalars(select(AlertGroup.id).where(AlertGroup.incident_id.in_(active)))
    )
    members = _members(session, linked)
    by_incident: dict[int, set[str]] = {}
    for row in session.execute(
        select(AlertGroup.id, AlertGroup.incident_id).where(AlertGroup.id.in_(linked))
    ):
        if row[1] is not None:
            by_incident.setdefault(row[1], set()).update(members.get(row[0], set()))
    found = [incident_trouble(i, by_incident.get(i.id, set()), catalog) for i in incidents]
    names = dict(session.execute(select(Service.id, Service.name)).all())
    for group in groups:
        if group.incident_id not in active:
            found.append(_group(group, members.get(group.id, set()), names, catalog))
    return found


def _members(session: Session, group_ids: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    if not group_ids:
        return found
    query = select(AlertGroupMember.group_id, AlertGroupMember.member).where(
        AlertGroupMember.group_id.in_(group_ids), AlertGroupMember.escalating.is_(True)
    )
    for group_id, member in session.execute(query):
        found.setdefault(group_id, set()).add(member.lower())
    return found


RESTRICTED_TITLE = "restricted; its members and the security team have the details"


def incident_trouble(incident: Incident, hosts: set[str], catalog: Catalog) -> Trouble:
    services = {s.name for s in incident.services}
    for host in hosts:
        services |= catalog.services_of.get(host, set())
    # A restricted incident still holds the change, but its title stays with its members.
    title = RESTRICTED_TITLE if incident.restricted else incident.title
    return Trouble(
        "incident",
        format_ref(incident.id),
        title,
        incident.severity,
        frozenset(services),
        frozenset(hosts),
        incident.id,
    )


def _group(group: AlertGroup, hosts: set[str], names: dict[int, str], catalog: Catalog) -> Trouble:
    services = {names[group.service_id]} if group.service_id in names else set()
    for host in hosts:
        services |= catalog.services_of.get(host, set())
    return Trouble(
        "alert_group",
        f"group {group.id}",
        group.title or group.rule.name,
        group.proposed_severity or "",
        frozenset(services),
        frozenset(hosts),
        group.incident_id,
    )


def freezes(session: Session, since: datetime, until: datetime) -> list[FreezeSlot]:
    """Every freeze occurrence overlapping ``[since, until)``."""
    query = select(MaintenanceWindow).where(
        MaintenanceWindow.kind == "freeze", MaintenanceWindow.starts_at < until
    )
    found = []
    for window in session.scalars(query):
        for start, end in occurrences(
            window.starts_at, window.ends_at, window.rrule, since=since, until=until
        ):
            found.append(
                FreezeSlot(
                    window.id,
                    window.name,
                    start,
                    end,
                    frozenset(window.services or ()),
                    frozenset(h.lower() for h in window.assets or ()),
                )
            )
    return found


def booked(session: Session, catalog: Catalog, since: datetime, until: datetime) -> list[Slot]:
    return load_slots(
        session,
        catalog,
        Change.state.in_(BOOKED),
        Change.planned_start < until,
        Change.planned_end > since,
    )


def eol_hosts(session: Session, hosts: Iterable[str], now: datetime) -> dict[str, list[str]]:
    """Hostname -> products past their end of life, for the hosts given."""
    wanted = sorted(set(hosts))
    if not wanted:
        return {}
    assets = list(session.scalars(select(Asset).where(Asset.hostname.in_(wanted))))
    statuses = software_status(assets, cycles_by_product(session=session), now.date())
    found = {}
    for host, rows in statuses.items():
        ended = [f"{s.product} {s.version}" for s in rows if s.status is Support.eol]
        if ended:
            found[host.lower()] = ended
    return found


def world_for(session: Session, slots: Sequence[Slot], catalog: Catalog, now: datetime) -> World:
    """Everything the checks need for these changes, read once."""
    if not slots:
        return World()
    since = min(s.start for s in slots) - timedelta(days=1)
    until = max(s.end for s in slots) + timedelta(days=1)
    return World(
        troubles=troubles(session, catalog),
        freezes=freezes(session, since, until),
        others=booked(session, catalog, since, until),
        eol_hosts=eol_hosts(session, {h for s in slots for h in s.hosts}, now),
    )
