"""Optional semantic similarity: an entry's meaning as a vector, so that "RF guns cannot
confirm picks" finds "handheld scanners fail to confirm picking" although they share few
words. Off unless ``WARROOM_SEMANTIC_MODEL`` names a model and its extra is installed
(``pip install 'warroom[semantic]'``); the model ships inside its PyPI package and is never
downloaded at run time.

This module is the interface and stays free of numpy, so a plain install imports it; the
vectors themselves live in ``knowledge.vectors``, imported only when a model is chosen."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

from warroom.knowledge.documents import Document

MODELS = ("wordllama",)
# What an entry and a query are read as: the title, then the start of the words and the fix;
# longer texts only blur an averaged embedding (and repeating the title did not help: on the
# benchmark's pairs it found fewer in the top five, 12 of 40 against 15).
TEXT_CHARS = 2_000


class Meaning(Protocol):
    """What the similar-incident lookup asks of a semantic model."""

    model: str

    def nearest(
        self, session: Session, text: str, among: Collection[int], limit: int
    ) -> dict[int, float]:
        """Cosine similarity to ``text`` of the ``limit`` nearest entries, and of each entry
        in ``among`` that has a vector."""
        ...

    def embed_pending(self, session: Session, limit: int) -> int:
        """Give vectors to entries without one (or with a stale one); how many were done."""
        ...


class SemanticUnavailable(RuntimeError):
    """A model was asked for but its package is not installed."""


def document_text(doc: Document) -> str:
    return entry_text(doc.title, doc.body, doc.fix)


def entry_text(title: str, body: str, fix: str) -> str:
    return f"{title}. {body} {fix}"[:TEXT_CHARS]


def meaning_of(state: object | None) -> Meaning | None:
    """The server's model, kept on its state by ``create_app`` (None: off)."""
    return cast("Meaning | None", getattr(state, "meaning", None))


def load(model: str | None) -> Meaning | None:
    """The configured model, loaded lazily (its weights are read on first use); None: off."""
    if model is None:
        return None
    if model not in MODELS:
        raise SemanticUnavailable(f"unknown semantic model {model!r}; known: {', '.join(MODELS)}")
    if importlib.util.find_spec("wordllama") is None:
        raise SemanticUnavailable(
            "WARROOM_SEMANTIC_MODEL=wordllama needs its package: pip install 'warroom[semantic]'"
        )
    from warroom.knowledge.vectors import VectorIndex, WordLlamaEncoder

    return VectorIndex(WordLlamaEncoder())


def worker_jobs(
    meaning: Meaning | None, batch: int = 256
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """Embed new and changed entries each worker interval (none when semantic search is off)."""
    if meaning is None:
        return []
    from warroom.db import transaction

    def run(sessions: sessionmaker[Session], _now: datetime) -> int:
        with transaction(sessions) as session:
            return meaning.embed_pending(session, batch)

    return [("semantic vectors", run)]
