"""Accounts: the first visit, signing in and out (ended on the server), where signing in leads, session
cookies, the sign-in limits (shared, per address and email, and per email), the users command, the
administrators' page (disabling accounts, revoking tokens), changing a password (revoking tokens), API
tokens (shown once, stored hashed)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services import accounts
from app.storage import store
from app.storage.models import ApiTokenRow, UserRow

from ..conftest import (
    ADMIN_EMAIL,
    PASSWORD,
    close_app,
    csrf_token,
    database,
    make_account,
    make_app,
    sign_in,
    signed_in_client,
)


def _page_token(client: FlaskClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found, f"{path} has no form"
    return found.group(1)


def test_the_first_visit_asks_for_the_first_administrator(anonymous: FlaskClient) -> None:
    first = anonymous.get("/")
    assert first.status_code == 302 and first.headers["Location"] == "/setup"
    assert anonymous.get("/ledgers/whatever").headers["Location"] == "/setup"
    page = anonymous.get("/setup").get_data(as_text=True)
    assert "Create the first account" in page and 'type="password"' in page
    token = _page_token(anonymous, "/setup")
    short = anonymous.post(
        "/setup",
        data={"csrf_token": token, "email": "ana@example.org", "password": "short", "confirm": "short"},
    )
    assert short.status_code == 400 and "use at least 10" in short.get_data(as_text=True)
    differ = anonymous.post(
        "/setup",
        data={
            "csrf_token": token,
            "email": "ana@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD + "x",
        },
    )
    assert differ.status_code == 400 and "the two passwords differ" in differ.get_data(as_text=True)
    made = anonymous.post(
        "/setup",
        data={"csrf_token": token, "email": " Ana@Example.org ", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert made.status_code == 303
    home = anonymous.get("/").get_data(as_text=True)
    assert "ana@example.org" in home and "Reconcile a pledge ledger" in home and 'href="/admin/users"' in home
    assert anonymous.get("/setup").status_code == 404  # once only


def test_the_api_on_a_fresh_installation_says_401(anonymous: FlaskClient) -> None:
    response = anonymous.get("/api/v1/ledgers")
    assert response.status_code == 401 and response.json is not None
    assert "Bearer" in response.json["error"]["detail"]


def test_passwords_are_stored_as_scrypt_hashes(app: Flask) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    with database(app).reading() as s:
        row = s.get(UserRow, 1)
        assert row is not None and row.email == ADMIN_EMAIL
        assert row.password_hash.startswith("scrypt:") and PASSWORD not in row.password_hash


def test_sign_in_and_out(app: Flask, anonymous: FlaskClient) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    wanted = anonymous.get("/settings")
    assert wanted.status_code == 302 and wanted.headers["Location"] == "/signin?next=/settings"
    wrong = sign_in(anonymous, ADMIN_EMAIL, "not the password")
    assert wrong.status_code == 401
    assert "do not match an account" in wrong.get_data(as_text=True)
    nobody = sign_in(anonymous, "nobody@example.org", PASSWORD)
    # the same answer whether or not the email has an account
    assert nobody.status_code == 401 and "do not match an account" in nobody.get_data(as_text=True)
    token = _page_token(anonymous, "/signin")
    right = anonymous.post(
        "/signin",
        data={"csrf_token": token, "email": "ANA@example.org", "password": PASSWORD, "next": "/settings"},
    )
    assert right.status_code == 303 and right.headers["Location"] == "/settings"
    assert anonymous.get("/settings").status_code == 200
    out = anonymous.post("/signout", data={"csrf_token": csrf_token(anonymous)})
    assert out.status_code == 303
    assert anonymous.get("/").headers["Location"].startswith("/signin")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_elsewhere(app: Flask, anonymous: FlaskClient, target: str) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    token = _page_token(anonymous, "/signin")
    response = anonymous.post(
        "/signin", data={"csrf_token": token, "email": ADMIN_EMAIL, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/phish",  # issue 14: the tab is dropped by browsers, leaving //evil.example
        "/\t/evil.example",
        "/\n/evil.example",
        "/ /evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "///evil.example",
        "/x\x00y",
    ],
)
def test_next_is_only_ever_a_path_on_this_site(app: Flask, anonymous: FlaskClient, target: str) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    token = _page_token(anonymous, "/signin")
    response = anonymous.post(
        "/signin", data={"csrf_token": token, "email": ADMIN_EMAIL, "password": PASSWORD, "next": target}
    )
    # refused as a target (control characters: refused as a request), never followed elsewhere
    assert response.status_code in {303, 400}
    assert _stays_on_this_site(response.headers.get("Location", "/"))
    # and from the address bar, where the value arrives percent-encoded (then decoded: "/%09/" is a tab)
    signed_in = anonymous.get("/signin?next=" + target)
    assert signed_in.status_code in {302, 400}
    assert signed_in.headers.get("Location", "/") == "/"


def _stays_on_this_site(location: str) -> bool:
    """Whether a browser following `location` stays on this site (what it drops first, it drops here too)."""
    seen = re.sub(r"[\t\n\r]", "", location)
    parts = urlsplit(seen.replace("\\", "/"))
    return seen.startswith("/") and not parts.netloc and not parts.scheme and " " not in seen


def test_next_keeps_a_path_with_its_query(app: Flask, anonymous: FlaskClient) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    token = _page_token(anonymous, "/signin")
    target = "/ledgers/abc?version=2&sort=amount"
    response = anonymous.post(
        "/signin", data={"csrf_token": token, "email": ADMIN_EMAIL, "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == target


def test_a_session_cookie_replayed_after_signing_out_is_refused(app: Flask) -> None:
    client = signed_in_client(app, ADMIN_EMAIL, admin=True)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert client.post("/signout", data={"csrf_token": csrf_token(client)}).status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)  # the cookie as it was before signing out
    assert thief.get("/").status_code == 302 and thief.get("/").headers["Location"].startswith("/signin")
    assert thief.get("/api/v1/ledgers").status_code == 401


def test_a_password_reset_or_change_revokes_the_accounts_tokens(app: Flask) -> None:
    bea = make_account(app, "bea@example.org")
    token = accounts.new_token(database(app), bea, "script")
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert api.get("/api/v1/ledgers").status_code == 200
    admin = signed_in_client(app, ADMIN_EMAIL, admin=True)
    reset = admin.post(
        f"/admin/users/{bea.id}/password",
        data={"csrf_token": csrf_token(admin), "password": "another password"},
    )
    assert reset.status_code == 303
    assert api.get("/api/v1/ledgers").status_code == 401
    # changing one's own password does the same
    ana = make_account(app, ADMIN_EMAIL, admin=True)
    own = accounts.new_token(database(app), ana, "mine")
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {own}"
    assert api.get("/api/v1/ledgers").status_code == 200
    admin.post(
        "/settings/password",
        data={
            "csrf_token": csrf_token(admin),
            "current": PASSWORD,
            "password": "new password!",
            "confirm": "new password!",
        },
    )
    assert api.get("/api/v1/ledgers").status_code == 401


def test_administrators_disable_accounts_and_revoke_their_tokens(app: Flask) -> None:
    admin = signed_in_client(app, ADMIN_EMAIL, admin=True)
    bea_browser = signed_in_client(app, "bea@example.org")
    bea = make_account(app, "bea@example.org")
    tokens = [accounts.new_token(database(app), bea, name) for name in ("one", "two")]
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {tokens[0]}"
    assert api.get("/api/v1/ledgers").status_code == 200
    # revoking her tokens leaves her signed in
    revoked = admin.post(f"/admin/users/{bea.id}/revoke-tokens", data={"csrf_token": csrf_token(admin)})
    assert revoked.status_code == 303
    assert "2 API tokens revoked" in admin.get(revoked.headers["Location"]).get_data(as_text=True)
    assert api.get("/api/v1/ledgers").status_code == 401
    assert bea_browser.get("/").status_code == 200
    # disabling her stops her session, a new token and signing in, at once
    fresh = accounts.new_token(database(app), bea, "three")
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {fresh}"
    disabled = admin.post(f"/admin/users/{bea.id}/disable", data={"csrf_token": csrf_token(admin)})
    assert disabled.status_code == 303
    page = admin.get(disabled.headers["Location"]).get_data(as_text=True)
    assert "bea@example.org is disabled" in page
    assert bea_browser.get("/").headers["Location"].startswith("/signin")
    assert api.get("/api/v1/ledgers").status_code == 401
    assert sign_in(app.test_client(), "bea@example.org").status_code == 401
    # enabled again, she signs in (her session and tokens stay ended)
    admin.post(f"/admin/users/{bea.id}/enable", data={"csrf_token": csrf_token(admin)})
    assert sign_in(app.test_client(), "bea@example.org").status_code == 303
    assert api.get("/api/v1/ledgers").status_code == 200  # a token made while disabled works once enabled
    # nobody disables their own account
    ana = make_account(app, ADMIN_EMAIL, admin=True)
    own = admin.post(f"/admin/users/{ana.id}/disable", data={"csrf_token": csrf_token(admin)})
    assert own.status_code == 400 and "cannot disable your own account" in own.get_data(as_text=True)


def test_only_administrators_disable_accounts(app: Flask) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    bea = signed_in_client(app, "bea@example.org")
    ana_id = make_account(app, ADMIN_EMAIL).id
    assert bea.post(f"/admin/users/{ana_id}/disable", data={"csrf_token": csrf_token(bea)}).status_code == 403
    assert (
        bea.post(f"/admin/users/{ana_id}/revoke-tokens", data={"csrf_token": csrf_token(bea)}).status_code
        == 403
    )


def test_the_users_command_disables_and_enables(app: Flask) -> None:
    make_account(app, "bea@example.org")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "disable", "bea@example.org"]).exit_code == 0
    assert "bea@example.org (disabled)" in runner.invoke(args=["users", "list"]).output
    assert sign_in(app.test_client(), "bea@example.org").status_code == 401
    assert runner.invoke(args=["users", "enable", "bea@example.org"]).exit_code == 0
    assert sign_in(app.test_client(), "bea@example.org").status_code == 303


def _session_cookie(response_headers: list[str]) -> str:
    cookies = [h for h in response_headers if h.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_session_cookies_are_httponly_lax_and_secure_over_https(app: Flask) -> None:
    make_account(app, ADMIN_EMAIL, admin=True)
    plain = app.test_client()
    cookie = _session_cookie(sign_in(plain, ADMIN_EMAIL).headers.getlist("Set-Cookie"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost (SESSION_COOKIE_SECURE=auto)
    https = app.test_client()
    cookie = _session_cookie(
        sign_in(https, ADMIN_EMAIL, base_url="https://localhost").headers.getlist("Set-Cookie")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_secure_cookies_can_be_forced_on(tmp_path: Path, database_url: str) -> None:
    forced = make_app(tmp_path, database_url, SESSION_COOKIE_SECURE=True)
    try:
        make_account(forced, ADMIN_EMAIL, admin=True)
        cookie = _session_cookie(sign_in(forced.test_client(), ADMIN_EMAIL).headers.getlist("Set-Cookie"))
        assert "Secure" in cookie
    finally:
        close_app(forced)


def test_a_proxy_is_trusted_only_when_configured(tmp_path: Path, app: Flask) -> None:
    behind = make_app(tmp_path / "behind", f"sqlite:///{tmp_path / 'behind.db'}", PROXIES=1)
    try:
        for flask_app, secure in ((behind, True), (app, False)):
            make_account(flask_app, ADMIN_EMAIL, admin=True)
            client = flask_app.test_client()
            client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
            cookie = _session_cookie(sign_in(client, ADMIN_EMAIL).headers.getlist("Set-Cookie"))
            assert ("Secure" in cookie) is secure, "only a trusted proxy may say the request came over https"
    finally:
        close_app(behind)


def test_failed_sign_ins_are_rate_limited(tmp_path: Path, database_url: str) -> None:
    limited = make_app(
        tmp_path, database_url, SIGNIN_RATE_LIMIT="3 per minute", SIGNIN_EMAIL_RATE_LIMIT="5 per hour"
    )
    try:
        make_account(limited, ADMIN_EMAIL, admin=True)
        for _ in range(4):  # successful sign-ins do not count
            assert sign_in(limited.test_client(), ADMIN_EMAIL).status_code == 303
        client = limited.test_client()
        statuses = [sign_in(client, ADMIN_EMAIL, "wrong password").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        blocked = sign_in(client, ADMIN_EMAIL)  # even the right password waits now, from this address
        assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)
        # the counts are in the database: another worker (another app on the same database) counts the same
        other_worker = make_app(tmp_path / "second", database_url, SIGNIN_RATE_LIMIT="3 per minute")
        try:
            assert sign_in(other_worker.test_client(), ADMIN_EMAIL, "wrong password").status_code == 429
        finally:
            close_app(other_worker)
        # failures from one address never lock the email out of another: the owner signs in from home
        home = limited.test_client()
        home.environ_base["REMOTE_ADDR"] = "10.9.9.9"
        assert sign_in(home, ADMIN_EMAIL).status_code == 303
    finally:
        close_app(limited)


def test_a_slower_limit_per_email_never_blocks_a_right_password_from_a_new_address(
    tmp_path: Path, database_url: str
) -> None:
    limited = make_app(
        tmp_path, database_url, SIGNIN_RATE_LIMIT="2 per minute", SIGNIN_EMAIL_RATE_LIMIT="4 per hour"
    )
    try:
        make_account(limited, "bea@example.org")
        attacker = limited.test_client()
        # wrong passwords spread over many addresses: each address stays under its own limit ...
        for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2"):
            attacker.environ_base["REMOTE_ADDR"] = address
            assert sign_in(attacker, "bea@example.org", "wrong password").status_code == 401
        # ... but the email has now failed 4 times in the hour: the addresses that failed are refused,
        # whatever they send, right password or not
        attacker.environ_base["REMOTE_ADDR"] = "10.0.0.1"
        assert sign_in(attacker, "BEA@example.org", PASSWORD).status_code == 429
        # a new address still gets its password checked: a wrong one counts, the right one signs in
        attacker.environ_base["REMOTE_ADDR"] = "10.0.0.3"
        assert sign_in(attacker, "bea@example.org", "wrong password").status_code == 401
        assert sign_in(attacker, "bea@example.org", "wrong again").status_code == 429
        owner = limited.test_client()
        owner.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        assert sign_in(owner, "bea@example.org", PASSWORD).status_code == 303
    finally:
        close_app(limited)


def test_users_command_creates_accounts(app: Flask) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["users", "create", "Ana@Example.org", "--admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert made.exit_code == 0, made.output
    assert "created administrator ana@example.org" in made.output
    prompted = runner.invoke(args=["users", "create", "bea@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0 and "created account bea@example.org" in prompted.output
    again = runner.invoke(
        args=["users", "create", "bea@example.org", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["users", "create", "cy@example.org", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "use at least 10" in short.output
    bad = runner.invoke(args=["users", "create", "not-an-email", "--password-stdin"], input=PASSWORD + "\n")
    assert bad.exit_code != 0 and "is not an email address" in bad.output
    listed = runner.invoke(args=["users", "list"])
    assert listed.output.splitlines() == ["ana@example.org (administrator)", "bea@example.org"]
    reset = runner.invoke(
        args=["users", "reset-password", "bea@example.org", "--password-stdin"],
        input="a brand new password\n",
    )
    assert reset.exit_code == 0 and "new password set for bea@example.org" in reset.output
    assert accounts.authenticate(database(app), "bea@example.org", "a brand new password") is not None
    assert accounts.authenticate(database(app), "bea@example.org", PASSWORD) is None
    # the account made from the shell counts: the first visit no longer asks for one
    assert app.test_client().get("/").headers["Location"].startswith("/signin")


def test_administrators_create_accounts_and_reset_passwords(app: Flask) -> None:
    admin = signed_in_client(app, ADMIN_EMAIL, admin=True)
    token = csrf_token(admin)
    made = admin.post(
        "/admin/users",
        data={"csrf_token": token, "email": "bea@example.org", "password": "bea's first password"},
    )
    assert made.status_code == 303
    assert "Created bea@example.org" in admin.get(made.headers["Location"]).get_data(as_text=True)
    bea = app.test_client()
    assert sign_in(bea, "bea@example.org", "bea's first password").status_code == 303
    assert bea.get("/admin/users").status_code == 403  # not an administrator
    with database(app).reading() as s:
        bea_id = next(u.id for u in store.list_users(s) if u.email == "bea@example.org")
    reset = admin.post(
        f"/admin/users/{bea_id}/password", data={"csrf_token": token, "password": "reset by the admin"}
    )
    assert reset.status_code == 303
    # Bea's old session is signed out; the new password works, the old one does not
    assert bea.get("/").headers["Location"].startswith("/signin")
    assert sign_in(app.test_client(), "bea@example.org", "bea's first password").status_code == 401
    assert sign_in(app.test_client(), "bea@example.org", "reset by the admin").status_code == 303
    taken = admin.post(
        "/admin/users",
        data={"csrf_token": token, "email": "BEA@example.org", "password": "long enough password"},
    )
    assert taken.status_code == 409 and "already exists" in taken.get_data(as_text=True)


def test_changing_your_password_signs_out_your_other_sessions(app: Flask) -> None:
    laptop = signed_in_client(app, ADMIN_EMAIL, admin=True)
    phone = app.test_client()
    assert sign_in(phone, ADMIN_EMAIL).status_code == 303
    token = csrf_token(laptop)
    wrong = laptop.post(
        "/settings/password",
        data={
            "csrf_token": token,
            "current": "nope",
            "password": "a new password",
            "confirm": "a new password",
        },
    )
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    # on the form itself, not on an error page of its own
    assert '<p class="problem" role="alert" id="password-error">' in wrong.get_data(as_text=True)
    assert 'id="current" name="current"' in wrong.get_data(as_text=True)
    changed = laptop.post(
        "/settings/password",
        data={
            "csrf_token": token,
            "current": PASSWORD,
            "password": "a new password",
            "confirm": "a new password",
        },
    )
    assert changed.status_code == 303
    assert "Your password is changed" in laptop.get(changed.headers["Location"]).get_data(as_text=True)
    assert phone.get("/").headers["Location"].startswith("/signin")


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(app: Flask) -> None:
    client = signed_in_client(app, ADMIN_EMAIL, admin=True)
    created = client.post(
        "/settings/tokens", data={"csrf_token": csrf_token(client), "name": "nightly import"}
    )
    # post, redirect, get: the address carries a nonce, never the token; a reload shows it again, makes none
    assert created.status_code == 303 and "made=" in created.headers["Location"]
    shown = client.get(created.headers["Location"]).get_data(as_text=True)
    token = re.search(r'data-testid="new-token" value="(pl_[^"]+)"|value="(pl_[^"]+)"', shown)
    assert token
    secret = token.group(1) or token.group(2)
    assert secret not in created.headers["Location"]
    assert secret in client.get(created.headers["Location"]).get_data(as_text=True)
    with database(app).reading() as s:
        rows = s.query(ApiTokenRow).all()
        assert [(r.name, r.token_sha256) for r in rows] == [
            ("nightly import", hashlib.sha256(secret.encode()).hexdigest())
        ]
        assert all(secret not in (r.hint, r.name) and len(r.hint) < 12 for r in rows)
        token_id = rows[0].id
    settings = client.get("/settings").get_data(as_text=True)
    assert "nightly import" in settings and secret not in settings  # not on the settings page itself
    forged = client.get("/settings?made=another-nonce").get_data(as_text=True)
    assert "pl_" not in forged.split('id="tokens"')[1].split("</section>")[0].split("<table")[0]
    assert (
        "session" not in created.headers.get("Set-Cookie", "") or secret not in created.headers["Set-Cookie"]
    )
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert api.get("/api/v1/ledgers").status_code == 200
    assert "Set-Cookie" not in api.get("/api/v1/ledgers").headers  # a token call starts no session
    assert "never" not in client.get("/settings").get_data(as_text=True).split("nightly import")[1][:300]
    revoked = client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client)})
    assert revoked.status_code == 303
    assert api.get("/api/v1/ledgers").status_code == 401
