from datetime import UTC, datetime, timedelta

from warroom.access.rules import Role, new_token, split_token, token_usable

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_roles_rise_in_order() -> None:
    assert Role.admin.allows(Role.manager)
    assert Role.manager.allows(Role.responder)
    assert Role.responder.allows(Role.viewer)
    assert not Role.viewer.allows(Role.responder)
    assert not Role.responder.allows(Role.manager)


def test_token_text_splits_back_into_its_parts() -> None:
    text, parts = new_token()
    assert split_token(text) == parts
    assert text.startswith("wr_")


def test_foreign_strings_are_not_tokens() -> None:
    for text in ("", "wr_", "wr__x", "xx_abc_def", "Bearer abc"):
        assert split_token(text) is None


def test_revoked_or_expired_tokens_are_unusable() -> None:
    assert token_usable(revoked_at=None, expires_at=None, now=NOW)
    assert token_usable(revoked_at=None, expires_at=NOW + timedelta(seconds=1), now=NOW)
    assert not token_usable(revoked_at=None, expires_at=NOW, now=NOW)
    assert not token_usable(revoked_at=NOW, expires_at=None, now=NOW)
