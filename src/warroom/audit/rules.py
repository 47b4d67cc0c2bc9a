"""The pure rules of the audit log: a hash chain over every write. No database, no clock, no I/O.

Each write appends an ``Entry``: who (``actor``) did what (``action``) to which object, when
(``at``), with the sha256 ``digest`` of the row before and after. An entry's ``hash`` covers
all of its other fields, including ``prev_hash`` (the hash of the entry before it, or
``GENESIS`` for entry 1), so each entry vouches for the whole history behind it. ``verify``
walks the chain from entry 1 and names the first entry that breaks it.

What the chain proves, against someone with full write access to the table:

- an edited entry whose hash was left alone fails its own hash: "entry N was edited";
- an edited entry whose hash was recomputed breaks the link to it: the NEXT entry's
  ``prev_hash`` no longer matches, so ``verify`` names entry N+1 and says entry N (or N+1)
  is not original;
- a deleted entry leaves a gap in ``seq``, or a broken link if the rest were renumbered;
- reordered, duplicated or inserted entries break ``seq`` or a link.

What it cannot prove on its own: a writer who edits entry N and then recomputes every hash
after it produces a chain that is consistent again, and deleting the last entries leaves a
shorter chain that is just as consistent. Only a copy of the head kept outside the database
catches these: ``head_record`` is the small document shipped to an external sink on a
schedule, and ``verify(entries, anchor=...)`` demands that the chain still holds an entry
with the anchor's ``seq`` and ``hash``. History written after the last shipped anchor stays
unprotected until the next one is shipped, which is why shipping runs on a schedule.

Encoding choices, so a row digests the same on SQLite and PostgreSQL (see ``canonical``):
datetimes must be timezone-aware and encode as UTC with microseconds and a trailing ``Z``
(a naive datetime is refused: the database layer stores UTC and returns aware values);
numbers encode by value (``3`` and ``3.0`` alike; Decimal as a string without trailing zeros,
so a column's scale does not matter); sets become sorted arrays; mapping keys must be strings.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Context, Decimal
from enum import Enum
from uuid import UUID

from warroom.errors import InvalidInput

GENESIS = "0" * 64
HEAD_TYPE = "warroom-audit-head"
# Part of every entry's preimage: a later change of encoding gets a new tag, never a silent
# reinterpretation of old hashes.
HASH_VERSION = "warroom-audit/1"
_HEX64 = re.compile(r"[0-9a-f]{64}")
# Built once: json.dumps with options builds a new encoder per call, a third of an entry's cost.
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
)
_PREIMAGE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
_EXACT_INT = 2**53  # integral floats above this are not exact integers in every reader


@dataclass(frozen=True, slots=True)
class Head:
    """The last entry of a chain: what the next entry links to, and what an anchor pins."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry before it is chained: everything but ``seq``, ``prev_hash`` and ``hash``."""

    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before_digest: str = ""
    after_digest: str = ""

    @classmethod
    def for_change(
        cls,
        *,
        at: datetime,
        actor: str,
        action: str,
        object_type: str,
        object_id: str,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
    ) -> Draft:
        """The draft of a write that turned row ``before`` into ``after`` (None: no row)."""
        return cls(at, actor, action, object_type, object_id, digest(before), digest(after))


@dataclass(frozen=True, slots=True)
class Entry:
    """One write, chained: ``hash`` is ``entry_hash`` of all the other fields."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before_digest: str
    after_digest: str
    prev_hash: str
    hash: str

    @property
    def head(self) -> Head:
        return Head(self.seq, self.hash)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What ``verify`` found.

    ``ok`` with an empty ``problem`` when the chain holds; otherwise ``first_bad`` is the seq an
    operator should look at first and ``problem`` says why, in a sentence. ``checked`` counts
    the entries that passed before the problem, and ``head`` is the last of them (``None``
    when none did); on success ``head`` is the chain's head, the next anchor to ship. After an
    anchor mismatch the entries that passed are consistent but not trustworthy: the rewrite
    may start anywhere up to the anchor.
    """

    ok: bool
    checked: int
    head: Head | None
    first_bad: int | None
    problem: str


# --- canonical encoding ------------------------------------------------------------------


def canonical(value: object) -> bytes:
    """The one JSON encoding of ``value``: sorted keys, no whitespace, UTF-8.

    Raises ``ValueError`` for naive datetimes and non-finite numbers, ``TypeError`` for types
    without a canonical form (so a new column type is a loud failure, not a silent mismatch).
    """
    return _dumps(_plain(value))


