"""Readiness checks on assets: software past its end of life (internet-facing or not),
software with no lifecycle data, support contracts that are missing, ended or ending. Pure:
the snapshot carries ``today``. Severities and the score are described in ``readiness_rules``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from warroom.catalog.readiness_facts import Check, Finding, Outcome, Severity, Snapshot, finding
from warroom.catalog.rules import (
    ContractTerms,
    Cover,
    Coverage,
    Cycle,
    Exposure,
    Support,
    SupportStatus,
    product_key,
)

EXPIRY_DAYS = 30


# --- software lifecycle checks --------------------------------------------------------------


def _version_key(cycle: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", cycle))


def newest_supported(cycles: Iterable[Cycle], today: date) -> Cycle | None:
    """The newest cycle still inside its end of life: where to upgrade to."""
    alive = [c for c in cycles if not (c.eol <= today if c.eol else bool(c.eol_flag))]
    if not alive:
        return None
    return max(alive, key=lambda c: (c.release_date or date.min, _version_key(c.cycle)))


def _ended(status: SupportStatus) -> str:
    cycle = status.cycle or status.version
    if status.eol is None:
        return f"{cycle} has reached end of life"
    return f"{cycle} reached end of life on {status.eol}"


def _upgrade(status: SupportStatus, snapshot: Snapshot) -> str:
    target = newest_supported(snapshot.cycles.get(product_key(status.product), ()), snapshot.today)
    what = f"{status.product} {status.version}"
    if target is None:
        return f"replace {what} with a supported product ({_ended(status)}; no cycle is supported)"
    latest = f", latest {target.latest}" if target.latest else ""
    return f"upgrade {what} to {target.cycle}{latest} ({_ended(status)})"


def _eol_pieces(snapshot: Snapshot, exposed: bool) -> tuple[int, list[tuple[str, SupportStatus]]]:
    assets = [
        a for a in snapshot.assets if (a.exposure == Exposure.internet_facing.value) == exposed
    ]
    pieces = [(a.hostname, s) for a in assets for s in a.software]
    return len(pieces), [(h, s) for h, s in pieces if s.status == Support.eol]


def _software_key(hostname: str, status: SupportStatus) -> str:
    return f"{hostname}:{status.product}@{status.version}"


def check_eol_software(snapshot: Snapshot) -> Outcome:
    examined, ended = _eol_pieces(snapshot, exposed=False)
    found = tuple(
        finding(
            Check.eol_software,
            _software_key(host, s),
            Severity.high,
            host,
            f"{host} runs {s.product} {s.version}, past end of life"
            + (f" since {s.eol}" if s.eol else ""),
            f"{_upgrade(s, snapshot)}, or isolate the host",
        )
        for host, s in ended
    )
    return Outcome(Check.eol_software, examined, found)


def check_internet_facing_eol(snapshot: Snapshot) -> Outcome:
    examined, ended = _eol_pieces(snapshot, exposed=True)
    found = tuple(
        finding(
            Check.internet_facing_eol,
            _software_key(host, s),
            Severity.critical,
            host,
            f"internet-facing {host} runs {s.product} {s.version}, past end of life"
            + (f" since {s.eol}" if s.eol else "")
            + ": it gets no security fixes",
            f"{_upgrade(s, snapshot)} now, or take {host} off the internet until it is upgraded",
        )
        for host, s in ended
    )
    return Outcome(Check.internet_facing_eol, examined, found)


def check_unknown_lifecycle(snapshot: Snapshot) -> Outcome:
    hosts: dict[tuple[str, str], list[str]] = {}
    for asset in snapshot.assets:
        for s in asset.software:
            hosts.setdefault((s.product, s.version), [])
            if s.status == Support.unknown:
                hosts[(s.product, s.version)].append(asset.hostname)
    found = tuple(
        _unknown(product, version, names, snapshot)
        for (product, version), names in sorted(hosts.items())
        if names
    )
    return Outcome(Check.unknown_lifecycle, len(hosts), found)


def _unknown(product: str, version: str, hosts: list[str], snapshot: Snapshot) -> Finding:
    shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    if product_key(product) in snapshot.cycles:
        message = f"{product} {version} matches no cycle in {product}'s lifecycle data"
        hint = f"check the version string on {shown}, or refresh {product}'s lifecycle data"
    else:
        message = f"no lifecycle data for {product}, so its support status is unknown"
        hint = (
            f"import {product}'s endoflife.date JSON (POST /api/v1/lifecycles) so its end of "
            f"life is tracked on {shown}"
        )
    return finding(
        Check.unknown_lifecycle,
        f"{product}@{version}",
        Severity.low,
        f"{product} {version}",
        message,
        hint,
    )


# --- contracts ------------------------------------------------------------------------------


def check_no_support_contract(snapshot: Snapshot) -> Outcome:
    tiers = {s.name: s.tier for s in snapshot.services}
    ends = {c.number: c for c in snapshot.contracts}
    found = []
    for asset in snapshot.assets:
        cover = asset.coverage
        if cover is None or cover.status == Cover.covered:
            continue
        important = any(tiers.get(name, 4) <= 2 for name in asset.services)
        found.append(_uncovered(asset.hostname, cover, important, ends))
    return Outcome(Check.no_support_contract, len(snapshot.assets), tuple(found))


def _uncovered(
    host: str, cover: Coverage, important: bool, contracts: Mapping[str, ContractTerms]
) -> Finding:
    if cover.status == Cover.expired:
        ended = [contracts[n] for n in cover.expired if n in contracts]
        last = max(ended, key=lambda c: c.ends_on) if ended else None
        when = f" on {last.ends_on}" if last else ""
        who = f" with {last.vendor}" if last else ""
        numbers = ", ".join(cover.expired)
        message = f"{host}'s support contract {numbers} ended{when}"
        hint = f"renew {numbers}{who} or record the contract that replaced it"
        severity = Severity.medium
    else:
        message = f"no support contract covers {host} or the software it runs"
        hint = f"record the contract that covers {host} (by asset or product), or get one"
        severity = Severity.medium if important else Severity.low
    return finding(Check.no_support_contract, host, severity, host, message, hint)


def check_contract_expiring(snapshot: Snapshot) -> Outcome:
    live = [c for c in snapshot.contracts if c.ends_on >= snapshot.today]
    found = tuple(
        finding(
            Check.contract_expiring,
            c.number,
            Severity.medium,
            c.number,
            f"contract {c.number} with {c.vendor} ends on {c.ends_on} "
            f"({(c.ends_on - snapshot.today).days} days left)",
            f"renew {c.number} with {c.vendor} before {c.ends_on}, or record its replacement",
        )
        for c in live
        if (c.ends_on - snapshot.today).days <= EXPIRY_DAYS
    )
    return Outcome(Check.contract_expiring, len(live), found)
