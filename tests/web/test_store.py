"""Storage: migrations on a fresh database, the store functions, and all-or-nothing writes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import create_engine, inspect, text

from app import ledgers
from app.accounts import Account
from app.errors import InvalidWorkbook
from app.storage import store
from app.storage.database import Database, alembic_config, normalized_url, upgrade
from app.storage.models import new_id
from ledger import Verdict
from ledger.workbook.gate import Limits

from .conftest import close_app, make_account, make_app


def test_migrations_build_every_table_on_a_fresh_database(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)  # a second run changes nothing
    engine = Database.connect(empty_database_url).engine
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {
        "users",
        "api_tokens",
        "ledgers",
        "ledger_shares",
        "ledger_versions",
        "decisions",
        "jobs",
        "alembic_version",
    } <= tables


def test_ledgers_from_before_accounts_go_to_the_first_administrator(
    empty_database_url: str, tmp_path: Path, example_xlsx: bytes
) -> None:
    command.upgrade(alembic_config(empty_database_url), "0001")
    engine = create_engine(normalized_url(empty_database_url))
    moment = datetime(2024, 6, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO ledgers (id, name, created_at, updated_at) VALUES ('old-1', 'Old', :t, :t)"),
            {"t": moment},
        )
        connection.execute(
            text(
                "INSERT INTO ledger_versions (ledger_id, number, file_name, content, sha256, created_at, "
                "claim_count, finding_ids, changes) VALUES ('old-1', 1, 'old.xlsx', :content, 'x', :t, 8, "
                "'[]', '{}')"
            ),
            {"content": example_xlsx, "t": moment},
        )
        connection.execute(
            text(
                "INSERT INTO decisions (ledger_id, finding, verdict, note, by, at, via) "
                "VALUES ('old-1', 'f-1', 'accept', 'kept', 'Ana by name', :t, 'web')"
            ),
            {"t": moment},
        )
    engine.dispose()
    app = make_app(tmp_path, empty_database_url)  # migrates to the latest version on start
    try:
        db: Database = app.extensions["ledger.db"]
        with db.reading() as s:
            assert store.get_ledger(s, "old-1").owner_id is None
        bea = make_account(app, "bea@example.org")  # not an administrator: adopts nothing
        ana = make_account(app, "ana@example.org", admin=True)
        later = make_account(app, "cy@example.org", admin=True)  # not the first administrator
        with db.reading() as s:
            assert [item.id for item in store.list_ledgers(s, ana.id)] == ["old-1"]
            assert store.list_ledgers(s, bea.id) == [] and store.list_ledgers(s, later.id) == []
            assert [(d.by, d.user_id) for d in store.decision_history(s, "old-1")] == [("Ana by name", None)]
    finally:
        close_app(app)


def test_migrations_go_down_and_up_again(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "0001")
    engine = create_engine(normalized_url(empty_database_url))
    assert "users" not in inspect(engine).get_table_names()
    assert "owner_id" not in {c["name"] for c in inspect(engine).get_columns("ledgers")}
    engine.dispose()
    upgrade(empty_database_url)


def test_ids_are_unguessable() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) >= 22 for i in ids)


def _version(claims: int = 3, findings: tuple[str, ...] = ("f-1", "f-2")) -> store.NewVersion:
    return store.NewVersion("book.xlsx", b"PK bytes", claims, findings, {})


def _owner(app: Flask) -> Account:
    return make_account(app, "ana@example.org", admin=True)


def test_ledgers_keep_every_version_with_its_bytes(app: Flask) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    with db.transaction() as s:
        ledger_id = store.create_ledger(s, "Conference", _version(), owner_id=owner.id).id
        store.add_version(
            s, ledger_id, "Conference, revised", store.NewVersion("v2.xlsx", b"new", 4, (), {"a": ["b"]})
        )
    with db.reading() as s:
        versions = store.versions(s, ledger_id)
        assert [(v.number, v.file_name, v.content, v.claim_count) for v in versions] == [
            (1, "book.xlsx", b"PK bytes", 3),
            (2, "v2.xlsx", b"new", 4),
        ]
        assert store.get_ledger(s, ledger_id).name == "Conference, revised"
        assert store.latest_version(s, ledger_id).number == 2


def test_the_latest_decision_wins_and_every_event_is_kept(app: Flask) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    with db.transaction() as s:
        ledger_id = store.create_ledger(s, "L", _version(), owner_id=owner.id).id
        store.record_decision(s, ledger_id, "f-1", Verdict.ACCEPT, note="same pledge", by="Ana")
        store.record_decision(s, ledger_id, "f-1", Verdict.REJECT, note="no: different year", by="Ben")
        store.record_decision(s, ledger_id, "f-2", Verdict.ACCEPT, by="Ana")
        store.record_decision(s, ledger_id, "f-2", None, by="Ana")  # taken back
    with db.reading() as s:
        in_force = store.latest_decisions(s, ledger_id)
        assert [(d.finding, d.verdict, d.note, d.by) for d in in_force] == [
            ("f-1", Verdict.REJECT, "no: different year", "Ben")
        ]
        assert len(store.decision_history(s, ledger_id)) == 4
        listing = store.list_ledgers(s, owner.id)
        assert [(item.findings, item.undecided) for item in listing] == [(2, 1)]


def test_unknown_ids_are_not_found(app: Flask) -> None:
    db: Database = app.extensions["ledger.db"]
    with db.reading() as s, pytest.raises(store.NotFound, match='no ledger has the id "nope"'):
        store.get_ledger(s, "nope")


def test_a_failed_write_stores_nothing(app: Flask) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    with pytest.raises(RuntimeError), db.transaction() as s:
        store.create_ledger(s, "Half", _version(), owner_id=owner.id)
        raise RuntimeError("interrupted")
    with db.reading() as s:
        assert store.list_ledgers(s, owner.id) == []


def test_a_bad_workbook_stores_nothing(app: Flask, broken_xlsx: bytes) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    with pytest.raises(InvalidWorkbook) as raised:
        ledgers.store_upload(
            db, ledgers.LedgerCache(), "broken.xlsx", broken_xlsx, limits=Limits(), user_id=owner.id
        )
    assert any(p.origin.cell == "Claims!G3" for p in raised.value.problems)
    with db.reading() as s:
        assert store.list_ledgers(s, owner.id) == []


def test_workbook_decisions_are_recorded_once(app: Flask, example_xlsx: bytes) -> None:
    db: Database = app.extensions["ledger.db"]
    owner = _owner(app)
    cache = ledgers.LedgerCache()
    ledger_id = ledgers.store_upload(
        db, cache, "example.xlsx", example_xlsx, limits=Limits(), user_id=owner.id
    )
    seen = ledgers.view(db, cache, ledger_id, Limits(), user_id=owner.id)
    finding = seen.result.findings[0].id
    ledgers.decide(db, cache, ledger_id, finding, "accept", note="same money", account=owner, limits=Limits())
    workbook = ledgers.download(
        ledgers.view(db, cache, ledger_id, Limits(), user_id=owner.id).result, "workbook"
    ).content
    ledgers.store_upload(
        db, cache, "round-trip.xlsx", workbook, limits=Limits(), user_id=owner.id, ledger_id=ledger_id
    )
    with db.reading() as s:
        history = store.decision_history(s, ledger_id)
    assert [(d.finding, d.verdict, d.via, d.by, d.user_id) for d in history] == [
        (finding, "accept", "web", "ana@example.org", owner.id)
    ]
