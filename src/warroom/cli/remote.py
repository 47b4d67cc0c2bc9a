"""``Backend`` over the JSON API of a running server, with a bearer token."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from warroom.cli.backend import ListQuery
from warroom.cli.problems import Problem, problem_body
from warroom.incidents.schemas import (
    IncidentCreate,
    IncidentDetail,
    IncidentOut,
    IncidentUpdate,
    NoteCreate,
    Page,
    TimelineEventOut,
)


def _problem_of(response: httpx.Response) -> Problem:
    """The server's problem document, or one made up when a proxy answered with HTML."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "title" in body:
        return Problem(body)
    detail = response.text.strip()[:200] or response.reason_phrase
    return Problem(problem_body(response.status_code, f"HTTP {response.status_code}", detail))


def _incident(ref: str) -> str:
    return f"/incidents/{quote(ref.strip(), safe='')}"


class RemoteBackend:
    def __init__(self, url: str, token: str, *, transport: httpx.BaseTransport | None = None):
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(15.0, connect=5.0),
            transport=transport,
        )

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The server's answer, or its problem raised; for bodies that are not JSON."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise Problem(
                problem_body(503, "Server unreachable", f"{self.url}: {exc or type(exc).__name__}")
            ) from exc
        if response.status_code >= 400:
            raise _problem_of(response)
        return response

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._send(method, path, **kwargs).json()

    def timezone(self) -> str:
        return str(self._call("GET", "/me").get("timezone") or "UTC")

    def declare(self, data: IncidentCreate) -> IncidentDetail:
        body = data.model_dump(mode="json", exclude_none=True)
        return IncidentDetail.model_validate(self._call("POST", "/incidents", json=body))

    def incidents(self, query: ListQuery) -> Page[IncidentOut]:
        params = query.model_dump(mode="json", exclude_none=True)
        return Page[IncidentOut].model_validate(self._call("GET", "/incidents", params=params))

    def show(self, ref: str) -> IncidentDetail:
        return IncidentDetail.model_validate(self._call("GET", _incident(ref)))

    def timeline(self, ref: str) -> list[TimelineEventOut]:
        rows = self._call("GET", _incident(ref) + "/timeline")
        return [TimelineEventOut.model_validate(row) for row in rows]

    def update(self, ref: str, data: IncidentUpdate) -> IncidentDetail:
        body = data.model_dump(mode="json", exclude_unset=True)
        return IncidentDetail.model_validate(self._call("PATCH", _incident(ref), json=body))

    def note(self, ref: str, data: NoteCreate) -> TimelineEventOut:
        body = data.model_dump(mode="json", exclude_none=True)
        path = _incident(ref) + "/timeline"
        return TimelineEventOut.model_validate(self._call("POST", path, json=body))

    def close(self) -> None:
        self._http.close()
