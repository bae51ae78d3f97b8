"""Who may do what: every page, download and API endpoint, for an anonymous visitor, a stranger (another
account), a viewer, an editor and the owner of a ledger, against SQLite and PostgreSQL.

A ledger id guessed or copied from another account answers 404, the same as an id that does not exist;
a viewer who tries to change a ledger gets 403; an anonymous visitor is sent to sign in (pages) or told
401 (API). Forms need their CSRF token, and the audit trail names the account that decided.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.services import accounts
from app.storage import store
from app.storage.database import Database
from benchmarks.postgresql import Cluster

from .conftest import (
    ADMIN_EMAIL,
    close_app,
    database,
    make_account,
    make_app,
    sign_in,
    token_client,
    upload,
)

ACTORS = ("anonymous", "stranger", "viewer", "editor", "owner")
EMAILS = {
    "owner": ADMIN_EMAIL,  # the first administrator
    "editor": "ed@example.org",
    "viewer": "vi@example.org",
    "stranger": "st@example.org",
}


@dataclass
class World:
    """One app with a ledger of the owner's, shared with an editor and a viewer, and a stranger's ledger."""

    app: Flask
    pages: dict[str, FlaskClient]  # signed-in browser sessions (anonymous: none)
    api: dict[str, FlaskClient]  # API token clients (anonymous: no token)
    ids: dict[str, Any] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)


def _csrf(client: FlaskClient) -> str:
    page = client.get("/signin", follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, example_xlsx: bytes
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("access")
    dropped: tuple[Cluster, str] | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'ledger.db'}"
    else:
        cluster: Cluster = request.getfixturevalue("postgresql")
        name = cluster.create_database(template=request.getfixturevalue("postgresql_template"))
        url, dropped = cluster.url(name), (cluster, name)
    app = make_app(folder, url)
    people = {role: make_account(app, email, admin=role == "owner") for role, email in EMAILS.items()}
    extra = make_account(app, "extra@example.org")
    pages: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    api: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    for role, account in people.items():
        pages[role] = app.test_client()
        assert sign_in(pages[role], account.email).status_code == 303
        api[role] = token_client(app, account)
    built = World(app, pages, api)
    built.csrf = {actor: _csrf(client) for actor, client in pages.items()}

    owner_page = pages["owner"]
    ledger_url = upload(owner_page, "/ledgers", example_xlsx, csrf_token=built.csrf["owner"]).headers[
        "Location"
    ]
    ledger_id = ledger_url.rsplit("/", 1)[1]
    stranger_url = upload(
        pages["stranger"], "/ledgers", example_xlsx, csrf_token=built.csrf["stranger"]
    ).headers["Location"]
    db = database(app)
    with db.transaction() as s:
        store.share(s, ledger_id, people["editor"].id, store.Role.EDITOR)
        store.share(s, ledger_id, people["viewer"].id, store.Role.VIEWER)
        store.share(s, ledger_id, extra.id, store.Role.VIEWER)
        job = store.create_job(s, "big.xlsx", None, people["owner"].id)
        store.update_job(s, job.id, state="done", progress=100, result_ledger_id=ledger_id)
    findings = [f["id"] for f in api["owner"].get(f"/api/v1/ledgers/{ledger_id}/findings").json["findings"]]  # type: ignore[index]
    owners_token = accounts.new_token(db, people["owner"], "to revoke")
    with db.reading() as s:
        token_id = next(t.id for t in store.tokens_of(s, people["owner"].id) if t.name == "to revoke")
    built.ids = {
        "ledger": ledger_id,
        "stranger_ledger": stranger_url.rsplit("/", 1)[1],
        "finding": findings[0],
        "job": job.id,
        "extra": extra.id,
        "token": token_id,
        "owners_token": owners_token,
        "people": people,
    }
    yield built
    close_app(app)
    if dropped:
        dropped[0].drop_database(dropped[1])


# (what, method, path, body, statuses for anonymous, stranger, viewer, editor, owner)
# body: None, "upload", "decision", "bulk", "rename", "restore", "share", "user", "password", "token", or
# "json-decision"
PAGE_MATRIX: list[tuple[str, str, str, str | None, tuple[int, ...]]] = [
    ("home", "GET", "/", None, (302, 200, 200, 200, 200)),
    ("blank template", "GET", "/template.xlsx", None, (200, 200, 200, 200, 200)),
    ("ledger page", "GET", "/ledgers/{ledger}", None, (302, 404, 200, 200, 200)),
    ("older version", "GET", "/ledgers/{ledger}?version=1", None, (302, 404, 200, 200, 200)),
    ("another's ledger", "GET", "/ledgers/{stranger_ledger}", None, (302, 200, 404, 404, 404)),
    ("guessed id", "GET", "/ledgers/AAAAAAAAAAAAAAAAAAAAAA", None, (302, 404, 404, 404, 404)),
    ("download json", "GET", "/ledgers/{ledger}/download/json", None, (302, 404, 200, 200, 200)),
    ("download workbook", "GET", "/ledgers/{ledger}/download/workbook", None, (302, 404, 200, 200, 200)),
    ("download unknown kind", "GET", "/ledgers/{ledger}/download/pdf", None, (302, 404, 404, 404, 404)),
    ("original upload", "GET", "/ledgers/{ledger}/versions/1/original", None, (302, 404, 200, 200, 200)),
    ("job page", "GET", "/jobs/{job}", None, (302, 404, 404, 404, 303)),
    ("upload a ledger", "POST", "/ledgers", "upload", (303, 303, 303, 303, 303)),
    ("open the example", "POST", "/example", "none", (303, 303, 303, 303, 303)),
    ("upload a version", "POST", "/ledgers/{ledger}/versions", "upload", (303, 404, 403, 303, 303)),
    ("draft into a ledger", "GET", "/ledgers/{ledger}/draft", None, (302, 404, 403, 200, 200)),
    ("draft a new ledger", "GET", "/draft", None, (302, 200, 200, 200, 200)),
    (
        "decide",
        "POST",
        "/ledgers/{ledger}/findings/{finding}/decision",
        "decision",
        (303, 404, 403, 303, 303),
    ),
    ("decide many", "POST", "/ledgers/{ledger}/decisions", "bulk", (303, 404, 403, 303, 303)),
    ("is the page ready", "GET", "/ledgers/{ledger}/ready", None, (302, 404, 200, 200, 200)),
    ("rename", "POST", "/ledgers/{ledger}/rename", "rename", (303, 404, 403, 403, 303)),
    ("archive (bring back)", "POST", "/ledgers/{ledger}/archive", "restore", (303, 404, 403, 403, 303)),
    ("delete, not confirmed", "POST", "/ledgers/{ledger}/delete", "none", (303, 404, 403, 403, 400)),
    ("share", "POST", "/ledgers/{ledger}/shares", "share", (303, 404, 403, 403, 303)),
    ("unshare", "POST", "/ledgers/{ledger}/shares/{extra}/remove", "none", (303, 404, 403, 403, 303)),
    ("settings", "GET", "/settings", None, (302, 200, 200, 200, 200)),
    ("create a token", "POST", "/settings/tokens", "token", (303, 303, 303, 303, 303)),
    ("revoke another's token", "POST", "/settings/tokens/{token}/revoke", "none", (303, 404, 404, 404, 303)),
    ("accounts page", "GET", "/admin/users", None, (302, 403, 403, 403, 200)),
    ("create an account", "POST", "/admin/users", "user", (303, 403, 403, 403, 303)),
    ("reset a password", "POST", "/admin/users/{extra}/password", "password", (303, 403, 403, 403, 303)),
    ("setup after the first account", "GET", "/setup", None, (404, 404, 404, 404, 404)),
]

API_MATRIX: list[tuple[str, str, str, str | None, tuple[int, ...]]] = [
    ("openapi", "GET", "/api/v1/openapi.json", None, (200, 200, 200, 200, 200)),
    ("list", "GET", "/api/v1/ledgers", None, (401, 200, 200, 200, 200)),
    ("create", "POST", "/api/v1/ledgers", "upload", (401, 201, 201, 201, 201)),
    ("read", "GET", "/api/v1/ledgers/{ledger}", None, (401, 404, 200, 200, 200)),
    ("read another's", "GET", "/api/v1/ledgers/{stranger_ledger}", None, (401, 200, 404, 404, 404)),
    ("read a guessed id", "GET", "/api/v1/ledgers/AAAAAAAAAAAAAAAAAAAAAA", None, (401, 404, 404, 404, 404)),
    ("findings", "GET", "/api/v1/ledgers/{ledger}/findings", None, (401, 404, 200, 200, 200)),
    ("pledges", "GET", "/api/v1/ledgers/{ledger}/pledges", None, (401, 404, 200, 200, 200)),
    ("totals", "GET", "/api/v1/ledgers/{ledger}/totals", None, (401, 404, 200, 200, 200)),
    ("decision history", "GET", "/api/v1/ledgers/{ledger}/decisions", None, (401, 404, 200, 200, 200)),
    ("download json", "GET", "/api/v1/ledgers/{ledger}/downloads/json", None, (401, 404, 200, 200, 200)),
    (
        "download workbook",
        "GET",
        "/api/v1/ledgers/{ledger}/downloads/workbook",
        None,
        (401, 404, 200, 200, 200),
    ),
    ("new version", "POST", "/api/v1/ledgers/{ledger}/versions", "upload", (401, 404, 403, 201, 201)),
    ("decide", "POST", "/api/v1/ledgers/{ledger}/decisions", "json-decision", (401, 404, 403, 201, 201)),
    ("job", "GET", "/api/v1/jobs/{job}", None, (401, 404, 404, 404, 200)),
]


def _request(
    world: World, client: FlaskClient, actor: str, method: str, path: str, body: str | None, workbook: bytes
) -> TestResponse:
    url = path.format(**world.ids)
    if method == "GET":
        response: TestResponse = client.get(url)
        return response
    token = world.csrf[actor] if client is world.pages.get(actor) else None
    form: dict[str, Any] = {"csrf_token": token} if token else {}
    if body == "upload":
        form["workbook"] = (io.BytesIO(workbook), "ledger.xlsx")
        response = client.post(url, data=form, content_type="multipart/form-data")
    elif body == "json-decision":
        response = client.post(
            url, json={"finding": world.ids["finding"], "decision": "accept", "note": actor}
        )
    else:
        fields = {
            "none": {},
            "decision": {"decision": "accept", "note": actor},
            "bulk": {"decision": "accept", "finding": world.ids["finding"]},
            "rename": {"name": "Central American Security Conference 2011"},
            "restore": {"archived": "0"},
            "share": {"email": "extra@example.org", "role": "viewer"},
            "user": {"email": f"new-{actor}@example.org", "password": "a long enough password"},
            "password": {"password": "another long password"},
            "token": {"name": actor},
        }[body or "none"]
        response = client.post(url, data={**form, **fields})
    return response


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("what", "method", "path", "body", "expected"), PAGE_MATRIX, ids=[r[0] for r in PAGE_MATRIX]
)
def test_pages_answer_each_actor_as_they_should(
    world: World,
    actor: str,
    what: str,
    method: str,
    path: str,
    body: str | None,
    expected: tuple[int, ...],
    example_xlsx: bytes,
) -> None:
    response = _request(world, world.pages[actor], actor, method, path, body, example_xlsx)
    status = expected[ACTORS.index(actor)]
    assert response.status_code == status, f"{actor} {method} {path}: {response.get_data(as_text=True)[:300]}"
    if actor == "anonymous" and status in {302, 303} and not path.startswith("/setup"):
        assert response.headers["Location"].startswith("/signin"), "anonymous visitors are sent to sign in"
    if status == 404 and "ledger" in path:
        # nothing in the answer tells an existing ledger of someone else's from one that does not exist
        text = response.get_data(as_text=True)
        assert "Central American" not in text


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("what", "method", "path", "body", "expected"), API_MATRIX, ids=[r[0] for r in API_MATRIX]
)
def test_api_answers_each_actor_as_it_should(
    world: World,
    actor: str,
    what: str,
    method: str,
    path: str,
    body: str | None,
    expected: tuple[int, ...],
    example_xlsx: bytes,
) -> None:
    response = _request(world, world.api[actor], actor, method, path, body, example_xlsx)
    status = expected[ACTORS.index(actor)]
    assert response.status_code == status, f"{actor} {method} {path}: {response.get_data(as_text=True)[:300]}"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if status == 404 and "/ledgers/" in path:
        ledger_id = path.format(**world.ids).split("/")[4]
        assert response.json == {
            "error": {"status": 404, "title": "Not found", "detail": f'no ledger has the id "{ledger_id}"'}
        }


def test_lists_show_only_what_each_account_may_see(world: World) -> None:
    def listed(actor: str) -> dict[str, str]:
        body: dict[str, Any] = world.api[actor].get("/api/v1/ledgers").json  # type: ignore[assignment]
        return {item["id"]: item["role"] for item in body["ledgers"]}

    ledger, strangers = world.ids["ledger"], world.ids["stranger_ledger"]
    assert listed("owner")[ledger] == "owner" and strangers not in listed("owner")
    assert listed("editor")[ledger] == "editor" and strangers not in listed("editor")
    assert listed("viewer")[ledger] == "viewer" and strangers not in listed("viewer")
    assert ledger not in listed("stranger") and listed("stranger")[strangers] == "owner"
    home = world.pages["viewer"].get("/").get_data(as_text=True)
    assert f"/ledgers/{ledger}" in home and f"/ledgers/{strangers}" not in home


def test_a_viewer_sees_no_forms_to_change_the_ledger(world: World) -> None:
    ledger = world.ids["ledger"]
    viewer = world.pages["viewer"].get(f"/ledgers/{ledger}").get_data(as_text=True)
    editor = world.pages["editor"].get(f"/ledgers/{ledger}").get_data(as_text=True)
    owner = world.pages["owner"].get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert 'name="decision"' not in viewer and "Upload new version" not in viewer
    assert 'data-testid="read-only"' in viewer
    assert 'name="decision"' in editor and "Upload new version" in editor and 'id="share-email"' not in editor
    assert 'id="share-email"' in owner


def test_tokens_do_not_open_pages(world: World) -> None:
    # a token is for the API: pages still ask for a signed-in session
    assert world.api["owner"].get("/").status_code == 302


def test_a_revoked_token_is_refused(world: World) -> None:
    client = world.app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.ids['owners_token']}"
    # revoked by the owner's row of the page matrix, or now
    with database(world.app).transaction() as s:
        people = world.ids["people"]
        for token in store.tokens_of(s, people["owner"].id):
            if token.name == "to revoke":
                store.revoke_token(s, people["owner"].id, token.id)
    assert client.get("/api/v1/ledgers").status_code == 401
    for header in ("Bearer nope", "Basic dXNlcjpwYXNz", "Bearer "):
        client.environ_base["HTTP_AUTHORIZATION"] = header
        assert client.get("/api/v1/ledgers").status_code == 401


POSTS_NEEDING_CSRF = [
    "/ledgers",
    "/example",
    "/ledgers/{ledger}/versions",
    "/ledgers/{ledger}/findings/{finding}/decision",
    "/ledgers/{ledger}/shares",
    "/ledgers/{ledger}/shares/{extra}/remove",
    "/settings/tokens",
    "/settings/tokens/{token}/revoke",
    "/settings/password",
    "/admin/users",
    "/admin/users/{extra}/password",
    "/signout",
    "/signin",
]


@pytest.mark.parametrize("path", POSTS_NEEDING_CSRF)
def test_every_form_post_needs_its_csrf_token(world: World, path: str) -> None:
    response = world.pages["owner"].post(path.format(**world.ids), data={"decision": "accept"})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_the_api_with_a_session_cookie_needs_the_csrf_token(world: World) -> None:
    owner = world.pages["owner"]
    url = f"/api/v1/ledgers/{world.ids['ledger']}/decisions"
    decision = {"finding": world.ids["finding"], "decision": "reject", "note": "session"}
    assert owner.get(url).status_code == 200  # reading needs no token
    refused = owner.post(url, json=decision)
    assert refused.status_code == 400 and refused.json is not None
    accepted = owner.post(url, json=decision, headers={"X-CSRFToken": world.csrf["owner"]})
    assert accepted.status_code == 201


def test_the_audit_trail_names_the_account_that_decided(world: World) -> None:
    ledger, finding = world.ids["ledger"], world.ids["finding"]
    editor = world.pages["editor"]
    editor.post(
        f"/ledgers/{ledger}/findings/{finding}/decision",
        data={"csrf_token": world.csrf["editor"], "decision": "reject", "note": "audit-web", "by": "Forged"},
    )
    world.api["editor"].post(
        f"/api/v1/ledgers/{ledger}/decisions",
        json={"finding": finding, "decision": "accept", "note": "audit-api", "by": "Forged"},
    )
    world.api["viewer"].post(
        f"/api/v1/ledgers/{ledger}/decisions",
        json={"finding": finding, "decision": "reject", "note": "audit-no"},
    )
    db: Database = database(world.app)
    editor_id = world.ids["people"]["editor"].id
    with db.reading() as s:
        trail = [(d.note, d.by, d.user_id, d.via) for d in store.decision_history(s, ledger)]
    assert ("audit-web", "ed@example.org", editor_id, "web") in trail
    assert ("audit-api", "ed@example.org", editor_id, "api") in trail
    assert not any(note == "audit-no" or by == "Forged" for note, by, _, _ in trail)
    page = world.pages["owner"].get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert "by ed@example.org" in page.split('id="audit"')[1]


def test_sharing_and_unsharing_from_the_ledger_page(world: World, tmp_path: Path) -> None:
    ledger = world.ids["ledger"]
    owner = world.pages["owner"]
    people = world.ids["people"]
    newcomer = make_account(world.app, "newcomer@example.org")
    client = world.app.test_client()
    assert sign_in(client, newcomer.email).status_code == 303
    assert client.get(f"/ledgers/{ledger}").status_code == 404
    shared = owner.post(
        f"/ledgers/{ledger}/shares",
        data={"csrf_token": world.csrf["owner"], "email": "Newcomer@Example.org", "role": "editor"},
    )
    assert shared.status_code == 303
    assert client.get(f"/ledgers/{ledger}").status_code == 200
    assert "newcomer@example.org: editor" in owner.get(f"/ledgers/{ledger}").get_data(as_text=True)
    unknown = owner.post(
        f"/ledgers/{ledger}/shares",
        data={"csrf_token": world.csrf["owner"], "email": "nobody@example.org", "role": "viewer"},
    )
    assert unknown.status_code == 400 and "no account has the email" in unknown.get_data(as_text=True)
    bad_role = owner.post(
        f"/ledgers/{ledger}/shares",
        data={"csrf_token": world.csrf["owner"], "email": "newcomer@example.org", "role": "owner"},
    )
    assert bad_role.status_code == 400 and "expected viewer or editor" in bad_role.get_data(as_text=True)
    itself = owner.post(
        f"/ledgers/{ledger}/shares",
        data={"csrf_token": world.csrf["owner"], "email": people["owner"].email, "role": "viewer"},
    )
    assert itself.status_code == 409
    owner.post(f"/ledgers/{ledger}/shares/{newcomer.id}/remove", data={"csrf_token": world.csrf["owner"]})
    assert client.get(f"/ledgers/{ledger}").status_code == 404
