"""``warroom token …``: API tokens on the local database (an operator's tool)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from warroom.access.present import token_out
from warroom.access.schemas import TokenIn, TokenOut
from warroom.access.service import (
    access_person_by_email,
    actor_for,
    do_create_token,
    do_revoke_token,
    list_tokens,
)
from warroom.cli.local import acting_person, local_transaction
from warroom.cli.options import AsOpt, JsonOpt
from warroom.cli.run import dump, reporting
from warroom.db import utcnow

app = typer.Typer(no_args_is_help=True, help="Create, list and revoke API tokens.")


@app.command()
def create(
    email: Annotated[str, typer.Option(help="Whose token it is.")],
    role: Annotated[
        str | None,
        typer.Option(help="At most the person's own role (default: theirs).", show_default=False),
    ] = None,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, help="Expire after this many days.", show_default=False)
    ] = None,
) -> None:
    """Print a new token, and nothing else, so TOKEN=$(warroom token create …) works."""
    now = utcnow()
    expires = now + timedelta(days=expires_in_days) if expires_in_days else None
    with reporting(as_json=False):
        wanted = TokenIn.model_validate({"name": name, "role": role, "expires_at": expires})
        with local_transaction() as session:
            person = access_person_by_email(session=session, email=email)
            text, _row = do_create_token(
                session=session,
                person=person,
                now=now,
                role=wanted.role,
                name=wanted.name,
                expires_at=wanted.expires_at,
            )
        typer.echo(text)


@app.command("list")
def list_(as_: AsOpt = None, json_out: JsonOpt = False) -> None:
    """List tokens (every token for an admin; otherwise the acting person's own)."""
    with reporting(json_out), local_transaction() as session:
        actor = actor_for(acting_person(session, as_))
        rows = [token_out(row) for row in list_tokens(session=session, actor=actor)]
    if json_out:
        typer.echo(dump(rows))
        return
    Console().print(_table(rows))


def _table(rows: list[TokenOut]) -> Table:
    table = Table("ID", "Person", "Role", "Name", "Created", "Expires", "Revoked")
    for row in rows:
        table.add_row(
            str(row.id),
            row.person,
            row.role,
            row.name or "—",
            f"{row.created_at:%Y-%m-%d %H:%M}Z",
            f"{row.expires_at:%Y-%m-%d}" if row.expires_at else "never",
            f"{row.revoked_at:%Y-%m-%d %H:%M}Z" if row.revoked_at else "—",
        )
    return table


@app.command()
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's ID, from `warroom token list`.")],
    as_: AsOpt = None,
) -> None:
    """Revoke a token at once; requests carrying it are refused from now on."""
    with reporting(as_json=False), local_transaction() as session:
        actor = actor_for(acting_person(session, as_))
        row = do_revoke_token(session=session, token_id=token_id, actor=actor, now=utcnow())
        done = f"Token {row.id} ({row.person.email}) revoked."
    typer.echo(done)
