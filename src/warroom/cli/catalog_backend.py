"""What the catalog commands need from warroom, locally or over HTTP.

``CatalogBackend`` is to the catalog what ``Backend`` is to incidents: every ``warroom
service|asset|vendor|contract|contact|customer|lifecycle`` command is written once against it.
The local one runs the services in one transaction per call, acting as ``--as`` (or the first
admin) with the role the API route would demand; the remote one speaks the JSON API. Both
return the API's pydantic shapes and raise ``Problem``.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, Field

from warroom.access.rules import Role
from warroom.catalog import lifecycles, parties
from warroom.catalog.assets import access_asset, list_assets
from warroom.catalog.parties_present import contact_out, contract_out, customer_out, vendor_outs
from warroom.catalog.parties_schemas import (
    ContactOut,
    ContractOut,
    CustomerOut,
    PlanRole,
    VendorOut,
)
from warroom.catalog.rules import Exposure
from warroom.catalog.schemas import (
    AssetOut,
    BlastRadiusOut,
    CycleOut,
    LifecycleImport,
    ServiceOut,
    Strict,
)
from warroom.catalog.service import access_service, list_services
from warroom.catalog.views import asset_outs, blast_radius_out, cycle_out, service_out
from warroom.cli.local import LocalBackend
from warroom.cli.remote import RemoteBackend
from warroom.db import make_engine, make_session_factory

M = TypeVar("M", bound=BaseModel)


class AssetQuery(Strict):
    """The filters of ``GET /api/v1/assets``, under the API's own parameter names."""

    q: str | None = None
    service: str | None = None
    exposure: Exposure | None = None
    limit: int = Field(default=200, ge=1, le=1000)


class CatalogBackend(Protocol):
    def services(self, q: str | None) -> list[ServiceOut]: ...
    def service(self, name: str) -> ServiceOut: ...
    def service_blast_radius(self, name: str) -> BlastRadiusOut: ...
    def assets(self, query: AssetQuery) -> list[AssetOut]: ...
    def asset(self, hostname: str) -> AssetOut: ...
    def asset_blast_radius(self, hostname: str) -> BlastRadiusOut: ...
    def vendors(self, q: str | None) -> list[VendorOut]: ...
    def vendor(self, name: str) -> VendorOut: ...
    def contracts(self, q: str | None) -> list[ContractOut]: ...
    def contract(self, number: str) -> ContractOut: ...
    def contacts(self, q: str | None, role: PlanRole | None) -> list[ContactOut]: ...
    def contact(self, contact_id: int) -> ContactOut: ...
    def customers(self, q: str | None) -> list[CustomerOut]: ...
    def customer(self, name: str) -> CustomerOut: ...
    def lifecycles(self, product: str | None) -> list[CycleOut]: ...
    def import_lifecycle(self, data: LifecycleImport) -> list[CycleOut]: ...
    def close(self) -> None: ...


