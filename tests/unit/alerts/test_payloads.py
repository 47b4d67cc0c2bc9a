"""The documented payload shapes of each sender, read into events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from warroom.alerts.mapping import check_mapping, generic_events
from warroom.alerts.payloads import (
    PayloadError,
    alertmanager_events,
    grafana_events,
    host_of,
    pagerduty_change,
    pagerduty_event,
)
from warroom.alerts.rules import Action, AlertSeverity
from warroom.errors import InvalidInput

# Alertmanager's documented webhook body (version 4), one firing and one resolved alert.
ALERTMANAGER: dict[str, Any] = {
    "version": "4",
    "groupKey": '{}:{alertname="HighCPU"}',
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "warroom",
    "groupLabels": {"alertname": "HighCPU"},
    "commonLabels": {"alertname": "HighCPU", "severity": "critical"},
    "commonAnnotations": {"runbook": "https://wiki/cpu"},
    "externalURL": "http://alertmanager:9093",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "HighCPU", "instance": "web-1:9100", "severity": "critical"},
            "annotations": {"summary": "CPU above 95% on web-1"},
            "startsAt": "2026-11-23T21:55:00.123Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=cpu",
            "fingerprint": "a1b2c3d4e5f60718",
        },
        {
            "status": "resolved",
            "labels": {"alertname": "HighCPU", "instance": "web-2:9100", "severity": "critical"},
            "annotations": {},
            "startsAt": "2026-11-23T21:40:00Z",
            "endsAt": "2026-11-23T21:58:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=cpu",
            "fingerprint": "0f1e2d3c4b5a6978",
            "someFutureField": True,
        },
    ],
}

# PagerDuty's Events API v2 documentation examples.
PD_TRIGGER: dict[str, Any] = {
    "payload": {
        "summary": "DISK at 99% on machine prod-datapipe03.example.com",
        "timestamp": "2015-07-17T08:42:58.315+0000",
        "severity": "critical",
        "source": "prod-datapipe03.example.com",
        "component": "mysql",
        "group": "prod-datapipe",
        "class": "disk",
        "custom_details": {"free space": "1%", "ping time": "1500ms", "load avg": 0.75},
    },
    "routing_key": "samplekeyhere0000000000000000000",
    "dedup_key": "samplekeyhere",
    "images": [
        {"src": "https://chart.googleapis.com/chart?chs=600x400", "href": "https://example.com/"}
    ],
    "links": [{"href": "https://example.com/", "text": "Link text"}],
    "event_action": "trigger",
    "client": "Sample Monitoring Service",
    "client_url": "https://monitoring.service.com",
}
PD_CHANGE: dict[str, Any] = {
    "routing_key": "samplekeyhere0000000000000000000",
    "payload": {
        "summary": "Build Success: Increase snapshot create timeout to 30 seconds",
        "timestamp": "2020-07-17T08:42:58.315+0000",
        "source": "acme-build-pipeline-tool-default-i-9999",
        "custom_details": {"build_state": "passed", "build_number": "2", "run_time": "1236s"},
    },
    "links": [{"href": "https://acme.pipeline.tool/build/2", "text": "View on ACME"}],
}

# Grafana's documented webhook body (unified alerting).
GRAFANA_UNIFIED: dict[str, Any] = {
    "receiver": "My Super Webhook",
    "status": "firing",
    "orgId": 1,
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "High memory usage", "team": "blue", "zone": "us-1"},
            "annotations": {"description": "The system has high memory usage"},
            "startsAt": "2021-10-12T09:51:03.157076+02:00",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
            "fingerprint": "c6eadffa33fcdf37",
            "silenceURL": "https://play.grafana.org/alerting/silence/new",
            "dashboardURL": "",
            "panelURL": "",
            "values": {"B": 44.23943737541908, "C": 1},
            "valueString": "[ var='B' labels={__name__=go_memstats_alloc_bytes} value=44.2 ]",
        }
    ],
    "groupLabels": {},
    "commonLabels": {"alertname": "High memory usage", "team": "blue"},
    "commonAnnotations": {},
    "externalURL": "https://play.grafana.org/",
    "version": "1",
    "groupKey": '{}:{alertname="High memory usage"}',
    "truncatedAlerts": 0,
    "title": "[FIRING:1]  (High memory usage blue)",
    "state": "alerting",
    "message": "**Firing**",
}
# Grafana's legacy (dashboard) alert notification.
GRAFANA_LEGACY: dict[str, Any] = {
    "dashboardId": 1,
    "evalMatches": [{"value": 1, "metric": "Count", "tags": {"host": "db-7"}}],
    "imageUrl": "https://grafana.com/assets/img/blog/mixed_styles.png",
    "message": "Notification Message",
    "orgId": 1,
    "panelId": 2,
    "ruleId": 1,
    "ruleName": "Panel Title alert",
    "ruleUrl": "http://localhost:3000/d/hZ7BuVbWz/test-dashboard?fullscreen&edit&tab=alert",
    "state": "alerting",
    "tags": {"tag name": "tag value"},
    "title": "[Alerting] Panel Title alert",
}


def test_alertmanager_batch_becomes_one_event_per_alert() -> None:
    firing, resolved = alertmanager_events(ALERTMANAGER)
    assert firing.action is Action.trigger
    assert resolved.action is Action.resolve
    assert firing.dedup_key == "a1b2c3d4e5f60718"
    assert firing.summary == "CPU above 95% on web-1"
    assert firing.severity is AlertSeverity.critical
    assert (firing.source, firing.event) == ("web-1", "HighCPU")
    assert firing.occurred_at == datetime(2026, 11, 23, 21, 55, 0, 123000, tzinfo=UTC)
    assert firing.links[0]["href"].startswith("http://prometheus:9090")
    assert firing.details["annotations"]["runbook"] == "https://wiki/cpu"
    assert resolved.summary == "HighCPU on web-2"
    assert resolved.occurred_at == datetime(2026, 11, 23, 21, 58, tzinfo=UTC)


def test_alertmanager_refusals_name_the_field() -> None:
    with pytest.raises(PayloadError, match="alerts"):
        alertmanager_events({"version": "4", "status": "firing"})
    bad = {**ALERTMANAGER, "alerts": [{**ALERTMANAGER["alerts"][0], "status": "weird"}]}
    with pytest.raises(PayloadError, match=r"alerts\[0\]\.status"):
        alertmanager_events(bad)
    broken_time = {**ALERTMANAGER, "alerts": [{**ALERTMANAGER["alerts"][0], "startsAt": "x"}]}
    with pytest.raises(PayloadError, match=r"alerts\[0\]"):
        alertmanager_events(broken_time)


def test_alertmanager_without_fingerprint_keys_by_labels() -> None:
    alert = {k: v for k, v in ALERTMANAGER["alerts"][0].items() if k != "fingerprint"}
    first = alertmanager_events({**ALERTMANAGER, "alerts": [alert]})[0]
    again = alertmanager_events({**ALERTMANAGER, "alerts": [dict(reversed(alert.items()))]})[0]
    other = {**alert, "labels": {**alert["labels"], "instance": "web-9:9100"}}
    assert first.dedup_key == again.dedup_key
    assert first.dedup_key != alertmanager_events({**ALERTMANAGER, "alerts": [other]})[0].dedup_key


def test_pagerduty_trigger_example() -> None:
    event = pagerduty_event(PD_TRIGGER)
    assert event.action is Action.trigger
    assert event.dedup_key == "samplekeyhere"
    assert event.severity is AlertSeverity.critical
    assert event.source == "prod-datapipe03.example.com"
    assert event.event == "disk"
    assert event.labels == {"component": "mysql", "group": "prod-datapipe", "class": "disk"}
    assert event.details["custom_details"]["free space"] == "1%"
    assert event.occurred_at == datetime(2015, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert {"href": "https://example.com/", "text": "Link text"} in event.links
    assert len(event.links) == 2  # the link and the image


def test_pagerduty_acknowledge_and_resolve_need_only_the_key() -> None:
    for action in ("acknowledge", "resolve"):
        body = {"routing_key": "k" * 32, "dedup_key": "samplekeyhere", "event_action": action}
        event = pagerduty_event(body)
        assert event.action is Action(action)
        assert event.dedup_key == "samplekeyhere"
    with pytest.raises(PayloadError, match="dedup_key"):
        pagerduty_event({"routing_key": "k" * 32, "event_action": "resolve"})


def test_pagerduty_trigger_without_key_gets_one() -> None:
    body = {k: v for k, v in PD_TRIGGER.items() if k != "dedup_key"}
    assert pagerduty_event(body, new_key=lambda: "generated").dedup_key == "generated"


def test_pagerduty_reports_every_problem() -> None:
    body = {"event_action": "trigger", "payload": {"summary": "", "severity": "urgent"}}
    with pytest.raises(PayloadError) as caught:
        pagerduty_event(body)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["payload.summary", "payload.source", "payload.severity"]
    with pytest.raises(PayloadError, match="event_action"):
        pagerduty_event({**PD_TRIGGER, "event_action": "explode"})


def test_pagerduty_change_example() -> None:
    change = pagerduty_change(PD_CHANGE)
    assert change.summary.startswith("Build Success")
    assert change.source == "acme-build-pipeline-tool-default-i-9999"
    assert change.occurred_at == datetime(2020, 7, 17, 8, 42, 58, 315000, tzinfo=UTC)
    assert change.links[0]["text"] == "View on ACME"
    with pytest.raises(PayloadError, match=r"payload\.summary"):
        pagerduty_change({"routing_key": "k" * 32, "payload": {"source": "ci"}})


def test_grafana_unified_is_read_like_alertmanager() -> None:
    (event,) = grafana_events(GRAFANA_UNIFIED)
    assert event.action is Action.trigger
    assert event.dedup_key == "c6eadffa33fcdf37"
    assert event.summary == "The system has high memory usage"
    assert event.event == "High memory usage"
    assert event.details["values"] == {"B": 44.23943737541908, "C": 1}
    assert event.links[0]["href"].endswith("/edit")


def test_grafana_legacy_alert_and_ok() -> None:
    (event,) = grafana_events(GRAFANA_LEGACY)
    assert event.action is Action.trigger
    assert event.dedup_key == "grafana-rule-1"
    assert (event.summary, event.source) == ("[Alerting] Panel Title alert", "db-7")
    (ok,) = grafana_events({**GRAFANA_LEGACY, "state": "ok"})
    assert ok.action is Action.resolve
    assert ok.dedup_key == event.dedup_key
    assert grafana_events({**GRAFANA_LEGACY, "state": "paused"}) == []
    with pytest.raises(PayloadError, match="state"):
        grafana_events({"ruleName": "x"})


def test_generic_mapping_reads_paths_and_maps_words() -> None:
    config = check_mapping(
        {
            "events": "$.items",
            "dedup_key": "$.id",
            "summary": "$.title",
            "severity": "$.level",
            "source": "$.host.name",
            "status": "$.state",
            "severity_map": {"P1": "critical"},
            "status_map": {"gone": "resolve"},
        }
    )
    body = {
        "items": [
            {"id": 7, "title": "Queue stuck", "level": "P1", "host": {"name": "mq-1"}},
            {"id": 8, "title": "Disk", "level": "warn", "host": {"name": "db-2"}, "state": "gone"},
        ]
    }
    first, second = generic_events(body, config)
    assert (first.dedup_key, first.summary, first.source) == ("7", "Queue stuck", "mq-1")
    assert first.severity is AlertSeverity.critical
    assert first.action is Action.trigger
    assert second.severity is AlertSeverity.warning
    assert second.action is Action.resolve


def test_generic_mapping_errors_name_the_field_and_path() -> None:
    with pytest.raises(PayloadError, match=r"summary \(\$\.title\)"):
        generic_events({"name": "x"}, {"summary": "$.title"})
    with pytest.raises(InvalidInput, match=r"config\.sumary"):
        check_mapping({"sumary": "$.title"})
    with pytest.raises(InvalidInput, match=r"config\.severity_map"):
        check_mapping({"severity_map": {"P1": "apocalyptic"}})
    default = generic_events({"summary": "Backup failed", "source": "nas-1"}, {})
    assert default[0].summary == "Backup failed"
    assert default[0].dedup_key


@pytest.mark.parametrize(
    ("instance", "host"),
    [("web-1:9100", "web-1"), ("10.0.0.5:9100", "10.0.0.5"), ("[2001:db8::1]:9100", "2001:db8::1")],
)
def test_host_part_of_instance(instance: str, host: str) -> None:
    assert host_of(instance) == host
