"""JSON routes for people, teams and API tokens."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from warroom.access.deps import Admin, DbSession, Now, Viewer
from warroom.access.models import Person, Team
from warroom.access.present import token_out
from warroom.access.schemas import (
    PersonIn,
    PersonOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    TokenCreated,
    TokenIn,
    TokenOut,
)
from warroom.access.service import (
    do_create_person,
    do_create_team,
    do_create_token,
    do_revoke_token,
    list_tokens,
)
from warroom.errors import InvalidInput, NotFound
from warroom.incidents.service import check_person

router = APIRouter(prefix="/api/v1", tags=["people and access"])


def person_out(p: Person) -> PersonOut:
    return PersonOut.model_validate(p, from_attributes=True)


def team_out(t: Team) -> TeamOut:
    return TeamOut(
        id=t.id,
        name=t.name,
        lead=t.lead.email if t.lead else None,
        members=[m.email for m in t.members],
        sees_restricted=t.sees_restricted,
    )


@router.get("/me", response_model=PersonOut)
def me(session: DbSession, actor: Viewer) -> PersonOut:
    person = session.get(Person, actor.person_id)
    assert person is not None
    return person_out(person).model_copy(update={"role": actor.role})


@router.get("/people", response_model=list[PersonOut])
def list_people(session: DbSession, actor: Viewer) -> list[PersonOut]:
    return [person_out(p) for p in session.scalars(select(Person).order_by(Person.name))]


@router.post("/people", status_code=201, response_model=PersonOut)
def create_person(body: PersonIn, session: DbSession, actor: Admin, at: Now) -> PersonOut:
    person = do_create_person(session=session, now=at, **body.model_dump())
    return person_out(person)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(session: DbSession, actor: Viewer) -> list[TeamOut]:
    return [team_out(t) for t in session.scalars(select(Team).order_by(Team.name))]


@router.post("/teams", status_code=201, response_model=TeamOut)
def create_team(body: TeamIn, session: DbSession, actor: Admin) -> TeamOut:
    lead = check_person(session=session, email=body.lead, field="lead") if body.lead else None
    members = [check_person(session=session, email=m, field="members") for m in body.members]
    team = do_create_team(
        session=session, name=body.name, lead=lead, members=members,
        sees_restricted=body.sees_restricted,
    )  # fmt: skip
    return team_out(team)


@router.patch("/teams/{team_id}", response_model=TeamOut)
def update_team(team_id: int, body: TeamPatch, session: DbSession, actor: Admin) -> TeamOut:
    """Make a team the security team (its people see every restricted incident), or not."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"no team {team_id}")
    team.sees_restricted = body.sees_restricted
    return team_out(team)


@router.get("/tokens", response_model=list[TokenOut])
def tokens(session: DbSession, actor: Viewer) -> list[TokenOut]:
    return [token_out(t) for t in list_tokens(session=session, actor=actor)]


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def create_token(body: TokenIn, session: DbSession, actor: Viewer, at: Now) -> TokenCreated:
    """A token for yourself, with at most your own role."""
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise InvalidInput("expires_at", "must include a time zone offset")
    person = session.get(Person, actor.person_id)
    assert person is not None
    if body.role is not None and not actor.allows(body.role):
        raise InvalidInput("role", f"you are {actor.role} and cannot mint a {body.role} token")
    text, row = do_create_token(
        session=session,
        person=person,
        now=at,
        role=body.role or actor.role,
        name=body.name,
        expires_at=body.expires_at,
    )
    return TokenCreated(**token_out(row).model_dump(), token=text)


@router.delete("/tokens/{token_id}", response_model=TokenOut)
def revoke(token_id: int, session: DbSession, actor: Viewer, at: Now) -> TokenOut:
    return token_out(do_revoke_token(session=session, token_id=token_id, actor=actor, now=at))
