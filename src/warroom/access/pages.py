"""Signing in and out of the web pages, and the page dependencies that say who is asking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from warroom.access.deps import DbSession, session_actor, sign_in
from warroom.access.rules import Role
from warroom.access.service import Actor, authenticate_password
from warroom.errors import PermissionDenied
from warroom.web.csrf import check_csrf, ensure_token, new_token
from warroom.web.render import LoginRequired, PageRoute, render, see_other

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])


def page_actor(role: Role) -> Callable[..., Actor]:
    """Like ``require`` for the API, but from the session cookie only, and a missing sign-in
    sends the browser to the login form rather than answering 401."""

    def check(request: Request, session: DbSession) -> Actor:
        actor = session_actor(request, session)
        if actor is None:
            raise LoginRequired
        if not actor.allows(role):
            raise PermissionDenied(f"this page needs the {role} role; you are {actor.role}")
        return actor

    check.__name__ = f"page_{role.value}"
    return check


PageViewer = Annotated[Actor, Depends(page_actor(Role.viewer))]
PageResponder = Annotated[Actor, Depends(page_actor(Role.responder))]
PageManager = Annotated[Actor, Depends(page_actor(Role.manager))]


def safe_next(target: str | None) -> str:
    """Only local paths: ``next`` must never send someone to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    ensure_token(request)
    return render(request, "login.html", {"next": safe_next(next), "actor": None})


@router.post("/login")
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    person = authenticate_password(session=session, email=email, password=password)
    if person is None:
        context = {"next": safe_next(next), "actor": None, "values": {"email": email}}
        context["errors"] = {"form": "Wrong email or password."}
        return render(request, "login.html", context, status=401)
    sign_in(request, person, new_token())
    return see_other(safe_next(next))


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return see_other("/login")
