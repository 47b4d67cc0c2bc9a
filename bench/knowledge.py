"""Similar past incidents among 50,000: how often the known related one is in the top 5, and
how long a lookup takes, on SQLite (FTS5) and PostgreSQL (tsvector).

The labelled set, built here from a seed: 20 services, each with its own 40-word vocabulary,
30 hosts and 15 alert names, over a shared list of 300 general words. Each past incident
belongs to one service and is written from 8 of its words and 5 general ones, with two of its
hosts, one of its alerts and a fingerprint of its own. For each of ``--queries`` queries one
past incident is planted as its known related one (the same problem seen before): a
signature of four service words, an error code of its own, two hosts, an alert and a
fingerprint. The query restates the problem as a new incident would: two of the four
signature words, the error code half of the time, and the alert (70%), the fingerprint (40%)
and one of the two hosts (60%), each independently, beside words of its own. Everything else
on the same service is a distractor sharing its vocabulary.

Measured on each database, after inserting the incidents and their entries in bulk:
  recall@5: the share of queries whose known related incident is among the five suggestions
    of ``similar_to`` (words, shared keys and marks, as the war room panel does);
  p50 and p95 of a lookup, in ms.
Reference, measured in the same run: plain BM25 of the text alone (``text_only``: FTS5's
bm25 on SQLite; ts_rank_cd on PostgreSQL), its recall@5 and its latency. Prints the recall
gained and the latency ratio, and the budget met or MISSED (p95 under 100 ms at 50,000: the
panel is drawn with the war room).

    .venv/bin/python -m bench.knowledge [--incidents 50000] [--queries 300] [--seed 11]
        [--databases sqlite,postgresql] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--semantic wordllama]   (the optional model on: its vectors are made before measuring)
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bench.vulns import _insert, database
from warroom.db import upgrade
from warroom.incidents.models import Incident
from warroom.knowledge.documents import Document
from warroom.knowledge.models import KbEntry, KbKey
from warroom.knowledge.rules import key_of
from warroom.knowledge.semantic import Meaning
from warroom.knowledge.semantic import load as load_meaning
from warroom.knowledge.similar import similar_to, text_only

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BUDGET_MS = 100.0
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "gu", "fi", "be")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


@dataclass(frozen=True)
class World:
    general: list[str]
    vocab: list[list[str]]
    hosts: list[list[str]]
    alerts: list[list[str]]


@dataclass
class Past:
    id: int
    service: int
    title: str
    body: str
    keys: list[str]


def world(rng: random.Random) -> World:
    general = sorted({_word(rng, 3) for _ in range(400)})[:300]
    vocab = [sorted({_word(rng, 4) for _ in range(60)})[:40] for _ in range(20)]
    hosts = [[f"svc{s}-host-{n:02d}" for n in range(30)] for s in range(20)]
    alerts = [[f"Svc{s}Alert{n}" for n in range(15)] for s in range(20)]
    return World(general, vocab, hosts, alerts)


def past_incident(w: World, n: int, rng: random.Random) -> Past:
    s = rng.randrange(20)
    words = rng.sample(w.vocab[s], 8) + rng.sample(w.general, 5)
    keys = [key_of("service", f"service-{s}"), key_of("alert", rng.choice(w.alerts[s])),
            key_of("fingerprint", f"fp-{n}")]  # fmt: skip
    keys += [key_of("host", h) for h in rng.sample(w.hosts[s], 2)]
    return Past(n, s, " ".join(words[:5]), " ".join(words[5:]), keys)


def plant(w: World, past: Past, q: int, rng: random.Random) -> Document:
    """Make ``past`` the known related incident of query ``q``; the query's document."""
    s = past.service
    signature = rng.sample(w.vocab[s], 4)
    code = f"e{q:04d}x"
    hosts = rng.sample(w.hosts[s], 2)
    alert, fingerprint = rng.choice(w.alerts[s]), f"fp-q{q}"
    past.title = " ".join(signature[:3])
    past.body = " ".join([signature[3], code, *rng.sample(w.general, 4)])
    past.keys = [key_of("service", f"service-{s}"), key_of("alert", alert),
                 key_of("fingerprint", fingerprint)]  # fmt: skip
    past.keys += [key_of("host", h) for h in hosts]
    said = rng.sample(signature, 2) + rng.sample(w.vocab[s], 3) + rng.sample(w.general, 3)
    if rng.random() < 0.5:
        said.append(code)
    keys = [key_of("service", f"service-{s}")]
    keys += [key_of("alert", alert)] if rng.random() < 0.7 else []
    keys += [key_of("fingerprint", fingerprint)] if rng.random() < 0.4 else []
    keys += [key_of("host", hosts[0])] if rng.random() < 0.6 else []
    return Document("incident", 0, " ".join(said[:4]), " ".join(said[4:]), "", tuple(keys),
                    None, "triage", NOW)  # fmt: skip


