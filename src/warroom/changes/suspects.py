"""Pure rules for suspects: which recent changes may have caused an incident, and why.

Nothing here reads the database or the clock; ``gate.py`` gathers the values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warroom.changes.rules import Graph, Slot, Trouble


@dataclass(frozen=True)
class Suspect:
    change_id: int
    score: int
    reasons: list[str]


def rank_suspects(
    started: datetime, troubles: Trouble, changes: list[tuple[Slot, Graph, datetime]]
) -> list[Suspect]:
    """Rank recent changes (each with its graph and when it happened) against an incident's
    scope: the same asset beats the same service, which beats a dependency; nearer in time
    to the incident's start ranks higher."""
    ranked = []
    for slot, graph, when in changes:
        reasons, score = _suspect_reasons(slot, graph, troubles)
        hours = abs((started - when).total_seconds()) / 3600
        if hours <= 6:
            reasons.append(f"time proximity: {_ago(started, when)}")
            score += 20 if hours <= 1 else 10
        if reasons:
            ranked.append(Suspect(slot.id, score, reasons))
    return sorted(ranked, key=lambda s: (-s.score, s.change_id))


def _suspect_reasons(slot: Slot, graph: Graph, trouble: Trouble) -> tuple[list[str], int]:
    reasons, score = [], 0
    hosts, services = sorted(slot.hosts & trouble.hosts), sorted(slot.services & trouble.services)
    if hosts:
        reasons.append(f"same asset: {', '.join(hosts[:6])}")
        score += 100
    if services:
        reasons.append(f"same service: {', '.join(services)}")
        score += 60
    linked = sorted((graph.dependencies | graph.dependents) & trouble.services)
    if linked and not services:
        reasons.append(f"a dependency: {', '.join(linked)}")
        score += 30
    return reasons, score


def _ago(started: datetime, when: datetime) -> str:
    minutes = int((started - when).total_seconds() // 60)
    if minutes >= 0:
        return f"{minutes} min before the incident started"
    return f"{-minutes} min after the incident started"
