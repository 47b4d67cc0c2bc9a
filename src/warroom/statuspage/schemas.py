"""Request bodies for managing the status page (the public JSON is shaped in ``public.py``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from warroom.incidents.schemas import Strict, Title
from warroom.statuspage.audiences import Audience
from warroom.statuspage.rules import ComponentStatus, Impact


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone offset, e.g. 2026-11-23T03:10:00Z")
    return value.astimezone(UTC)


Aware = Annotated[datetime, AfterValidator(_aware)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class ComponentIn(Strict):
    name: Title
    description: str = Field(default="", max_length=2000)
    group: str | None = Field(default=None, description="The name of the group it sits in")
    is_group: bool = False
    service: str | None = Field(default=None, description="The catalog service it shows")
    position: int = Field(default=0, ge=0, le=10_000)
    only_show_if_degraded: bool = False
    status: ComponentStatus = ComponentStatus.operational


class ComponentStatusIn(Strict):
    status: ComponentStatus


class AffectedIn(Strict):
    component: str = Field(description="The component's code or name")
    status: ComponentStatus


class PublicIncidentIn(Strict):
    """A public incident (or a maintenance, with its window) and its first update."""

    name: Title
    kind: Annotated[str, StringConstraints(pattern="^(incident|maintenance)$")] = "incident"
    status: str = Field(
        default="investigating",
        description="investigating, identified, monitoring, resolved (maintenance: scheduled, "
        "in_progress, verifying, completed)",
    )
    impact: Impact | None = Field(default=None, description="Default: from the severity")
    body: Body
    components: list[AffectedIn] = Field(default_factory=list, max_length=200)
    incident: str | None = Field(default=None, description="The internal incident, INC-n")
    scheduled_for: Aware | None = None
    scheduled_until: Aware | None = None


class UpdateIn(Strict):
    status: str
    body: Body
    components: list[AffectedIn] = Field(default_factory=list, max_length=200)
    impact: Impact | None = None


class ApproveIn(BaseModel):
    comment: str = Field(default="", max_length=2000)


class CommsUpdateIn(Strict):
    """Write once, send to the audiences chosen."""

    audiences: list[Audience] = Field(min_length=1, max_length=3)
    what_happened: Body
    doing: Body
    next_update_at: Aware | None = Field(default=None, description="When the next update comes")
    status: str | None = Field(
        default=None, description="The status page status (default: investigating, or as now)"
    )
    headline: str | None = Field(default=None, max_length=300, description="The public title")
    components: list[AffectedIn] = Field(default_factory=list, max_length=200)


class MessageTemplateIn(Strict):
    """An audience's template: Jinja with the placeholders listed by the GET."""

    subject: str = Field(default="", max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
