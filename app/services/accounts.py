"""Accounts: creating them (the first administrator too), passwords, signing in (with its rate limit),
API tokens, disabling accounts, and the account a session or a token stands for. The web wiring
(Flask-Login, sessions) is app/auth.py's.

Passwords are hashed with scrypt (werkzeug.security). API tokens are random (256 bits) and only their
SHA-256 is stored: a token is shown once, when it is created. A password reset or change revokes the
account's tokens and ends its other sessions; signing out ends its sessions everywhere (the session
version kept with the account is part of every session's id), and so does disabling it.

Failed sign-ins are counted in the database, so every web worker on every machine counts the same: per
address and email together (SIGNIN_RATE_LIMIT), and per email from all addresses (slower,
SIGNIN_EMAIL_RATE_LIMIT), the second applying only to addresses that have themselves failed for that
email: wrong passwords sent from elsewhere never lock the owner out, and a right password from an address
that has not failed is always checked.
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

import limits
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AccountProblem, TooManySignIns
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


@dataclass(frozen=True)
class SignInLimits:
    """Failed sign-ins allowed in each window: per address and email together, and per email."""

    per_address: tuple[tuple[int, timedelta], ...]
    per_email: tuple[tuple[int, timedelta], ...]

    @classmethod
    def parse(cls, per_address: str, per_email: str) -> SignInLimits:
        """From rate strings such as "10 per minute; 50 per hour" (AccountProblem for a bad one)."""

        def windows(text: str) -> tuple[tuple[int, timedelta], ...]:
            try:
                items = limits.parse_many(text)
            except ValueError:
                raise AccountProblem(
                    f'the sign-in limit "{text}" is not a rate such as "10 per minute"'
                ) from None
            return tuple((item.amount, timedelta(seconds=item.get_expiry())) for item in items)

        return cls(windows(per_address), windows(per_email))


def _digest(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}:{text}".encode()).hexdigest()


def sign_in(db: Database, email: str, password: str, address: str, allowed: SignInLimits) -> Account | None:
    """The account when the email and password match one, else None (and the failure is counted);
    TooManySignIns, without looking at the password, when this address has failed too often for this
    email, or the email has failed too often everywhere and this address is one of those that failed."""
    address_key = _digest("address", address or "unknown")
    email_key = _digest("email", email.strip().lower())
    moment = now()
    with db.reading() as session:
        for amount, window in allowed.per_address:
            if store.sign_in_failures(session, email_key, moment - window, address_key) >= amount:
                raise TooManySignIns(_wait(window))
        longest = max((window for _, window in allowed.per_email), default=timedelta(0))
        if store.sign_in_failures(session, email_key, moment - longest, address_key):
            for amount, window in allowed.per_email:
                if store.sign_in_failures(session, email_key, moment - window) >= amount:
                    raise TooManySignIns(_wait(window))
    account = authenticate(db, email, password)
    with db.transaction() as session:
        if account is None:
            store.add_sign_in_failure(session, email_key, address_key)
        else:
            store.forget_sign_in_failures(session, email_key=email_key, address_key=address_key)
    return account


def _wait(window: timedelta) -> str:
    minutes = max(1, round(window.total_seconds() / 60))
    return (
        f"Too many failed sign-ins for this email from here. Wait {minutes} minute{'s' if minutes > 1 else ''} "
        "and try again, or ask an administrator to reset your password."
    )


def authenticate(db: Database, email: str, password: str) -> Account | None:
    """The account when the email and password match one, else None."""
    address = email.strip().lower()
    with db.reading() as session:
        row = store.user_by_email(session, address) if address else None
        stored = row.password_hash if row else _decoy_hash()
    if not check_password_hash(stored, password) or row is None or row.disabled_at is not None:
        return None
    return account_of(row)


def set_password(db: Database, user_id: int, password: str) -> Account:
    """Give an account a new password (signing it out of its other sessions and revoking its tokens)."""
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


def sign_out_everywhere(db: Database, account: Account) -> None:
    """End every session of the account: a session cookie replayed after signing out is worth nothing."""
    with db.transaction() as session:
        store.end_sessions(session, account.id)


def set_disabled(db: Database, administrator: Account, user_id: int, disabled: bool) -> UserRow:
    """An administrator disables an account (its sessions end and its tokens stop working at once) or
    enables it again; AccountProblem for their own account."""
    if disabled and user_id == administrator.id:
        raise AccountProblem("you cannot disable your own account; ask another administrator")
    with db.transaction() as session:
        return store.set_disabled(session, user_id, disabled)


def revoke_tokens(db: Database, user_id: int) -> int:
    """Revoke every API token of an account (an administrator's action); how many there were."""
    with db.transaction() as session:
        if store.get_user(session, user_id) is None:
            raise store.NotFound(f"no account has the id {user_id}")
        return store.revoke_tokens(session, user_id)


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
    (signing out, a password reset and disabling bump the version), is disabled, or never existed."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    if len(user_id) > 10:
        return None
    with db.reading() as session:
        row = store.get_user(session, int(user_id))
    if row is None or str(row.session_version) != version or row.disabled_at is not None:
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
