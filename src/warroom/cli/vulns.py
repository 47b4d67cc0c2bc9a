"""``warroom vulns``: vulnerability campaigns from the terminal. Open one from an OSV file or the
hand form, follow its progress by tier and customer, move a record, schedule a tier's emergency
window (and settle it once its change has ended), and tell the customers concerned. Locally or
over HTTP (``--url``/``--token``); ``--json`` prints the API's document."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.cli.vulns_backend import LocalVulns, RemoteVulns, VulnsBackend
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.schemas import (
    CampaignOut,
    CustomerNoticeOut,
    NotifyIn,
    NotifyOut,
    ProgressOut,
    RecordOut,
    RecordPatch,
    WindowIn,
    WindowOut,
)

vulns_app = typer.Typer(
    no_args_is_help=True,
    help="Vulnerability campaigns: open from an advisory, patch by tier, tell customers.",
)
VulnsRun = DomainRun[VulnsBackend]
Str = str | None
IdArg = Annotated[str, typer.Argument(help="The campaign's number or advisory id (CVE-2014-0160)")]


def running(
    url: Str, token: Str, as_email: Str, as_json: bool, tz: Str = None
) -> AbstractContextManager[VulnsRun]:
    target = Target(url, token, as_email, tz)
    return running_with(RemoteVulns, LocalVulns.on, target, as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def _counts(statuses: dict[str, int]) -> str:
    return ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in statuses.items()) or "none"


def render_campaigns(rows: list[CampaignOut]) -> RenderableType:
    table = Table("#", "Advisory", "Summary", "Open", "Statuses", title="Campaigns")
    for c in rows:
        table.add_row(str(c.id), c.advisory_id, c.summary, f"{c.counts.open}/{c.counts.total}",
                      _counts(c.counts.statuses))  # fmt: skip
    return table if rows else Text("No campaign yet.")


def render_progress(found: ProgressOut) -> RenderableType:
    lines: list[RenderableType] = [
        Text.assemble((f"{found.advisory_id} ", "bold"),
                      f"{found.counts.open} of {found.counts.total} assets still exposed"),
    ]  # fmt: skip
    if found.time_to_understand_seconds is not None:
        lines.append(Text(f"risk understood in {found.time_to_understand_seconds / 60:.1f} min"))
    else:
        lines.append(Text("still assessing: some assets are unassessed"))
    tiers = Table("Tier", "Assets", "Exposed", "Statuses", title="By tier (1 = patch first)")
    for t in found.by_tier:
        tiers.add_row(str(t.tier), str(t.total), str(t.open), _counts(t.statuses))
    customers = Table("Customer", "Assets", "Exposed", title="By customer")
    for c in found.by_customer:
        customers.add_row(c.customer, str(c.total), str(c.open))
    return Group(*lines, tiers, customers)


def render_records(rows: list[RecordOut]) -> RenderableType:
    table = Table("Tier", "Host", "Installed", "Verdict", "Status", "Note")
    for r in rows:
        table.add_row(str(r.tier), r.hostname, f"{r.product} {r.version}", r.verdict.value,
                      r.status.value, r.note)  # fmt: skip
    return table if rows else Text("No record.")


def render_windows(rows: list[WindowOut], run: VulnsRun) -> RenderableType:
    """Each window on a few lines: conflicts are sentences, too long for a table cell."""
    zone = run.zone()
    lines: list[RenderableType] = []
    for w in rows:
        when = f"{w.planned_start.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        until = f"{w.planned_end.astimezone(zone):%H:%M}"
        state = w.state.value.replace("_", " ")
        head = f"{w.title} · tier {w.tier} · {when} to {until} · {state}"
        lines.append(Text.assemble((f"{w.change} ", "bold"), head))
        lines.append(Text(f"  assets: {', '.join(w.hostnames)} ({_counts(w.records)})"))
        lines += [Text(f"  conflict [{c.severity.value}] {c.detail}") for c in w.conflicts]
        if w.settled_as is not None:
            lines.append(Text(f"  settled: {w.settled_as.value.replace('_', ' ')}"))
    return Group(*lines) if lines else Text("No window yet.")


def render_customers(rows: list[CustomerNoticeOut], run: VulnsRun) -> RenderableType:
    table = Table("Customer", "Tier", "Services", "Exposed", "Contacts", "Notified")
    for c in rows:
        told = "not yet"
        if c.notified_at is not None:
            told = f"{c.notified_at.astimezone(run.zone()):%Y-%m-%d %H:%M %Z} ({c.times} times)"
        table.add_row(c.customer, str(c.tier), ", ".join(c.services),
                      f"{c.exposed}/{c.assets}", str(c.contacts), told)  # fmt: skip
    return table if rows else Text("No customer is concerned.")


def render_notified(found: NotifyOut) -> RenderableType:
    lines = [Text(f"notified {c.customer} ({c.contacts} contact(s))") for c in found.notified]
    lines += [Text(f"skipped {s.customer}: {s.reason}") for s in found.skipped]
    return Group(*lines) if lines else Text("No customer is concerned.")


def _document(file: Path | None, hand: dict[str, Any]) -> dict[str, Any]:
    """The advisory: the JSON file, or the hand form from the options, never both."""
    given = {k: v for k, v in hand.items() if v not in (None, [], False)}
    if file is None:
        return given
    if given:
        raise invalid("file", "give an advisory file or the hand-form options, not both")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise invalid("file", f"cannot read {file}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise invalid("file", f"not JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise invalid("file", "must hold one JSON object (an OSV advisory or the hand form)")
    return data


@vulns_app.command("open")
def open_campaign(
    file: Annotated[Path | None, typer.Argument(help="An OSV advisory (or hand form) as JSON")]
    = None,
    ident: Annotated[Str, _opt("Advisory id (hand form)", "--id")] = None,
    product: Annotated[Str, _opt("Product name, e.g. openssl (hand form)")] = None,
    affected: Annotated[list[str] | None, _opt("A vers range; repeatable", "--affected")] = None,
    fixed: Annotated[list[str] | None, _opt("A fixed version; repeatable", "--fixed")] = None,
    summary: Annotated[Str, _opt("One line about it")] = None,
    cvss: Annotated[float | None, _opt("CVSS base score")] = None,
    exploited: Annotated[bool, _opt("Known to be exploited", "--known-exploited")] = False,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Open a campaign: match the advisory against the installed software of the catalog."""
    hand = {"id": ident, "product": product, "affected": affected or [], "fixed": fixed or [],
            "summary": summary, "cvss": cvss, "known_exploited": exploited}  # fmt: skip
    with running(url, token, as_, json_out) as run:
        made = run.backend.open_campaign(_document(file, hand))
        run.emit(made, lambda: Group(Text(f"Campaign {made.id} opened for {made.advisory_id}."),
                                     render_records(run.backend.records(str(made.id), None,
                                                                        None))))  # fmt: skip


