"""Accounts: who is signed in (Flask-Login sessions, or an API token), passwords, tokens, rate-limited
sign-in, the first administrator, and the `flask users ...` commands.

Passwords are hashed with scrypt (werkzeug.security). API tokens are random (256 bits) and only their
SHA-256 is stored: a token is shown once, when it is created.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, cast

import click
import flask_login  # type: ignore[import-untyped]
from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response as BaseResponse

from .errors import AccountProblem, NotAdministrator, SignInRequired
from .storage import store
from .storage.database import Database
from .storage.models import UserRow

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 500
PASSWORD_METHOD = "scrypt"
TOKEN_PREFIX = "pl_"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Pages a visitor reaches before the first account exists, or without signing in.
OPEN_ENDPOINTS = frozenset({"static", "accounts.setup", "accounts.signin", "api.openapi"})


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


def bearer_token(header: str) -> str | None:
    """The token in an `Authorization: Bearer <token>` header, or None when it holds none."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


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


def new_token(db: Database, account: Account, name: str) -> str:
    """A new API token for the account: returned once, only its hash is kept."""
    label = name.strip()[:200] or "API token"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as session:
        store.add_token(session, account.id, label, token_sha256(token), token[:10])
    return token


def account_for_token(db: Database, token: str) -> Account | None:
    """The account a token belongs to, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with db.transaction() as session:
        row = store.user_for_token(session, token_sha256(token))
        return account_of(row) if row else None


# ---- who is asking ----------------------------------------------------------------------------------------------


def current_account() -> Account | None:
    """The account behind this request (an API token, or the signed-in session), or None."""
    by_token = g.get("api_account")
    if by_token is not None:
        return cast(Account, by_token)
    user = flask_login.current_user
    return cast(Account, user) if user and user.is_authenticated else None


def required_account() -> Account:
    """The account behind this request; SignInRequired when there is none."""
    account = current_account()
    if account is None:
        raise SignInRequired("Sign in to see your ledgers.")
    return account


def required_administrator() -> Account:
    """The signed-in account when it is an administrator; NotAdministrator otherwise."""
    account = required_account()
    if not account.is_admin:
        raise NotAdministrator("Only administrators manage accounts; ask one to do this for you.")
    return account


def authenticate_api_request(db: Database) -> Account:
    """The account an API request acts for: its bearer token, or the signed-in session.

    A token needs no CSRF token (a browser never sends it by itself); a session does, for anything but
    reading, so that another site cannot make a signed-in browser post to the API.
    """
    header = request.headers.get("Authorization", "")
    if header:
        token = bearer_token(header)
        account = account_for_token(db, token) if token else None
        if account is None:
            raise SignInRequired("the API token is not valid (revoked, mistyped, or not a Bearer token)")
        g.api_account = account
        return account
    account = current_account()
    if account is None:
        raise SignInRequired(
            "send an API token as Authorization: Bearer <token>; create one on your settings page"
        )
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        from .security import csrf

        csrf.protect()
    return account


# ---- wiring into the app --------------------------------------------------------------------------------------


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies marked Secure when the setting says so, or ("auto") when the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Whether this response's session cookie is marked Secure."""
        setting = app.config.get("SESSION_COOKIE_SECURE")
        if setting == "auto":
            return has_request_context() and request.is_secure
        return bool(setting)


def _failed_sign_in(response: BaseResponse) -> bool:
    return response.status_code != 303


def _email_key() -> str:
    return "email:" + (request.form.get("email", "").strip().lower() or get_remote_address())


def init_accounts(app: Flask, db: Database) -> None:
    """Sessions, the login manager, trusted proxies, the rate limiter and the first-visit setup page."""
    app.session_interface = SessionCookies()
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )

    login_manager = flask_login.LoginManager()
    login_manager.session_protection = "basic"
    login_manager.init_app(app)

    @login_manager.user_loader  # type: ignore[untyped-decorator]
    def load_account(session_id: str) -> Account | None:
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit():
            return None
        with db.reading() as session:
            row = store.get_user(session, int(user_id))
        if row is None or str(row.session_version) != version:
            return None
        return account_of(row)

    app.extensions["ledger.limiter"] = Limiter(get_remote_address, app=app, default_limits=[])

    @app.before_request
    def first_visit() -> BaseResponse | None:
        # until the first account exists, every page leads to the page that creates it
        if app.extensions.get("ledger.has_accounts") or request.endpoint in OPEN_ENDPOINTS:
            return None
        if request.path.startswith("/api/"):
            return None
        with db.reading() as session:
            if store.user_count(session):
                app.extensions["ledger.has_accounts"] = True
                return None
        return redirect(url_for("accounts.setup"))


def limit_sign_in(app: Flask) -> None:
    """Rate-limit failed sign-ins per address and per email (after the blueprints are registered)."""
    limiter = cast(Limiter, app.extensions["ledger.limiter"])

    def rate() -> str:
        return str(current_app.config["SIGNIN_RATE_LIMIT"])

    view: Callable[..., Any] = app.view_functions["accounts.signin"]
    view = limiter.limit(rate, methods=["POST"], deduct_when=_failed_sign_in)(view)
    view = limiter.limit(rate, key_func=_email_key, methods=["POST"], deduct_when=_failed_sign_in)(view)
    app.view_functions["accounts.signin"] = view


def register_user_commands(app: Flask, db: Database) -> None:
    """`flask users create EMAIL [--admin] [--password-stdin]`, `flask users reset-password`, `flask users list`."""

    @app.cli.group("users")
    def users() -> None:
        """Accounts."""

    def read_password(from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))

    @users.command("create")
    @click.argument("email")
    @click.option("--admin", is_flag=True, help="The account can create accounts and reset passwords.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create(email: str, admin: bool, password_stdin: bool) -> None:
        """Create an account (the first administrator adopts the ledgers stored before accounts)."""
        try:
            account = create_account(db, email, read_password(password_stdin), is_admin=admin)
        except (AccountProblem, store.Conflict) as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"created {'administrator ' if account.is_admin else 'account '}{account.email}")

    @users.command("reset-password")
    @click.argument("email")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def reset_password(email: str, password_stdin: bool) -> None:
        """Give an account a new password (it is signed out everywhere)."""
        try:
            account = account_by_email(db, email)
            set_password(db, account.id, read_password(password_stdin))
        except AccountProblem as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"new password set for {account.email}")

    @users.command("list")
    def list_accounts() -> None:
        """Every account, administrators marked."""
        with db.reading() as session:
            for row in store.list_users(session):
                click.echo(f"{row.email}{' (administrator)' if row.is_admin else ''}")
