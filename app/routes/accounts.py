"""The account pages: first-visit setup, sign in and out, settings (API tokens, password), and the
administrators' page (create, disable and enable accounts, reset passwords, revoke tokens). Routes stay
thin: app/services/accounts.py does the work, app/auth.py knows who is asking."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import flask_login
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..auth import client_address, current_account, required_account, required_administrator, sign_in_limits
from ..context import database
from ..errors import AccountProblem
from ..services import accounts

account_pages = Blueprint("accounts", __name__)

# A path on this site: "/" and then anything but a second slash or a backslash (browsers read "/\\host" as
# "//host", another site), in printable ASCII only (browsers drop tabs and newlines, so "/<tab>/evil.example"
# would become "//evil.example").
SAME_SITE_PATH = re.compile(r"/(?![/\\])[\x21-\x7e]*")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site (no "//", no
    backslashes, no control characters or spaces, no scheme or host); the home page otherwise."""
    if (
        target
        and len(target) <= 2000
        and SAME_SITE_PATH.fullmatch(target)
        and "\\" not in target
        and not urlsplit(target).netloc
        and not urlsplit(target).scheme
    ):
        return target
    return url_for("pages.home")


def _start_session(account: accounts.Account) -> None:
    # a fresh session on every sign-in, so that a session id planted before it is worth nothing
    session.clear()
    flask_login.login_user(account)


@account_pages.route("/setup", methods=["GET", "POST"])
def setup() -> BaseResponse | str | tuple[str, int]:
    if accounts.has_accounts(database()):
        abort(404)
    if request.method == "GET":
        return render_template("setup.html", email="", error="")
    email = request.form.get("email", "")
    password = request.form.get("password", "")
    try:
        if password != request.form.get("confirm", ""):
            raise AccountProblem("the two passwords differ; type the same password twice")
        account = accounts.create_first_administrator(database(), email, password)
    except AccountProblem as problem:
        return render_template("setup.html", email=email, error=problem.detail), 400
    _start_session(account)
    return redirect(url_for("pages.home"), code=303)


@account_pages.route("/signin", methods=["GET", "POST"])
def signin() -> BaseResponse | str | tuple[str, int]:
    next_page = request.values.get("next", "")
    if request.method == "GET":
        if current_account() is not None:
            return redirect(safe_next(next_page))
        return render_template("signin.html", email="", error="", next_page=next_page)
    email = request.form.get("email", "")
    account = accounts.sign_in(
        database(), email, request.form.get("password", ""), client_address(), sign_in_limits()
    )
    if account is None:
        error = "That email and password do not match an account. Check both and try again."
        return render_template("signin.html", email=email, error=error, next_page=next_page), 401
    _start_session(account)
    return redirect(safe_next(next_page), code=303)


@account_pages.post("/signout")
def signout() -> BaseResponse:
    signed_in = current_account()
    if signed_in is not None:
        # ended on the server: the cookie of this session (or any other of this account) is worth nothing now
        accounts.sign_out_everywhere(database(), signed_in)
    flask_login.logout_user()
    session.clear()
    return redirect(url_for("accounts.signin"), code=303)


def _settings_page(
    new_token: str = "", message: str = "", status: int = 200, password_error: str = ""
) -> tuple[str, int]:
    account = required_account()
    tokens = accounts.tokens_of(database(), account)
    page = render_template(
        "settings.html",
        account=account,
        tokens=tokens,
        new_token=new_token,
        message=message,
        password_error=password_error,
    )
    return page, status


@account_pages.get("/settings")
def settings() -> tuple[str, int]:
    changed = request.args.get("changed", "")
    messages = {"password": "Your password is changed.", "revoked": "The token is revoked."}
    nonce = request.args.get("made", "")[:100]
    if nonce:  # the page a new token was made on, after the redirect: shown again on a reload, for a while
        account = required_account()
        token = accounts.derived_token(current_app.config["SECRET_KEY"], account, nonce)
        if accounts.recent_token(database(), account, token):
            return _settings_page(new_token=token)
        return _settings_page(
            message="That token was shown when it was made; revoke it and make another if it is lost."
        )
    return _settings_page(message=messages.get(changed, ""))


@account_pages.post("/settings/tokens")
def create_token() -> BaseResponse:
    account = required_account()
    # post, redirect, get: a reload shows the same token and never makes a second one. The address carries
    # a random nonce, not the token, which only the server's secret turns into it (never in a cookie)
    nonce = secrets.token_urlsafe(16)
    token = accounts.derived_token(current_app.config["SECRET_KEY"], account, nonce)
    accounts.new_token(database(), account, request.form.get("name", ""), token=token)
    return redirect(url_for("accounts.settings", made=nonce, _anchor="tokens"), code=303)


@account_pages.post("/settings/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> BaseResponse:
    account = required_account()
    accounts.revoke_token(database(), account, token_id)
    return redirect(url_for("accounts.settings", changed="revoked"), code=303)


@account_pages.post("/settings/password")
def change_password() -> BaseResponse | tuple[str, int]:
    account = required_account()
    try:  # a mistake is shown on the form, not on a page of its own
        if accounts.authenticate(database(), account.email, request.form.get("current", "")) is None:
            raise AccountProblem("the current password is not right; nothing was changed")
        if request.form.get("password", "") != request.form.get("confirm", ""):
            raise AccountProblem("the two new passwords differ; type the same password twice")
        updated = accounts.set_password(database(), account.id, request.form.get("password", ""))
    except AccountProblem as problem:
        return _settings_page(password_error=problem.detail, status=400)
    _start_session(updated)  # other sessions are signed out; this one goes on
    return redirect(url_for("accounts.settings", changed="password"), code=303)


@account_pages.get("/admin/users")
def users() -> str:
    required_administrator()
    return render_template(
        "admin_users.html",
        users=accounts.list_accounts(database()),
        created=request.args.get("created", ""),
        reset=request.args.get("reset", ""),
        changed=request.args.get("changed", ""),
        me=required_administrator(),
        min_length=accounts.MIN_PASSWORD_LENGTH,
    )


@account_pages.post("/admin/users")
def create_user() -> BaseResponse:
    required_administrator()
    account = accounts.create_account(
        database(),
        request.form.get("email", ""),
        request.form.get("password", ""),
        is_admin=request.form.get("admin") == "on",
    )
    return redirect(url_for("accounts.users", created=account.email), code=303)


@account_pages.post("/admin/users/<int:user_id>/password")
def reset_password(user_id: int) -> BaseResponse:
    administrator = required_administrator()
    account = accounts.set_password(database(), user_id, request.form.get("password", ""))
    if account.id == administrator.id:
        _start_session(account)
    return redirect(url_for("accounts.users", reset=account.email), code=303)


def _changed(what: str, email: str) -> BaseResponse:
    return redirect(url_for("accounts.users", changed=f"{what}:{email}"), code=303)


@account_pages.post("/admin/users/<int:user_id>/disable")
def disable_user(user_id: int) -> BaseResponse:
    row = accounts.set_disabled(database(), required_administrator(), user_id, True)
    return _changed("disabled", row.email)


@account_pages.post("/admin/users/<int:user_id>/enable")
def enable_user(user_id: int) -> BaseResponse:
    row = accounts.set_disabled(database(), required_administrator(), user_id, False)
    return _changed("enabled", row.email)


@account_pages.post("/admin/users/<int:user_id>/revoke-tokens")
def revoke_user_tokens(user_id: int) -> BaseResponse:
    required_administrator()
    count = accounts.revoke_tokens(database(), user_id)
    return redirect(url_for("accounts.users", changed=f"revoked:{count}"), code=303)
