"""The pure rules of the audit chain: canonical digests, entry hashes, chaining, verification
against each way a writer with full access to the table could tamper, and the shipped head."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from collections.abc import Iterator
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from warroom.audit.rules import (
    GENESIS,
    HEAD_TYPE,
    Draft,
    Entry,
    Head,
    canonical,
    chain,
    check_draft,
    digest,
    entry_hash,
    entry_preimage,
    head_record,
    parse_head_record,
    verify,
)
from warroom.errors import InvalidInput

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HASHED = [f.name for f in fields(Entry) if f.name != "hash"]
EDITED = "entry 20 was edited: its hash does not match its contents"


def draft(n: int) -> Draft:
    kind = ("insert", "update", "delete")[n % 3]
    row = {"id": n, "title": f"incident {n}", "severity": "SEV2", "declared_at": T0}
    return Draft.for_change(
        at=T0 + timedelta(seconds=n, microseconds=n),
        actor=f"person:{n % 7}" if n % 5 else "system",
        action=kind,
        object_type="incident",
        object_id=str(n),
        before=None if kind == "insert" else row,
        after=None if kind == "delete" else {**row, "status": "investigating"},
    )


def build(count: int, after: Head | None = None, start: int = 1) -> list[Entry]:
    entries: list[Entry] = []
    for n in range(start, start + count):
        entries.append(chain(entries[-1].head if entries else after, draft(n)))
    return entries


def rehash(entry: Entry) -> Entry:
    """The entry with its hash recomputed, as a writer who knows the algorithm would."""
    return replace(entry, hash=entry_hash(**{name: getattr(entry, name) for name in HASHED}))


def relink(entries: list[Entry], start: int) -> list[Entry]:
    """Recompute every link and hash from index ``start`` on: a consistent forgery."""
    out = entries[:start]
    for entry in entries[start:]:
        prev_hash = out[-1].hash if out else GENESIS
        out.append(rehash(replace(entry, prev_hash=prev_hash)))
    return out


@pytest.fixture
def entries() -> list[Entry]:
    return build(50)


# --- chaining and untouched chains ------------------------------------------------------


def test_chain_starts_at_genesis_and_links_each_entry_to_the_one_before() -> None:
    first, second = build(2)
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert first.hash != second.hash
    assert len(first.hash) == 64


def test_chained_hash_is_the_sha256_of_the_preimage_and_matches_entry_hash() -> None:
    entry = build(1)[0]
    assert hashlib.sha256(entry_preimage(entry)).hexdigest() == entry.hash
    assert entry_hash(**{name: getattr(entry, name) for name in HASHED}) == entry.hash


def test_the_preimage_encoding_is_pinned() -> None:
    # Changing this encoding would break every chain already stored: it needs a new version tag.
    entry = chain(None, Draft(T0, "person:12", "insert", "incident", "7", "", "ab" * 32))
    assert entry_preimage(entry) == (
        b'["warroom-audit/1",1,"2026-11-24T09:00:00.000000Z","person:12","insert","incident",'
        b'"7","","' + b"ab" * 32 + b'","' + b"0" * 64 + b'"]'
    )


def test_an_untouched_chain_verifies(entries: list[Entry]) -> None:
    verdict = verify(iter(entries))
    assert verdict.ok
    assert (verdict.checked, verdict.head, verdict.first_bad, verdict.problem) == (
        50,
        entries[-1].head,
        None,
        "",
    )


def test_an_empty_chain_verifies_without_an_anchor() -> None:
    verdict = verify([])
    assert (verdict.ok, verdict.checked, verdict.head) == (True, 0, None)


def test_a_chain_grown_past_its_anchor_verifies(entries: list[Entry]) -> None:
    assert verify(entries, anchor=entries[29].head).ok
    assert verify(entries, anchor=entries[-1].head).ok


# --- edits ------------------------------------------------------------------------------

EDITS: dict[str, Any] = {
    "at": T0 + timedelta(seconds=20, microseconds=21),
    "actor": "person:13",
    "action": "archive",
    "object_type": "change",
    "object_id": "21",
    "before_digest": digest({"id": 20}),
    "after_digest": "c" * 64,
    "prev_hash": "f" * 64,
    "hash": "e" * 64,
}


@pytest.mark.parametrize("field", EDITS)
def test_editing_any_field_is_caught_at_that_entry(entries: list[Entry], field: str) -> None:
    assert getattr(entries[19], field) != EDITS[field]
    entries[19] = replace(entries[19], **{field: EDITS[field]})
    verdict = verify(entries)
    assert not verdict.ok
    assert (verdict.first_bad, verdict.problem) == (20, EDITED)
    assert (verdict.checked, verdict.head) == (19, entries[18].head)


def test_editing_the_seq_of_an_entry_is_caught_at_that_entry(entries: list[Entry]) -> None:
    entries[19] = replace(entries[19], seq=21)
    verdict = verify(entries)
    assert verdict.first_bad == 20
    assert verdict.problem == "entry 20 is missing (the chain jumps from entry 19 to entry 21)"


def test_editing_and_rehashing_an_entry_is_caught_at_the_next(entries: list[Entry]) -> None:
    entries[19] = rehash(replace(entries[19], actor="person:1"))
    verdict = verify(entries)
    assert verdict.first_bad == 21
    assert verdict.problem == (
        "entry 21 does not follow entry 20: its prev_hash differs from entry 20's hash "
        "(one of them was rewritten, or entries were deleted, reordered or forged)"
    )
    assert (verdict.checked, verdict.head) == (20, entries[19].head)


def test_the_first_of_several_faults_is_reported(entries: list[Entry]) -> None:
    entries[29] = replace(entries[29], actor="x")
    entries[19] = replace(entries[19], actor="x")
    assert verify(entries).problem == EDITED


def test_a_first_entry_not_linked_to_genesis_is_caught(entries: list[Entry]) -> None:
    entries[0] = rehash(replace(entries[0], prev_hash="1" * 64))
    verdict = verify(entries)
    assert (verdict.first_bad, verdict.checked, verdict.head) == (1, 0, None)
    assert verdict.problem == (
        "entry 1 does not start the chain: its prev_hash is not the genesis value"
    )


# --- deletions --------------------------------------------------------------------------


def test_deleting_a_middle_entry_is_caught(entries: list[Entry]) -> None:
    del entries[24]
    verdict = verify(entries)
    assert (verdict.first_bad, verdict.checked) == (25, 24)
    assert verdict.problem == "entry 25 is missing (the chain jumps from entry 24 to entry 26)"


def test_deleting_several_entries_names_the_range(entries: list[Entry]) -> None:
    del entries[24:27]
    verdict = verify(entries)
    assert verdict.first_bad == 25
    assert verdict.problem == (
        "entries 25 to 27 are missing (the chain jumps from entry 24 to entry 28)"
    )


def test_deleting_the_first_entry_is_caught(entries: list[Entry]) -> None:
    del entries[0]
    verdict = verify(entries)
    assert (verdict.first_bad, verdict.checked, verdict.head) == (1, 0, None)
    assert verdict.problem == "entry 1 is missing (the chain starts at entry 2)"


def test_deleting_and_renumbering_the_rest_is_caught_by_the_link(entries: list[Entry]) -> None:
    del entries[24]
    tail = [rehash(replace(e, seq=e.seq - 1)) for e in entries[24:]]
    verdict = verify(entries[:24] + tail)
    assert verdict.first_bad == 25
    assert verdict.problem.startswith("entry 25 does not follow entry 24: its prev_hash differs")


# --- reordering, duplicates, forgeries --------------------------------------------------


def test_swapping_two_entries_in_the_stream_is_caught(entries: list[Entry]) -> None:
    entries[9], entries[10] = entries[10], entries[9]
    verdict = verify(entries)
    assert (verdict.first_bad, verdict.checked) == (10, 9)
    assert verdict.problem == "entry 10 is missing (the chain jumps from entry 9 to entry 11)"


def test_swapping_two_rows_contents_under_their_seq_is_caught(entries: list[Entry]) -> None:
    ten, eleven = entries[9], entries[10]
    entries[9], entries[10] = replace(eleven, seq=10), replace(ten, seq=11)
    assert verify(entries).problem == "entry 10 was edited: its hash does not match its contents"
    entries[9], entries[10] = rehash(entries[9]), rehash(entries[10])
    verdict = verify(entries)
    assert verdict.first_bad == 10
    assert verdict.problem.startswith("entry 10 does not follow entry 9")


def test_an_entry_moved_backwards_is_out_of_order(entries: list[Entry]) -> None:
    stream = [*entries[:11], entries[9], *entries[11:]]
    verdict = verify(stream)
    assert (verdict.first_bad, verdict.checked) == (10, 11)
    assert verdict.problem == "entry 10 comes after entry 11: the entries are out of order"


def test_an_inserted_entry_with_a_taken_seq_is_caught(entries: list[Entry]) -> None:
    forged = chain(entries[19].head, Draft(T0, "person:1", "delete", "incident", "3"))
    verdict = verify([*entries[:20], forged, *entries[20:]])
    assert verdict.first_bad == 21
    assert verdict.problem == "entry 21 appears twice (duplicated or forged)"


def test_an_inserted_entry_with_the_rest_renumbered_is_caught(entries: list[Entry]) -> None:
    forged = chain(entries[19].head, Draft(T0, "person:1", "delete", "incident", "3"))
    tail = [rehash(replace(e, seq=e.seq + 1)) for e in entries[20:]]
    verdict = verify([*entries[:20], forged, *tail])
    assert verdict.first_bad == 22
    assert verdict.problem.startswith("entry 22 does not follow entry 21")


def test_an_appended_entry_with_a_made_up_hash_is_caught(entries: list[Entry]) -> None:
    forged = replace(chain(entries[-1].head, draft(51)), hash="a" * 64)
    verdict = verify([*entries, forged])
    assert (verdict.first_bad, verdict.checked) == (51, 50)


def test_an_entry_numbered_below_one_is_caught() -> None:
    entry = chain(None, draft(1))
    verdict = verify([replace(entry, seq=0)])
    assert (verdict.first_bad, verdict.problem) == (0, "entry 0 cannot exist: seq starts at 1")


# --- what only the anchor catches -------------------------------------------------------


def test_rewriting_the_whole_tail_passes_without_an_anchor(entries: list[Entry]) -> None:
    # The documented limit: a consistent rewrite is a valid chain. This is why heads are shipped.
    anchor = entries[-1].head
    entries[19] = replace(entries[19], object_id="999")
    forged = relink(entries, 19)
    assert verify(forged).ok
    verdict = verify(forged, anchor=anchor)
    assert (verdict.ok, verdict.first_bad, verdict.checked) == (False, 50, 49)
    assert verdict.problem == (
        "entry 50 does not match the anchor shipped earlier: history up to entry 50 was "
        f"rewritten (anchor hash {anchor.hash[:12]}…, entry hash {forged[-1].hash[:12]}…)"
    )


def test_an_anchor_inside_the_rewritten_range_is_checked_where_it_points(
    entries: list[Entry],
) -> None:
    anchor = entries[29].head
    entries[19] = replace(entries[19], object_id="999")
    assert verify(relink(entries, 19), anchor=anchor).first_bad == 30


def test_rewriting_after_the_anchor_is_not_caught_by_it(entries: list[Entry]) -> None:
    # The other honest limit: the anchor vouches only for history up to its own entry.
    anchor = entries[9].head
    entries[19] = replace(entries[19], object_id="999")
    assert verify(relink(entries, 19), anchor=anchor).ok


def test_truncating_the_tail_is_caught_only_with_the_anchor(entries: list[Entry]) -> None:
    anchor = entries[-1].head
    shorter = entries[:45]
    assert verify(shorter).ok
    verdict = verify(shorter, anchor=anchor)
    assert (verdict.ok, verdict.first_bad, verdict.checked) == (False, 46, 45)
    assert verdict.head == entries[44].head
    assert verdict.problem == (
        "entries 46 to 50 are missing: the chain ends at entry 45 but the anchor shipped "
        "earlier names entry 50 (the tail was deleted)"
    )


def test_deleting_only_the_anchored_entry_names_it(entries: list[Entry]) -> None:
    verdict = verify(entries[:49], anchor=entries[-1].head)
    assert verdict.problem.startswith("entry 50 is missing: the chain ends at entry 49")


def test_deleting_every_entry_is_caught_with_the_anchor(entries: list[Entry]) -> None:
    verdict = verify([], anchor=entries[-1].head)
    assert (verdict.ok, verdict.first_bad, verdict.checked, verdict.head) == (False, 1, 0, None)
    assert verdict.problem == (
        "the chain is empty but the anchor shipped earlier names entry 50: every entry was deleted"
    )


def test_truncating_and_regrowing_past_the_anchor_is_caught(entries: list[Entry]) -> None:
    anchor = entries[-1].head
    kept = entries[:40]
    regrown = kept + build(15, after=kept[-1].head, start=100)
    assert verify(regrown).ok
    assert verify(regrown, anchor=anchor).first_bad == 50


def test_an_anchor_must_name_a_real_entry(entries: list[Entry]) -> None:
    with pytest.raises(ValueError, match="from 1"):
        verify(entries, anchor=Head(0, GENESIS))


# --- streaming --------------------------------------------------------------------------


def lazy_chain(count: int, tamper_at: int | None = None) -> Iterator[Entry]:
    head: Head | None = None
    for n in range(1, count + 1):
        entry = chain(head, draft(n))
        head = entry.head
        yield replace(entry, actor="x") if n == tamper_at else entry


def test_verify_keeps_only_one_entry_in_memory() -> None:
    built = list(lazy_chain(20_000))
    # Fresh objects made while tracing: holding all of them would show in the peak.
    copies = (replace(entry) for entry in built)
    tracemalloc.start()
    try:
        verdict = verify(copies)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert verdict.ok
    assert verdict.checked == 20_000
    # 20,000 entries held at once take about 2 MB; one at a time, a few kB.
    assert peak < 500_000


def test_verify_stops_reading_at_the_first_fault() -> None:
    read = 0

    def counted() -> Iterator[Entry]:
        nonlocal read
        for entry in lazy_chain(1_000, tamper_at=5):
            read += 1
            yield entry

    assert verify(counted()).first_bad == 5
    assert read == 5


# --- entry hashes -----------------------------------------------------------------------


def hash_with(**changes: str) -> str:
    base: dict[str, Any] = {
        "seq": 1,
        "at": T0,
        "actor": "system",
        "action": "insert",
        "object_type": "incident",
        "object_id": "1",
        "before_digest": "",
        "after_digest": "",
        "prev_hash": GENESIS,
    }
    return entry_hash(**{**base, **changes})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"actor": "ab", "action": "c"}, {"actor": "a", "action": "bc"}),
        (
            {"object_type": "incidentx", "object_id": "1"},
            {"object_type": "incident", "object_id": "x1"},
        ),
        ({"actor": 'a","b', "action": "c"}, {"actor": "a", "action": 'b","c'}),
        (
            {"before_digest": "", "after_digest": "ab" * 32},
            {"before_digest": "ab" * 32, "after_digest": ""},
        ),
    ],
)
def test_moving_text_between_fields_changes_the_hash(
    first: dict[str, str], second: dict[str, str]
) -> None:
    def naive(values: dict[str, str], glue: str) -> str:
        return glue.join(values[name] for name in HASHED if name in values)

    # Plain concatenation, or joining with a quote-comma-quote, would collide on these pairs.
    assert any(naive(first, glue) == naive(second, glue) for glue in ("", '","'))
    assert hash_with(**first) != hash_with(**second)


@pytest.mark.parametrize(
    "bad",
    [
        Draft(datetime(2026, 11, 24, 9, 0), "system", "insert", "incident", "1"),
        Draft(T0, "", "insert", "incident", "1"),
        Draft(T0, "system", "", "incident", "1"),
        Draft(T0, "system", "insert", "", "1"),
        Draft(T0, "system", "insert", "incident", "1", before_digest="abc"),
        Draft(T0, "system", "insert", "incident", "1", after_digest="AB" * 32),
    ],
)
def test_chain_refuses_a_draft_no_reader_could_trust(bad: Draft) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        check_draft(bad)
    with pytest.raises(ValueError):  # noqa: PT011
        chain(None, bad)


# --- canonical encoding -----------------------------------------------------------------


class Colour(StrEnum):
    red = "red"


def test_canonical_pins_every_supported_type() -> None:
    value = {
        "title": "café ☕",
        "n": 3,
        "ratio": 1.5,
        "flag": True,
        "none": None,
        "at": T0,
        "day": date(2026, 11, 24),
        "cost": Decimal("12.50"),
        "raw": b"\x00\xff",
        "tags": {"b", "a"},
        "list": [2, 1],
        "pair": (1, "x"),
        "colour": Colour.red,
        "uid": UUID("12345678-1234-5678-1234-567812345678"),
        "nested": {"z": 1, "a": [{"y": 2, "b": 3}]},
    }
    assert (
        canonical(value)
        == (
            '{"at":"2026-11-24T09:00:00.000000Z","colour":"red","cost":"12.5","day":"2026-11-24",'
            '"flag":true,"list":[2,1],"n":3,"nested":{"a":[{"b":3,"y":2}],"z":1},"none":null,'
            '"pair":[1,"x"],"ratio":1.5,"raw":"00ff","tags":["a","b"],"title":"café ☕",'
            '"uid":"12345678-1234-5678-1234-567812345678"}'
        ).encode()
    )


def test_canonical_ignores_key_order() -> None:
    one = {"b": 1, "a": {"d": 2, "c": 3}}
    other = {"a": {"c": 3, "d": 2}, "b": 1}
    assert list(one) != list(other)
    assert canonical(one) == canonical(other)
    assert digest(one) == digest(other)


@pytest.mark.parametrize(
    "same_instant",
    [
        datetime(2026, 11, 24, 9, 0, 0, 120, tzinfo=timezone.utc),  # noqa: UP017 - psycopg's kind
        datetime(2026, 11, 24, 9, 0, 0, 120, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 11, 24, 10, 0, 0, 120, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 11, 24, 4, 0, 0, 120, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_one_instant_encodes_alike_in_every_time_zone(same_instant: datetime) -> None:
    assert canonical(same_instant) == b'"2026-11-24T09:00:00.000120Z"'


def test_naive_datetimes_are_refused_everywhere() -> None:
    naive = datetime(2026, 11, 24, 9, 0)
    with pytest.raises(ValueError, match="naive datetime"):
        canonical(naive)
    with pytest.raises(ValueError, match="naive datetime"):
        digest({"declared_at": naive})
    with pytest.raises(ValueError, match="naive datetime"):
        head_record(Head(1, GENESIS), naive)


def test_a_microsecond_changes_the_digest() -> None:
    assert digest({"at": T0}) != digest({"at": T0 + timedelta(microseconds=1)})


def test_numbers_encode_by_value() -> None:
    assert canonical(3.0) == canonical(3) == b"3"
    assert canonical(-0.0) == b"0"
    assert canonical(0.1) == b"0.1"
    assert canonical(1e300) == b"1e+300"
    assert canonical(Decimal("1.50")) == canonical(Decimal("1.5")) == b'"1.5"'
    assert canonical(Decimal("1E+2")) == canonical(Decimal("100")) == b'"100"'
    assert canonical(Decimal("-0.00")) == b'"0"'
    long = "1.00000000000000000000000000000001"  # past the default 28-digit precision
    assert canonical(Decimal(long)) == f'"{long}"'.encode()


def test_sets_encode_sorted_whatever_their_element_types() -> None:
    assert canonical({3, 1, 2}) == b"[1,2,3]"
    assert canonical(frozenset({"b", 1, "a"})) == canonical(frozenset({"a", "b", 1}))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN"), Decimal("-Inf")])
def test_non_finite_numbers_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="no canonical encoding"):
        canonical(bad)


@pytest.mark.parametrize("bad", [object(), {1: "x"}, {("a",): 1}, [lambda: 1]])
def test_values_without_a_canonical_form_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        canonical(bad)


def test_digest_of_no_row_is_empty_and_of_a_row_is_its_sha256() -> None:
    assert digest(None) == ""
    assert digest({}) == hashlib.sha256(b"{}").hexdigest()
    assert digest({"a": 1}) != digest({"a": 2})


# --- the head shipped to the sink -------------------------------------------------------


def test_a_head_record_round_trips_through_json() -> None:
    head = Head(1041, "ab" * 32)
    record = head_record(head, T0.astimezone(ZoneInfo("Europe/Berlin")))
    assert record == {
        "type": HEAD_TYPE,
        "seq": 1041,
        "hash": "ab" * 32,
        "at": "2026-11-24T09:00:00.000000Z",
    }
    assert parse_head_record(json.loads(json.dumps(record))) == head


def test_a_head_record_may_carry_more_keys() -> None:
    record = {**head_record(Head(3, "cd" * 32), T0), "host": "warroom-1"}
    assert parse_head_record(record) == Head(3, "cd" * 32)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "warroom-audit-tail"}, "type"),
        ({"type": None}, "type"),
        ({"seq": 0}, "seq"),
        ({"seq": -3}, "seq"),
        ({"seq": "12"}, "seq"),
        ({"seq": True}, "seq"),
        ({"seq": 12.0}, "seq"),
        ({"hash": "ab" * 31}, "hash"),
        ({"hash": "AB" * 32}, "hash"),
        ({"hash": "zz" * 32}, "hash"),
        ({"hash": None}, "hash"),
        ({"at": None}, "at"),
        ({"at": "yesterday"}, "at"),
        ({"at": "2026-11-24T09:00:00"}, "at"),
    ],
)
def test_a_malformed_head_record_names_the_field(changes: dict[str, object], field: str) -> None:
    record = {**head_record(Head(12, "ab" * 32), T0), **changes}
    with pytest.raises(InvalidInput) as caught:
        parse_head_record(record)
    assert caught.value.field == field
