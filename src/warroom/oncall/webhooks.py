"""Outbound webhooks: a JSON POST per delivery, signed so the receiver can tell it came from
this warroom and was not replayed.

The signature header is ``X-Warroom-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is
HMAC-SHA256, keyed by the webhook signing secret, over ``"<t>." + raw body``. Receivers
recompute it, compare in constant time, and refuse a ``t`` far from their clock
(``verify_signature`` does all three). The signing secret is derived from the installation's
secret key (``warroom webhook secret`` prints it), so it survives restarts and is the same on
every replica, and rotating the secret key rotates it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx

from warroom import __version__
from warroom.incidents.rules import format_ref
from warroom.oncall.channels import Message, SendError

HEADER = "X-Warroom-Signature"
TOLERANCE_SECONDS = 300
_PURPOSE = b"warroom.webhook-signing.v1"
# A receiver that is slow or rate-limiting us now may answer later: everything else in 4xx
# says the request itself is wrong and will stay wrong.
_RETRYABLE_4XX = {408, 425, 429}


def signing_secret(secret_key: str) -> str:
    """The key webhooks are signed with: derived, so the secret key itself never leaves."""
    return hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def sign(key: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(key.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class BadSignature(ValueError):
    pass


def verify_signature(
    key: str, body: bytes, header: str, *, now: float, tolerance: int = TOLERANCE_SECONDS
) -> None:
    """Raise ``BadSignature`` unless ``header`` signs ``body`` with ``key`` recently enough."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    stamp, given = fields.get("t", ""), fields.get("v1", "")
    if not stamp.isdigit() or not given:
        raise BadSignature(f"{HEADER} must look like t=<unix seconds>,v1=<hex>")
    if abs(now - int(stamp)) > tolerance:
        raise BadSignature(f"timestamp is more than {tolerance} s from now (a replay?)")
    expected = sign(key, body, int(stamp)).rpartition("v1=")[2]
    if not hmac.compare_digest(expected, given):
        raise BadSignature("signature does not match the body")


# Deliveries whose body is already the document to post (a status page subscriber's webhook
# in Statuspage's shape, which its receivers parse as is).
RAW_PURPOSES = frozenset({"status_webhook"})


def payload(message: Message) -> dict[str, object]:
    if message.purpose in RAW_PURPOSES:
        document: dict[str, object] = json.loads(message.body)
        return document
    return {
        "delivery_id": message.delivery_id,
        "purpose": message.purpose,
        "incident": format_ref(message.incident_id) if message.incident_id else None,
        "page_id": message.page_id,
        "subject": message.subject,
        "text": message.body,
        "created_at": message.created_at.isoformat(),
    }


@dataclass(frozen=True)
class WebhookChannel:
    key: str
    timeout: float

    def send(self, message: Message) -> None:
        body = json.dumps(payload(message), separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"warroom/{__version__}",
            "X-Warroom-Delivery": str(message.delivery_id),
            HEADER: sign(self.key, body, int(time.time())),
        }
        try:
            answer = httpx.post(
                message.address, content=body, headers=headers, timeout=self.timeout
            )
        except httpx.InvalidURL as exc:
            raise SendError(f"not a valid URL: {exc}", permanent=True) from exc
        except httpx.UnsupportedProtocol as exc:
            raise SendError(f"not an http(s) URL: {exc}", permanent=True) from exc
        except httpx.HTTPError as exc:
            raise SendError(f"{type(exc).__name__}: {exc}"[:300]) from exc
        check_answer(answer.status_code, answer.text)


def check_answer(status: int, text: str) -> None:
    """2xx is delivered; 5xx and the retryable 4xx are tried again; any other answer (a 4xx,
    a redirect, which is not followed) will not change by itself, so it is permanent."""
    if 200 <= status < 300:
        return
    reason = f"HTTP {status}: {text.strip()[:200]}".rstrip(": ")
    permanent = status < 500 and status not in _RETRYABLE_4XX
    raise SendError(reason, permanent=permanent)
