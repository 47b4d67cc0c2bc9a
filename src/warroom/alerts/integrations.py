"""Integrations: create, list and delete them, and find one by its routing key.

A routing key is 128 random bits shown once, at creation; only its SHA-256 digest and a short
hint are stored. Looking a key up is a hot path (every inbound event), so the answer is kept
per process, keyed by digest, as a plain value (never an ORM object that outlives its
session); deleting an integration here drops it, and entries expire after a short time so a
change made by another process is seen soon.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.alerts.mapping import check_mapping
from warroom.alerts.models import Integration
from warroom.alerts.rules import IntegrationKind
from warroom.catalog.models import Service
from warroom.errors import Conflict, InvalidInput, NotFound

CACHE_SECONDS = 30.0
HEARTBEAT_DEFAULTS = {"interval_seconds": 300, "grace_seconds": 60}


@dataclass(frozen=True)
class IntegrationRef:
    """What ingest needs to know about an integration, safe to share between requests."""

    id: int
    kind: IntegrationKind
    name: str
    service_id: int | None
    config: Mapping[str, Any] = field(default_factory=dict)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()


def ref_of(integration: Integration) -> IntegrationRef:
    return IntegrationRef(
        id=integration.id,
        kind=IntegrationKind(integration.kind),
        name=integration.name,
        service_id=integration.service_id,
        config=dict(integration.config or {}),
    )


class KeyCache:
    """Digest → ``IntegrationRef`` for ``CACHE_SECONDS``; thread-safe."""

    def __init__(self, ttl: float = CACHE_SECONDS) -> None:
        self._ttl, self._lock = ttl, threading.Lock()
        self._items: dict[str, tuple[float, IntegrationRef]] = {}

    def get(self, digest: str) -> IntegrationRef | None:
        with self._lock:
            hit = self._items.get(digest)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, digest: str, ref: IntegrationRef) -> None:
        with self._lock:
            self._items[digest] = (time.monotonic() + self._ttl, ref)

    def drop(self, integration_id: int) -> None:
        with self._lock:
            for digest in [d for d, (_, r) in self._items.items() if r.id == integration_id]:
                del self._items[digest]


KEYS = KeyCache()


def cached(key: str, kind: IntegrationKind) -> IntegrationRef | None:
    """The integration holding ``key`` if this process has it cached and it is of ``kind``."""
    ref = KEYS.get(key_digest(key))
    return ref if ref is not None and ref.kind is kind else None


def access_integration_by_key(
    *, session: Session, key: str, kind: IntegrationKind | None = None
) -> IntegrationRef:
    """The enabled integration holding ``key`` (of ``kind``, when given), or 404."""
    digest = key_digest(key)
    ref = KEYS.get(digest)
    if ref is None:
        row = session.scalar(
            select(Integration).where(
                Integration.key_digest == digest, Integration.enabled.is_(True)
            )
        )
        if row is None:
            raise NotFound("no integration has this routing key")
        ref = ref_of(row)
        KEYS.put(digest, ref)
    if kind is not None and ref.kind is not kind:
        raise NotFound(f"no {kind.value} integration has this routing key")
    return ref


def check_config(kind: IntegrationKind, config: Mapping[str, Any]) -> dict[str, Any]:
    if kind is IntegrationKind.generic:
        return check_mapping(config)
    if kind is IntegrationKind.heartbeat:
        return _heartbeat_config(config)
    if config:
        raise InvalidInput("config", f"a {kind.value} integration takes no config")
    return {}


def _heartbeat_config(config: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(config) - set(HEARTBEAT_DEFAULTS))
    if unknown:
        raise InvalidInput(f"config.{unknown[0]}", "use interval_seconds and grace_seconds")
    merged = {**HEARTBEAT_DEFAULTS, **config}
    for name, value in merged.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 31 * 86400:
            raise InvalidInput(f"config.{name}", "must be a whole number of seconds")
    if merged["interval_seconds"] < 10:
        raise InvalidInput("config.interval_seconds", "must be at least 10 seconds")
    return merged


def do_create_integration(
    *,
    session: Session,
    kind: IntegrationKind,
    name: str,
    now: datetime,
    service: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> tuple[Integration, str]:
    """The new integration and its routing key (the only time the key is seen)."""
    if session.scalar(select(Integration.id).where(Integration.name == name)) is not None:
        raise Conflict(f"an integration named {name!r} exists")
    key = secrets.token_hex(16)
    integration = Integration(
        kind=kind.value,
        name=name,
        key_digest=key_digest(key),
        key_hint=f"…{key[-4:]}",
        service_id=_service_id(session, service),
        config=check_config(kind, config or {}),
        enabled=True,
        created_at=now,
    )
    session.add(integration)
    session.flush()
    return integration, key


def _service_id(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    found = session.scalar(select(Service.id).where(Service.name == name.strip()))
    if found is None:
        raise InvalidInput("service", f"no service named {name!r}")
    return found


def list_integrations(*, session: Session) -> list[Integration]:
    return list(session.scalars(select(Integration).order_by(Integration.name)))


def access_integration(*, session: Session, integration_id: int) -> Integration:
    found = session.get(Integration, integration_id)
    if found is None:
        raise NotFound(f"no integration {integration_id}")
    return found


def do_delete_integration(*, session: Session, integration_id: int) -> None:
    """Delete it with its alerts; its key stops working at once in this process."""
    session.delete(access_integration(session=session, integration_id=integration_id))
    session.flush()
    KEYS.drop(integration_id)
