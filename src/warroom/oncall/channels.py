"""How a delivery leaves warroom: one ``Channel`` per kind of contact method.

A channel sends one ``Message`` and returns, or raises ``SendError`` saying whether trying
again later could help (``permanent=False``: the relay is down, the receiver answered 503) or
not (``permanent=True``: the address is refused, the URL is malformed). Channels know nothing
of the database; ``warroom.oncall.delivery`` decides retries from what they raise.

    email     SMTP through the configured relay (``WARROOM_SMTP_*``), plain text
    webhook   a JSON POST signed with HMAC-SHA256 (``warroom.oncall.webhooks``)
    apprise   an Apprise URL: Slack, Teams, Telegram, ntfy, Twilio SMS and many more
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

from warroom.settings import Settings


@dataclass(frozen=True)
class Message:
    """What a channel needs of a delivery (a value, so sending needs no session)."""

    delivery_id: int
    channel: str
    address: str
    purpose: str
    subject: str
    body: str
    incident_id: int | None
    page_id: int | None
    created_at: datetime
    attempts: int = 0  # made before this one


class SendError(Exception):
    """The message did not go out; ``reason`` is short enough for ``last_error``."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Channel(Protocol):
    def send(self, message: Message) -> None: ...


@dataclass(frozen=True)
class EmailChannel:
    host: str
    port: int
    sender: str
    timeout: float
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    def send(self, message: Message) -> None:
        if "@" not in message.address or any(c.isspace() for c in message.address):
            raise SendError(f"not an email address: {message.address!r}", permanent=True)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                self._open(smtp)
                smtp.send_message(self.compose(message))
        except smtplib.SMTPRecipientsRefused as exc:
            raise _refused(exc) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP {self.host}:{self.port}: {exc or type(exc).__name__}") from exc

    def _open(self, smtp: smtplib.SMTP) -> None:
        if self.starttls:
            # Python's default for starttls() does not check the certificate: ask for it.
            smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password or "")

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        mail["Subject"] = " ".join(message.subject.split())  # a header is one line
        mail["Date"] = format_datetime(message.created_at)
        # One Message-ID per delivery, the same on every retry, so mail systems (and people)
        # can tell a retried message from a new one.
        domain = self.sender.rpartition("@")[2].strip("> ") or "localhost"
        mail["Message-ID"] = f"<delivery-{message.delivery_id}@{domain}>"
        mail["X-Warroom-Delivery"] = str(message.delivery_id)
        mail["X-Warroom-Purpose"] = message.purpose
        mail.set_content(message.body)
        return mail


def _text(value: bytes | str) -> str:
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    return text.strip()[:200]


def _refused(exc: smtplib.SMTPRecipientsRefused) -> SendError:
    """A 5xx answer to RCPT means this address will never work; 4xx means not now."""
    code, text = next(iter(exc.recipients.values()), (0, b""))
    return SendError(f"recipient refused: SMTP {code}: {_text(text)}", permanent=code >= 500)


@dataclass(frozen=True)
class AppriseChannel:
    """Apprise reports only success or failure, so a failure is retried: a bad token and a
    chat service's outage look the same from here. A URL Apprise cannot parse is permanent.
    Timeouts are Apprise's own (``?cto=`` and ``?rto=`` on the URL)."""

    def send(self, message: Message) -> None:
        import apprise  # loads its plugins: only in processes that send

        notifier = apprise.Apprise()
        if not notifier.add(message.address):
            raise SendError("not a valid Apprise URL", permanent=True)
        with apprise.LogCapture(level=apprise.logging.WARNING) as captured:  # type: ignore[no-untyped-call]
            sent = notifier.notify(body=message.body, title=message.subject)
        if not sent:
            logged = captured.getvalue().strip().splitlines()
            detail = logged[-1].split(" - ", 2)[-1] if logged else "the service did not accept it"
            raise SendError(f"apprise: {detail}"[:300])


def channels_from(settings: Settings, secret: str) -> Mapping[str, Channel]:
    """The channels a worker sends through, configured from the settings."""
    from warroom.oncall.webhooks import WebhookChannel, signing_secret

    email = EmailChannel(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        timeout=settings.smtp_timeout_seconds,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )
    webhook = WebhookChannel(signing_secret(secret), settings.webhook_timeout_seconds)
    return {"email": email, "webhook": webhook, "apprise": AppriseChannel()}
