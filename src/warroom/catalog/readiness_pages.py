"""The readiness dashboard: the score, its trend as a small SVG sparkline drawn on the server,
and the findings grouped by severity, optionally narrowed to one check."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request, Response

from warroom.access.deps import DbSession, Now
from warroom.access.pages import PageViewer
from warroom.catalog.readiness import (
    FindingOut,
    RunSummary,
    do_run_readiness,
    readiness_history,
)
from warroom.catalog.readiness_facts import SEVERITY_ORDER, Check, Severity
from warroom.web.csrf import check_csrf
from warroom.web.render import PageRoute, render

router = APIRouter(route_class=PageRoute, dependencies=[Depends(check_csrf)], tags=["pages"])

# The incident severity colours, reused so the page speaks one visual language.
SEVERITY_CLASS = {
    Severity.critical: "sev1",
    Severity.high: "sev2",
    Severity.medium: "sev3",
    Severity.low: "sev4",
}


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str
    last_x: float
    last_y: float
    scores: tuple[int, ...]


def sparkline(scores: Sequence[int], width: int = 240, height: int = 48) -> Sparkline | None:
    """Scores (0-100, oldest first) as polyline points; 100 is the top edge."""
    if not scores:
        return None
    pad = 4
    step = (width - 2 * pad) / (len(scores) - 1) if len(scores) > 1 else 0.0
    xs = [pad + i * step if len(scores) > 1 else width / 2 for i in range(len(scores))]
    ys = [pad + (100 - s) * (height - 2 * pad) / 100 for s in scores]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
    return Sparkline(width, height, points, round(xs[-1], 1), round(ys[-1], 1), tuple(scores))


def _groups(findings: list[FindingOut]) -> list[tuple[Severity, str, list[FindingOut]]]:
    grouped = [
        (sev, SEVERITY_CLASS[sev], [f for f in findings if f.severity == sev])
        for sev in SEVERITY_ORDER
    ]
    return [group for group in grouped if group[2]]


def _previous(history: list[RunSummary]) -> int | None:
    return history[-2].score if len(history) > 1 else None


@router.get("/readiness")
def readiness_page(
    request: Request, session: DbSession, actor: PageViewer, at: Now, check: str = ""
) -> Response:
    """Runs the report (and keeps the run), then shows it with the trend of past runs."""
    report = do_run_readiness(session=session, now=at)
    history = readiness_history(session=session)
    wanted = Check(check) if check in Check.__members__ else None
    shown = [f for f in report.findings if wanted is None or f.check == wanted]
    context = {
        "actor": actor,
        "report": report,
        "groups": _groups(shown),
        "checks": sorted(Counter(f.check.value for f in report.findings).items()),
        "wanted": wanted.value if wanted else "",
        "shown": len(shown),
        "spark": sparkline([run.score for run in history]),
        "previous": _previous(history),
        "severity_class": SEVERITY_CLASS,
        "nav": "readiness",
    }
    return render(request, "readiness.html", context)
