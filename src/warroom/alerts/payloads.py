"""Inbound payloads → ``IncomingEvent`` (pure: no session, no clock, no I/O).

One parser per wire format: Prometheus Alertmanager webhook v4, PagerDuty Events API v2 (alert
and change events), Grafana alerting (unified, which is Alertmanager-shaped, and legacy), and a
generic JSON webhook read through a field mapping (``generic_events``; the mapping language is
described there). A payload that cannot be read raises ``PayloadError`` naming the field.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warroom.alerts.rules import Action, AlertSeverity, IncomingEvent
from warroom.errors import FieldError, InvalidInput

# Words other tools use for our four severities (matched lower-case).
SEVERITY_WORDS: dict[str, AlertSeverity] = {
    **dict.fromkeys(("critical", "crit", "fatal", "emergency", "page"), AlertSeverity.critical),
    **dict.fromkeys(("error", "err", "high", "major", "alerting"), AlertSeverity.error),
    **dict.fromkeys(("warning", "warn", "medium", "minor", "no_data"), AlertSeverity.warning),
    **dict.fromkeys(("info", "informational", "low", "none", "debug", "ok"), AlertSeverity.info),
}
MAX_KEY = 255
MAX_SUMMARY = 1024


class PayloadError(InvalidInput):
    """The body is JSON but not an event this endpoint understands (answered with 400)."""

    status = 400
    title = "Invalid event"


@dataclass(frozen=True)
class IncomingChange:
    """A change reported by a deploy tool: recorded, never paged on."""

    summary: str
    source: str = ""
    occurred_at: datetime | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Any, ...] = ()


def severity_of(value: object, default: AlertSeverity = AlertSeverity.error) -> AlertSeverity:
    if not isinstance(value, str) or not value.strip():
        return default
    return SEVERITY_WORDS.get(value.strip().lower(), default)


def parse_time(value: object, where: str) -> datetime | None:
    """An ISO 8601 time with an offset; ``None`` for absent or Go's zero time."""
    if value in (None, "") or (isinstance(value, str) and value.startswith("0001-01-01")):
        return None
    if not isinstance(value, str):
        raise PayloadError(where, "must be an ISO 8601 time")
    text = value.strip()
    if text.endswith("Z") and ("+" in text[10:] or text[10:].count("-") > 0):
        text = text[:-1]  # "…+00:00Z", as some clients write it
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(where, f"{value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise PayloadError(where, "must include a time zone offset")
    return parsed


def _object(value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(where, "must be an object")
    return value


def _strings(value: object, where: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _object(value, where).items()}


def _text(value: object, where: str, *, limit: int = MAX_KEY, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise PayloadError(where, "is required")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise PayloadError(where, "must be a string")
    return str(value)[:limit]


def host_of(instance: str) -> str:
    """The host part of a Prometheus ``instance`` label: ``web-1:9100`` → ``web-1``."""
    text = instance.strip()
    if text.startswith("["):  # [2001:db8::1]:9100
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def label_host(labels: Mapping[str, str]) -> str:
    for name in ("host", "hostname"):
        if labels.get(name):
            return labels[name]
    return host_of(labels["instance"]) if labels.get("instance") else ""


def digest_key(*parts: object) -> str:
    """A stable dedup key made of values when the sender gives none."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _list(body: Mapping[str, Any], name: str) -> list[Any]:
    value = body.get(name)
    if not isinstance(value, list):
        raise PayloadError(name, "must be a list")
    return value


# --- Alertmanager (and Grafana unified alerting) ---------------------------------------------


def alertmanager_events(body: object) -> list[IncomingEvent]:
    """Prometheus Alertmanager webhook payload version 4: one event per entry of ``alerts``."""
    top = _object(body, "body")
    alerts = _list(top, "alerts")
    common = _strings(top.get("commonAnnotations"), "commonAnnotations")
    return [_am_event(item, f"alerts[{i}]", common) for i, item in enumerate(alerts)]


def _am_event(item: object, where: str, common: Mapping[str, str]) -> IncomingEvent:
    alert = _object(item, where)
    labels = _strings(alert.get("labels"), f"{where}.labels")
    notes = {**common, **_strings(alert.get("annotations"), f"{where}.annotations")}
    status = alert.get("status", "firing")
    if status not in ("firing", "resolved"):
        raise PayloadError(f"{where}.status", "must be firing or resolved")
    firing = status == "firing"
    event = labels.get("alertname", "")
    fingerprint = _text(alert.get("fingerprint"), f"{where}.fingerprint") or None
    link = alert.get("generatorURL") or alert.get("panelURL")
    return IncomingEvent(
        action=Action.trigger if firing else Action.resolve,
        dedup_key=fingerprint or digest_key(sorted(labels.items())),
        summary=_am_summary(notes, event, labels)[:MAX_SUMMARY],
        severity=severity_of(labels.get("severity") or labels.get("priority")),
        source=label_host(labels),
        event=event[:MAX_KEY],
        occurred_at=parse_time(alert.get("startsAt" if firing else "endsAt"), where),
        fingerprint=fingerprint,
        labels=labels,
        details={"annotations": notes, **_grafana_extras(alert)},
        links=({"href": link, "text": "Source"},) if isinstance(link, str) and link else (),
        raw=alert,
    )


def _am_summary(notes: Mapping[str, str], event: str, labels: Mapping[str, str]) -> str:
    for name in ("summary", "description", "message", "title"):
        if notes.get(name):
            return notes[name]
    host = label_host(labels)
    return f"{event or 'alert'} on {host}" if host else event or "alert"


def _grafana_extras(alert: Mapping[str, Any]) -> dict[str, Any]:
    names = ("values", "valueString", "dashboardURL", "panelURL", "silenceURL")
    return {name: alert[name] for name in names if alert.get(name) not in (None, "")}


def grafana_events(body: object) -> list[IncomingEvent]:
    """Grafana alerting: unified alerting is Alertmanager-shaped; legacy alerts (before Grafana
    8) carry ``ruleName``, ``state`` and ``evalMatches`` instead of ``alerts``."""
    top = _object(body, "body")
    if "alerts" in top:
        return alertmanager_events(top)
    return _grafana_legacy(top)


LEGACY_STATES = {"alerting": Action.trigger, "no_data": Action.trigger, "ok": Action.resolve}


def _grafana_legacy(top: Mapping[str, Any]) -> list[IncomingEvent]:
    state = top.get("state")
    if not isinstance(state, str) or not state:
        raise PayloadError("state", "is required (or send Grafana's unified 'alerts')")
    if state not in LEGACY_STATES:
        return []  # paused and pending rules report no change of alert state
    rule = _text(top.get("ruleName"), "ruleName", required=True)
    tags = _strings(top.get("tags"), "tags")
    matches = top.get("evalMatches") or []
    first_tags = _strings(matches[0].get("tags"), "evalMatches[0].tags") if matches else {}
    labels = {**first_tags, **tags, "alertname": rule}
    return [
        IncomingEvent(
            action=LEGACY_STATES[state],
            dedup_key=f"grafana-rule-{top.get('ruleId') or digest_key(rule)}"[:MAX_KEY],
            summary=_text(top.get("title") or rule, "title", limit=MAX_SUMMARY),
            severity=severity_of(tags.get("severity") or state),
            source=label_host(labels),
            event=rule,
            labels=labels,
            details={"message": top.get("message") or "", "evalMatches": matches},
            links=({"href": top["ruleUrl"], "text": "Rule"},) if top.get("ruleUrl") else (),
            raw=dict(top),
        )
    ]


# --- PagerDuty Events API v2 -----------------------------------------------------------------

PD_ACTIONS = {a.value: a for a in Action}
PD_SEVERITIES = {s.value for s in AlertSeverity}


def pagerduty_event(
    body: object, *, new_key: Callable[[], str] = lambda: uuid.uuid4().hex
) -> IncomingEvent:
    """One Events API v2 alert event; every problem found is reported, as PagerDuty does."""
    top = _object(body, "body")
    problems: list[tuple[str, str]] = []
    action = PD_ACTIONS.get(str(top.get("event_action")))
    if action is None:
        problems.append(("event_action", "must be one of trigger, acknowledge, resolve"))
    key = top.get("dedup_key")
    if key is not None and (not isinstance(key, str) or not 0 < len(key) <= MAX_KEY):
        problems.append(("dedup_key", f"must be a string of 1 to {MAX_KEY} characters"))
    if action is not None and action is not Action.trigger and not key:
        problems.append(("dedup_key", "is required to acknowledge or resolve"))
    payload = top.get("payload") if action is Action.trigger else None
    if action is Action.trigger:
        problems += _pd_payload_problems(payload)
    _raise_all(problems)
    return _pd_event(top, action, str(key) if key else new_key(), payload or {})


def _pd_payload_problems(payload: object) -> list[tuple[str, str]]:
    if not isinstance(payload, dict):
        return [("payload", "is required for a trigger and must be an object")]
    problems = []
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        problems.append(("payload.summary", "is required"))
    elif len(summary) > MAX_SUMMARY:
        problems.append(("payload.summary", f"is longer than {MAX_SUMMARY} characters"))
    if not isinstance(payload.get("source"), str) or not payload["source"].strip():
        problems.append(("payload.source", "is required"))
    if payload.get("severity") not in PD_SEVERITIES:
        problems.append(("payload.severity", "must be one of critical, error, warning, info"))
    for name in ("custom_details",):
        if payload.get(name) is not None and not isinstance(payload[name], dict | str):
            problems.append((f"payload.{name}", "must be an object"))
    return problems


def _raise_all(problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    error = PayloadError(*problems[0])
    error.errors += [FieldError(name, detail) for name, detail in problems[1:]]
    error.detail = "; ".join(f"{name} {detail}" for name, detail in problems)
    raise error


def _pd_event(
    top: Mapping[str, Any], action: Action | None, key: str, payload: Mapping[str, Any]
) -> IncomingEvent:
    assert action is not None  # checked by the caller
    details = payload.get("custom_details")
    names = ("component", "group", "class")
    labels = {name: str(payload[name]) for name in names if payload.get(name)}
    return IncomingEvent(
        action=action,
        dedup_key=key,
        summary=str(payload.get("summary") or f"{action.value} {key}")[:MAX_SUMMARY],
        severity=severity_of(payload.get("severity")),
        source=str(payload.get("source") or "")[:MAX_KEY],
        event=str(payload.get("class") or payload.get("summary") or "")[:MAX_KEY],
        occurred_at=parse_time(payload.get("timestamp"), "payload.timestamp"),
        labels=labels,
        details={"custom_details": details} if details not in (None, {}, "") else {},
        links=tuple(_links(top)),
        raw=dict(top),
    )


def _links(top: Mapping[str, Any]) -> list[Any]:
    links = top.get("links") or []
    images = top.get("images") or []
    if not isinstance(links, list) or not isinstance(images, list):
        raise PayloadError("links" if not isinstance(links, list) else "images", "must be a list")
    return [*links, *({"image": image} for image in images)]


def pagerduty_change(body: object) -> IncomingChange:
    """One Events API v2 change event (``POST /v2/change/enqueue``)."""
    top = _object(body, "body")
    payload = top.get("payload")
    if not isinstance(payload, dict):
        raise PayloadError("payload", "is required and must be an object")
    summary = payload.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise PayloadError("payload.summary", "is required")
    details = payload.get("custom_details")
    return IncomingChange(
        summary=summary[:MAX_SUMMARY],
        source=_text(payload.get("source"), "payload.source"),
        occurred_at=parse_time(payload.get("timestamp"), "payload.timestamp"),
        details={"custom_details": details} if details else {},
        links=tuple(_links(top)),
    )
