"""``warroom mention``: the sentiment watch from a terminal — public mentions taken in (a CSV
file or one by hand), scored, tied to the incident they were posted during; the outreach queue
of the strongly negative ones; an incident's picture; and the feeds the worker polls. Locally
or over HTTP (``--url``/``--token``); ``--json`` prints the API's document (nothing for
``feed remove``, which the API answers with 204)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from warroom.cli.mentions_backend import (
    LocalMentions,
    MentionQuery,
    MentionsBackend,
    RemoteMentions,
)
from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, TzOpt, UrlOpt
from warroom.cli.problems import invalid
from warroom.cli.render import when
from warroom.cli.run import DomainRun, Target, parse_time, running_with
from warroom.sentiment.schemas import (
    BucketOut,
    FeedIn,
    FeedOut,
    MentionOut,
    MentionsIn,
    OutreachIn,
    PictureOut,
    ReceivedOut,
)

mention_app = typer.Typer(
    no_args_is_help=True,
    help="Public mentions: take them in, work the outreach queue, see an incident's picture.",
)
feed_app = typer.Typer(no_args_is_help=True, help="RSS and Atom search feeds the worker polls.")
mention_app.add_typer(feed_app, name="feed")
MentionsRun = DomainRun[MentionsBackend]
LABEL_STYLE = {"negative": "red", "positive": "green", "neutral": "dim"}
BAR_WIDTH = 40


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool, tz: str | None = None
) -> AbstractContextManager[MentionsRun]:
    return running_with(RemoteMentions, LocalMentions.on, Target(url, token, as_email, tz), as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def _word(value: str) -> str:
    return value.strip().lower()


def _source(value: str) -> str:
    # Checked here so the local database refuses what the server's query would.
    if not 1 <= len(value) <= 100:
        raise invalid("source", "1 to 100 characters")
    return value


Str = str | None
FileArg = Annotated[
    Path,
    typer.Argument(
        help="A CSV file: text and posted_at (ISO 8601 with an offset); author, url, id optional.",
        exists=True, dir_okay=False, readable=True,
    ),
]  # fmt: skip
IdArg = Annotated[int, typer.Argument(help="The mention's id, as `warroom mention queue` shows.")]
FeedArg = Annotated[
    int, typer.Argument(help="The feed's id, as `warroom mention feed list` shows.")
]


@mention_app.command("import")
def import_csv(
    file: FileArg,
    source: Annotated[str, _opt("Where the mentions come from, e.g. a survey's name")] = "csv",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Take in a CSV file of mentions (responders): all of it, or, if a line is bad, none of
    it and the line named. A mention taken in before is stored once."""
    with running(url, token, as_, json_out) as run:
        found = run.backend.receive_csv(file.read_bytes(), _source(source))
        run.emit(found, lambda: received(found, str(file)))


