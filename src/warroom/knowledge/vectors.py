"""Semantic vectors (numpy; only imported when a model is configured): the WordLlama encoder
read from its own package's files, and an in-memory index of every entry's vector, kept in
step with ``kb_vectors`` by reading only the rows newer than the ones it holds.

Why in memory: a nearest-neighbour scan over 50,000 vectors of 256 numbers is a few
milliseconds as one matrix product, while reading them from the database for each lookup would
be most of a second. Each process keeps its own copy (16-bit, 512 bytes an entry)."""

from __future__ import annotations

import importlib.resources
import threading
import time
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from warroom.knowledge.models import KbEntry, KbVector
from warroom.knowledge.semantic import entry_text

Matrix = NDArray[np.float32]
# A full re-read now and then: ids come from a sequence, and on PostgreSQL a transaction that
# commits after a later one would otherwise stay unseen by the incremental read.
FULL_READ_SECONDS = 300.0
# The embedding job skips its scan while no entry was (re)indexed since its last clean round,
# but looks anyway this often: an entry committed late may carry an earlier time.
RECHECK_SECONDS = 60.0


class WordLlamaEncoder:
    """WordLlama's 256-dimension "l2_supercat" embeddings: token vectors averaged, 16 MB of
    weights inside the wheel. Loaded on first use, from the package's own files only (its
    loader would look for the tokenizer in the wrong folder and then go to the network)."""

    model = "wordllama-l2_supercat-256"
    dim = 256

    def __init__(self) -> None:
        self._inference: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._inference is None:
                from safetensors import safe_open
                from wordllama import WordLlama
                from wordllama.inference import WordLlamaInference

                root = importlib.resources.files("wordllama")
                tokenizer = WordLlama.load_tokenizer(
                    root / "tokenizers" / "l2_supercat_tokenizer_config.json"
                )
                weights = str(root / "weights" / "l2_supercat_256.safetensors")
                with safe_open(weights, framework="np", device="cpu") as f:
                    embedding = f.get_tensor("embedding.weight")
                self._inference = WordLlamaInference(embedding, tokenizer)
            return self._inference

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors, one row per text."""
        rows = self._load().embed(list(texts), norm=True)
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)


class VectorIndex:
    """Every entry's vector in one growing matrix; lookups re-read what changed first."""

    def __init__(self, encoder: WordLlamaEncoder) -> None:
        self.encoder = encoder
        self.model = encoder.model
        self._lock = threading.Lock()
        self._matrix: Matrix = np.zeros((0, encoder.dim), dtype=np.float32)
        self._ids: list[int] = []
        self._row: dict[int, int] = {}
        self._last_id = 0
        self._full_at = 0.0
        self._clean: tuple[object, float] | None = None  # (latest indexed_at, when) when none left

    # -- writing ---------------------------------------------------------------------------

    def embed_pending(self, session: Session, limit: int) -> int:
        latest = session.scalar(select(func.max(KbEntry.indexed_at)))
        clean = self._clean
        if clean and clean[0] == latest and time.monotonic() - clean[1] < RECHECK_SECONDS:
            return 0
        done = self._embed(session, limit)
        self._clean = (latest, time.monotonic()) if done < limit else None
        return done

    def _embed(self, session: Session, limit: int) -> int:
        stale = (
            select(KbEntry.id, KbEntry.title, KbEntry.body, KbEntry.fix, KbEntry.digest)
            .outerjoin(KbVector, KbVector.entry_id == KbEntry.id)
            .where((KbVector.id.is_(None)) | (KbVector.digest != KbEntry.digest)
                   | (KbVector.model != self.model))
            .order_by(KbEntry.id)
            .limit(limit)
        )  # fmt: skip
        rows = session.execute(stale).all()
        if not rows:
            return 0
        vectors = self.encoder.encode([entry_text(r[1], r[2], r[3]) for r in rows])
        ids = [int(r[0]) for r in rows]
        # A new row (a new id) each time, so that other processes read it as news.
        session.execute(delete(KbVector).where(KbVector.entry_id.in_(ids)))
        session.add_all(
            KbVector(entry_id=entry_id, model=self.model, digest=str(row[4]),
                     vector=vector.astype(np.float16).tobytes())
            for entry_id, row, vector in zip(ids, rows, vectors, strict=True)
        )  # fmt: skip
        session.flush()
        return len(rows)

    # -- reading ---------------------------------------------------------------------------

    def nearest(
        self, session: Session, text: str, among: Collection[int], limit: int
    ) -> dict[int, float]:
        self._refresh(session)
        query = self.encoder.encode([text])[0]
        with self._lock:
            matrix, ids, rows = self._matrix, self._ids, self._row
            count = len(ids)
            scores = matrix[:count] @ query if count else np.zeros(0, dtype=np.float32)
            found: dict[int, float] = {}
            if count and limit:
                top = np.argpartition(-scores, min(limit, count) - 1)[:limit]
                found = {ids[i]: float(scores[i]) for i in top}
            for entry_id in among:
                at = rows.get(entry_id)
                if at is not None:
                    found[entry_id] = float(scores[at])
        return found

    def _refresh(self, session: Session) -> None:
        full = time.monotonic() - self._full_at > FULL_READ_SECONDS
        since = 0 if full else self._last_id
        rows = session.execute(
            select(KbVector.id, KbVector.entry_id, KbVector.vector)
            .where(KbVector.id > since, KbVector.model == self.model)
            .order_by(KbVector.id)
        ).all()
        if full:
            self._reset()
        if rows:
            self._apply(rows)

    def _reset(self) -> None:
        with self._lock:
            self._matrix = np.zeros((0, self.encoder.dim), dtype=np.float32)
            self._ids, self._row, self._last_id = [], {}, 0
            self._full_at = time.monotonic()

    def _apply(self, rows: Sequence[Any]) -> None:
        dim = self.encoder.dim
        with self._lock:
            fresh = [r for r in rows if int(r[1]) not in self._row]
            need = len(self._ids) + len(fresh)
            if need > self._matrix.shape[0]:
                grown = np.zeros((max(need, 2 * self._matrix.shape[0], 64), dim), np.float32)
                grown[: len(self._ids)] = self._matrix[: len(self._ids)]
                self._matrix = grown
            for row_id, entry_id, blob in rows:
                at = self._row.get(int(entry_id))
                if at is None:
                    at = self._row[int(entry_id)] = len(self._ids)
                    self._ids.append(int(entry_id))
                self._matrix[at] = np.frombuffer(blob, dtype=np.float16)
                self._last_id = max(self._last_id, int(row_id))
