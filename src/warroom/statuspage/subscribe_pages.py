"""The public subscription pages: subscribe by email (a confirmation link is sent first),
confirm, unsubscribe. No sign-in, no session and so no cookie; the links' signed tokens are the
only credential. Confirming and leaving are buttons (POST), not the link itself: mail scanners
follow links."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from warroom.access.deps import DbSession, Now
from warroom.errors import InvalidInput, NotFound
from warroom.settings import Settings
from warroom.statuspage import subscribers
from warroom.statuspage.components import list_components
from warroom.web.render import environment

router = APIRouter(tags=["status page"])
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    values = {"page_name": settings.statuspage_name, "form": "", "chosen": []} | context
    html = environment().get_template("statuspage/subscribe.html").render(values)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


@router.get("/status/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request, session: DbSession) -> HTMLResponse:
    shown = [c for c in list_components(session) if not c.is_group]
    return _page(request, heading="Get status updates", form="subscribe", components=shown)


@router.post("/status/subscribe", response_class=HTMLResponse)
def subscribe(
    request: Request,
    session: DbSession,
    at: Now,
    email: Annotated[str, Form(max_length=320)] = "",
    components: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
) -> HTMLResponse:
    try:
        found, confirm = subscribers.do_subscribe_email(
            session=session, address=email, components=components, now=at
        )
    except InvalidInput as exc:
        session.rollback()
        shown = [c for c in list_components(session) if not c.is_group]
        again = {"email": email, "chosen": components, "error": exc.detail}
        return _page(
            request, 422, heading="Get status updates", form="subscribe", components=shown, **again
        )
    if confirm:
        settings: Settings = request.app.state.settings
        url = subscribers.link(settings.base_url, request.app.state.secret_key, "confirm", found)
        subscribers.write_confirmation(session, found, settings.statuspage_name, url, at)
    # The same answer whether or not the address was known: nothing to learn by asking.
    message = f"Check {found.address}: we sent a link to confirm the subscription."
    return _page(request, heading="Almost there", message=message)


def _by_token(request: Request, session: DbSession, action: str, token: str) -> Any:
    secret: str = request.app.state.secret_key
    return subscribers.access_by_token(session=session, secret=secret, action=action, value=token)


@router.get("/status/subscriptions/{token}/{action}", response_class=HTMLResponse)
def ask(request: Request, token: str, action: str, session: DbSession) -> HTMLResponse:
    try:
        found = _by_token(request, session, action, token)
    except NotFound as exc:
        return _page(request, 404, heading="Link not valid", message=exc.detail)
    verb = "Confirm the subscription" if action == "confirm" else "Unsubscribe"
    return _page(request, heading=verb, message=found.address, form=request.url.path, button=verb)


@router.post("/status/subscriptions/{token}/{action}", response_class=HTMLResponse)
def act(request: Request, token: str, action: str, session: DbSession, at: Now) -> HTMLResponse:
    try:
        found = _by_token(request, session, action, token)
    except NotFound as exc:
        return _page(request, 404, heading="Link not valid", message=exc.detail)
    if action == "confirm":
        subscribers.do_confirm(subscriber=found, now=at)
        return _page(request, heading="Subscribed", message=f"{found.address} will hear from us.")
    address = found.address
    subscribers.do_unsubscribe(session=session, subscriber=found)
    return _page(request, heading="Unsubscribed", message=f"{address} will hear no more.")
