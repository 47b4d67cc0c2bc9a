"""Shipping the audit chain's head outside the database, on a schedule: then someone who
controls the database (and this host) still cannot rewrite or cut history without the next
verification against the shipped head noticing.

A sink is named by ``WARROOM_AUDIT_SINK``:

- ``file:/var/log/warroom/audit-heads.jsonl``: one JSON line appended per shipment (put it
  on another host's mount, or let a log shipper carry it away);
- ``https://…`` (or ``http://``): the record POSTed as JSON;
- ``syslog:`` (the local ``/dev/log``) or ``syslog://host:514`` (UDP): one JSON message.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlalchemy.orm import Session, sessionmaker

from warroom.audit.models import AuditHead
from warroom.audit.rules import Head, head_record, parse_head_record
from warroom.db import transaction
from warroom.errors import InvalidInput
from warroom.settings import Settings

SEND_TIMEOUT = 10.0


def check_sink(sink: str) -> str:
    """The sink's kind (file, http, syslog), or 422 naming what is wrong with it."""
    scheme = urlsplit(sink).scheme
    if scheme == "file" and _file_path(sink).is_absolute():
        return "file"
    if scheme in ("http", "https") and urlsplit(sink).hostname:
        return "http"
    if scheme == "syslog":
        return "syslog"
    raise InvalidInput(
        "audit_sink", "file:/absolute/path, https://host/path, syslog: or syslog://host:port"
    )


def _file_path(sink: str) -> Path:
    return Path(sink.removeprefix("file://").removeprefix("file:"))


def send(sink: str, record: dict[str, object]) -> None:
    kind = check_sink(sink)
    if kind == "file":
        _append(_file_path(sink), record)
    elif kind == "http":
        httpx.post(sink, json=record, timeout=SEND_TIMEOUT).raise_for_status()
    else:
        _syslog(sink, record)


def _append(path: Path, record: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())  # shipped means on disk, not in a buffer that dies with us


def _syslog(sink: str, record: dict[str, object]) -> None:
    parts = urlsplit(sink)
    address: str | tuple[str, int] = (
        (parts.hostname, parts.port or 514) if parts.hostname else "/dev/log"
    )
    handler = logging.handlers.SysLogHandler(address=address)
    try:
        message = logging.makeLogRecord({"msg": "warroom-audit " + json.dumps(record)})
        handler.emit(message)
    finally:
        handler.close()


def read_anchor(path: Path) -> Head | None:
    """The last head a file sink holds (None when it holds none yet)."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise InvalidInput("anchor", f"cannot read {path}: {exc.strerror}") from exc
    if not lines:
        return None
    try:
        found = json.loads(lines[-1])
    except json.JSONDecodeError as exc:
        raise InvalidInput("anchor", f"the last line of {path} is not JSON") from exc
    return parse_head_record(found)


def do_ship(*, session: Session, sink: str, now: datetime, every: timedelta) -> Head | None:
    """Send the head when it moved since the last shipment and that was ``every`` ago (or
    never); the head sent, or None."""
    row = session.get(AuditHead, 1)
    if row is None or not row.seq:
        return None
    due = row.shipped_at is None or now - row.shipped_at >= every
    if not due or row.seq == row.shipped_seq:
        return None
    head = Head(row.seq, row.hash)
    send(sink, head_record(head, now))
    row.shipped_seq, row.shipped_at = head.seq, now
    return head


def worker_jobs(
    settings: Settings,
) -> list[tuple[str, Callable[[sessionmaker[Session], datetime], int]]]:
    """The worker's shipment of the head, when a sink is configured."""
    sink = settings.audit_sink
    if not sink:
        return []
    check_sink(sink)  # a mistyped sink stops the worker at start, not silently each time
    every = timedelta(minutes=settings.audit_ship_minutes)

    def ship(sessions: sessionmaker[Session], now: datetime) -> int:
        with transaction(sessions) as session:
            return 1 if do_ship(session=session, sink=sink, now=now, every=every) else 0

    return [("audit head", ship)]
