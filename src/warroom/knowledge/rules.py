"""How a past incident, solution or runbook is judged similar to an incident: pure functions.

A candidate scores on these kinds of evidence, each explained to the responder:
- the words: the database's own full-text rank (SQLite FTS5 bm25, PostgreSQL ts_rank_cd),
  scaled against the best candidate so that the scale of either engine does not matter;
- the meaning, when the optional semantic model is on: the cosine of the two texts' vectors,
  counted only above what unrelated texts reach;
- what it touched: shared services, hosts and alert fingerprints (a fingerprint is the
  strongest tie there is: the same alert fired);
- what responders said: marks of helpful or not on earlier suggestions of the same entry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAX_TERMS = 24
WORD = re.compile(r"[a-z0-9][a-z0-9_\-]{1,40}")
# References and severities say which incident, not what broke.
REFERENCE = re.compile(r"^(?:inc|chg|sol)-\d+$|^sev[1-4]$")
# Words that say nothing about what broke; the engines' own lists differ, so one list here.
_STOP = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers him his how i if in into is it its itself just me more
most my no nor not now of off on once only or other our out over own same she should so
some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with you your
incident issue problem error errors failing fails failed users user please see still seems
since also
"""
STOPWORDS = frozenset(_STOP.split())
WEIGHTS = {"text": 1.0, "service": 0.35, "host": 0.45, "alert": 0.6, "fingerprint": 0.9,
           "feedback": 0.4, "meaning": 2.0}  # fmt: skip
# Cosines of averaged word vectors (WordLlama, on bench/semantic_cases.py): unrelated incident
# texts sit around 0.08 (0.19 at the 90th percentile), one problem retold in other words
# around 0.34 (0.2-0.45). Below the floor a cosine is no evidence; at STRONG it weighs as
# much as the best text match.
MEANING_FLOOR = 0.15
MEANING_STRONG = 0.45
KEY_KINDS = ("fingerprint", "alert", "host", "service")


def terms(*texts: str) -> list[str]:
    """The distinct significant words of the texts, most frequent first, at most MAX_TERMS;
    only [a-z0-9_-] survive, so they are safe inside either engine's query syntax."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in WORD.findall(text.lower()):
            word = word.strip("-_")
            if (
                len(word) >= 3
                and word not in STOPWORDS
                and not word.isdigit()
                and not REFERENCE.match(word)
            ):
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return ranked[:MAX_TERMS]


def fts5_query(words: Iterable[str]) -> str:
    """Any of the words, each quoted (FTS5 would read ``-`` or ``NOT`` as operators)."""
    return " OR ".join(f'"{w}"' for w in words)


def tsquery(words: Iterable[str]) -> str:
    """Any of the words, for ``to_tsquery('english', …)``; hyphens become spaces-as-AND
    inside one term would surprise, so they are split into separate alternatives."""
    parts = [p for w in words for p in w.replace("_", "-").split("-") if p]
    return " | ".join(dict.fromkeys(parts))


def key_of(kind: str, value: str) -> str:
    return f"{kind}:{value.strip().lower()}"


@dataclass(frozen=True)
class Candidate:
    entry_id: int
    text_rank: float = 0.0  # higher is better, any scale
    shared: tuple[str, ...] = ()  # keys in common, e.g. ("service:orders",)
    helpful: int = 0
    unhelpful: int = 0
    unhelpful_here: bool = False  # marked not helpful for this very incident
    matched_words: tuple[str, ...] = ()
    meaning: float | None = None  # cosine by the semantic model; None: off or no vector


@dataclass(frozen=True)
class Judged:
    entry_id: int
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


def judge(candidates: Iterable[Candidate], best_text: float | None = None) -> list[Judged]:
    """Score and explain every candidate, best first (ties: the newer entry, by id); text
    ranks are scaled against ``best_text``, by default the best among them."""
    pool = list(candidates)
    if best_text is None:
        best_text = max((c.text_rank for c in pool), default=0.0)
    judged = [_one(c, best_text) for c in pool]
    return sorted(judged, key=lambda j: (-j.score, -j.entry_id))


def _said(candidate: Candidate, best_text: float) -> tuple[float, list[str]]:
    """What the words and (when the model is on) their meaning add, and how it is said."""
    score, reasons = 0.0, []
    if candidate.text_rank > 0 and best_text > 0:
        score += WEIGHTS["text"] * candidate.text_rank / best_text
        words = ", ".join(candidate.matched_words[:5])
        reasons.append(f"matching text: {words}" if words else "matching text")
    if candidate.meaning is not None and candidate.meaning > MEANING_FLOOR:
        strength = (candidate.meaning - MEANING_FLOOR) / (MEANING_STRONG - MEANING_FLOOR)
        score += WEIGHTS["meaning"] * min(strength, 1.0)
        reasons.append("close in meaning" if strength >= 1 else "similar in meaning")
    return score, reasons


def _one(candidate: Candidate, best_text: float) -> Judged:
    score, reasons = _said(candidate, best_text)
    by_kind = _shared_by_kind(candidate.shared)
    for kind in KEY_KINDS:
        values = by_kind.get(kind, [])
        if values:
            # More shared hosts count, but with diminishing returns: a storm shares hundreds.
            score += WEIGHTS[kind] * (1 + math.log(len(values)))
            reasons.append(_shared_reason(kind, values))
    net = candidate.helpful - candidate.unhelpful
    if net:
        score += WEIGHTS["feedback"] * math.tanh(net / 3)
        reasons.append(f"marked helpful {candidate.helpful}, not helpful {candidate.unhelpful}")
    if candidate.unhelpful_here:
        score *= 0.25
        reasons.append("marked not helpful for this incident")
    return Judged(candidate.entry_id, round(score, 6), tuple(reasons))


def _shared_by_kind(keys: Iterable[str]) -> Mapping[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in keys:
        kind, _, value = key.partition(":")
        found.setdefault(kind, []).append(value)
    return found


def _shared_reason(kind: str, values: list[str]) -> str:
    label = {"service": "shared service", "host": "shared host", "alert": "same alert",
             "fingerprint": "same alert fingerprint"}[kind]  # fmt: skip
    shown = ", ".join(sorted(values)[:3])
    more = f" and {len(values) - 3} more" if len(values) > 3 else ""
    return f"{label}{'s' if len(values) > 1 and kind in ('service', 'host') else ''}: {shown}{more}"


def matched(words: Iterable[str], text: str) -> tuple[str, ...]:
    """The query words the entry's text contains: a word of the text starting with the
    query word's stem (its first letters stand in for the engines' stemming)."""
    found = set(WORD.findall(text.lower()))
    return tuple(w for w in words if any(f.startswith(w[: max(4, len(w) - 2)]) for f in found))