@mention_app.command("add")
def add(
    text: Annotated[str, _opt("What was said")],
    at: Annotated[str, _opt("When it was posted, ISO 8601 (without an offset: your zone)")],
    author: Annotated[str, _opt("Who said it")] = "",
    # ``--url`` names the server on every command, so the mention's own address is its link.
    link: Annotated[str, _opt("The address of the post, review or comment", "--link")] = "",
    source: Annotated[str, _opt("Where it comes from")] = "manual",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Take in one mention by hand (responders); a strongly negative one joins the queue."""
    with running(url, token, as_, json_out, tz) as run:
        item = {"text": text, "posted_at": parse_time(at, "posted_at", run.zone),
                "author": author, "url": link}  # fmt: skip
        data = MentionsIn.model_validate({"source": source, "mentions": [item]})
        found = run.backend.receive(data)
        run.emit(found, lambda: received(found, "the mention"))


@mention_app.command("queue")
def queue(
    status: Annotated[
        list[str] | None, _opt("queued, contacted, resolved or ignored (repeat; default queued)")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (1 to 1000)")] = 200,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """The outreach queue: mentions someone should answer, most negative first."""
    with running(url, token, as_, json_out, tz) as run:
        wanted = [_word(s) for s in status or ["queued"]]
        query = MentionQuery.model_validate({"outreach": wanted, "limit": limit})
        rows = run.backend.mentions(query)
        run.emit(rows, lambda: mentions_table(rows, run.zone()))


@mention_app.command("set")
def set_outreach(
    mention_id: IdArg,
    status: Annotated[str, _opt("contacted, resolved, ignored, or queued again")],
    note: Annotated[str, _opt("What was done, e.g. replied with the status page link")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Record the outreach on a mention (responders)."""
    with running(url, token, as_, json_out, tz) as run:
        data = OutreachIn.model_validate({"status": _word(status), "note": note})
        found = run.backend.set_outreach(mention_id, data)
        run.emit(found, lambda: mentions_table([found], run.zone()))


@mention_app.command("incident")
def incident(
    ref: RefArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
    as_: AsOpt = None, tz: TzOpt = None,
) -> None:  # fmt: skip
    """Mentions over the incident's time: totals, a chart of volume and negative ones per
    period, and the most negative."""
    with running(url, token, as_, json_out, tz) as run:
        found = run.backend.picture(ref)
        run.emit(found, lambda: picture(ref, found, run.zone()))


@feed_app.command("list")
def list_feeds(
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """The feeds, when each was last read, and its last error."""
    with running(url, token, as_, json_out, tz) as run:
        rows = run.backend.feeds()
        run.emit(rows, lambda: feeds_table(rows, run.zone()))


@feed_app.command("add")
def add_feed(
    name: Annotated[str, _opt("Its name: the source of the mentions it brings")],
    link: Annotated[str, _opt("The RSS or Atom search address, http(s)", "--link")],
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
    tz: TzOpt = None,
) -> None:  # fmt: skip
    """Add a news or social search feed for the worker to poll (managers)."""
    with running(url, token, as_, json_out, tz) as run:
        made = run.backend.add_feed(FeedIn.model_validate({"name": name, "url": link}))
        run.emit(made, lambda: feeds_table([made], run.zone()))


@feed_app.command("remove")
def remove_feed(
    feed_id: FeedArg,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Stop polling a feed (managers); the mentions it brought stay."""
    with running(url, token, as_, json_out) as run:
        gone = run.backend.remove_feed(feed_id)
        if not run.as_json:
            typer.echo(f"Removed feed {feed_id}{f' ({gone.name})' if gone else ''}.")


# ---------------------------------------------------------------- rendering
# What the public wrote is wrapped in ``Text``: a bare string would be read as Rich markup,
# and a "[/]" in a post would stop the command.


def received(found: ReceivedOut, what: str) -> RenderableType:
    seen = found.received - found.new
    line = Text.assemble(
        ("Took in ", "bold green"), f"{what}: {found.received} mention(s), {found.new} new",
        f" ({seen} seen before)" if seen else "",
    )  # fmt: skip
    if not found.queued:
        return line
    return Group(line, Text(f"{found.queued} queued for outreach.", style="bold red"))


def _label(mention: MentionOut) -> Text:
    return Text(f"{mention.label} {mention.score:+.2f}", style=LABEL_STYLE.get(mention.label, ""))


def mentions_table(rows: Sequence[MentionOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No mentions match.")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("Id", "Sentiment", "Posted", "Author", "Incident", "Outreach"):
        table.add_column(name, no_wrap=True)
    table.add_column("Text", min_width=30)
    for m in rows:
        outreach = m.outreach + (f": {m.outreach_note}" if m.outreach_note else "")
        table.add_row(
            str(m.id), _label(m), when(m.posted_at, zone), Text(m.author or "—"),
            m.incident or "—", Text(outreach or "—"), Text(m.text),
        )  # fmt: skip
    return table


def _bar(bucket: BucketOut, most: int) -> Text:
    """Negative mentions as solid blocks, the rest as light ones, scaled to the busiest."""
    width = round(bucket.count / most * BAR_WIDTH) if most else 0
    bad = round(bucket.negative / bucket.count * width) if bucket.count else 0
    return Text.assemble(("█" * bad, "red"), ("░" * (width - bad), "dim"))


def chart(buckets: Sequence[BucketOut], zone: ZoneInfo) -> Table:
    # The quiet periods before the first mention and after the last carry nothing to see.
    busy = [n for n, b in enumerate(buckets) if b.count]
    shown = buckets[busy[0] : busy[-1] + 1] if busy else []
    most = max((b.count for b in shown), default=0)
    table = Table.grid(padding=(0, 1))
    for b in shown:
        counts = f"{b.count} ({b.negative} negative)" if b.count else ""
        table.add_row(b.start.astimezone(zone).strftime("%b %d %H:%M"), _bar(b, most), counts)
    return table


def picture(ref: str, found: PictureOut, zone: ZoneInfo) -> RenderableType:
    head = Text.assemble(
        (f"{ref.upper()}: ", "bold"), f"{found.total} mention(s), ",
        (f"{found.negative} negative ({found.negative_share:.0%})", "red"),
        f", {found.queued} queued for outreach",
    )  # fmt: skip
    if not found.total:
        return head
    parts: list[RenderableType] = [head, chart(found.buckets, zone)]
    if found.worst:
        parts += [Text("Most negative", style="bold underline"), mentions_table(found.worst, zone)]
    return Group(*parts)


def feeds_table(rows: Sequence[FeedOut], zone: ZoneInfo) -> RenderableType:
    if not rows:
        return Text("No feeds yet.")
    table = Table("id", "name", "url", "last read", "last error", box=box.SIMPLE_HEAD)
    for f in rows:
        error = Text(f.last_error, style="red") if f.last_error else Text("—", style="dim")
        table.add_row(str(f.id), Text(f.name), Text(f.url), when(f.polled_at, zone), error)
    return table
