"""JSON routes for contact methods and notification rules: everyone keeps their own under
``/api/v1/me/…``; admins keep anyone's under ``/api/v1/people/{id}/…``."""

# No ``from __future__ import annotations`` here: the routes' annotations name a dependency
# local to ``_routes``, which FastAPI can only see when they are evaluated in place.
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from warroom.access.deps import Admin, DbSession, Now, Viewer
from warroom.access.models import Person
from warroom.oncall import contacts
from warroom.oncall.page_schemas import (
    ContactMethodIn,
    ContactMethodOut,
    NotificationRuleIn,
    NotificationRuleOut,
)


def _me(session: DbSession, actor: Viewer) -> Person:
    return contacts.access_person(session=session, person_id=actor.person_id)


def _someone(person_id: int, session: DbSession, actor: Admin) -> Person:
    return contacts.access_person(session=session, person_id=person_id)


def _routes(prefix: str, who: Callable[..., Person], tag: str) -> APIRouter:
    """The same routes for oneself and, for admins, for anyone."""
    router = APIRouter(prefix=prefix, tags=[tag])
    owner = Annotated[Person, Depends(who)]
    _method_routes(router, owner)
    _rule_routes(router, owner)
    return router


def _method_routes(router: APIRouter, Owner: Any) -> None:  # noqa: N803 - used as a type
    @router.get("/contact-methods", response_model=list[ContactMethodOut])
    def list_methods(person: Owner, session: DbSession) -> list[ContactMethodOut]:
        return [
            contacts.method_out(m) for m in contacts.contact_methods(session=session, person=person)
        ]

    @router.post("/contact-methods", status_code=201, response_model=ContactMethodOut)
    def add_method(body: ContactMethodIn, person: Owner, session: DbSession, at: Now) -> Any:
        made = contacts.do_add_contact_method(session=session, person=person, data=body, now=at)
        return contacts.method_out(made)

    @router.put("/contact-methods/{method_id}", response_model=ContactMethodOut)
    def replace_method(
        method_id: int, body: ContactMethodIn, person: Owner, session: DbSession
    ) -> Any:
        method = contacts.access_contact_method(session=session, person=person, method_id=method_id)
        return contacts.method_out(
            contacts.do_replace_contact_method(session=session, method=method, data=body)
        )

    @router.delete("/contact-methods/{method_id}", status_code=204)
    def delete_method(method_id: int, person: Owner, session: DbSession) -> Response:
        method = contacts.access_contact_method(session=session, person=person, method_id=method_id)
        contacts.do_delete_contact_method(session=session, method=method)
        return Response(status_code=204)


def _rule_routes(router: APIRouter, Owner: Any) -> None:  # noqa: N803 - used as a type
    @router.get("/notification-rules", response_model=list[NotificationRuleOut])
    def list_rules(person: Owner, session: DbSession) -> list[NotificationRuleOut]:
        return [
            contacts.rule_out(r)
            for r in contacts.notification_rules(session=session, person=person)
        ]

    @router.post("/notification-rules", status_code=201, response_model=NotificationRuleOut)
    def add_rule(body: NotificationRuleIn, person: Owner, session: DbSession) -> Any:
        return contacts.rule_out(
            contacts.do_add_notification_rule(session=session, person=person, data=body)
        )

    @router.delete("/notification-rules/{rule_id}", status_code=204)
    def delete_rule(rule_id: int, person: Owner, session: DbSession) -> Response:
        contacts.do_delete_notification_rule(session=session, person=person, rule_id=rule_id)
        return Response(status_code=204)


def routers() -> list[APIRouter]:
    return [
        _routes("/api/v1/me", _me, "my paging"),
        _routes("/api/v1/people/{person_id}", _someone, "people's paging"),
    ]
