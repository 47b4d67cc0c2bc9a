"""JSON routes for escalation policies, a service's policy and the paging routes: anyone
signed in reads them, managers change them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from warroom.access.deps import DbSession, Manager, Now, Viewer
from warroom.catalog.service import access_service
from warroom.oncall import policies
from warroom.oncall.policy_schemas import (
    PolicyIn,
    PolicyOut,
    RoutesIn,
    RoutesOut,
    ServicePolicyIn,
    ServicePolicyOut,
)

router = APIRouter(prefix="/api/v1", tags=["escalation policies"])


@router.get("/escalation-policies", response_model=list[PolicyOut])
def list_(session: DbSession, actor: Viewer) -> list[PolicyOut]:
    return [policies.policy_out(session, p) for p in policies.list_policies(session=session)]


@router.post("/escalation-policies", status_code=201, response_model=PolicyOut)
def create(
    body: PolicyIn, session: DbSession, actor: Manager, at: Now, response: Response
) -> PolicyOut:
    policy = policies.do_create_policy(session=session, data=body, now=at)
    response.headers["Location"] = f"/api/v1/escalation-policies/{policy.id}"
    return policies.policy_out(session, policy)


@router.get("/escalation-policies/{ref}", response_model=PolicyOut)
def show(ref: str, session: DbSession, actor: Viewer) -> PolicyOut:
    return policies.policy_out(session, policies.access_policy(session=session, ref=ref))


@router.put("/escalation-policies/{ref}", response_model=PolicyOut)
def replace(ref: str, body: PolicyIn, session: DbSession, actor: Manager, at: Now) -> PolicyOut:
    policy = policies.access_policy(session=session, ref=ref)
    policies.do_replace_policy(session=session, policy=policy, data=body, now=at)
    return policies.policy_out(session, policy)


@router.delete("/escalation-policies/{ref}", status_code=204)
def delete(ref: str, session: DbSession, actor: Manager) -> Response:
    policy = policies.access_policy(session=session, ref=ref)
    policies.do_delete_policy(session=session, policy=policy)
    return Response(status_code=204)


@router.get("/services/{name}/escalation-policy", response_model=ServicePolicyOut)
def service_policy(name: str, session: DbSession, actor: Viewer) -> ServicePolicyOut:
    service = access_service(session=session, name=name)
    row = policies.service_policy(session=session, service=service)
    return ServicePolicyOut(service=service.name, policy=row.policy.name)


@router.put("/services/{name}/escalation-policy", response_model=ServicePolicyOut)
def assign(
    name: str, body: ServicePolicyIn, session: DbSession, actor: Manager
) -> ServicePolicyOut:
    service = access_service(session=session, name=name)
    policy = policies.check_policy(session=session, name=body.policy, field="policy")
    policies.do_assign_service_policy(session=session, service=service, policy=policy)
    return ServicePolicyOut(service=service.name, policy=policy.name)


@router.delete("/services/{name}/escalation-policy", status_code=204)
def unassign(name: str, session: DbSession, actor: Manager) -> Response:
    service = access_service(session=session, name=name)
    policies.do_unassign_service_policy(session=session, service=service)
    return Response(status_code=204)


@router.get("/paging-routes", response_model=RoutesOut)
def routes(session: DbSession, actor: Viewer) -> RoutesOut:
    return policies.routes_out(session)


@router.put("/paging-routes", response_model=RoutesOut)
def set_routes(body: RoutesIn, session: DbSession, actor: Manager) -> RoutesOut:
    return policies.do_set_routes(session=session, data=body)
