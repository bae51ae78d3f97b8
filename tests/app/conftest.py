"""Fixtures for the web tests: the app on a fresh database, SQLite or PostgreSQL (every test that uses
`app` runs against both), signed-in clients, workbooks to upload.

PostgreSQL is a throwaway cluster started once for the session (benchmarks/postgresql.py); the tests fail,
never skip, when it cannot be installed or started. Each test gets its own database, copied from a
template that the migrations built once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.services import accounts
from app.services.ledgers import LedgerService
from app.storage import store
from app.storage.database import Database, upgrade
from benchmarks.postgresql import Cluster, ClusterError, start_cluster
from ledger import example_ledger
from ledger.workbook.writer import write_ledger


def pytest_configure(config: pytest.Config) -> None:
    """Register the `load` marker (the bounded load test, tests/app/test_load.py)."""
    config.addinivalue_line("markers", "load: the bounded load test against gunicorn (about 15 s)")


ADMIN_EMAIL = "ana@example.org"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def postgresql() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole test session (a failure, never a skip, without it)."""
    try:
        cluster = start_cluster()
    except ClusterError as error:
        pytest.fail(str(error))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgresql_template(postgresql: Cluster) -> str:
    """A database migrated to the latest version, copied for each test."""
    name = postgresql.create_database()
    upgrade(postgresql.url(name))
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test: SQLite in the test's folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    cluster: Cluster = request.getfixturevalue("postgresql")
    name = cluster.create_database(template=request.getfixturevalue("postgresql_template"))
    yield cluster.url(name)
    cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, not even the migrations: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    cluster: Cluster = request.getfixturevalue("postgresql")
    name = cluster.create_database()
    yield cluster.url(name)
    cluster.drop_database(name)


def make_app(tmp_path: Path, database_url: str, **overrides: object) -> Flask:
    """The app with CSRF on, as in production, on `database_url`."""
    return create_app(
        {"TESTING": True, **overrides},
        environ={"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url},
    )


def close_app(flask_app: Flask) -> None:
    """Close the app's task queue and database connections."""
    flask_app.extensions["ledger.jobs"].close()
    flask_app.extensions["ledger.db"].engine.dispose()


def run_jobs(flask_app: Flask) -> int:
    """Run the jobs waiting in the app's task queue, here (the code a queue worker runs); how many."""
    handled: int = flask_app.extensions["ledger.jobs"].run_queued()
    return handled


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app with CSRF on, as in production, on its own database (SQLite, then PostgreSQL)."""
    flask_app = make_app(tmp_path, database_url)
    yield flask_app
    close_app(flask_app)


def database(flask_app: Flask) -> Database:
    """The app's database."""
    db: Database = flask_app.extensions["ledger.db"]
    return db


def ledger_service(flask_app: Flask) -> LedgerService:
    """The app's ledger service."""
    service: LedgerService = flask_app.extensions["ledger.ledgers"]
    return service


def make_account(flask_app: Flask, email: str, *, admin: bool = False) -> accounts.Account:
    """An account with the test password (the first administrator when `admin` and none exists); the
    account already there when the email is taken."""
    db = database(flask_app)
    with db.reading() as session:
        existing = store.user_by_email(session, email)
        if existing is not None:
            return accounts.account_of(existing)
    if admin:
        try:
            return accounts.create_first_administrator(db, email, PASSWORD)
        except store.Conflict:
            pass
    return accounts.create_account(db, email, PASSWORD, is_admin=admin)


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token a page's forms carry (the session cookie is kept by the client)."""
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(
    client: FlaskClient, email: str, password: str = PASSWORD, base_url: str = "http://localhost"
) -> TestResponse:
    """Sign in through the form, as a person would."""
    token = re.search(
        r'name="csrf_token" value="([^"]+)"',
        client.get("/signin", base_url=base_url).get_data(as_text=True),
    )
    assert token, "the sign-in page has no CSRF token"
    response: TestResponse = client.post(
        "/signin",
        data={"csrf_token": token.group(1), "email": email, "password": password},
        base_url=base_url,
    )
    return response


def signed_in_client(flask_app: Flask, email: str, *, admin: bool = False) -> FlaskClient:
    """A test client signed in as a new account."""
    make_account(flask_app, email, admin=admin)
    client = flask_app.test_client()
    assert sign_in(client, email).status_code == 303
    return client


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A visitor who is not signed in."""
    return app.test_client()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Ana, the first administrator, signed in."""
    return signed_in_client(app, ADMIN_EMAIL, admin=True)


@pytest.fixture(scope="session")
def example_xlsx() -> bytes:
    """The worked example as a ledger workbook."""
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return buffer.getvalue()


def edited_workbook(content: bytes, edits: dict[tuple[str, str, str], object]) -> bytes:
    """The workbook with some cells changed: {(sheet, claim id or row number, header): value}."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for (sheet_name, row_key, header), value in edits.items():
        sheet = book[sheet_name]
        headers = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value}
        for row in sheet.iter_rows(min_row=2):
            if str(row[0].value) == row_key or str(row[0].row) == row_key:
                sheet.cell(row=int(row[0].row or 0), column=headers[header], value=value)  # type: ignore[call-overload]
                break
        else:
            raise KeyError(f"no row {row_key} in {sheet_name}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def broken_xlsx(example_xlsx: bytes) -> bytes:
    """The example with an amount that is not a number and a claim citing a source that does not exist."""
    return edited_workbook(
        example_xlsx,
        {("Claims", "BBC-2", "Amount"): "3OOm", ("Claims", "CNN-4", "Source"): "NOPE"},
    )


def upload(  # type: ignore[no-untyped-def]
    client: FlaskClient,
    path: str,
    content: bytes,
    name: str = "ledger.xlsx",
    headers: dict[str, str] | None = None,
    **fields: str,
):
    """POST a workbook as a multipart form (with `headers`, such as an Idempotency-Key)."""
    data: dict[str, object] = {"workbook": (io.BytesIO(content), name), **fields}
    return client.post(path, data=data, content_type="multipart/form-data", headers=headers or {})


def token_client(flask_app: Flask, account: accounts.Account) -> FlaskClient:
    """A test client that sends a new API token of the account's on every request (no session)."""
    token = accounts.new_token(database(flask_app), account, "tests")
    client = flask_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """Ana, the first administrator, calling the API with her token."""
    return token_client(app, make_account(app, ADMIN_EMAIL, admin=True))
