"""Alert vocabulary and the normalised event every integration's payload becomes (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class IntegrationKind(StrEnum):
    alertmanager = "alertmanager"
    pagerduty = "pagerduty"
    grafana = "grafana"
    generic = "generic"
    heartbeat = "heartbeat"


class AlertSeverity(StrEnum):
    """PagerDuty Events v2 words, most severe first."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"


class AlertStatus(StrEnum):
    firing = "firing"
    acknowledged = "acknowledged"
    resolved = "resolved"


class Action(StrEnum):
    trigger = "trigger"
    acknowledge = "acknowledge"
    resolve = "resolve"


@dataclass(frozen=True)
class IncomingEvent:
    """One alert state report, whatever sent it.

    ``source`` is the host as the sender names it (matched against the catalog by hostname,
    alias or IP); ``event`` is the name of what happened (Alertmanager's ``alertname``,
    PagerDuty's ``class`` or summary), the usual key for grouping a storm across hosts.
    """

    action: Action
    dedup_key: str
    summary: str
    severity: AlertSeverity = AlertSeverity.error
    source: str = ""
    event: str = ""
    occurred_at: datetime | None = None
    fingerprint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Any, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)
