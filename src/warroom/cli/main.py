"""The ``warroom`` command: setup, serving, tokens, demo data and incidents."""

from __future__ import annotations

import typer

from warroom.cli import (
    alerts,
    assets,
    audit,
    catalog,
    catalog_parties,
    changes,
    comms,
    correlation,
    incidents,
    knowledge,
    mentions,
    oncall,
    paging,
    plan,
    report,
    reviews,
    security,
    setup,
    statuspage,
    statuspage_export,
    statuspage_overview,
    tokens,
    vulns,
    worker,
)
from warroom.cli.demo import demo
from warroom.cli.readiness import readiness

# Locals in a traceback could include a token or a password: never print them.
app = typer.Typer(
    no_args_is_help=True,
    help="warroom: incident command.",
    pretty_exceptions_show_locals=False,
)
app.command()(setup.init)
app.command()(setup.serve)
app.command()(demo)
app.command()(readiness)
app.command()(report.report)
app.command()(worker.worker)
app.add_typer(worker.webhook_app, name="webhook")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(security.security_app, name="security")
app.add_typer(reviews.postmortem_app, name="postmortem")
app.add_typer(reviews.action_app, name="action")
app.add_typer(knowledge.kb_app, name="kb")
app.add_typer(vulns.vulns_app, name="vulns")
app.add_typer(setup.db_app, name="db")
app.add_typer(tokens.app, name="token")
app.add_typer(incidents.app, name="incident")
app.add_typer(plan.app, name="plan")
app.add_typer(assets.app, name="assets")
app.add_typer(catalog.services_app, name="service")
app.add_typer(catalog.assets_app, name="asset")
app.add_typer(catalog_parties.vendors_app, name="vendor")
app.add_typer(catalog_parties.contracts_app, name="contract")
app.add_typer(catalog_parties.contacts_app, name="contact")
app.add_typer(catalog_parties.customers_app, name="customer")
app.add_typer(catalog.lifecycles_app, name="lifecycle")
app.add_typer(alerts.integrations_app, name="integration")
app.add_typer(alerts.alerts_app, name="alert")
app.add_typer(correlation.rules_app, name="rule")
app.add_typer(correlation.groups_app, name="group")
app.add_typer(correlation.maintenance_app, name="maintenance")
app.add_typer(oncall.oncall_app, name="oncall")
app.add_typer(oncall.schedules_app, name="schedule")
app.add_typer(paging.pages_app, name="page")
app.add_typer(paging.policies_app, name="policy")
app.add_typer(changes.change_app, name="change")
app.add_typer(changes.window_app, name="window")
statuspage.statuspage_app.command("export")(statuspage_export.export)
statuspage.statuspage_app.command("overview")(statuspage_overview.overview)
app.add_typer(statuspage.statuspage_app, name="statuspage")
app.add_typer(comms.comms_app, name="comms")
app.add_typer(comms.subscriber_app, name="subscriber")
app.add_typer(mentions.mention_app, name="mention")
incidents.app.command("page")(paging.page_incident)


def run() -> None:
    app()
