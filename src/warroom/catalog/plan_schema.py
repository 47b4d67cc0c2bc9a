"""The plan file: the catalog as one YAML document that ``warroom plan apply`` makes true and
``warroom plan export`` writes.

Each record reuses the API's ``*In`` body, so a record in the file and a POST body are the
same thing. Three differences, all for a file people write by hand: an asset's software may
be written ``product@version``; a contract names its escalation contacts (by name and
organisation) instead of by database id; and every problem is reported with its path in the
document (``services[2].tier``), all at once, before anything is written.

The file may also carry the alert ``correlation_rules`` (each as the correlation-rule API's
body, its service by name), so how alerts escalate is versioned with the catalog.

A kind left out of the file (no ``assets:`` key) is not managed by it; ``assets: []`` says
there are none, which only matters with ``prune: true``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from warroom.alerts.correlation_schemas import CorrelationRuleIn
from warroom.catalog.parties_schemas import (
    ContactIn,
    ContractIn,
    CustomerIn,
    Name,
    Organisation,
    VendorIn,
)
from warroom.catalog.schemas import AssetIn, ServiceIn
from warroom.errors import FieldError, InvalidInput, WarroomError

KINDS = (
    "vendors",
    "services",
    "assets",
    "customers",
    "contacts",
    "contracts",
    "correlation_rules",
)


@dataclass(frozen=True)
class PlanProblem:
    path: str
    detail: str


class PlanInvalid(InvalidInput):
    """Everything wrong with a plan, each problem with its path in the document."""

    def __init__(self, problems: Sequence[PlanProblem]) -> None:
        first = problems[0]
        super().__init__(first.path, first.detail)
        self.problems = list(problems)
        self.errors = [FieldError(p.path, p.detail) for p in self.problems]
        self.detail = "; ".join(f"{p.path}: {p.detail}" for p in self.problems)


def path_of(parts: Iterable[Any]) -> str:
    """``("services", 2, "tier")`` → ``services[2].tier``."""
    text = ""
    for part in parts:
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class ContactRef(BaseModel):
    """A contact named the way the contacts list names it: a name within an organisation."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    organisation: Organisation = ""

    @classmethod
    def parse(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class PlanAsset(AssetIn):
    @field_validator("software", mode="before")
    @classmethod
    def _short_software(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [_software_item(item) for item in value]


def _software_item(item: Any) -> Any:
    if not isinstance(item, str):
        return item
    product, at, version = item.rpartition("@")
    if not at or not product.strip() or not version.strip():
        raise ValueError(f"{item!r} is not product@version")
    return {"product": product, "version": version}


class PlanContract(ContractIn):
    escalation: list[ContactRef] = Field(
        default_factory=list, max_length=100, description="Contacts to escalate to, by name"
    )

    @field_validator("escalation", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        return [ContactRef.parse(v) for v in value] if isinstance(value, list) else value

    @field_validator("escalation_contacts")
    @classmethod
    def _no_ids(cls, value: list[int]) -> list[int]:
        if value:
            raise ValueError("a plan names contacts under `escalation`, not by id")
        return value


class PlanDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    prune: bool = Field(
        default=False, description="Delete records of the kinds in this file that it omits"
    )
    vendors: list[VendorIn] | None = None
    services: list[ServiceIn] | None = None
    assets: list[PlanAsset] | None = None
    customers: list[CustomerIn] | None = None
    contacts: list[ContactIn] | None = None
    contracts: list[PlanContract] | None = None
    correlation_rules: list[CorrelationRuleIn] | None = None


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def parse_plan(data: Any) -> PlanDocument:
    if not isinstance(data, dict):
        raise PlanInvalid([PlanProblem("document", "must be a mapping of kinds to lists")])
    try:
        return PlanDocument.model_validate(data)
    except ValidationError as exc:
        problems = [PlanProblem(path_of(e["loc"]) or "document", _message(e)) for e in exc.errors()]
        raise PlanInvalid(problems) from None


def load_plan(text: str) -> PlanDocument:
    """Read a plan from YAML text, or raise ``PlanInvalid`` naming every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "document"
        reason = getattr(exc, "problem", None) or str(exc)
        raise PlanInvalid([PlanProblem(where, f"not valid YAML: {reason}")]) from None
    return parse_plan(data)


def _software_out(item: dict[str, Any]) -> Any:
    return f"{item['product']}@{item['version']}" if item.get("purl") is None else item


def _contact_out(item: dict[str, Any]) -> Any:
    return item["name"] if not item["organisation"] else item


def plan_data(plan: PlanDocument) -> dict[str, Any]:
    """The document as plain data, in the short forms a person would write."""
    data = plan.model_dump(mode="json", exclude_none=False)
    out: dict[str, Any] = {"version": plan.version}
    if plan.prune:
        out["prune"] = True
    for kind in KINDS:
        if data[kind] is not None:
            out[kind] = data[kind]
    for asset in out.get("assets", []):
        asset["software"] = [_software_out(s) for s in asset["software"]]
    for contract in out.get("contracts", []):
        del contract["escalation_contacts"]
        contract["escalation"] = [_contact_out(c) for c in contract["escalation"]]
    return out


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Runbooks and descriptions are Markdown: keep them readable as literal blocks.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_plan(plan: PlanDocument) -> str:
    return yaml.dump(
        plan_data(plan), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def plan_error(exc: WarroomError, path: str) -> PlanInvalid:
    """A service's complaint about one record, re-worded with the record's path."""
    fields = exc.errors or [FieldError("", exc.detail)]
    problems = [
        PlanProblem(path_of([path, *f.field.split(".")]) if f.field else path, f.detail)
        for f in fields
    ]
    return PlanInvalid(problems)
