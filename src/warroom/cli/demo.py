"""``warroom demo``: load Kestrel Industrial Supply so a new installation has a living history."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from warroom.cli.local import local_transaction
from warroom.cli.run import reporting
from warroom.db import utcnow
from warroom.demo.loader import DemoResult, load_demo
from warroom.demo.org import COMPANY, PEOPLE, SERVICES, TEAMS


def _accounts(result: DemoResult) -> Table:
    # Emails never fold: a new user copies them into the sign-in form.
    table = Table("Email", "Password", "Role", "Name", title="Demo sign-in accounts")
    table.columns[0].no_wrap = True
    table.columns[0].overflow = "ignore"
    for person in result.accounts:
        table.add_row(person.email, person.password or "", person.role.value, person.name)
    return table


def demo() -> None:
    """Load the demo organisation (people, teams, services, incidents); safe to re-run."""
    with reporting(as_json=False), local_transaction(migrate=True) as session:
        result = load_demo(session=session, now=utcnow())
    console = Console(width=max(Console().width, 110))
    if result.loaded:
        console.print(
            f"Loaded the {COMPANY} demo: {len(PEOPLE)} people, {len(TEAMS)} teams, "
            f"{len(SERVICES)} services and incidents {', '.join(result.incidents)}."
        )
    else:
        console.print(f"The {COMPANY} demo is already loaded; nothing changed.")
    console.print(_accounts(result))
    console.print("Run `warroom serve` and sign in with one of these accounts.", highlight=False)
