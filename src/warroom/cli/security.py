"""``warroom security``: a security incident's NIST phase and impact, indicators, assets in
scope, containment decisions and evidence with its custody. Locally or over HTTP
(``--url``/``--token``); ``--json`` prints the API's security record."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated, Any

import typer
from rich.console import Group, RenderableType
from rich.text import Text

from warroom.cli.options import AsOpt, JsonOpt, RefArg, TokenOpt, UrlOpt
from warroom.cli.run import DomainRun, Target, running_with
from warroom.cli.security_backend import LocalSecurity, RemoteSecurity, SecurityBackend
from warroom.security.rules import Phase
from warroom.security.schemas import (
    ContainmentIn,
    CustodyIn,
    EvidenceIn,
    IndicatorIn,
    PhaseIn,
    ScopeIn,
    SecurityOut,
    SecurityPatch,
)

security_app = typer.Typer(
    no_args_is_help=True,
    help="Security incidents: NIST phase, impact, indicators, scope, containment, evidence.",
)
SecurityRun = DomainRun[SecurityBackend]
Str = str | None


def running(
    url: str | None, token: str | None, as_email: str | None, as_json: bool
) -> AbstractContextManager[SecurityRun]:
    return running_with(RemoteSecurity, LocalSecurity.on, Target(url, token, as_email), as_json)


def _opt(text: str, *names: str) -> Any:
    return typer.Option(*names, help=text, show_default=False)


def render(found: SecurityOut) -> RenderableType:
    phase = Phase(found.phase).label
    lines: list[RenderableType] = [
        Text.assemble((f"{found.ref} ", "bold"), f"{phase} · TLP:{found.tlp.upper()}"),
        Text(f"impact: functional {found.functional_impact or '?'}, information "
             f"{found.information_impact or '?'}, recoverability {found.recoverability or '?'}"),
    ]  # fmt: skip
    lines += [Text(f"indicator {i.id}: {i.type} {i.value}") for i in found.indicators]
    lines += [Text(f"scope: {s.hostname} {s.compromise} — offline? {s.offline.text}")
              for s in found.scope]  # fmt: skip
    lines += [Text(f"containment ({c.kind}): {c.action}") for c in found.containment]
    for e in found.evidence:
        held = f"held by {e.holder or 'nobody'} ({len(e.custody)} custody entries)"
        lines.append(Text(f"evidence {e.id}: {e.label} sha256 {e.sha256[:16]}…, {held}"))
    return Group(*lines)


Common = tuple[bool, Str, Str, Str]


def _show(run: SecurityRun, found: SecurityOut) -> None:
    run.emit(found, lambda: render(found))


@security_app.command("show")
def show(ref: RefArg, json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None,
         as_: AsOpt = None) -> None:  # fmt: skip
    """The incident's security record."""
    with running(url, token, as_, json_out) as run:
        _show(run, run.backend.security(ref))


@security_app.command("phase")
def phase(
    ref: RefArg, to: Annotated[str, typer.Argument(help="containment, eradication, ...")],
    reason: Annotated[str, _opt("Why, when going back to an earlier phase")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Move to the next phase, or back to an earlier one with --reason."""
    with running(url, token, as_, json_out) as run:
        data = PhaseIn.model_validate({"phase": to, "reason": reason})
        _show(run, run.backend.phase(ref, data))


@security_app.command("impact")
def impact(
    ref: RefArg, functional: Annotated[Str, _opt("none, low, medium, high")] = None,
    information: Annotated[Str, _opt("none, privacy_breach, proprietary_breach, integrity_loss")]
    = None,
    recoverability: Annotated[Str, _opt("regular, supplemented, extended, not_recoverable")]
    = None,
    tlp: Annotated[Str, _opt("clear, green, amber, amber+strict, red")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Set the NIST impact fields and the TLP marking."""
    fields = {"functional_impact": functional, "information_impact": information,
              "recoverability": recoverability, "tlp": tlp}  # fmt: skip
    with running(url, token, as_, json_out) as run:
        data = SecurityPatch.model_validate({k: v for k, v in fields.items() if v})
        _show(run, run.backend.set_impact(ref, data))


@security_app.command("ioc")
def ioc(
    ref: RefArg,
    kind: Annotated[str, typer.Argument(help="ip, domain, url, hash, account, path, email")],
    value: Annotated[str, typer.Argument(help="The indicator (defanged forms are accepted)")],
    description: Annotated[str, _opt("What it is")] = "",
    tlp: Annotated[str, _opt("Its TLP marking")] = "amber",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Add an indicator of compromise, validated for its type."""
    with running(url, token, as_, json_out) as run:
        data = IndicatorIn.model_validate({"type": kind, "value": value,
                                           "description": description, "tlp": tlp})  # fmt: skip
        _show(run, run.backend.add_indicator(ref, data))


@security_app.command("scope")
def scope(
    ref: RefArg, hostname: Annotated[str, typer.Argument(help="An asset of the catalog")],
    compromise: Annotated[str, typer.Argument(help="suspected, confirmed, contained, ...")],
    note: Annotated[str, _opt("A note")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Put an asset in scope, or change its compromise status."""
    with running(url, token, as_, json_out) as run:
        data = ScopeIn.model_validate({"compromise": compromise, "note": note})
        _show(run, run.backend.scope(ref, hostname, data))


@security_app.command("contain")
def contain(
    ref: RefArg, kind: Annotated[str, typer.Argument(help="emergency, temporary, permanent")],
    action: Annotated[str, typer.Argument(help="What is done")],
    host: Annotated[Str, _opt("The asset it applies to", "--host")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Record a containment decision (with the advice of the asset's service tier)."""
    with running(url, token, as_, json_out) as run:
        data = ContainmentIn.model_validate({"kind": kind, "action": action, "hostname": host})
        _show(run, run.backend.contain(ref, data))


@security_app.command("evidence")
def add_evidence(
    ref: RefArg, label: Annotated[str, _opt("What it is", "--label")],
    kind: Annotated[str, _opt("disk image, memory dump, log export, ...", "--kind")],
    sha256: Annotated[str, _opt("Its SHA-256", "--sha256")],
    location: Annotated[str, _opt("Where it is kept")] = "",
    tlp: Annotated[str, _opt("Its TLP marking")] = "red",
    holder: Annotated[Str, _opt("Who holds it (email; default: you)")] = None,
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Log an evidence item: the first entry of its chain of custody."""
    body = {"label": label, "kind": kind, "sha256": sha256, "location": location, "tlp": tlp,
            "holder": holder}  # fmt: skip
    with running(url, token, as_, json_out) as run:
        _show(run, run.backend.add_evidence(ref, EvidenceIn.model_validate(body)))


@security_app.command("handover")
def handover(
    ref: RefArg, evidence_id: Annotated[int, typer.Argument(help="As `security show` lists")],
    to: Annotated[str, _opt("The new holder's email", "--to")],
    purpose: Annotated[str, _opt("Why")] = "",
    json_out: JsonOpt = False, url: UrlOpt = None, token: TokenOpt = None, as_: AsOpt = None,
) -> None:  # fmt: skip
    """Hand an evidence item to someone else; its custody keeps who held it and when."""
    with running(url, token, as_, json_out) as run:
        data = CustodyIn.model_validate({"to": to, "purpose": purpose})
        _show(run, run.backend.handover(ref, evidence_id, data))
