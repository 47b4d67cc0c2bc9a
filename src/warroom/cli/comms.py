"""``warroom comms`` and ``warroom subscriber``: an incident's updates written once and sent to
the audiences chosen (the status page as a draft awaiting approval, stakeholders and affected
customers by email), when the next one is due, the customers it hurt most; and the status
page's subscribers. Locally or over HTTP (``--url``/``--token``); ``--json`` prints the API's
document (nothing for ``subscriber remove``, which the API answers with 204)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from warroom.cli import comms_render as render
from warroom.cli.comms_backend import CommsBackend, LocalComms, RemoteComms, SubscriberIn
from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.run import DomainRun, Target, running_with
from warroom.db import utcnow
from warroom.statuspage.schemas import CommsUpdateIn, MessageTemplateIn

comms_app = typer.Typer(
    no_args_is_help=True,
    help="An incident's updates to the public, stakeholders and customers, and their cadence.",
)
subscriber_app = typer.Typer(
    no_args_is_help=True,
    help="Status page subscribers: emails (confirmed by a link first) and webhooks. Managers.",
)
CommsRun = DomainRun[CommsBackend]
MOST_MINUTES = 24 * 60  # a promise further off than a day is no cadence


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[CommsRun]:
    return running_with(RemoteComms, LocalComms.on, Target(url, token, as_email, tz), as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def _word(value: str | None) -> str | None:
    """A word as a person types it: ``Stake-Holders`` is ``stakeholders``."""
    return value.strip().lower().replace("-", "_") if value is not None else None


Str = str | None
ToOpt = Annotated[list[str], _opt("public, stakeholders or customers (repeat)", "--to")]
WhatOpt = Annotated[str, _opt("What happened, and who it affects", "--what")]
DoingOpt = Annotated[str, _opt("What is being done about it", "--doing")]
NextOpt = Annotated[
    int | None, _opt("Minutes until the next update, promised in the text", "--next")
]
StatusOpt = Annotated[Str, _opt("The status page status, e.g. identified (default: as now)")]
HeadlineOpt = Annotated[Str, _opt("The public title, if this opens a public incident")]
PreviewOpt = Annotated[
    bool, _opt("Show each audience's text and who gets it; send nothing", "--preview")
]


def _next_update(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    if not 1 <= minutes <= MOST_MINUTES:
        raise invalid("next_update_at", f"--next must be 1 to {MOST_MINUTES} minutes")
    return (utcnow() + timedelta(minutes=minutes)).isoformat()


@comms_app.command("send")
def send(
    ref: RefArg, to: ToOpt, what: WhatOpt, doing: DoingOpt, next_: NextOpt = None,
    status: StatusOpt = None, headline: HeadlineOpt = None, preview: PreviewOpt = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Write an update once and send it: stakeholders and customers by email at once, the
    status page as a draft the communications lead or the commander approves (responders)."""
    with running(url, token, as_, json_out, tz) as run:
        data = CommsUpdateIn.model_validate(
            {
                "audiences": [_word(a) for a in to], "what_happened": what, "doing": doing,
                "next_update_at": _next_update(next_), "status": _word(status),
                "headline": headline,
            }
        )  # fmt: skip
        if preview:
            planned = run.backend.preview(ref, data)
            run.emit(planned, lambda: render.preview(planned))
            return
        made = run.backend.send(ref, data)
        run.emit(made, lambda: render.sent(ref, made, run.zone()))


@comms_app.command("list")
def list_sent(
    ref: RefArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """The updates sent for the incident, newest first, with how many each reached."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.sent(ref)
        run.emit(rows, lambda: render.updates_table(ref, rows, run.zone()))


@comms_app.command("due")
def due(
    ref: RefArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """When the next update is due: the time the last one promised, else the severity's
    cadence (SEV1 30 min, SEV2 60) after the last update. Nothing for the other severities."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.due(ref)
        if found is None:
            # The API answers null here; the summary says why there is nothing.
            if json_out:
                typer.echo("null")
            else:
                Console().print(render.no_cadence(ref))
            return
        run.emit(found, lambda: render.due(ref, found, run.zone()))


@comms_app.command("affected")
def affected(
    ref: RefArg,
    plan_outreach: Annotated[
        bool, _opt("Add an outreach task for each most affected customer without one "
                   "(responders)", "--plan-outreach"),
    ] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Customers with an SLA on an impacted service, most affected first: tier, then the share
    of their month's downtime budget used; with their follow-up task."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.affected(ref, plan_outreach)
        run.emit(rows, lambda: render.affected_table(ref, rows))


AudienceArg = Annotated[str, typer.Argument(help="public, stakeholders or customers")]


@comms_app.command("templates")
def list_templates(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Each audience's update template (yours or the built-in one) and its placeholders."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.templates()
        run.emit(rows, lambda: render.templates(rows))


@comms_app.command("template-set")
def set_template(
    audience: AudienceArg,
    body_file: Annotated[Path, _opt("The template's text (Jinja), from this file", "--body-file")],
    subject: Annotated[str, _opt("The email subject (Jinja); not for public", "--subject")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Write an audience's template; one that would not render is refused. Managers."""
    try:
        text = body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise invalid("body", f"cannot read {body_file}: {exc}") from exc
    with running(url, token, as_, json_out) as run:
        data = MessageTemplateIn.model_validate({"subject": subject, "body": text})
        kept = run.backend.set_template(_word(audience) or "", data)
        run.emit(kept, lambda: render.template(kept))


@comms_app.command("template-reset")
def reset_template(
    audience: AudienceArg,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Bring back an audience's built-in template. Managers."""
    with running(url, token, as_, json_out) as run:
        back = run.backend.reset_template(_word(audience) or "")
        run.emit(back, lambda: render.template(back))


@subscriber_app.command("list")
def list_subscribers(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Every subscriber, whether it confirmed, and the components it follows."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.subscribers()
        run.emit(rows, lambda: render.subscribers_table(rows))


@subscriber_app.command("add")
def add_subscriber(
    email: Annotated[Str, _opt("An email address: sent a link to confirm before anything else")]
    = None,
    webhook: Annotated[Str, _opt("An http(s) URL, subscribed at once")] = None,
    component: Annotated[
        list[str] | None, _opt("A component's code or name (repeat; none: every one)")
    ] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Subscribe an email address or a webhook to status page changes."""
    with running(url, token, as_, json_out) as run:
        if (email is None) == (webhook is None):
            raise invalid("kind", "give either --email or --webhook")
        kind = "email" if email is not None else "webhook"
        data = SubscriberIn.model_validate(
            {"kind": kind, "address": email or webhook, "components": component or []}
        )
        made = run.backend.subscribe(data)
        run.emit(made, lambda: render.subscribed(made))


@subscriber_app.command("remove")
def remove_subscriber(
    subscriber_id: Annotated[int, typer.Argument(help="As `warroom subscriber list` shows.")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Remove a subscriber: nothing more is sent to it."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.unsubscribe(subscriber_id)
        if not run.as_json:
            named = f" ({gone.address})" if gone else ""
            typer.echo(f"Removed subscriber {subscriber_id}{named}.")
