"""Priority tiers: which affected assets to patch first. Pure: the policy is plain data.

A policy is an ordered list of rules. The first rule whose conditions all hold gives the tier
(1 = patch first); an asset no rule matches gets the policy's ``fallback_tier``. A rule's
conditions, each optional, are: the asset's ``exposure`` (one or more of internet-facing,
internal, internal-tool), ``max_service_tier`` (the most critical service on the asset has a
tier number at most this: 1 = business-critical), ``min_cvss`` (the advisory's score is at
least this; an advisory without a score never meets it) and ``known_exploited``.

The default policy sorts by exposure first, then by urgency inside each exposure:

    ======================  ======  ====  =======
    exposure                urgent  high  routine
    ======================  ======  ====  =======
    internal-tool           1       2     3
    internet-facing         4       5     6
    internal                7       8     9
    ======================  ======  ====  =======

*urgent*: known exploited, or CVSS ≥ 9.0; *high*: CVSS ≥ 7.0, or a service of tier 1 or 2 on
the asset; *routine*: the rest. Management tools come first because whoever takes one holds
every system it manages; then what anyone on the internet can reach; then the rest.

As a dict (what :func:`parse_policy` reads and :func:`policy_data` writes)::

    {"rules": [{"tier": 1, "exposure": ["internal-tool"], "known_exploited": true}, ...],
     "fallback_tier": 10}

Faults raise :class:`PolicyError` naming the field (``$.rules[2].min_cvss``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar, cast

from warroom.catalog.rules import Exposure
from warroom.errors import InvalidInput
from warroom.vulns.advisories import Advisory

T = TypeVar("T")
SERVICE_TIERS = range(1, 5)
_FIELDS = ("tier", "name", "exposure", "max_service_tier", "min_cvss", "known_exploited")


class PolicyError(InvalidInput):
    """A tier policy that cannot be read; ``path`` names the field."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class AssetFacts:
    """What the policy knows of an affected asset."""

    exposure: Exposure
    service_tier: int | None = None  # the most critical tier among its services, if any


@dataclass(frozen=True)
class TierRule:
    tier: int
    name: str = ""
    exposure: frozenset[Exposure] = frozenset()  # empty: any exposure
    max_service_tier: int | None = None
    min_cvss: float | None = None
    known_exploited: bool | None = None


@dataclass(frozen=True)
class TierPolicy:
    rules: tuple[TierRule, ...]
    fallback_tier: int


def asset_facts(exposure: str, service_tiers: Iterable[int]) -> AssetFacts:
    """The facts of an asset from its exposure and the tiers of the services it runs."""
    return AssetFacts(Exposure(exposure), min(service_tiers, default=None))


def tier_for(policy: TierPolicy, asset: AssetFacts, advisory: Advisory) -> tuple[int, str]:
    """The tier of an affected asset, and the reason: the first rule that holds."""
    for number, rule in enumerate(policy.rules, start=1):
        if _holds(rule, asset, advisory):
            label = f"rule {number}" + (f" ({rule.name})" if rule.name else "")
            return rule.tier, f"tier {rule.tier} by {label}: {describe(rule)}"
    return policy.fallback_tier, f"tier {policy.fallback_tier}: no rule matched"


def _holds(rule: TierRule, asset: AssetFacts, advisory: Advisory) -> bool:
    if rule.exposure and asset.exposure not in rule.exposure:
        return False
    if rule.max_service_tier is not None and (
        asset.service_tier is None or asset.service_tier > rule.max_service_tier
    ):
        return False
    if rule.min_cvss is not None and (advisory.cvss is None or advisory.cvss < rule.min_cvss):
        return False
    return rule.known_exploited is None or rule.known_exploited == advisory.known_exploited


def describe(rule: TierRule) -> str:
    """The rule's conditions in words: ``internet-facing, known exploited``."""
    parts = [" or ".join(sorted(rule.exposure))] if rule.exposure else []
    if rule.max_service_tier is not None:
        parts.append(f"a service of tier {rule.max_service_tier} or more critical")
    if rule.min_cvss is not None:
        parts.append(f"CVSS ≥ {rule.min_cvss:g}")
    if rule.known_exploited is not None:
        parts.append("known exploited" if rule.known_exploited else "not known exploited")
    return ", ".join(parts) or "any affected asset"


# --- the default policy ----------------------------------------------------------------------


