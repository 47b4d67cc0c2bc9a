"""``warroom audit``: verify the hash chain of every write (naming the first entry that was
edited, deleted or moved), read entries by filter, and ship the chain's head to the sink now.
These read the database directly (``WARROOM_DATABASE_URL``): verification must not trust the
server whose history it checks."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from warroom.audit import service
from warroom.audit.rules import Head, Verdict
from warroom.audit.service import AuditFilter
from warroom.cli.local import local_transaction
from warroom.cli.options import JsonOpt
from warroom.cli.problems import invalid
from warroom.cli.render import when
from warroom.cli.run import parse_time, reporting
from warroom.db import utcnow
from warroom.settings import load_settings

audit_app = typer.Typer(
    no_args_is_help=True, help="The tamper-evident audit log: verify it, read it, ship its head."
)
Str = str | None
UTC_ZONE = ZoneInfo("UTC")


def _opt(text: str, *names: str) -> typer.models.OptionInfo:
    found: typer.models.OptionInfo = typer.Option(*names, help=text, show_default=False)
    return found


def _anchor(anchor: str | None, anchor_file: Path | None) -> Head | None:
    from warroom.audit.sinks import read_anchor

    if anchor and anchor_file:
        raise invalid("anchor", "give --anchor or --anchor-file, not both")
    if anchor_file is not None:
        return read_anchor(anchor_file)
    if not anchor:
        return None
    seq, _, hash_ = anchor.partition(":")
    if not seq.isdigit() or len(hash_) != 64:
        raise invalid("anchor", "SEQ:HASH, as a shipped head record gives them")
    return Head(int(seq), hash_)


def _verdict_json(verdict: Verdict) -> dict[str, object]:
    head = verdict.head
    return {
        "ok": verdict.ok, "checked": verdict.checked, "first_bad": verdict.first_bad,
        "problem": verdict.problem,
        "head": {"seq": head.seq, "hash": head.hash} if head else None,
    }  # fmt: skip


@audit_app.command("verify")
def verify(
    anchor: Annotated[Str, _opt("A head shipped earlier, as SEQ:HASH", "--anchor")] = None,
    anchor_file: Annotated[
        Path | None, _opt("A file sink: its last shipped head is the anchor", "--anchor-file")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Check every entry from the first; exit 1 naming the first bad one."""
    with reporting(json_out):
        pinned = _anchor(anchor, anchor_file)
        with local_transaction() as session:
            verdict = service.check_chain(session, pinned)
    if json_out:
        typer.echo(json.dumps(_verdict_json(verdict)))
    elif verdict.ok:
        head = f" up to entry {verdict.head.seq}" if verdict.head else ""
        against = f", and it holds the anchor at entry {pinned.seq}" if pinned else ""
        typer.echo(f"The audit chain is intact: {verdict.checked} entries{head}{against}.")
    else:
        typer.echo(f"The audit chain is broken at entry {verdict.first_bad}: {verdict.problem}",
                   err=True)  # fmt: skip
    if not verdict.ok:
        raise typer.Exit(1)


@audit_app.command("list")
def list_entries(
    actor: Annotated[Str, _opt("Who, as the log names them (e.g. 'system')")] = None,
    action: Annotated[Str, _opt("insert, update, delete, bulk_update…")] = None,
    object_type: Annotated[Str, _opt("A table, e.g. incidents", "--object-type")] = None,
    object_id: Annotated[Str, _opt("Its id", "--object-id")] = None,
    since: Annotated[Str, _opt("From (ISO 8601; UTC unless an offset is given)")] = None,
    until: Annotated[Str, _opt("Until (ISO 8601; UTC unless an offset is given)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """The newest entries first, filtered."""
    with reporting(json_out):
        wanted = AuditFilter(actor, action, object_type, object_id, _time(since, "since"),
                             _time(until, "until"))  # fmt: skip
        with local_transaction() as session:
            rows, _more = service.list_entries(session=session, wanted=wanted, limit=limit)
            found = [service.entry_json(r) for r in rows]
    if json_out:
        typer.echo(json.dumps(found))
        return
    Console().print(_table(found))


def _time(value: str | None, field: str) -> datetime | None:
    return parse_time(value, field, lambda: UTC_ZONE)


def _table(rows: list[dict[str, object]]) -> Table | Text:
    if not rows:
        return Text("No entries.")
    table = Table("seq", "at", "actor", "action", "object", box=box.SIMPLE_HEAD)
    for r in rows:
        at = datetime.fromisoformat(str(r["at"]))
        moment = when(at, UTC_ZONE, seconds=True)
        what = Text(f"{r['object_type']} {r['object_id']}")
        table.add_row(str(r["seq"]), moment, Text(str(r["actor"])), str(r["action"]), what)
    return table


@audit_app.command("ship")
def ship(json_out: JsonOpt = False) -> None:
    """Send the chain's head to WARROOM_AUDIT_SINK now (the worker does it on a schedule)."""
    from datetime import timedelta

    from warroom.audit.rules import head_record
    from warroom.audit.sinks import do_ship

    settings = load_settings()
    with reporting(json_out):
        if not settings.audit_sink:
            raise invalid("audit_sink", "set WARROOM_AUDIT_SINK to where heads are shipped")
        with local_transaction() as session:
            head = do_ship(session=session, sink=settings.audit_sink, now=utcnow(),
                           every=timedelta(0))  # fmt: skip
    record = head_record(head, utcnow()) if head else None
    if json_out:
        typer.echo(json.dumps(record))
    elif head is None:
        typer.echo("Nothing to ship: the head has not moved since it was last shipped.")
    else:
        typer.echo(f"Shipped the head (entry {head.seq}) to {settings.audit_sink}.")