@vulns_app.command("list")
def list_campaigns(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None
) -> None:
    """The campaigns, newest first, with their open records."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.campaigns()
        run.emit(rows, lambda: render_campaigns(rows))


@vulns_app.command("show")
def show(ref: IdArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
         as_: AsOpt = None) -> None:  # fmt: skip
    """Progress by tier and by customer (``--json``: the API's progress document)."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.progress(ref)
        run.emit(found, lambda: render_progress(found))


@vulns_app.command("assets")
def assets(
    ref: IdArg, tier: Annotated[int | None, _opt("Only this tier")] = None,
    status: Annotated[RemediationStatus | None, _opt("Only this status")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """The assets the advisory may affect, tier 1 first."""
    with running(url, token, as_, json_out) as run:
        rows = run.backend.records(ref, tier, status)
        run.emit(rows, lambda: render_records(rows))


@vulns_app.command("set")
def set_status(
    ref: IdArg, host: Annotated[str, typer.Argument(help="The asset's hostname (or id)")],
    status: Annotated[RemediationStatus, typer.Argument(help="affected, scheduled, patched, ...")],
    note: Annotated[Str, _opt("A note on the record")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Move an asset's record (a move the workflow forbids is refused)."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.set_status(ref, host, RecordPatch(status=status, note=note))
        run.emit(found, lambda: Text(f"{found.hostname}: {found.status.value}"))


@vulns_app.command("window")
def window(
    ref: IdArg, tier: Annotated[int, _opt("The patch tier", "--tier")],
    start: Annotated[str, _opt("ISO 8601; without an offset, in your time zone", "--start")],
    end: Annotated[str, _opt("ISO 8601; without an offset, in your time zone", "--end")],
    title: Annotated[Str, _opt("The change's title")] = None,
    asset: Annotated[list[str] | None, _opt("Only this host of the tier; repeatable")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Schedule an emergency change over the tier's affected assets; they become scheduled."""
    with running(url, token, as_, json_out, tz) as run:
        data = WindowIn.model_validate({
            "tier": tier, "starts_at": parse_time(start, "starts_at", run.zone),
            "ends_at": parse_time(end, "ends_at", run.zone), "title": title, "assets": asset,
        })  # fmt: skip
        made = run.backend.window(ref, data)
        run.emit(made, lambda: render_windows([made], run))


@vulns_app.command("windows")
def list_windows(ref: IdArg, json_out: JsonOpt = False, url: UrlOpt = None,
                 token: TokenOpt = None, as_: AsOpt = None, tz: TzOpt = None) -> None:  # fmt: skip
    """The campaign's emergency changes with their conflicts and records."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.windows(ref)
        run.emit(rows, lambda: render_windows(rows, run))


@vulns_app.command("settle")
def settle(
    ref: IdArg, change: Annotated[str, typer.Argument(help="The window's change, CHG-12")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Once the change has ended: its scheduled assets become patched (completed) or
    affected again (failed, rolled back, cancelled)."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.settle(ref, change)
        outcome = found.window.settled_as.value if found.window.settled_as else "unchanged"
        run.emit(found, lambda: Text(f"{found.window.change}: {found.moved} asset(s) {outcome}"))


@vulns_app.command("customers")
def customers(ref: IdArg, json_out: JsonOpt = False, url: UrlOpt = None,
              token: TokenOpt = None, as_: AsOpt = None, tz: TzOpt = None) -> None:  # fmt: skip
    """The customers concerned and when each was told."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.customers(ref)
        run.emit(rows, lambda: render_customers(rows, run))


@vulns_app.command("notify")
def notify(
    ref: IdArg, again: Annotated[bool, _opt("Tell those already told once more", "--again")]
    = False,
    customer: Annotated[list[str] | None, _opt("Only this customer; repeatable")] = None,
    what: Annotated[Str, _opt("What happened (default: from the campaign)")] = None,
    doing: Annotated[Str, _opt("What we are doing (default: how far the patching is)")] = None,
    next_update: Annotated[Str, _opt("When the next update comes, ISO 8601", "--next")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Send the customer update to each customer concerned not yet told."""
    with running(url, token, as_, json_out, tz) as run:
        data = NotifyIn.model_validate({
            "again": again, "customers": customer, "what_happened": what, "doing": doing,
            "next_update_at": parse_time(next_update, "next_update_at", run.zone),
        })  # fmt: skip
        found = run.backend.notify(ref, data)
        run.emit(found, lambda: render_notified(found))
