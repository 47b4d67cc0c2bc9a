"""Plan use cases: export the catalog as a plan, preview a plan's changes, apply them.
Every write goes through the catalog's own ``do_save_*``/``do_delete_*`` use cases, so a
plan obeys the same rules as the API. The caller owns the transaction: when a change is
refused, the whole plan is, and nothing is left half-written."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.access.models import Team
from warroom.alerts import correlation_service
from warroom.alerts.correlation_schemas import CorrelationRuleIn
from warroom.catalog import parties
from warroom.catalog.assets import asset_fields, do_save_asset
from warroom.catalog.models import Asset, Contact, Contract, Customer, Service, Vendor
from warroom.catalog.parties_schemas import ContactIn, ContractIn, CustomerIn, VendorIn
from warroom.catalog.plan import Change, check_plan, diff_plan
from warroom.catalog.plan_schema import (
    ContactRef,
    PlanAsset,
    PlanContract,
    PlanDocument,
    PlanInvalid,
    plan_error,
)
from warroom.catalog.schemas import AssetIn, ServiceIn
from warroom.catalog.service import do_delete_service, do_save_service
from warroom.errors import InvalidInput, WarroomError


def service_in(service: Service) -> ServiceIn:
    return ServiceIn(
        name=service.name,
        tier=service.tier,
        owner_team=service.owner_team.name if service.owner_team else None,
        description=service.description,
        runbook=service.runbook,
        depends_on=[s.name for s in service.depends_on],
    )


def asset_in(asset: Asset) -> PlanAsset:
    return PlanAsset.model_validate(asset_fields(asset))


def contract_plan(contract: Contract) -> PlanContract:
    data = parties.contract_in(contract).model_dump(exclude={"escalation_contacts"})
    escalation = [ContactRef(name=c.name, organisation=c.organisation) for c in contract.escalation]
    return PlanContract(**data, escalation=escalation)


def export_plan(*, session: Session) -> PlanDocument:
    """The whole catalog as a plan document, each kind in a stable order."""
    return PlanDocument(
        vendors=[
            parties.vendor_in(v) for v in session.scalars(select(Vendor).order_by(Vendor.name))
        ],
        services=[service_in(s) for s in session.scalars(select(Service).order_by(Service.name))],
        assets=[asset_in(a) for a in session.scalars(select(Asset).order_by(Asset.hostname))],
        customers=[
            parties.customer_in(c)
            for c in session.scalars(select(Customer).order_by(Customer.name))
        ],
        contacts=[
            parties.contact_in(session=session, contact=c)
            for c in session.scalars(select(Contact).order_by(Contact.name, Contact.organisation))
        ],
        contracts=[
            contract_plan(c) for c in session.scalars(select(Contract).order_by(Contract.number))
        ],
        correlation_rules=[
            correlation_service.rule_in(r) for r in correlation_service.list_rules(session=session)
        ],
    )


def preview_plan(*, session: Session, plan: PlanDocument) -> list[Change]:
    """The changes applying ``plan`` would make; raises ``PlanInvalid`` naming every problem."""
    current = export_plan(session=session)
    problems = check_plan(current, plan, session.scalars(select(Team.name)))
    if problems:
        raise PlanInvalid(problems)
    return diff_plan(current, plan)


def do_apply_plan(*, session: Session, plan: PlanDocument) -> list[Change]:
    """Make the catalog what ``plan`` says; returns what changed (empty when nothing did)."""
    changes = preview_plan(session=session, plan=plan)
    for change in changes:
        try:
            _write(session, change)
        except WarroomError as exc:
            raise plan_error(exc, change.path) from exc
    session.flush()
    return changes


def _write(session: Session, change: Change) -> None:
    if change.action == "delete":
        DELETE[change.kind](session, change.key)
    else:
        assert change.item is not None
        SAVE[change.kind](session, change.item)


def _save_vendor(session: Session, item: BaseModel) -> None:
    assert isinstance(item, VendorIn)
    existing = parties.find_vendor(session=session, name=item.name)
    parties.do_save_vendor(session=session, data=item, existing=existing)


def _save_service(session: Session, item: BaseModel) -> None:
    assert isinstance(item, ServiceIn)
    existing = session.scalar(select(Service).where(Service.name == item.name))
    do_save_service(session=session, data=item, existing=existing)


def _save_asset(session: Session, item: BaseModel) -> None:
    assert isinstance(item, AssetIn)
    existing = session.scalar(select(Asset).where(Asset.hostname == item.hostname))
    do_save_asset(session=session, data=item, existing=existing)


def _save_customer(session: Session, item: BaseModel) -> None:
    assert isinstance(item, CustomerIn)
    existing = parties.find_customer(session=session, name=item.name)
    parties.do_save_customer(session=session, data=item, existing=existing)


def _save_contact(session: Session, item: BaseModel) -> None:
    assert isinstance(item, ContactIn)
    existing = parties.find_contact(session=session, name=item.name, organisation=item.organisation)
    parties.do_save_contact(session=session, data=item, existing=existing)


def _contact_id(session: Session, ref: ContactRef, index: int) -> int:
    contact = parties.find_contact(session=session, name=ref.name, organisation=ref.organisation)
    if contact is None:
        raise InvalidInput(f"escalation.{index}", f"unknown contact {ref.label()!r}")
    return contact.id


def _save_contract(session: Session, item: BaseModel) -> None:
    assert isinstance(item, PlanContract)
    ids = [_contact_id(session, ref, i) for i, ref in enumerate(item.escalation)]
    data = ContractIn(
        **item.model_dump(exclude={"escalation", "escalation_contacts"}), escalation_contacts=ids
    )
    existing = parties.find_contract(session=session, number=item.number)
    parties.do_save_contract(session=session, data=data, existing=existing)


def _save_rule(session: Session, item: BaseModel) -> None:
    assert isinstance(item, CorrelationRuleIn)
    existing = correlation_service.find_rule(session=session, name=item.name)
    correlation_service.do_save_rule(session=session, data=item, existing=existing)


def _delete_vendor(session: Session, key: str) -> None:
    parties.do_delete_vendor(
        session=session, vendor=parties.access_vendor(session=session, name=key)
    )


def _delete_service(session: Session, key: str) -> None:
    service = session.scalar(select(Service).where(Service.name == key))
    if service is not None:
        do_delete_service(session=session, service=service)
        session.flush()


def _delete_asset(session: Session, key: str) -> None:
    asset = session.scalar(select(Asset).where(Asset.hostname == key))
    if asset is not None:
        session.delete(asset)
        session.flush()


def _delete_customer(session: Session, key: str) -> None:
    customer = parties.access_customer(session=session, name=key)
    parties.do_delete_customer(session=session, customer=customer)


def _delete_contact(session: Session, key: str) -> None:
    for contact in session.scalars(select(Contact)):
        if ContactRef(name=contact.name, organisation=contact.organisation).label() == key:
            parties.do_delete_contact(session=session, contact=contact)


def _delete_contract(session: Session, key: str) -> None:
    contract = parties.access_contract(session=session, number=key)
    parties.do_delete_contract(session=session, contract=contract)


def _delete_rule(session: Session, key: str) -> None:
    rule = correlation_service.find_rule(session=session, name=key)
    if rule is not None:
        correlation_service.do_delete_rule(session=session, rule=rule)


SAVE: dict[str, Callable[[Session, BaseModel], None]] = {
    "vendors": _save_vendor,
    "services": _save_service,
    "assets": _save_asset,
    "customers": _save_customer,
    "contacts": _save_contact,
    "contracts": _save_contract,
    "correlation_rules": _save_rule,
}
DELETE: dict[str, Callable[[Session, str], None]] = {
    "vendors": _delete_vendor,
    "services": _delete_service,
    "assets": _delete_asset,
    "customers": _delete_customer,
    "contacts": _delete_contact,
    "contracts": _delete_contract,
    "correlation_rules": _delete_rule,
}