def digest(row: Mapping[str, object] | None) -> str:
    """Hex sha256 of the canonical encoding of ``row``; the empty string when there is none."""
    if row is None:
        return ""
    return hashlib.sha256(canonical(row)).hexdigest()


def _dumps(plain: object) -> bytes:
    return _CANONICAL.encode(plain).encode("utf-8")


def _plain(value: object) -> object:
    # str and int first: the common case, and StrEnum/IntEnum/bool already encode by value.
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime):  # before date: a datetime is a date
        return _utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, UUID):
        return str(value)
    return _container(value)


def _container(value: object) -> object:
    if isinstance(value, Mapping):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        # Elements may be of mixed types: order them by their own encoding.
        return sorted((_plain(v) for v in value), key=_dumps)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"no canonical encoding for {type(value).__name__}")


def _key(key: object) -> str:
    # json.dumps would turn 1 into "1" and let {1: x, "1": y} encode two equal keys.
    if not isinstance(key, str):
        raise TypeError(f"mapping keys must be strings, not {type(key).__name__}")
    return str(key)


def _float(value: float) -> float | int:
    if not math.isfinite(value):
        raise ValueError(f"{value} has no canonical encoding")
    # An int bound to a Float column comes back as a float: encode both as the same number.
    if value.is_integer() and abs(value) < _EXACT_INT:
        return int(value)
    return value


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} has no canonical encoding")
    if value.is_zero():
        return "0"  # also -0 and 0E-2
    # Enough precision that normalising only strips zeros, never rounds.
    exact = Context(prec=max(1, len(value.as_tuple().digits)))
    return format(value.normalize(exact), "f")


def _utc_text(moment: datetime) -> str:
    if moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: pass a timezone-aware UTC value")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


# --- the chain ---------------------------------------------------------------------------


def entry_preimage(entry: Entry) -> bytes:
    """The bytes whose sha256 an untouched entry's ``hash`` is."""
    fields = (entry.actor, entry.action, entry.object_type, entry.object_id)
    digests = (entry.before_digest, entry.after_digest)
    return _preimage(entry.seq, entry.at, *fields, *digests, entry.prev_hash)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before_digest: str,
    after_digest: str,
    prev_hash: str,
) -> str:
    """Hex sha256 over every field of an entry except ``hash`` itself, encoded as a JSON array
    so every field is delimited and quoted (``"ab"`` + ``"c"`` never meets ``"a"`` + ``"bc"``)."""
    fields = (actor, action, object_type, object_id, before_digest, after_digest, prev_hash)
    return hashlib.sha256(_preimage(seq, at, *fields)).hexdigest()


def _preimage(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before_digest: str,
    after_digest: str,
    prev_hash: str,
) -> bytes:
    # Positional and without sort_keys: this runs once per entry when verifying.
    items = [HASH_VERSION, seq, _utc_text(at), actor, action, object_type, object_id]
    items += [before_digest, after_digest, prev_hash]
    return _PREIMAGE.encode(items).encode("utf-8")


def chain(previous: Head | None, draft: Draft) -> Entry:
    """The entry that follows ``previous`` (``None``: the first entry of an empty log)."""
    check_draft(draft)
    seq, prev_hash = (previous.seq + 1, previous.hash) if previous else (1, GENESIS)
    fields = (draft.actor, draft.action, draft.object_type, draft.object_id)
    digests = (draft.before_digest, draft.after_digest)
    hash_ = hashlib.sha256(_preimage(seq, draft.at, *fields, *digests, prev_hash)).hexdigest()
    return Entry(seq, draft.at, *fields, *digests, prev_hash, hash_)


def check_draft(draft: Draft) -> None:
    """Refuse a draft that would chain an entry no reader could make sense of (``ValueError``)."""
    _utc_text(draft.at)
    for name in ("actor", "action", "object_type"):
        if not getattr(draft, name):
            raise ValueError(f"audit entry without {name}")
    for name in ("before_digest", "after_digest"):
        value = getattr(draft, name)
        if value and not _HEX64.fullmatch(value):
            raise ValueError(f"{name} is not a hex sha256: {value!r}")


# --- verification ------------------------------------------------------------------------

_Fault = tuple[int, str]  # (first_bad, problem)


