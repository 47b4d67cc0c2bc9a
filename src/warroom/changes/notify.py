"""Where a change is seen: its page's address, used in notices and answers."""

from __future__ import annotations


def change_url(base_url: str, change_id: int) -> str:
    return f"{base_url.rstrip('/')}/changes/{change_id}"
