"""The generic JSON webhook: a field mapping, kept in the integration's ``config``, turns any
JSON body into events (pure).

The mapping language, kept small on purpose:

* A value starting with ``$`` is a path into the body: ``$.title``, ``$.host.name``,
  ``$.tags[0]``. Anything else is a literal (``"severity": "warning"``).
* ``events`` (optional) is a path to a list; each item becomes one event and the other paths
  start from that item. Without it the whole body is one event.
* ``summary`` is required; ``dedup_key``, ``severity``, ``source``, ``event``, ``status``,
  ``timestamp``, ``fingerprint``, ``labels`` (an object) and ``details`` are optional.
* ``severity_map`` maps the sender's words to critical, error, warning or info; unmapped words
  are read as common synonyms (``high`` → error, ``warn`` → warning), else error.
* ``status_map`` maps the sender's words to trigger, acknowledge or resolve; unmapped words
  ``resolved``, ``ok``, ``closed``, ``recovered`` resolve, ``acknowledged``/``ack`` acknowledge,
  anything else triggers.
* Without ``dedup_key`` the key is a digest of the source, event and summary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from warroom.alerts.payloads import (
    MAX_KEY,
    MAX_SUMMARY,
    PayloadError,
    digest_key,
    label_host,
    parse_time,
    severity_of,
)
from warroom.alerts.rules import Action, AlertSeverity, IncomingEvent
from warroom.errors import InvalidInput

DEFAULT_MAPPING: dict[str, Any] = {
    "dedup_key": "$.dedup_key",
    "summary": "$.summary",
    "severity": "$.severity",
    "source": "$.source",
    "event": "$.event",
    "status": "$.status",
    "timestamp": "$.timestamp",
    "labels": "$.labels",
}
FIELDS = frozenset(
    {*DEFAULT_MAPPING, "events", "fingerprint", "details", "severity_map", "status_map"}
)
STATUS_WORDS = {
    **dict.fromkeys(("resolve", "resolved", "ok", "closed", "recovered"), Action.resolve),
    **dict.fromkeys(("acknowledge", "acknowledged", "ack"), Action.acknowledge),
}
_STEP = re.compile(r"\.([A-Za-z0-9_\-]+)|\[(\d+)\]")
_MISSING = object()


def check_mapping(config: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping to store, checked once when the integration is created."""
    unknown = sorted(set(config) - FIELDS)
    if unknown:
        known = ", ".join(sorted(FIELDS))
        raise InvalidInput(f"config.{unknown[0]}", f"unknown field; use {known}")
    merged = {**DEFAULT_MAPPING, **config}
    for name in FIELDS - {"severity_map", "status_map"}:
        value = merged.get(name)
        if value is not None and (not isinstance(value, str) or not _valid_path(value)):
            raise InvalidInput(f"config.{name}", "must be a path like $.a.b[0] or a literal")
    for name, allowed in (
        ("severity_map", {s.value for s in AlertSeverity}),
        ("status_map", {a.value for a in Action}),
    ):
        _check_words(merged.get(name) or {}, name, allowed)
    return merged


def _check_words(words: object, name: str, allowed: set[str]) -> None:
    if not isinstance(words, dict) or any(v not in allowed for v in words.values()):
        raise InvalidInput(f"config.{name}", f"must map words to {', '.join(sorted(allowed))}")


def _valid_path(text: str) -> bool:
    if not text.startswith("$"):
        return True
    return _STEP.sub("", text[1:]) == ""


def resolve(path: str, root: object) -> object:
    """The value at ``path`` in ``root`` (``_MISSING`` when absent), or the literal."""
    if not path.startswith("$"):
        return path
    value: object = root
    for name, index in _STEP.findall(path[1:]):
        if name and isinstance(value, dict) and name in value:
            value = value[name]
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return _MISSING
    return value


def generic_events(body: object, config: Mapping[str, Any]) -> list[IncomingEvent]:
    mapping = {**DEFAULT_MAPPING, **config}
    if not mapping.get("events"):
        return [_event(body, mapping, "")]
    items = resolve(mapping["events"], body)
    if not isinstance(items, list):
        raise PayloadError(f"events ({mapping['events']})", "must be a list")
    return [_event(item, mapping, f"events[{i}].") for i, item in enumerate(items)]


def _get(root: object, mapping: Mapping[str, Any], name: str, where: str) -> str:
    path = mapping.get(name)
    value = resolve(path, root) if path else _MISSING
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, dict | list):
        raise PayloadError(f"{where}{name} ({path})", "must be a string or a number")
    return str(value)


def _event(root: object, mapping: Mapping[str, Any], where: str) -> IncomingEvent:
    summary = _get(root, mapping, "summary", where)
    if not summary:
        raise PayloadError(f"{where}summary ({mapping.get('summary')})", "is required")
    labels = _labels(root, mapping, where)
    source = _get(root, mapping, "source", where) or label_host(labels)
    event = _get(root, mapping, "event", where)
    key = _get(root, mapping, "dedup_key", where) or digest_key(source, event, summary)
    return IncomingEvent(
        action=_action(_get(root, mapping, "status", where), mapping),
        dedup_key=key[:MAX_KEY],
        summary=summary[:MAX_SUMMARY],
        severity=_severity(_get(root, mapping, "severity", where), mapping),
        source=source[:MAX_KEY],
        event=(event or summary)[:MAX_KEY],
        occurred_at=parse_time(_get(root, mapping, "timestamp", where) or None, "timestamp"),
        fingerprint=_get(root, mapping, "fingerprint", where)[:MAX_KEY] or None,
        labels=labels,
        details=_details(root, mapping),
        raw=root if isinstance(root, dict) else {"value": root},
    )


def _labels(root: object, mapping: Mapping[str, Any], where: str) -> dict[str, str]:
    path = mapping.get("labels")
    value = resolve(path, root) if path else _MISSING
    if value is _MISSING or value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{where}labels ({path})", "must be an object")
    return {str(k): str(v) for k, v in value.items()}


def _details(root: object, mapping: Mapping[str, Any]) -> dict[str, Any]:
    path = mapping.get("details")
    value = resolve(path, root) if path else _MISSING
    return {"details": value} if value not in (_MISSING, None) else {}


def _action(word: str, mapping: Mapping[str, Any]) -> Action:
    custom = mapping.get("status_map") or {}
    if word in custom:
        return Action(custom[word])
    return STATUS_WORDS.get(word.strip().lower(), Action.trigger)


def _severity(word: str, mapping: Mapping[str, Any]) -> AlertSeverity:
    custom = mapping.get("severity_map") or {}
    if word in custom:
        return AlertSeverity(custom[word])
    return severity_of(word)
