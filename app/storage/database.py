"""The engine and sessions for one app, and running the migrations (Alembic)."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def migrations_folder() -> Path:
    """The Alembic migrations, packaged in app/storage/migrations (found however the app is installed)."""
    folder = resources.files("app.storage").joinpath("migrations")
    if not isinstance(folder, Path) or not (folder / "env.py").is_file():
        # Alembic reads its scripts from a folder: an installation inside a zip file cannot migrate
        raise RuntimeError(f"the migrations are not a folder on disk ({folder}); install the app unzipped")
    return folder


# A write waits this long for another writer to finish before it fails (SQLite has one writer at a time).
SQLITE_BUSY_TIMEOUT_MS = 15000


def normalized_url(url: str) -> str:
    """The URL with PostgreSQL pointed at psycopg 3 (`postgres://` and `postgresql://` alike)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets pages be read while an upload is written; foreign keys are off by default in SQLite.
    # The driver's own transaction handling is turned off: _sqlite_begin says BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A write transaction takes the write lock at once (BEGIN IMMEDIATE), waiting up to the busy timeout.
    # A deferred one that read first and then wrote would fail at once with "database is locked" when
    # another writer committed in between; waiting at the start makes concurrent writers take turns.
    writing = connection.get_execution_options().get("sqlite_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL mode, foreign keys, a busy timeout and writers that take turns."""
    url = normalized_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass(frozen=True)
class Database:
    """One app's engine and session factories (for reading, and for writing)."""

    engine: Engine
    sessions: sessionmaker[Session]
    writing_sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str) -> Database:
        """A Database for `url`."""
        engine = make_engine(url)
        writer = engine.execution_options(sqlite_write=True)
        return cls(
            engine, sessionmaker(engine, expire_on_commit=False), sessionmaker(writer, expire_on_commit=False)
        )

    @property
    def dialect(self) -> str:
        """The database's kind: sqlite or postgresql."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose writes are committed together at the end, or not at all on any error."""
        with self.writing_sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only."""
        with self.sessions() as session:
            yield session


def alembic_config(url: str) -> Config:
    """The Alembic configuration for the project's migrations, pointed at `url`."""
    folder = migrations_folder()
    config = Config(str(folder / "alembic.ini"))
    config.set_main_option("script_location", str(folder))
    config.set_main_option("sqlalchemy.url", normalized_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, lock_folder: Path | None = None, then: Callable[[], None] | None = None) -> None:
    """Bring the database at `url` up to the latest migration, then run `then` (the task queue's tables).

    With `lock_folder`, workers starting together on one machine take turns (a file lock).
    """
    if lock_folder is None:
        command.upgrade(alembic_config(url), "head")
        if then is not None:
            then()
        return
    lock_folder.mkdir(parents=True, exist_ok=True)
    with open(lock_folder / "migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            command.upgrade(alembic_config(url), "head")
            if then is not None:
                then()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
