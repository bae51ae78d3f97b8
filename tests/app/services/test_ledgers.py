"""The ledger service: uploads stored whole or not at all, decisions, and what it remembers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app.errors import InvalidWorkbook
from app.services.accounts import Account
from app.services.ledgers import CACHE_SIZE, export
from app.services.warming import Warmer
from app.storage import store
from app.storage.database import Database
from app.storage.models import VersionRow
from benchmarks.bench_app import reconciles

from ..conftest import (
    ADMIN_EMAIL,
    close_app,
    csrf_token,
    database,
    ledger_service,
    make_account,
    make_app,
    signed_in_client,
    token_client,
    upload,
)


def _owner(app: Flask) -> Account:
    return make_account(app, "ana@example.org", admin=True)


def test_a_bad_workbook_stores_nothing(app: Flask, broken_xlsx: bytes) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    with pytest.raises(InvalidWorkbook) as raised:
        ledger_service(app).store_upload("broken.xlsx", broken_xlsx, user_id=owner.id)
    assert any(p.origin.cell == "Claims!G3" for p in raised.value.problems)
    with db.reading() as s:
        assert store.list_ledgers(s, owner.id) == []


def test_workbook_decisions_are_recorded_once(app: Flask, example_xlsx: bytes) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    service = ledger_service(app)
    ledger_id = service.store_upload("example.xlsx", example_xlsx, user_id=owner.id)
    seen = service.view(ledger_id, user_id=owner.id)
    finding = seen.result.findings[0].id
    service.decide(ledger_id, finding, "accept", note="same money", account=owner)
    workbook = export(service.view(ledger_id, user_id=owner.id).result, "workbook").content
    service.store_upload("round-trip.xlsx", workbook, user_id=owner.id, ledger_id=ledger_id)
    with db.reading() as s:
        history = store.decision_history(s, ledger_id)
    assert [(d.finding, d.verdict, d.via, d.by, d.user_id) for d in history] == [
        (finding, "accept", "web", "ana@example.org", owner.id)
    ]


# ---- what is loaded and what is remembered ---------------------------------------------------------------------


@contextmanager
def _stored_bytes_loaded(db: Database) -> Iterator[tuple[list[str], list[int]]]:
    """The SQL statements run meanwhile that select a version's bytes, and the sizes of those loaded into
    version rows (as they are read, or when their deferred content is asked for)."""
    statements: list[str] = []
    sizes: list[int] = []

    def executed(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "ledger_versions.content" in statement:
            statements.append(statement)

    def loaded(target: VersionRow, _context: Any) -> None:
        if "content" in target.__dict__:
            sizes.append(len(target.__dict__["content"]))

    def refreshed(target: VersionRow, context: Any, attributes: Any) -> None:
        if attributes is None or "content" in attributes:
            loaded(target, context)

    event.listen(db.engine, "before_cursor_execute", executed)
    event.listen(VersionRow, "load", loaded)
    event.listen(VersionRow, "refresh", refreshed)
    try:
        yield statements, sizes
    finally:
        event.remove(db.engine, "before_cursor_execute", executed)
        event.remove(VersionRow, "load", loaded)
        event.remove(VersionRow, "refresh", refreshed)


def _ledger_with_three_versions(client: FlaskClient, example_xlsx: bytes) -> str:
    token = csrf_token(client)
    ledger_url: str = upload(client, "/ledgers", example_xlsx, "v1.xlsx", csrf_token=token).headers[
        "Location"
    ]
    for name in ("v2.xlsx", "v3.xlsx"):
        assert (
            upload(client, f"{ledger_url}/versions", example_xlsx, name, csrf_token=token).status_code == 303
        )
    return ledger_url


def test_pages_load_no_stored_workbook_and_a_fresh_app_reads_one(
    app: Flask, client: FlaskClient, example_xlsx: bytes, tmp_path: Path, database_url: str
) -> None:
    ledger_url = _ledger_with_three_versions(client, example_xlsx)
    with _stored_bytes_loaded(database(app)) as (statements, sizes):
        assert "Version 3 of 3" in client.get(ledger_url).get_data(as_text=True)
        assert "<strong>8</strong> of 8" in client.get("/").get_data(as_text=True)
        assert client.get(f"{ledger_url}?version=1").status_code == 200
    assert statements == [] and sizes == []  # the workbooks were read when uploaded, and kept parsed
    # a fresh app (another worker, or after a restart) reads the one version it shows, not all three
    fresh = make_app(tmp_path / "fresh", database_url)
    try:
        reader = signed_in_client(fresh, ADMIN_EMAIL, admin=True)
        with _stored_bytes_loaded(database(fresh)) as (statements, sizes):
            assert "Version 3 of 3" in reader.get(ledger_url).get_data(as_text=True)
            assert "<strong>8</strong> of 8" in reader.get("/").get_data(as_text=True)
        assert len(statements) == 1 and sizes == [len(example_xlsx)]
        with _stored_bytes_loaded(database(fresh)) as (statements, sizes):
            assert reader.get(f"{ledger_url}/versions/2/original").data == example_xlsx
        assert len(statements) == 1 and sizes == [len(example_xlsx)]
    finally:
        close_app(fresh)


def _finding_ids(page: str) -> list[str]:
    return re.findall(r'<article class="finding card [a-z]+" id="finding-([^"]+)"', page)


def test_the_engine_runs_only_for_decisions_that_change_what_it_finds(
    app: Flask, client: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_url = _ledger_with_three_versions(client, example_xlsx)
    ledger_id = ledger_url.rsplit("/", 1)[1]
    page = client.get(ledger_url).get_data(as_text=True)
    assert reconciles(lambda: client.get(ledger_url)) == 0  # remembered from the upload
    assert reconciles(lambda: client.get(f"/api/v1/ledgers/{ledger_id}/findings")) == 0
    contained = next(i for i in _finding_ids(page) if i.startswith("contained-"))
    token = csrf_token(client)

    def decide(verdict: str, note: str) -> None:
        response = client.post(
            f"{ledger_url}/findings/{contained}/decision",
            data={"csrf_token": token, "decision": verdict, "note": note},
        )
        assert response.status_code == 303

    # the example has a total over donors: a rejected containment may give it a part, so the engine runs
    assert reconciles(lambda: decide("reject", "a separate pledge")) == 1
    assert reconciles(lambda: client.get(ledger_url)) == 0  # the page it leads to was reconciled then
    assert "8 found, 7 undecided" in client.get(ledger_url).get_data(as_text=True)
    # taken back, the ledger is as it was uploaded: that structure is still remembered
    assert reconciles(lambda: decide("undecided", "")) == 0
    assert "8 found, 8 undecided" in client.get(ledger_url).get_data(as_text=True)
    # accepting changes only how far the finding goes: applied to what the engine found, never run again
    assert reconciles(lambda: decide("accept", "inside the $300m")) == 0
    assert "8 found, 7 undecided" in client.get(ledger_url).get_data(as_text=True)
    # an older version's structure was remembered when it was uploaded: its decisions are applied to it
    assert reconciles(lambda: client.get(f"{ledger_url}?version=1")) == 0
    # a rejected duplicate regroups the claims: the engine runs, once, and the page it leads to is remembered
    duplicate = next(i for i in _finding_ids(page) if i.startswith("duplicate-"))
    rejected = lambda: client.post(  # noqa: E731
        f"{ledger_url}/findings/{duplicate}/decision", data={"csrf_token": token, "decision": "reject"}
    )
    assert reconciles(rejected) == 1
    assert reconciles(lambda: client.get(ledger_url)) == 0


def test_what_is_remembered_answers_as_a_fresh_app_does(
    app: Flask, client: FlaskClient, example_xlsx: bytes, tmp_path: Path, database_url: str
) -> None:
    ledger_url = _ledger_with_three_versions(client, example_xlsx)
    ledger_id = ledger_url.rsplit("/", 1)[1]
    api = token_client(app, make_account(app, ADMIN_EMAIL, admin=True))
    finding = api.get(f"/api/v1/ledgers/{ledger_id}/findings").json["findings"][0]["id"]  # type: ignore[index]
    decided = api.post(
        f"/api/v1/ledgers/{ledger_id}/decisions",
        json={"finding": finding, "decision": "accept", "note": "the same money"},
    )
    assert decided.status_code == 201
    fresh = make_app(tmp_path / "fresh", database_url)
    try:
        cold = token_client(fresh, make_account(fresh, ADMIN_EMAIL, admin=True))
        for path in ("", "/findings", "/pledges", "/totals", "/downloads/json"):
            warm_answer = api.get(f"/api/v1/ledgers/{ledger_id}{path}")
            cold_answer = cold.get(f"/api/v1/ledgers/{ledger_id}{path}")
            assert warm_answer.status_code == cold_answer.status_code == 200
            assert warm_answer.data == cold_answer.data
        after = cold.get(f"/api/v1/ledgers/{ledger_id}").json
        assert decided.json is not None and after is not None
        assert decided.json["totals"] == after["reconciliation"]["totals"]
    finally:
        close_app(fresh)


def test_the_service_keeps_a_bounded_number_of_reconciliations(app: Flask, example_xlsx: bytes) -> None:
    service = ledger_service(app)
    owner = _owner(app)
    ledger_id = service.store_upload("example.xlsx", example_xlsx, user_id=owner.id)
    finding = service.view(ledger_id, user_id=owner.id).result.findings[0].id
    for n in range(CACHE_SIZE + 3):
        service.decide(ledger_id, finding, "accept", note=f"note {n}", account=owner)
    assert len(service.reconciliations) == CACHE_SIZE


def test_a_worker_prepares_what_another_worker_stored(
    app: Flask, client: FlaskClient, example_xlsx: bytes, tmp_path: Path, database_url: str
) -> None:
    other = make_app(tmp_path / "other", database_url)  # another gunicorn worker, on the same database
    try:
        warmer = Warmer(ledger_service(other))
        start = warmer.catch_up(0, 0)
        ledger_url = _ledger_with_three_versions(client, example_xlsx)
        reader = signed_in_client(other, ADMIN_EMAIL, admin=True)
        after_upload = warmer.catch_up(*start)
        assert after_upload > start
        assert reconciles(lambda: reader.get(ledger_url)) == 0  # prepared before it was asked for
        # a rejected duplicate changes what the engine finds: prepared too; an acceptance needs nothing
        page = client.get(ledger_url).get_data(as_text=True)
        duplicate = next(i for i in _finding_ids(page) if i.startswith("duplicate-"))
        token = csrf_token(client)
        client.post(
            f"{ledger_url}/findings/{duplicate}/decision", data={"csrf_token": token, "decision": "reject"}
        )
        assert reconciles(lambda: warmer.catch_up(*after_upload)) == 1
        assert reconciles(lambda: reader.get(ledger_url)) == 0
        assert 'class="finding card rejected"' in reader.get(ledger_url).get_data(as_text=True)
    finally:
        close_app(other)


def test_a_large_ledger_this_worker_has_not_read_is_prepared_while_the_page_waits(
    app: Flask, client: FlaskClient, example_xlsx: bytes, tmp_path: Path, database_url: str
) -> None:
    ledger_url = upload(client, "/ledgers", example_xlsx, "v1.xlsx", csrf_token=csrf_token(client)).headers[
        "Location"
    ]
    # another worker, for which even 8 claims are many: it answers at once, and prepares the ledger meanwhile
    other = make_app(tmp_path / "other", database_url, PREPARE_ABOVE_CLAIMS=1)
    try:
        reader = signed_in_client(other, ADMIN_EMAIL, admin=True)
        waiting = reader.get(ledger_url)
        assert waiting.status_code == 202
        page = waiting.get_data(as_text=True)
        assert "reading and reconciling the ledger’s 8 claims" in page and 'http-equiv="refresh"' in page
        deadline = time.monotonic() + 30
        while (answer := reader.get(ledger_url)).status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert answer.status_code == 200 and "8 found, 8 undecided" in answer.get_data(as_text=True)
        assert reader.get("/ledgers/not-a-ledger").status_code == 404  # nothing prepared for a stranger
    finally:
        close_app(other)


def test_a_rejected_duplicate_in_a_large_ledger_is_reconciled_in_the_background(
    tmp_path: Path, database_url: str, example_xlsx: bytes
) -> None:
    flask_app = make_app(tmp_path, database_url, PREPARE_ABOVE_CLAIMS=1)  # even 8 claims are many here
    try:
        client = signed_in_client(flask_app, ADMIN_EMAIL, admin=True)
        token = csrf_token(client)
        ledger_url = upload(client, "/ledgers", example_xlsx, "v1.xlsx", csrf_token=token).headers["Location"]
        page = client.get(ledger_url).get_data(as_text=True)
        duplicate = next(i for i in _finding_ids(page) if i.startswith("duplicate-"))
        answer = client.post(
            f"{ledger_url}/findings/{duplicate}/decision",
            data={"csrf_token": token, "decision": "reject"},
            headers={"X-Requested-With": "fetch"},
        ).json
        assert answer is not None and answer["pending"] is True
        assert "reconciling all 8 of them again" in answer["status"]
        deadline = time.monotonic() + 30
        while not client.get(answer["ready"]).json["ready"] and time.monotonic() < deadline:  # type: ignore[index]
            time.sleep(0.1)
        shown = client.get(ledger_url).get_data(as_text=True)
        assert f'<article class="finding card rejected" id="finding-{duplicate}"' in shown
        # an acceptance needs no engine: answered at once, with the cards
        accepted = client.post(
            f"{ledger_url}/findings/{duplicate}/decision",
            data={"csrf_token": token, "decision": "accept", "shown": [duplicate]},
            headers={"X-Requested-With": "fetch"},
        ).json
        assert accepted is not None and "pending" not in accepted and duplicate in accepted["cards"]
    finally:
        close_app(flask_app)