class LocalCatalog(LocalBackend):
    """The catalog services on the local database (reads need a viewer, imports a manager)."""

    @classmethod
    def on(cls, database_url: str, as_email: str | None = None) -> LocalCatalog:
        engine = make_engine(database_url)
        return cls(make_session_factory(engine), as_email, engine=engine)

    def services(self, q: str | None) -> list[ServiceOut]:
        with self._unit() as (session, _actor):
            return [service_out(session, s) for s in list_services(session=session, q=q)]

    def service(self, name: str) -> ServiceOut:
        with self._unit() as (session, _actor):
            return service_out(session, access_service(session=session, name=name))

    def service_blast_radius(self, name: str) -> BlastRadiusOut:
        with self._unit() as (session, _actor):
            found = access_service(session=session, name=name)
            return blast_radius_out(session=session, subject=found.name, services=[found.name])

    def assets(self, query: AssetQuery) -> list[AssetOut]:
        with self._unit() as (session, _actor):
            rows = list_assets(
                session=session,
                q=query.q,
                service=query.service,
                exposure=query.exposure.value if query.exposure else None,
                limit=query.limit,
            )
            return asset_outs(session=session, assets=rows, today=self._clock().date())

    def asset(self, hostname: str) -> AssetOut:
        with self._unit() as (session, _actor):
            found = access_asset(session=session, hostname=hostname)
            return asset_outs(session=session, assets=[found], today=self._clock().date())[0]

    def asset_blast_radius(self, hostname: str) -> BlastRadiusOut:
        with self._unit() as (session, _actor):
            host = access_asset(session=session, hostname=hostname).hostname
            return blast_radius_out(session=session, subject=host, assets=[host])

    def vendors(self, q: str | None) -> list[VendorOut]:
        with self._unit() as (session, _actor):
            return vendor_outs(session, parties.list_vendors(session=session, q=q))

    def vendor(self, name: str) -> VendorOut:
        with self._unit() as (session, _actor):
            return vendor_outs(session, [parties.access_vendor(session=session, name=name)])[0]

    def contracts(self, q: str | None) -> list[ContractOut]:
        with self._unit() as (session, _actor):
            return [contract_out(c) for c in parties.list_contracts(session=session, q=q)]

    def contract(self, number: str) -> ContractOut:
        with self._unit() as (session, _actor):
            return contract_out(parties.access_contract(session=session, number=number))

    def contacts(self, q: str | None, role: PlanRole | None) -> list[ContactOut]:
        with self._unit() as (session, _actor):
            rows = parties.list_contacts(session=session, q=q, plan_role=role)
            return [contact_out(session, c) for c in rows]

    def contact(self, contact_id: int) -> ContactOut:
        with self._unit() as (session, _actor):
            found = parties.access_contact(session=session, contact_id=contact_id)
            return contact_out(session, found)

    def customers(self, q: str | None) -> list[CustomerOut]:
        with self._unit() as (session, _actor):
            return [customer_out(c) for c in parties.list_customers(session=session, q=q)]

    def customer(self, name: str) -> CustomerOut:
        with self._unit() as (session, _actor):
            return customer_out(parties.access_customer(session=session, name=name))

    def lifecycles(self, product: str | None) -> list[CycleOut]:
        with self._unit() as (session, _actor):
            return [cycle_out(r) for r in lifecycles.list_cycles(session=session, product=product)]

    def import_lifecycle(self, data: LifecycleImport) -> list[CycleOut]:
        with self._unit(Role.manager) as (session, _actor):
            rows = lifecycles.do_import_lifecycle(
                session=session, product=data.product, data=data.data
            )
            return [cycle_out(r) for r in rows]


def _key(value: str | int) -> str:
    return quote(str(value).strip(), safe="")


class RemoteCatalog(RemoteBackend):
    """The catalog's JSON API on a running server."""

    def _one(self, model: type[M], path: str) -> M:
        return model.model_validate(self._call("GET", path))

    def _many(self, model: type[M], path: str, params: dict[str, Any] | None = None) -> list[M]:
        wanted = {k: v for k, v in (params or {}).items() if v is not None}
        return [model.model_validate(row) for row in self._call("GET", path, params=wanted)]

    def services(self, q: str | None) -> list[ServiceOut]:
        return self._many(ServiceOut, "/services", {"q": q})

    def service(self, name: str) -> ServiceOut:
        return self._one(ServiceOut, f"/services/{_key(name)}")

    def service_blast_radius(self, name: str) -> BlastRadiusOut:
        return self._one(BlastRadiusOut, f"/services/{_key(name)}/blast-radius")

    def assets(self, query: AssetQuery) -> list[AssetOut]:
        return self._many(AssetOut, "/assets", query.model_dump(mode="json"))

    def asset(self, hostname: str) -> AssetOut:
        return self._one(AssetOut, f"/assets/{_key(hostname)}")

    def asset_blast_radius(self, hostname: str) -> BlastRadiusOut:
        return self._one(BlastRadiusOut, f"/assets/{_key(hostname)}/blast-radius")

    def vendors(self, q: str | None) -> list[VendorOut]:
        return self._many(VendorOut, "/vendors", {"q": q})

    def vendor(self, name: str) -> VendorOut:
        return self._one(VendorOut, f"/vendors/{_key(name)}")

    def contracts(self, q: str | None) -> list[ContractOut]:
        return self._many(ContractOut, "/contracts", {"q": q})

    def contract(self, number: str) -> ContractOut:
        return self._one(ContractOut, f"/contracts/{_key(number)}")

    def contacts(self, q: str | None, role: PlanRole | None) -> list[ContactOut]:
        return self._many(ContactOut, "/contacts", {"q": q, "plan_role": role})

    def contact(self, contact_id: int) -> ContactOut:
        return self._one(ContactOut, f"/contacts/{contact_id}")

    def customers(self, q: str | None) -> list[CustomerOut]:
        return self._many(CustomerOut, "/customers", {"q": q})

    def customer(self, name: str) -> CustomerOut:
        return self._one(CustomerOut, f"/customers/{_key(name)}")

    def lifecycles(self, product: str | None) -> list[CycleOut]:
        return self._many(CycleOut, "/lifecycles", {"product": product})

    def import_lifecycle(self, data: LifecycleImport) -> list[CycleOut]:
        rows = self._call("POST", "/lifecycles", json=data.model_dump(mode="json"))
        return [CycleOut.model_validate(row) for row in rows]
