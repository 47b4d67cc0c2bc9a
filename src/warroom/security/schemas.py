"""What the security routes take and answer (never the ORM classes)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from warroom.incidents.schemas import Strict
from warroom.security.rules import (
    Compromise,
    Containment,
    FunctionalImpact,
    InformationImpact,
    Phase,
    Recoverability,
    Tlp,
)

Line = Field(default="", max_length=4000)


class SecurityPatch(Strict):
    functional_impact: FunctionalImpact | None = None
    information_impact: InformationImpact | None = None
    recoverability: Recoverability | None = None
    tlp: Tlp | None = None


class PhaseIn(Strict):
    phase: Phase
    reason: str = Line  # required when going back to an earlier phase


class IndicatorIn(Strict):
    type: str = Field(max_length=20)  # ip, domain, url, hash, account, path, email
    value: str = Field(max_length=2048)
    description: str = Line
    tlp: Tlp = Tlp.amber


class ScopeIn(Strict):
    compromise: Compromise
    note: str = Line


class ContainmentIn(Strict):
    kind: Containment
    action: str = Field(min_length=1, max_length=4000)
    hostname: str | None = Field(default=None, max_length=255)


class EvidenceIn(Strict):
    label: str = Field(min_length=1, max_length=300)
    kind: str = Field(min_length=1, max_length=40)  # disk image, memory dump, log export, ...
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    location: str = Line
    tlp: Tlp = Tlp.red
    holder: str | None = Field(default=None, max_length=320)  # email; default: who collected


class CustodyIn(Strict):
    to: str = Field(min_length=3, max_length=320)  # the new holder's email
    purpose: str = Line


class PhaseChangeOut(BaseModel):
    from_phase: str | None
    to_phase: str
    reason: str
    at: datetime
    by: str | None


class IndicatorOut(BaseModel):
    id: int
    type: str
    value: str
    description: str
    tlp: str
    added_at: datetime
    added_by: str | None


class AdviceOut(BaseModel):
    severity: str  # caution, consider, go
    text: str


class ScopeOut(BaseModel):
    hostname: str
    exposure: str
    tier: int | None  # the most critical service it runs
    compromise: str
    note: str
    updated_at: datetime
    offline: AdviceOut  # what taking it offline would cost


class ContainmentOut(BaseModel):
    id: int
    kind: str
    action: str
    hostname: str | None
    advice: str
    decided_at: datetime
    decided_by: str | None


class CustodyOut(BaseModel):
    from_person: str | None  # None: collected
    to_person: str | None
    purpose: str
    at: datetime


class EvidenceOut(BaseModel):
    id: int
    label: str
    kind: str
    sha256: str
    location: str
    tlp: str
    collected_at: datetime
    holder: str | None
    custody: list[CustodyOut]


class SecurityOut(BaseModel):
    ref: str
    phase: str
    phase_since: datetime
    functional_impact: str | None
    information_impact: str | None
    recoverability: str | None
    tlp: str
    phases: list[PhaseChangeOut]
    indicators: list[IndicatorOut]
    scope: list[ScopeOut]
    containment: list[ContainmentOut]
    evidence: list[EvidenceOut]
