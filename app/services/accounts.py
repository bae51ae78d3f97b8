"""Accounts: creating them (the first administrator too), passwords, sign-in checks, API tokens, and the
account a session or a token stands for. The web wiring (Flask-Login, the rate limit) is app/auth.py's.

Passwords are hashed with scrypt (werkzeug.security). API tokens are random (256 bits) and only their
SHA-256 is stored: a token is shown once, when it is created.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import ClassVar

from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AccountProblem
from ..storage import store
from ..storage.database import Database
from ..storage.models import ApiTokenRow, UserRow, now
from ..storage.store import utc

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 500
PASSWORD_METHOD = "scrypt"
TOKEN_PREFIX = "pl_"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Account:
    """A signed-in account, as Flask-Login needs it (a value: nothing here talks to the database)."""

    id: int
    email: str
    is_admin: bool
    session_version: int

    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    def get_id(self) -> str:
        """The id kept in the session: the account and its session version (a password reset bumps it)."""
        return f"{self.id}:{self.session_version}"


def account_of(row: UserRow) -> Account:
    """The Account for a stored user."""
    return Account(row.id, row.email, bool(row.is_admin), row.session_version)


# ---- emails, passwords, tokens ------------------------------------------------------------------------------


def normalized_email(raw: str) -> str:
    """The email, trimmed and lower-cased; AccountProblem when it is not an email address."""
    email = raw.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise AccountProblem(f'"{raw.strip()[:80]}" is not an email address; expected name@example.org')
    return email


def checked_password(password: str) -> str:
    """The password when long enough; AccountProblem saying how long it must be otherwise."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountProblem(
            f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH} "
            "(a few words together are easy to remember)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountProblem(
            f"the password has {len(password)} characters; use at most {MAX_PASSWORD_LENGTH}"
        )
    return password


def hash_password(password: str) -> str:
    """The password's salted scrypt hash."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _decoy_hash() -> str:
    # checked when no account has the email, so that a wrong email takes as long as a wrong password
    return hash_password(secrets.token_urlsafe(16))


def token_sha256(token: str) -> str:
    """What is stored of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---- accounts in the database ---------------------------------------------------------------------------------


def create_account(db: Database, email: str, password: str, *, is_admin: bool = False) -> Account:
    """A new account; AccountProblem for a bad email or password, Conflict when the email is taken."""
    address = normalized_email(email)
    hashed = hash_password(checked_password(password))
    with db.transaction() as session:
        return account_of(store.create_user(session, address, hashed, is_admin=is_admin))


def create_first_administrator(db: Database, email: str, password: str) -> Account:
    """The first account, an administrator; Conflict when an account already exists."""
    address = normalized_email(email)
    hashed = hash_password(checked_password(password))
    with db.transaction() as session:
        if db.dialect == "postgresql":
            # two first visits at once: the second waits, then finds the first account (SQLite: one writer)
            session.connection().exec_driver_sql("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        if store.user_count(session):
            raise store.Conflict("this installation already has accounts; sign in instead")
        return account_of(store.create_user(session, address, hashed, is_admin=True))


def authenticate(db: Database, email: str, password: str) -> Account | None:
    """The account when the email and password match one, else None."""
    address = email.strip().lower()
    with db.reading() as session:
        row = store.user_by_email(session, address) if address else None
        stored = row.password_hash if row else _decoy_hash()
    if not check_password_hash(stored, password) or row is None:
        return None
    return account_of(row)


def set_password(db: Database, user_id: int, password: str) -> Account:
    """Give an account a new password (signing it out of its other sessions)."""
    hashed = hash_password(checked_password(password))
    with db.transaction() as session:
        return account_of(store.set_password(session, user_id, hashed))


def account_by_email(db: Database, email: str) -> Account:
    """The account with that email; AccountProblem when there is none."""
    address = normalized_email(email)
    with db.reading() as session:
        row = store.user_by_email(session, address)
    if row is None:
        raise AccountProblem(f"no account has the email {address}; an administrator can create it")
    return account_of(row)


def new_token(db: Database, account: Account, name: str, token: str | None = None) -> str:
    """A new API token for the account (`token`, or a random one): returned once, only its hash is kept."""
    label = name.strip()[:200] or "API token"
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as session:
        store.add_token(session, account.id, label, token_sha256(token), token[:10])
    return token


# how long after it was made a new token can be shown again (a reload of the page that shows it)
TOKEN_SHOWN_FOR = timedelta(minutes=10)


def derived_token(secret: str, account: Account, nonce: str) -> str:
    """The token made from a random `nonce` with the server's secret (HMAC-SHA256): the page that shows a
    new token gets only the nonce in its address, never the token, and can show it again on a reload."""
    mac = hmac.new(secret.encode("utf-8"), f"api-token:{account.id}:{nonce}".encode(), hashlib.sha256)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")


def recent_token(db: Database, account: Account, token: str) -> bool:
    """Whether `token` is one of the account's, made in the last few minutes (`TOKEN_SHOWN_FOR`)."""
    with db.reading() as session:
        return any(
            t.token_sha256 == token_sha256(token) and now() - utc(t.created_at) <= TOKEN_SHOWN_FOR
            for t in store.tokens_of(session, account.id)
        )


def account_for_token(db: Database, token: str) -> Account | None:
    """The account a token belongs to, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with db.transaction() as session:
        row = store.user_for_token(session, token_sha256(token))
        return account_of(row) if row else None


def revoke_token(db: Database, account: Account, token_id: int) -> None:
    """Delete one of the account's tokens; NotFound when it has no such token."""
    with db.transaction() as session:
        store.revoke_token(session, account.id, token_id)


def tokens_of(db: Database, account: Account) -> Sequence[ApiTokenRow]:
    """The account's tokens (their names and hints, never the tokens), newest first."""
    with db.reading() as session:
        return store.tokens_of(session, account.id)


def account_for_session(db: Database, session_id: str) -> Account | None:
    """The account a session's id stands for ("<id>:<session version>"), or None when it was signed out
    (a password reset bumps the version) or never existed."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    with db.reading() as session:
        row = store.get_user(session, int(user_id))
    if row is None or str(row.session_version) != version:
        return None
    return account_of(row)


def has_accounts(db: Database) -> bool:
    """Whether any account exists yet (until one does, every page leads to the first-visit setup)."""
    with db.reading() as session:
        return store.user_count(session) > 0


def list_accounts(db: Database) -> Sequence[UserRow]:
    """Every account, by email."""
    with db.reading() as session:
        return store.list_users(session)
