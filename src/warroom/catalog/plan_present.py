"""What applying a plan or importing a CSV reports, as data: one document for the API, the
CLI's ``--json`` and the web page, so all three say the same thing. No web framework here:
the CLI imports it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from warroom.catalog.csv_import import ImportResult
from warroom.catalog.plan import SINGULAR, Action, Change

ACTIONS: tuple[Action, ...] = ("create", "update", "delete")


class FieldChangeOut(BaseModel):
    old: Any = Field(description="The stored value")
    new: Any = Field(description="The value the plan gives it")


class ChangeOut(BaseModel):
    action: Action
    kind: str = Field(
        description="service, asset, vendor, customer, contact, contract or correlation rule"
    )
    key: str = Field(description="What names the record: name, hostname or contract number")
    fields: dict[str, FieldChangeOut] = Field(
        default_factory=dict, description="For an update: each changed field, old and new"
    )


class PlanResultOut(BaseModel):
    changed: bool = Field(description="Whether applying the plan changes (or changed) anything")
    changes: list[ChangeOut] = Field(description="In the order they are applied")
    applied: bool = Field(description="False for a dry run: nothing was written")


class ImportOut(BaseModel):
    imported: int = Field(description="Rows imported: created + updated")
    created: int
    updated: int


def change_out(change: Change) -> ChangeOut:
    fields = {f.field: FieldChangeOut(old=f.old, new=f.new) for f in change.fields}
    return ChangeOut(
        action=change.action, kind=SINGULAR[change.kind], key=change.key, fields=fields
    )


def plan_result(changes: Sequence[Change], *, applied: bool) -> PlanResultOut:
    return PlanResultOut(
        changed=bool(changes), changes=[change_out(c) for c in changes], applied=applied
    )


def counts(result: PlanResultOut) -> dict[Action, int]:
    """How many of each action, in the order ``create``, ``update``, ``delete``."""
    return {a: sum(c.action == a for c in result.changes) for a in ACTIONS}


def summary(result: PlanResultOut) -> str:
    """``2 to create, 1 to update, 0 to delete``, or ``2 created, …`` once applied."""
    found = counts(result)
    if result.applied:
        return ", ".join(f"{n} {action}d" for action, n in found.items())
    return ", ".join(f"{n} to {action}" for action, n in found.items())


def import_out(result: ImportResult) -> ImportOut:
    return ImportOut(imported=result.total, created=result.created, updated=result.updated)
