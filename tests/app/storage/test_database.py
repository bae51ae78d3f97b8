"""The database: migrations on a fresh database (found in the installed package), down and up again, and
the ledgers from before accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, inspect, text

from app import storage
from app.storage import store
from app.storage.database import Database, alembic_config, migrations_folder, normalized_url, upgrade

from ..conftest import close_app, make_account, make_app


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


def test_the_migrations_are_found_in_the_package() -> None:
    folder = migrations_folder()
    assert folder == Path(storage.__file__).parent / "migrations"
    assert (folder / "env.py").is_file() and (folder / "alembic.ini").is_file()
    assert len(list((folder / "versions").glob("0*.py"))) >= 2
