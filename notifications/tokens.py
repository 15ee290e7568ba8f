"""Signed one-click unsubscribe tokens.

A token names a user and the kinds an e-mail was about; it is signed with the site's
SECRET_KEY and a salt of its own (``django.core.signing``), so it can be neither forged nor
reused for another purpose, and it carries no expiry: RFC 8058 wants an unsubscribe link in an
old e-mail to keep working. It only ever turns e-mail off, so a leaked token can do no more
than the e-mail's recipient could.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing

from notifications.models import Kind

SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kinds: tuple[str, ...]


def unsubscribe_token_make(*, user_id: int, kinds: Iterable[str]) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> Unsubscribe:
    """The request a token stands for; raises ``signing.BadSignature`` for a forged, altered or
    malformed one."""
    payload = signing.loads(token, salt=SALT)
    try:
        user_id = payload["u"]
        kinds = tuple(payload["k"])
    except (KeyError, TypeError) as exc:
        raise signing.BadSignature("unexpected payload") from exc
    if not isinstance(user_id, int) or not kinds or not set(kinds) <= set(Kind.values):
        raise signing.BadSignature("unexpected payload")
    return Unsubscribe(user_id=user_id, kinds=kinds)
