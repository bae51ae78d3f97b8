"""Who is asking: the signed-in session (Flask-Login) or an API token, the session cookies, trusted proxies,
the sign-in limits, and the first-visit setup page. The accounts themselves (and the failed sign-ins,
counted in the database) are app/services/accounts.py's.
"""

from __future__ import annotations

from typing import cast

import flask_login
from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from .errors import NotAdministrator, SignInRequired
from .security import csrf
from .services.accounts import (
    Account,
    SignInLimits,
    account_for_session,
    account_for_token,
    has_accounts,
)
from .storage.database import Database

# Pages a visitor reaches before the first account exists, or without signing in.
OPEN_ENDPOINTS = frozenset({"static", "accounts.setup", "accounts.signin", "api.openapi"})


def bearer_token(header: str) -> str | None:
    """The token in an `Authorization: Bearer <token>` header, or None when it holds none."""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


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
        csrf.protect()
    return account


class SessionCookies(SecureCookieSessionInterface):
    """Session cookies marked Secure when the setting says so, or ("auto") when the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Whether this response's session cookie is marked Secure."""
        setting = app.config.get("SESSION_COOKIE_SECURE")
        if setting == "auto":
            return has_request_context() and request.is_secure
        return bool(setting)


def sign_in_limits() -> SignInLimits:
    """The failed sign-ins allowed (SIGNIN_RATE_LIMIT and SIGNIN_EMAIL_RATE_LIMIT, read once)."""
    return cast(SignInLimits, current_app.extensions["ledger.sign_in_limits"])


def client_address() -> str:
    """The client's address (as the trusted proxies say, see PROXIES)."""
    return request.remote_addr or "unknown"


def init_accounts(app: Flask, db: Database) -> None:
    """Sessions, the login manager, trusted proxies, the sign-in limits and the first-visit setup page."""
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
        return account_for_session(db, session_id)

    app.extensions["ledger.sign_in_limits"] = SignInLimits.parse(
        str(app.config["SIGNIN_RATE_LIMIT"]), str(app.config["SIGNIN_EMAIL_RATE_LIMIT"])
    )

    @app.before_request
    def first_visit() -> BaseResponse | None:
        # until the first account exists, every page leads to the page that creates it
        if app.extensions.get("ledger.has_accounts") or request.endpoint in OPEN_ENDPOINTS:
            return None
        if request.path.startswith("/api/"):
            return None
        if has_accounts(db):
            app.extensions["ledger.has_accounts"] = True
            return None
        return redirect(url_for("accounts.setup"))
