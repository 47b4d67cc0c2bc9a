"""Who may see a restricted incident: its members and the security team, nobody else.

A member is the reporter, anyone holding a role now, any participant not yet released, and
anyone paged for it (a page has to be readable by the person it wakes). Members of a team
flagged ``sees_restricted`` (the security team) see every incident. Everyone else sees no trace
of a restricted incident: not in lists, counts, search, feeds, exports or notifications, and a
direct link answers 404 as if it did not exist. Background work with no actor sees everything;
what it sends on is filtered by :func:`may_see_people`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, false, or_, select, true, union
from sqlalchemy.orm import QueryableAttribute, Session

from warroom.access.models import Team, TeamMember
from warroom.access.service import Actor
from warroom.incidents.models import Incident, Participant, RoleAssignment
from warroom.oncall.models import Page

HIDDEN_LABEL = "a restricted incident"


@dataclass(frozen=True)
class Sight:
    """What one viewer may see: everything (security team, background work) or the
    unrestricted incidents plus the ones they are a member of."""

    person_id: int | None
    everything: bool


def security_team_ids(session: Session) -> set[int]:
    """The people of the security team(s), leads included."""
    members = select(TeamMember.person_id).join(Team, Team.id == TeamMember.team_id)
    leads = select(Team.lead_id).where(Team.sees_restricted.is_(True), Team.lead_id.is_not(None))
    query: CompoundSelect[Any] = union(members.where(Team.sees_restricted.is_(True)), leads)
    return {int(row) for row in session.scalars(query) if row is not None}


def sight(session: Session, actor: Actor | None) -> Sight:
    if actor is None:
        return Sight(None, everything=True)
    cache: dict[int, Sight] = session.info.setdefault("warroom.sight", {})
    if actor.person_id not in cache:
        everything = actor.person_id in security_team_ids(session)
        cache[actor.person_id] = Sight(actor.person_id, everything)
    return cache[actor.person_id]


def member_incident_ids(person_id: int) -> CompoundSelect[Any]:
    """The incidents a person is a member of, as one query to use inside others."""
    return union(
        select(Incident.id).where(Incident.reporter_id == person_id),
        select(RoleAssignment.incident_id).where(
            RoleAssignment.person_id == person_id, RoleAssignment.ended_at.is_(None)
        ),
        select(Participant.incident_id).where(
            Participant.person_id == person_id, Participant.released_at.is_(None)
        ),
        select(Page.incident_id).where(Page.person_id == person_id),
    )


def visible(
    seen: Sight, incident_id: QueryableAttribute[int] | QueryableAttribute[int | None] | None = None
) -> ColumnElement[bool]:
    """A filter on incidents (or on any column holding an incident id) for this viewer."""
    if seen.everything:
        return true()
    if seen.person_id is None:
        return false()
    column: QueryableAttribute[Any] = Incident.id if incident_id is None else incident_id
    restricted = select(Incident.id).where(Incident.restricted.is_(True))
    mine = member_incident_ids(seen.person_id)
    return or_(column.not_in(restricted), column.in_(mine))


def can_see(session: Session, actor: Actor | None, incident: Incident) -> bool:
    if not incident.restricted:
        return True
    seen = sight(session, actor)
    if seen.everything:
        return True
    assert seen.person_id is not None
    mine = member_incident_ids(seen.person_id)
    return incident.id in set(session.scalars(mine))


def hidden_ids(session: Session, actor: Actor | None, ids: Iterable[int]) -> set[int]:
    """Of these incidents, the ones this viewer may not see (for lists that link to them)."""
    wanted = set(ids)
    seen = sight(session, actor)
    if not wanted or seen.everything:
        return set()
    query = select(Incident.id).where(Incident.id.in_(wanted), ~visible(seen))
    return set(session.scalars(query))


def may_see_people(session: Session, incident: Incident, people: Iterable[int]) -> set[int]:
    """Of these people, the ones who may be told about this incident (for notifications)."""
    wanted = set(people)
    if not incident.restricted:
        return wanted
    security = security_team_ids(session)
    members = {
        person_id
        for person_id in wanted - security
        if incident.id in set(session.scalars(member_incident_ids(person_id)))
    }
    return (wanted & security) | members