def default_policy() -> TierPolicy:
    """The policy described in this module's docstring."""
    order = (Exposure.internal_tool, Exposure.internet_facing, Exposure.internal)
    rules: list[TierRule] = []
    for rank, exposure in enumerate(order):
        urgent, high, routine = 3 * rank + 1, 3 * rank + 2, 3 * rank + 3
        only = frozenset({exposure})
        rules += [
            TierRule(urgent, f"{exposure}, urgent", only, known_exploited=True),
            TierRule(urgent, f"{exposure}, urgent", only, min_cvss=9.0),
            TierRule(high, f"{exposure}, high", only, min_cvss=7.0),
            TierRule(high, f"{exposure}, high", only, max_service_tier=2),
            TierRule(routine, f"{exposure}, routine", only),
        ]
    return TierPolicy(tuple(rules), fallback_tier=len(order) * 3 + 1)


# --- plain data ------------------------------------------------------------------------------


def parse_policy(data: object) -> TierPolicy:
    """A policy from its dict form; every fault names its field."""
    doc = _object(data, "$")
    unknown = sorted(set(doc) - {"rules", "fallback_tier"})
    if unknown:
        raise PolicyError(f"$.{unknown[0]}", "not a policy field (rules, fallback_tier)")
    raw = doc.get("rules")
    if not isinstance(raw, list) or not raw:
        raise PolicyError("$.rules", "required: a non-empty list of rules")
    rules = tuple(_rule(item, f"$.rules[{i}]") for i, item in enumerate(raw))
    fallback = doc.get("fallback_tier")
    if fallback is None:
        return TierPolicy(rules, max(r.tier for r in rules) + 1)
    return TierPolicy(rules, _tier(fallback, "$.fallback_tier"))


def policy_data(policy: TierPolicy) -> dict[str, object]:
    """The dict form of ``policy``: :func:`parse_policy` reads it back unchanged."""
    rules = [_rule_data(rule) for rule in policy.rules]
    return {"rules": rules, "fallback_tier": policy.fallback_tier}


def _rule_data(rule: TierRule) -> dict[str, object]:
    data: dict[str, object] = {"tier": rule.tier}
    if rule.name:
        data["name"] = rule.name
    if rule.exposure:
        data["exposure"] = sorted(rule.exposure)
    optional = {
        "max_service_tier": rule.max_service_tier,
        "min_cvss": rule.min_cvss,
        "known_exploited": rule.known_exploited,
    }
    return data | {key: value for key, value in optional.items() if value is not None}


def _rule(raw: object, path: str) -> TierRule:
    item = _object(raw, path)
    unknown = sorted(set(item) - set(_FIELDS))
    if unknown:
        raise PolicyError(f"{path}.{unknown[0]}", f"not a rule field ({', '.join(_FIELDS)})")
    if "tier" not in item:
        raise PolicyError(f"{path}.tier", "required")
    name = item.get("name", "")
    if not isinstance(name, str):
        raise PolicyError(f"{path}.name", "must be a string")
    return TierRule(
        tier=_tier(item["tier"], f"{path}.tier"),
        name=name,
        exposure=_exposures(item.get("exposure"), f"{path}.exposure"),
        max_service_tier=_optional(item, "max_service_tier", path, _service_tier),
        min_cvss=_optional(item, "min_cvss", path, _cvss),
        known_exploited=_optional(item, "known_exploited", path, _bool),
    )


def _optional(
    item: dict[str, object], key: str, path: str, read: Callable[[object, str], T]
) -> T | None:
    value = item.get(key)
    return None if value is None else read(value, f"{path}.{key}")


def _exposures(value: object, path: str) -> frozenset[Exposure]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise PolicyError(path, "must be an exposure or a list of them")
    return frozenset(_exposure(item, f"{path}[{i}]") for i, item in enumerate(items))


def _exposure(value: object, path: str) -> Exposure:
    if isinstance(value, str) and value in set(Exposure):
        return Exposure(value)
    raise PolicyError(path, f"must be one of {', '.join(Exposure)}, not {value!r}")


def _tier(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError(path, "must be a whole number from 1 (patch first)")
    return value


def _service_tier(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SERVICE_TIERS:
        raise PolicyError(path, "must be a service tier from 1 (business-critical) to 4")
    return value


def _cvss(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
        raise PolicyError(path, "must be a CVSS score from 0 to 10")
    return float(value)


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(path, "must be true or false")
    return value


def _object(value: object, path: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise PolicyError(path, "must be an object")
    return cast(dict[str, object], value)
