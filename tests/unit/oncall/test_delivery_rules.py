"""The outbox's pure decisions: retry times, giving up, hourly limits, handover cadence and
webhook answers and signatures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.oncall.channels import SendError
from warroom.oncall.delivery_rules import MAX_ATTEMPTS, after_failure, next_slot, retry_delay
from warroom.oncall.staffing import next_handover
from warroom.oncall.webhooks import BadSignature, check_answer, sign, verify_signature

NOW = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_retries_double_from_30_seconds_up_to_30_minutes() -> None:
    delays = [int(retry_delay(n).total_seconds()) for n in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1800, 1800, 1800]


def test_a_failure_is_retried_until_the_last_attempt_and_a_permanent_one_never() -> None:
    assert after_failure(0, permanent=False, now=NOW).due_at == NOW + timedelta(seconds=30)
    last = after_failure(MAX_ATTEMPTS - 1, permanent=False, now=NOW)
    assert (last.attempts, last.due_at) == (MAX_ATTEMPTS, None)
    assert after_failure(0, permanent=True, now=NOW).due_at is None


def test_the_next_slot_is_when_enough_sends_leave_the_hour() -> None:
    sent = [NOW - timedelta(minutes=m) for m in (50, 30, 10, 70)]  # 70 is outside the window
    assert next_slot(sent, 4, NOW) is None
    assert next_slot(sent, 3, NOW) == NOW + timedelta(minutes=10)
    assert next_slot(sent, 2, NOW) == NOW + timedelta(minutes=30)
    assert next_slot([], 0, NOW) == NOW + timedelta(hours=1)


def test_handovers_keep_their_cadence_after_missed_shifts() -> None:
    shift = timedelta(hours=8)
    assert next_handover(NOW, shift, NOW) == NOW + shift
    assert next_handover(NOW, shift, NOW + timedelta(hours=17)) == NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (400, True),
        (401, True),
        (404, True),
        (301, True),
        (408, False),
        (425, False),
        (429, False),
        (500, False),
        (503, False),
    ],
)
def test_webhook_answers(status: int, permanent: bool) -> None:
    with pytest.raises(SendError) as failed:
        check_answer(status, "nope")
    assert failed.value.permanent is permanent


def test_2xx_is_delivered() -> None:
    check_answer(204, "")


def test_a_signature_must_be_well_formed_fresh_and_match() -> None:
    body = b'{"subject": "x"}'
    header = sign("key", body, 1_800_000_000)
    verify_signature("key", body, header, now=1_800_000_100)
    for bad in ("", "t=abc,v1=00", "v1=00", f"t=1800000000,v1={'0' * 64}"):
        with pytest.raises(BadSignature):
            verify_signature("key", body, bad, now=1_800_000_000)
    with pytest.raises(BadSignature):
        verify_signature("other key", body, header, now=1_800_000_000)
    with pytest.raises(BadSignature):
        verify_signature("key", body, header, now=1_800_000_000 + 301)
