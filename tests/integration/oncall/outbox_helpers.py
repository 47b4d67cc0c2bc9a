"""Real receivers on loopback for the sending tests: an SMTP server (aiosmtpd) that keeps what
it accepts, an HTTP server answering from a script, and rows put straight into the outbox."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import free_port
from warroom.db import transaction
from warroom.oncall.models import ContactMethod, Delivery


@dataclass
class Inbox:
    """An aiosmtpd handler: every accepted message, parsed. RCPT to an address starting with
    ``refused`` gets a 550, with ``busy`` a 450."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds each message takes to accept, like a real relay

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy"):
            return "450 4.2.1 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def snapshot(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)


def _password_check(user: str, password: str) -> Any:
    """An aiosmtpd authenticator accepting one user and password."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535

    return check


@contextmanager
def smtp_server(
    delay: float = 0.0, tls: ssl.SSLContext | None = None, login: tuple[str, str] | None = None
) -> Iterator[tuple[Inbox, int]]:
    """With ``tls`` the server offers STARTTLS and requires it; with ``login`` it requires
    that user and password too."""
    inbox = Inbox(delay=delay)
    port = free_port()
    secure: dict[str, Any] = {}
    if tls is not None:
        secure = {"tls_context": tls, "require_starttls": True}
    if login is not None:
        secure |= {"authenticator": _password_check(*login), "auth_required": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **secure)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of ``script`` (the last one repeats)."""

    script: list[int]
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    def answer(self) -> int:
        return self.script[min(len(self.requests) - 1, len(self.script) - 1)]


@contextmanager
def http_receiver(*script: int) -> Iterator[Receiver]:
    receiver = Receiver(list(script) or [200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.requests.append(Received(self.path, headers, body))
            status = receiver.answer()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else b"receiver says no")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def add_method(
    sessions: sessionmaker[Session], person_id: int, kind: str, address: str, **extra: Any
) -> int:
    with transaction(sessions) as session:
        row = ContactMethod(
            person_id=person_id,
            kind=kind,
            address=address,
            created_at=extra.pop("created_at"),
            **extra,
        )
        session.add(row)
        session.flush()
        return row.id


def add_deliveries(
    sessions: sessionmaker[Session],
    now: datetime,
    *addresses: str,
    channel: str = "email",
    **extra: Any,
) -> list[int]:
    """One pending delivery per address, due ``now`` unless ``due_at`` says otherwise."""
    values = {"purpose": "notice", "status": "pending", "due_at": now, "attempts": 0} | extra
    with transaction(sessions) as session:
        rows = [
            Delivery(
                channel=channel,
                address=address,
                subject=f"Test message {i}",
                body=f"Body of message {i}",
                created_at=now,
                **values,
            )
            for i, address in enumerate(addresses)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def delivery(sessions: sessionmaker[Session], delivery_id: int) -> Delivery:
    with sessions() as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        return row
