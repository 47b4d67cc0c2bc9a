"""``warroom readiness``: run the readiness report on the local database and keep the run."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console, Group, RenderableType
from rich.text import Text

from warroom.catalog.readiness import FindingOut, ReadinessOut, do_run_readiness
from warroom.catalog.readiness_facts import SEVERITY_ORDER, Severity
from warroom.cli.local import local_transaction
from warroom.cli.run import dump, reporting
from warroom.db import utcnow

STYLE = {
    Severity.critical: "bold white on red",
    Severity.high: "bold red",
    Severity.medium: "yellow",
    Severity.low: "dim",
}


def _finding(item: FindingOut) -> RenderableType:
    head = Text.assemble(("• ", ""), (item.subject, "bold"), f": {item.message}")
    hint = Text.assemble(("  → ", "cyan"), item.hint)
    return Group(head, hint, Text(f"  {item.id}", style="dim"))


def _section(severity: Severity, items: list[FindingOut]) -> RenderableType:
    title = Text.assemble((severity.value.upper(), STYLE[severity]), f" ({len(items)})")
    return Group(Text(""), title, *(_finding(item) for item in items))


def human(report: ReadinessOut) -> RenderableType:
    line = Text.assemble(("Readiness score ", "bold"), (f"{report.score}/100", "bold"))
    if not report.findings:
        return Group(line, Text("No gaps found."))
    counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
    parts: list[RenderableType] = [line, Text(f"{len(report.findings)} findings: {counts}")]
    for severity in SEVERITY_ORDER:
        items = [f for f in report.findings if f.severity == severity]
        if items:
            parts.append(_section(severity, items))
    return Group(*parts)


def readiness(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as the API returns it.")
    ] = False,
) -> None:
    """Run the readiness report on the local database: gaps in the plan, worst first, each
    with a hint on what to do. Every run is kept for the trend."""
    from warroom.oncall import schedule_readiness

    schedule_readiness.install()  # as create_app does: on-call coverage feeds no_oncall
    with reporting(as_json), local_transaction() as session:
        report = do_run_readiness(session=session, now=utcnow())
    if as_json:
        typer.echo(dump(report))
    else:
        Console(highlight=False, soft_wrap=True).print(human(report))
