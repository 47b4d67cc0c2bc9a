"""What an incident command needs from warroom.

Every ``warroom incident`` command is written once against ``Backend``. ``LocalBackend``
(``local.py``) calls the services directly through the web app's session factory, one
transaction per call; ``RemoteBackend`` (``remote.py``) speaks the JSON API. Both return the
API's pydantic shapes and raise ``Problem``, so output and errors look the same either way.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from pydantic import AfterValidator, Field

from warroom.incidents.rules import Kind, Severity, Status
from warroom.incidents.schemas import (
    AwareDatetime,
    IncidentCreate,
    IncidentDetail,
    IncidentOut,
    IncidentUpdate,
    NoteCreate,
    Page,
    Strict,
    TimelineEventOut,
)

STATUS_WORDS = frozenset({s.value for s in Status} | {"active"})


def _status_word(value: str) -> str:
    if value not in STATUS_WORDS:
        raise ValueError(f"unknown status {value!r}; use one of {', '.join(sorted(STATUS_WORDS))}")
    return value


class ListQuery(Strict):
    """The filters of ``GET /api/v1/incidents``, under the API's own parameter names."""

    status: list[Annotated[str, AfterValidator(_status_word)]] = Field(default_factory=list)
    severity: list[Severity] = Field(default_factory=list)
    kind: Kind | None = None
    service: str | None = None
    since: AwareDatetime = None
    cursor: str | None = None
    limit: int = Field(default=50, ge=1, le=200)


class Backend(Protocol):
    def timezone(self) -> str: ...
    def declare(self, data: IncidentCreate) -> IncidentDetail: ...
    def incidents(self, query: ListQuery) -> Page[IncidentOut]: ...
    def show(self, ref: str) -> IncidentDetail: ...
    def timeline(self, ref: str) -> list[TimelineEventOut]: ...
    def update(self, ref: str, data: IncidentUpdate) -> IncidentDetail: ...
    def note(self, ref: str, data: NoteCreate) -> TimelineEventOut: ...
    def close(self) -> None: ...
