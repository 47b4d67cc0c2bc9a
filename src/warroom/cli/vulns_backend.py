"""What ``warroom vulns`` needs, on the local database (acting as ``--as`` or the first admin;
a responder to write, a viewer to read, as the API demands) or over HTTP. Both answer with the
API's documents and raise ``Problem``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from warroom.access.rules import Role
from warroom.access.service import Actor
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory
from warroom.settings import load_settings
from warroom.vulns import campaigns, notices, remediations, windows
from warroom.vulns.models import VulnCampaign
from warroom.vulns.present import (
    campaign_out,
    campaigns_out,
    notice_out,
    one_window_out,
    progress_out,
    record_out,
    records_out,
    window_out,
    windows_out,
)
from warroom.vulns.remediation import RemediationStatus
from warroom.vulns.schemas import (
    CampaignDetailOut,
    CampaignOut,
    CustomerNoticeOut,
    NotifyIn,
    NotifyOut,
    ProgressOut,
    RecordOut,
    RecordPatch,
    SettledOut,
    SkippedOut,
    WindowIn,
    WindowOut,
)

T = TypeVar("T")


class VulnsBackend(Protocol):
    def timezone(self) -> str: ...
    def open_campaign(self, document: dict[str, Any]) -> CampaignDetailOut: ...
    def campaigns(self) -> list[CampaignOut]: ...
    def campaign(self, ref: str) -> CampaignDetailOut: ...
    def progress(self, ref: str) -> ProgressOut: ...
    def records(
        self, ref: str, tier: int | None, status: RemediationStatus | None
    ) -> list[RecordOut]: ...
    def set_status(self, ref: str, asset: str, data: RecordPatch) -> RecordOut: ...
    def window(self, ref: str, data: WindowIn) -> WindowOut: ...
    def windows(self, ref: str) -> list[WindowOut]: ...
    def settle(self, ref: str, change: str) -> SettledOut: ...
    def customers(self, ref: str) -> list[CustomerNoticeOut]: ...
    def notify(self, ref: str, data: NotifyIn) -> NotifyOut: ...
    def close(self) -> None: ...


class LocalVulns(LocalBackend):
    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalVulns:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    @contextmanager
    def _on(
        self, ref: str, need: Role = Role.viewer
    ) -> Iterator[tuple[Session, Actor, VulnCampaign]]:
        with self._unit(need) as (session, actor):
            yield session, actor, campaigns.access_campaign(session=session, ref=ref)

    def open_campaign(self, document: dict[str, Any]) -> CampaignDetailOut:
        with self._unit(Role.responder) as (session, actor):
            made = campaigns.do_open_campaign(
                session=session, actor=actor, document=document, now=self._clock()
            )
            return campaign_out(session, made)

    def campaigns(self) -> list[CampaignOut]:
        with self._unit() as (session, _actor):
            return campaigns_out(session, campaigns.list_campaigns(session=session))

    def campaign(self, ref: str) -> CampaignDetailOut:
        with self._on(ref) as (session, _actor, campaign):
            return campaign_out(session, campaign)

    def progress(self, ref: str) -> ProgressOut:
        with self._on(ref) as (session, _actor, campaign):
            found = remediations.campaign_progress(
                session=session, campaign=campaign, now=self._clock()
            )
            return progress_out(campaign, found)

    def records(
        self, ref: str, tier: int | None, status: RemediationStatus | None
    ) -> list[RecordOut]:
        with self._on(ref) as (session, _actor, campaign):
            rows = remediations.list_records(
                session=session, campaign=campaign, status=status, tier=tier
            )
            return records_out(rows)

    def set_status(self, ref: str, asset: str, data: RecordPatch) -> RecordOut:
        with self._on(ref, Role.responder) as (session, actor, campaign):
            record = remediations.access_asset(session=session, campaign=campaign, asset=asset)
            remediations.do_set_status(session=session, actor=actor, campaign=campaign,
                                       record=record, status=data.status, note=data.note,
                                       now=self._clock())  # fmt: skip
            hostname = remediations.hostname_of(session=session, asset_id=record.asset_id)
            return record_out(record, hostname)

    def window(self, ref: str, data: WindowIn) -> WindowOut:
        with self._on(ref, Role.responder) as (session, actor, campaign):
            made = windows.do_schedule_window(
                session=session, actor=actor, campaign=campaign, tier=data.tier,
                starts_at=data.starts_at, ends_at=data.ends_at, now=self._clock(),
                title=data.title, only=data.assets,
            )  # fmt: skip
            rows = [(hostname, "scheduled") for hostname in made.hostnames]
            return window_out(made.window, made.change, rows, made.conflicts, _base_url())

    def windows(self, ref: str) -> list[WindowOut]:
        with self._on(ref) as (session, _actor, campaign):
            return windows_out(session, campaign, self._clock(), _base_url())

    def settle(self, ref: str, change: str) -> SettledOut:
        now = self._clock()
        with self._on(ref, Role.responder) as (session, actor, campaign):
            window, found = windows.access_window(session=session, campaign=campaign, ref=change)
            moved = windows.do_settle_window(session=session, actor=actor, campaign=campaign,
                                             window=window, change=found, now=now)  # fmt: skip
            shown = one_window_out(session, campaign, window, found, now, _base_url())
            return SettledOut(window=shown, moved=moved)

    def customers(self, ref: str) -> list[CustomerNoticeOut]:
        with self._on(ref) as (session, _actor, campaign):
            return [notice_out(c) for c in notices.concerned(session=session, campaign=campaign)]

    def notify(self, ref: str, data: NotifyIn) -> NotifyOut:
        settings = load_settings()
        message = notices.Message(data.what_happened, data.doing, data.next_update_at)
        with self._on(ref, Role.responder) as (session, actor, campaign):
            outcome = notices.do_notify_customers(
                session=session, actor=actor, campaign=campaign, message=message,
                now=self._clock(), base_url=settings.base_url,
                time_zone=settings.statuspage_time_zone, only=data.customers, again=data.again,
            )  # fmt: skip
            return NotifyOut(
                notified=[notice_out(c) for c in outcome.told],
                skipped=[SkippedOut(customer=c.customer.name, reason=why)
                         for c, why in outcome.skipped],
            )  # fmt: skip


def _base_url() -> str:
    return load_settings().base_url


def _path(ref: str, rest: str = "") -> str:
    return f"/vulnerabilities/{quote(ref.strip(), safe='')}{rest}"


def _body(data: BaseModel) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_none=True)


class RemoteVulns(RemoteBackend):
    def _get(self, kind: type[T], method: str, path: str, **kwargs: Any) -> T:
        return TypeAdapter(kind).validate_python(self._call(method, path, **kwargs))

    def open_campaign(self, document: dict[str, Any]) -> CampaignDetailOut:
        return self._get(CampaignDetailOut, "POST", "/vulnerabilities", json=document)

    def campaigns(self) -> list[CampaignOut]:
        return self._get(list[CampaignOut], "GET", "/vulnerabilities")

    def campaign(self, ref: str) -> CampaignDetailOut:
        return self._get(CampaignDetailOut, "GET", _path(ref))

    def progress(self, ref: str) -> ProgressOut:
        return self._get(ProgressOut, "GET", _path(ref, "/progress"))

    def records(
        self, ref: str, tier: int | None, status: RemediationStatus | None
    ) -> list[RecordOut]:
        params = {k: v for k, v in (("tier", tier), ("status", status)) if v is not None}
        return self._get(list[RecordOut], "GET", _path(ref, "/assets"), params=params)

    def set_status(self, ref: str, asset: str, data: RecordPatch) -> RecordOut:
        path = _path(ref, f"/assets/{quote(asset.strip(), safe='')}")
        return self._get(RecordOut, "PATCH", path, json=_body(data))

    def window(self, ref: str, data: WindowIn) -> WindowOut:
        return self._get(WindowOut, "POST", _path(ref, "/windows"), json=_body(data))

    def windows(self, ref: str) -> list[WindowOut]:
        return self._get(list[WindowOut], "GET", _path(ref, "/windows"))

    def settle(self, ref: str, change: str) -> SettledOut:
        path = _path(ref, f"/windows/{quote(change.strip(), safe='')}/settle")
        return self._get(SettledOut, "POST", path)

    def customers(self, ref: str) -> list[CustomerNoticeOut]:
        return self._get(list[CustomerNoticeOut], "GET", _path(ref, "/customers"))

    def notify(self, ref: str, data: NotifyIn) -> NotifyOut:
        return self._get(NotifyOut, "POST", _path(ref, "/notify"), json=_body(data))