def verify(entries: Iterable[Entry], *, anchor: Head | None = None) -> Verdict:
    """Check a chain read in ``seq`` order from entry 1, stopping at the first fault.

    Streams: only the previous entry is kept, so ``entries`` may be a cursor over millions of
    rows. With ``anchor`` (a head shipped earlier), the chain must still contain that entry,
    unchanged; entries after the anchor are checked like the rest.
    """
    if anchor is not None and anchor.seq < 1:
        raise ValueError(f"an anchor names an entry from 1 on, not {anchor.seq}")
    prev: Entry | None = None
    for entry in entries:
        fault = _fault(prev, entry) or _anchor_fault(entry, anchor)
        if fault is not None:
            return _broken(prev, fault)
        prev = entry
    fault = _truncation(prev, anchor)
    if fault is not None:
        return _broken(prev, fault)
    return Verdict(True, _seq(prev), prev.head if prev else None, None, "")


def _fault(prev: Entry | None, entry: Entry) -> _Fault | None:
    expected = prev.seq + 1 if prev else 1
    if entry.seq != expected:
        return _sequence_fault(entry.seq, expected)
    if hashlib.sha256(entry_preimage(entry)).hexdigest() != entry.hash:
        return entry.seq, f"entry {entry.seq} was edited: its hash does not match its contents"
    if prev is None and entry.prev_hash != GENESIS:
        return 1, "entry 1 does not start the chain: its prev_hash is not the genesis value"
    if prev is not None and entry.prev_hash != prev.hash:
        return entry.seq, (
            f"entry {entry.seq} does not follow entry {prev.seq}: its prev_hash differs from "
            f"entry {prev.seq}'s hash (one of them was rewritten, or entries were deleted, "
            "reordered or forged)"
        )
    return None


def _sequence_fault(seq: int, expected: int) -> _Fault:
    if seq > expected == 1:
        return 1, f"{_missing(1, seq - 1)} (the chain starts at entry {seq})"
    if seq > expected:
        jump = f"the chain jumps from entry {expected - 1} to entry {seq}"
        return expected, f"{_missing(expected, seq - 1)} ({jump})"
    if seq < 1:
        return seq, f"entry {seq} cannot exist: seq starts at 1"
    if seq == expected - 1:
        return seq, f"entry {seq} appears twice (duplicated or forged)"
    return seq, f"entry {seq} comes after entry {expected - 1}: the entries are out of order"


def _anchor_fault(entry: Entry, anchor: Head | None) -> _Fault | None:
    if anchor is None or entry.seq != anchor.seq or entry.hash == anchor.hash:
        return None
    return anchor.seq, (
        f"entry {anchor.seq} does not match the anchor shipped earlier: history up to entry "
        f"{anchor.seq} was rewritten (anchor hash {anchor.hash[:12]}…, "
        f"entry hash {entry.hash[:12]}…)"
    )


def _truncation(last: Entry | None, anchor: Head | None) -> _Fault | None:
    if anchor is None or _seq(last) >= anchor.seq:
        return None
    if last is None:
        return 1, (
            f"the chain is empty but the anchor shipped earlier names entry {anchor.seq}: "
            "every entry was deleted"
        )
    return last.seq + 1, (
        f"{_missing(last.seq + 1, anchor.seq)}: the chain ends at entry {last.seq} but the "
        f"anchor shipped earlier names entry {anchor.seq} (the tail was deleted)"
    )


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"entry {first} is missing"
    return f"entries {first} to {last} are missing"


def _broken(prev: Entry | None, fault: _Fault) -> Verdict:
    return Verdict(False, _seq(prev), prev.head if prev else None, fault[0], fault[1])


def _seq(entry: Entry | None) -> int:
    return entry.seq if entry else 0


# --- the anchor shipped to an external sink ----------------------------------------------


def head_record(head: Head, at: datetime) -> dict[str, object]:
    """The document shipped to the external sink: the head as of ``at``."""
    return {"type": HEAD_TYPE, "seq": head.seq, "hash": head.hash, "at": _utc_text(at)}


def parse_head_record(record: Mapping[str, object]) -> Head:
    """The head a shipped document pins; ``InvalidInput`` naming the field when it is not one.

    Keys other than those ``head_record`` writes are ignored.
    """
    if record.get("type") != HEAD_TYPE:
        raise InvalidInput("type", f"must be {HEAD_TYPE!r}")
    seq = record.get("seq")
    # bool is an int to Python, never a seq.
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise InvalidInput("seq", "must be a whole number from 1")
    hash_ = record.get("hash")
    if not isinstance(hash_, str) or not _HEX64.fullmatch(hash_):
        raise InvalidInput("hash", "must be 64 lowercase hex digits (a sha256)")
    _check_record_time(record.get("at"))
    return Head(seq, hash_)


def _check_record_time(at: object) -> None:
    try:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise InvalidInput("at", "must be an ISO 8601 time with a time zone")
