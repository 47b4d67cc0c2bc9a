"""Access records in their API shapes (shared by the API and the CLI)."""

from __future__ import annotations

from warroom.access.models import ApiToken
from warroom.access.schemas import TokenOut


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "role": row.role,
            "person": row.person.email,
            "created_at": row.created_at,
            "expires_at": row.expires_at,
            "revoked_at": row.revoked_at,
        }
    )
