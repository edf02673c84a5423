"""API tokens and web sessions: who may read, write or administer a data directory over HTTP.

A token is 32 random bytes shown once (``novum token create``) and stored as its SHA-256: a leaked database does
not leak usable tokens, and a random 256-bit secret needs no slow password hash. Scopes are ordered: ``admin``
may do what ``write`` may, which may do what ``read`` may. The web pages log in with a token and then carry a
session id in an HttpOnly cookie; the session has its own CSRF token for forms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from novum.errors import NovumError
from novum.store.sqlite import Store
from novum.store.tokens import SessionTable, TokenTable

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
TOKEN_PREFIX = "nvm_"
SESSION_HOURS = 12
_NAME = re.compile(r"^[\w.@-]{1,64}$")


class TokenError(NovumError):
    """A token cannot be created, found or revoked; the message says why."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as: a token's name and scope (``local`` with admin scope under ``--no-auth``)."""

    name: str
    scope: Scope
    token_id: int | None = None

    def allows(self, needed: Scope) -> bool:
        return SCOPES.index(self.scope) >= SCOPES.index(needed)


LOCAL = Principal("local", "admin")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    name: str
    scope: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "scope": self.scope, "prefix": self.prefix, "created_at": self.created_at,
                "last_used_at": self.last_used_at, "revoked": self.revoked_at is not None,
                "revoked_at": self.revoked_at}  # fmt: skip


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or _now()).isoformat(timespec="seconds")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str, scope: str) -> str:
    """A new token named ``name``; returns the secret, which is not kept anywhere."""
    if scope not in SCOPES:
        raise TokenError(f"unknown scope {scope!r}; choose one of {', '.join(SCOPES)}")
    if not _NAME.match(name):
        raise TokenError(f"token name {name!r} must be 1-64 letters, digits, '.', '@', '_' or '-'")
    table = TokenTable(store)
    if table.by_name(name) is not None:
        raise TokenError(f"a token named {name!r} exists already; revoke it or choose another name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    table.insert(name, scope, digest(secret), secret[:10], _stamp())
    return secret


def list_tokens(store: Store) -> list[TokenInfo]:
    return [_info(row) for row in TokenTable(store).all()]


def revoke_token(store: Store, name: str) -> None:
    if not TokenTable(store).revoke(name, _stamp()):
        raise TokenError(f"no active token named {name!r}")


def verify_token(store: Store, secret: str) -> Principal | None:
    """The principal a presented token stands for, or None when it is unknown or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = TokenTable(store).by_hash(digest(secret))
    if row is None or row["revoked_at"] is not None:
        return None
    return Principal(row["name"], row["scope"], row["id"])


def record_use(store: Store, principal: Principal) -> None:
    if principal.token_id is not None:
        TokenTable(store).touch(principal.token_id, _stamp())


@dataclass(frozen=True, slots=True)
class WebSession:
    principal: Principal
    csrf: str


def start_session(store: Store, principal: Principal) -> tuple[str, WebSession]:
    """A new web session for a logged-in token; returns the session id for the cookie (stored hashed)."""
    if principal.token_id is None:
        raise TokenError("only a token can start a web session")
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    now = _now()
    table = SessionTable(store)
    table.delete_expired(_stamp(now))
    expires = _stamp(now + dt.timedelta(hours=SESSION_HOURS))
    table.insert(digest(session_id), principal.token_id, csrf, _stamp(now), expires)
    return session_id, WebSession(principal, csrf)


def find_session(store: Store, session_id: str) -> WebSession | None:
    row = SessionTable(store).get(digest(session_id))
    if row is None or row["expires_at"] < _stamp():
        return None
    token = TokenTable(store).by_id(row["token_id"])
    if token is None or token["revoked_at"] is not None:
        return None
    return WebSession(Principal(token["name"], token["scope"], token["id"]), row["csrf"])


def end_session(store: Store, session_id: str) -> None:
    SessionTable(store).delete(digest(session_id))


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison (CSRF tokens)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        row["name"], row["scope"], row["prefix"], row["created_at"], row["last_used_at"], row["revoked_at"]
    )
