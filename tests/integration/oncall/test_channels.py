"""Each channel against a real receiver on loopback: SMTP (aiosmtpd), a webhook receiver, and
Apprise's json:// notifier posting to an HTTP server."""

from __future__ import annotations

import json
import ssl
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme
from typer.testing import CliRunner

from tests.conftest import free_port
from tests.integration.oncall.outbox_helpers import http_receiver, smtp_server
from warroom.cli.main import app as cli
from warroom.oncall.channels import AppriseChannel, EmailChannel, Message, SendError
from warroom.oncall.webhooks import (
    HEADER,
    BadSignature,
    WebhookChannel,
    signing_secret,
    verify_signature,
)

KEY = signing_secret("the installation's secret key")


def message(address: str, channel: str = "email", **extra: object) -> Message:
    values: dict[str, object] = {
        "delivery_id": 41,
        "channel": channel,
        "address": address,
        "purpose": "page",
        "subject": "[INC-7] SEV1: Checkout returns 500",
        "body": "You are paged for INC-7.\nAcknowledge: http://example.test/ack/abc\n",
        "incident_id": 7,
        "page_id": 3,
        "created_at": datetime(2026, 11, 23, 22, 0, tzinfo=UTC),
    } | extra
    return Message(**values)  # type: ignore[arg-type]


def email_channel(port: int) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=port, sender="warroom@ops.example", timeout=5)


def test_email_arrives_with_its_headers_and_plain_text_body() -> None:
    with smtp_server() as (inbox, port):
        email_channel(port).send(message("rita@example.com"))
        [mail] = inbox.snapshot()
    assert mail["To"] == "rita@example.com"
    assert mail["From"] == "warroom@ops.example"
    assert mail["Subject"] == "[INC-7] SEV1: Checkout returns 500"
    assert mail["Message-ID"] == "<delivery-41@ops.example>"
    assert mail["Date"] == "Mon, 23 Nov 2026 22:00:00 +0000"
    assert mail.get_content_type() == "text/plain"
    assert "Acknowledge: http://example.test/ack/abc" in mail.get_content()


def test_a_refused_mailbox_is_permanent_a_busy_one_and_a_dead_relay_temporary() -> None:
    with smtp_server() as (inbox, port):
        with pytest.raises(SendError) as refused:
            email_channel(port).send(message("refused@example.com"))
        with pytest.raises(SendError) as busy:
            email_channel(port).send(message("busy@example.com"))
    assert refused.value.permanent
    assert "550" in refused.value.reason
    assert not busy.value.permanent
    assert "450" in busy.value.reason
    with pytest.raises(SendError) as down:
        email_channel(free_port()).send(message("rita@example.com"))
    assert not down.value.permanent
    assert not inbox.snapshot()


def test_a_webhook_posts_json_whose_signature_the_receiver_can_verify() -> None:
    with http_receiver(200) as receiver:
        WebhookChannel(KEY, timeout=5).send(message(receiver.url + "/hooks/warroom", "webhook"))
    [request] = receiver.requests
    assert request.path == "/hooks/warroom"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) | {"created_at": None} == {
        "delivery_id": 41,
        "purpose": "page",
        "incident": "INC-7",
        "page_id": 3,
        "subject": "[INC-7] SEV1: Checkout returns 500",
        "text": "You are paged for INC-7.\nAcknowledge: http://example.test/ack/abc\n",
        "created_at": None,
    }
    signature = request.headers[HEADER.lower()]
    verify_signature(KEY, request.body, signature, now=time.time())
    with pytest.raises(BadSignature, match="does not match"):
        verify_signature(KEY, request.body + b" ", signature, now=time.time())
    with pytest.raises(BadSignature, match="replay"):
        verify_signature(KEY, request.body, signature, now=time.time() + 3600)


def test_the_cli_verifies_a_received_webhook() -> None:
    with http_receiver(200) as receiver:
        WebhookChannel(KEY, timeout=5).send(message(receiver.url, "webhook"))
    [request] = receiver.requests
    runner = CliRunner()
    args = ["webhook", "verify", "--secret", KEY, "--signature", request.headers[HEADER.lower()]]
    good = runner.invoke(cli, args, input=request.body)
    assert good.exit_code == 0, good.output
    assert "valid" in good.output
    bad = runner.invoke(cli, args, input=request.body.replace(b"INC-7", b"INC-8"))
    assert bad.exit_code == 1
    assert "does not match" in bad.output


@pytest.mark.parametrize(
    ("status", "permanent"), [(500, False), (503, False), (429, False), (408, False), (404, True)]
)
def test_webhook_answers_decide_whether_to_try_again(status: int, permanent: bool) -> None:
    with http_receiver(status) as receiver, pytest.raises(SendError) as failed:
        WebhookChannel(KEY, timeout=5).send(message(receiver.url, "webhook"))
    assert failed.value.permanent is permanent
    assert f"HTTP {status}" in failed.value.reason


def test_an_unreachable_webhook_is_temporary_and_a_malformed_url_permanent() -> None:
    with pytest.raises(SendError) as unreachable:
        WebhookChannel(KEY, timeout=2).send(message(f"http://127.0.0.1:{free_port()}/", "webhook"))
    assert not unreachable.value.permanent
    with pytest.raises(SendError) as malformed:
        WebhookChannel(KEY, timeout=2).send(message("ftp://example.com/hook", "webhook"))
    assert malformed.value.permanent


def test_apprise_json_notifier_posts_title_and_body() -> None:
    with http_receiver(200) as receiver:
        url = receiver.url.replace("http://", "json://") + "/notify"
        AppriseChannel().send(message(url, "apprise"))
    [request] = receiver.requests
    assert request.path == "/notify"
    posted = json.loads(request.body)
    assert posted["title"] == "[INC-7] SEV1: Checkout returns 500"
    assert "Acknowledge: http://example.test/ack/abc" in posted["message"]


def test_apprise_reports_a_refusing_service_and_an_unknown_url() -> None:
    with http_receiver(500) as receiver, pytest.raises(SendError) as refused:
        AppriseChannel().send(message(receiver.url.replace("http://", "json://"), "apprise"))
    assert not refused.value.permanent
    assert "500" in refused.value.reason
    with pytest.raises(SendError) as unknown:
        AppriseChannel().send(message("nosuchservice://token@host", "apprise"))
    assert unknown.value.permanent


def test_a_title_with_line_breaks_stays_one_subject_line() -> None:
    with smtp_server() as (inbox, port):
        email_channel(port).send(message("rita@example.com", subject="Orders\r\nBcc: x@evil.test"))
        [mail] = inbox.snapshot()
    assert mail["Subject"] == "Orders Bcc: x@evil.test"
    assert mail["Bcc"] is None


def test_starttls_and_login_are_used_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_tls)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # the client trusts only this CA
    login = ("warroom", "relay password")
    with smtp_server(tls=server_tls, login=login) as (inbox, port):
        plain = email_channel(port)
        with pytest.raises(SendError):  # the relay requires STARTTLS first
            plain.send(message("rita@example.com"))
        secure = EmailChannel(
            "127.0.0.1", port, "warroom@ops.example", 5, True, "warroom", "relay password"
        )
        secure.send(message("rita@example.com"))
        wrong = EmailChannel("127.0.0.1", port, "warroom@ops.example", 5, True, "warroom", "no")
        with pytest.raises(SendError) as refused:
            wrong.send(message("rita@example.com"))
        assert [m["To"] for m in inbox.snapshot()] == ["rita@example.com"]
    assert "535" in refused.value.reason
    assert not refused.value.permanent  # a relay's password is fixed by its operator
