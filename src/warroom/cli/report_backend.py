"""What ``warroom report`` needs, on the local database (acting as ``--as`` or the first admin,
who needs the viewer role, as the API demands) or over HTTP. Both answer with the API's
metrics documents (or its CSV) and raise ``Problem``; both count only the incidents the acting
person may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from warroom.access.rules import Role
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.metrics import export, service
from warroom.metrics.rules import By, Period
from warroom.metrics.schemas import MetricsOut, SlaOut, metrics_out, sla_out


@dataclass(frozen=True)
class ReportQuery:
    """The API's query parameters: ``since``/``until`` as ISO 8601 text with an offset."""

    since: str | None = None
    until: str | None = None
    by: By = By.service
    period: Period = Period.month

    def params(self) -> dict[str, str]:
        found = {"since": self.since, "until": self.until, "by": self.by.value,
                 "period": self.period.value}  # fmt: skip
        return {k: v for k, v in found.items() if v is not None}


class ReportBackend(Protocol):
    def timezone(self) -> str: ...
    def metrics(self, query: ReportQuery) -> MetricsOut: ...
    def sla(self, query: ReportQuery) -> SlaOut: ...
    def metrics_csv(self, query: ReportQuery) -> str: ...
    def sla_csv(self, query: ReportQuery) -> str: ...
    def close(self) -> None: ...


class LocalReport(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalReport:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def _window(self, query: ReportQuery) -> service.Window:
        return service.check_window(since=query.since, until=query.until, by=query.by,
                                    period=query.period, now=self._clock())  # fmt: skip

    def metrics(self, query: ReportQuery) -> MetricsOut:
        now = self._clock()
        with self._unit(Role.viewer) as (session, actor):
            wanted = self._window(query)
            found = service.metrics_report(session=session, actor=actor, window=wanted, now=now)
            return metrics_out(found)

    def sla(self, query: ReportQuery) -> SlaOut:
        now = self._clock()
        with self._unit(Role.viewer) as (session, actor):
            wanted = self._window(query)
            lines = service.sla_report(session=session, actor=actor, window=wanted, now=now)
            return sla_out(wanted.since, wanted.until, lines)

    def metrics_csv(self, query: ReportQuery) -> str:
        return export.metrics_csv(self.metrics(query))

    def sla_csv(self, query: ReportQuery) -> str:
        return export.sla_csv(self.sla(query))


class RemoteReport(RemoteBackend):
    def _get(self, path: str, query: ReportQuery) -> Any:
        return self._call("GET", path, params=query.params())

    def metrics(self, query: ReportQuery) -> MetricsOut:
        return MetricsOut.model_validate(self._get("/metrics", query))

    def sla(self, query: ReportQuery) -> SlaOut:
        return SlaOut.model_validate(self._get("/metrics/sla", query))

    def metrics_csv(self, query: ReportQuery) -> str:
        return self._send("GET", "/metrics.csv", params=query.params()).text

    def sla_csv(self, query: ReportQuery) -> str:
        return self._send("GET", "/metrics/sla.csv", params=query.params()).text
