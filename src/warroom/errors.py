"""The one exception tree of warroom (mapped to HTTP problem documents in web/problems.py).

    WarroomError                    base; never raised itself
    ├── Unauthenticated       401   no or bad credentials
    ├── PermissionDenied      403   authenticated, but the role is too low
    ├── NotFound              404   the named thing does not exist (or is not visible)
    ├── Conflict              409   the request is valid but clashes with current state
    │   ├── VersionConflict   409   stale ``version``: someone else edited first
    │   └── Blocked           409   a gate refuses (a change with unresolved conflicts)
    └── InvalidInput          422   a field is wrong; names the field(s)
        └── IllegalTransition 422   a status change the state machine forbids

Services and rules raise these; ``warroom.web.problems.install_handlers`` turns them into
``application/problem+json`` responses in one place. Clients never see a stack trace. This
module imports no web framework, so the CLI can use it without loading one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    detail: str


class WarroomError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Unauthenticated(WarroomError):
    status = 401
    title = "Authentication required"


class PermissionDenied(WarroomError):
    status = 403
    title = "Forbidden"


class NotFound(WarroomError):
    status = 404
    title = "Not found"


class Conflict(WarroomError):
    status = 409
    title = "Conflict"

    def __init__(self, detail: str, *, current: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.current = current


class VersionConflict(Conflict):
    title = "Edit conflict"


class Blocked(Conflict):
    """Refused until someone decides otherwise; ``extra`` (members of the problem document)
    says what blocks, e.g. ``{"conflicts": [...]}``."""

    title = "Blocked"

    def __init__(self, detail: str, *, extra: dict[str, Any]) -> None:
        super().__init__(detail)
        self.extra = extra


class InvalidInput(WarroomError):
    status = 422
    title = "Invalid input"

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}", errors=[FieldError(field, detail)])
        self.field = field


class IllegalTransition(InvalidInput):
    title = "Illegal transition"