def load(engine: Engine, pasts: list[Past]) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        _insert(connection, Incident, [_incident(p) for p in pasts])
        _insert(connection, KbEntry, [_entry(p) for p in pasts])
        keys = [{"entry_id": p.id, "key": k} for p in pasts for k in p.keys]
        _insert(connection, KbKey, keys)
        if engine.dialect.name == "sqlite":
            connection.execute(text("INSERT INTO kb_fts(kb_fts) VALUES ('rebuild')"))
        else:
            connection.execute(text("ANALYZE"))


def _incident(p: Past) -> dict[str, Any]:
    when = NOW - timedelta(hours=p.id)
    return {"id": p.id, "title": p.title, "description": p.body, "kind": "service",
            "severity": "SEV3", "status": "resolved", "declared_at": when, "updated_at": when,
            "resolved_at": when, "restricted": False}  # fmt: skip


def _entry(p: Past) -> dict[str, Any]:
    return {"id": p.id, "source": "incident", "source_id": p.id, "title": p.title,
            "body": p.body, "fix": "", "incident_id": p.id, "status": "resolved",
            "digest": "", "occurred_at": NOW, "indexed_at": NOW}  # fmt: skip


def measure(
    engine: Engine, queries: list[tuple[Document, int]], meaning: Meaning | None = None
) -> dict[str, float]:
    sessions = sessionmaker(bind=engine)
    if meaning is not None:  # the optional semantic model: every entry gets its vector first
        with sessions.begin() as session:
            while meaning.embed_pending(session, 2048):
                pass
    ours, ours_ms = _run(
        sessions, queries, lambda s, d: [x.entry.id for x in similar_to(s, d, None, 5, meaning)]
    )
    plain, plain_ms = _run(sessions, queries, lambda s, d: text_only(s, d))
    return {"recall": ours, "p50": _pct(ours_ms, 50), "p95": _pct(ours_ms, 95),
            "ref_recall": plain, "ref_p50": _pct(plain_ms, 50),
            "ref_p95": _pct(plain_ms, 95)}  # fmt: skip


def _ours(session: Session, doc: Document) -> list[int]:
    return [found.entry.id for found in similar_to(session, doc, None)]


def _run(sessions: sessionmaker[Session], queries: list[tuple[Document, int]],
         look: Any) -> tuple[float, list[float]]:  # fmt: skip
    hits, times = 0, []
    with sessions() as session:
        look(session, queries[0][0])  # warm the caches once
        for doc, wanted in queries:
            start = time.perf_counter()
            found = look(session, doc)
            times.append((time.perf_counter() - start) * 1000)
            hits += wanted in found[:5]
    return hits / len(queries), times


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100)[pct - 1]


def report(kind: str, count: int, r: dict[str, float]) -> None:
    met = "met" if r["p95"] < BUDGET_MS else "MISSED"
    print(f"{kind}, {count:,} past incidents:")
    print(f"  similar (words + keys): recall@5 {r['recall']:.1%}, p50 {r['p50']:.1f} ms, "
          f"p95 {r['p95']:.1f} ms (budget {BUDGET_MS:.0f} ms: {met})")  # fmt: skip
    engine = "FTS5 bm25" if kind == "sqlite" else "ts_rank; PostgreSQL has no BM25"
    print(f"  reference, text rank alone ({engine}): recall@5 {r['ref_recall']:.1%}, "
          f"p50 {r['ref_p50']:.1f} ms, p95 {r['ref_p95']:.1f} ms")  # fmt: skip
    print(f"  recall gained: {100 * (r['recall'] - r['ref_recall']):+.1f} points; "
          f"p95 ratio to the reference: x{r['p95'] / r['ref_p95']:.2f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--semantic", default=None, help="also by meaning: wordllama")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    w = world(rng)
    pasts = [past_incident(w, n, rng) for n in range(1, args.incidents + 1)]
    twins = rng.sample(pasts, args.queries)
    queries = [(plant(w, past, q, rng), past.id) for q, past in enumerate(twins)]
    for kind in args.databases.split(","):
        with database(kind, args.pg) as engine:
            started = time.perf_counter()
            load(engine, pasts)
            print(f"[{kind}: loaded in {time.perf_counter() - started:.0f} s]")
            report(kind, len(pasts), measure(engine, queries, load_meaning(args.semantic)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
