"""The app's shared objects (database, parsed-ledger cache, job runner, reading limits), per app."""

from __future__ import annotations

from typing import cast

from flask import current_app

from ledger.workbook.gate import Limits

from .jobs import JobRunner
from .ledgers import LedgerCache
from .storage.database import Database


def database() -> Database:
    """The current app's database."""
    return cast(Database, current_app.extensions["ledger.db"])


def ledger_cache() -> LedgerCache:
    """The current app's parsed-ledger cache."""
    return cast(LedgerCache, current_app.extensions["ledger.cache"])


def job_runner() -> JobRunner:
    """The current app's background upload runner."""
    return cast(JobRunner, current_app.extensions["ledger.jobs"])


def limits() -> Limits:
    """What one upload may hold: the app's upload limit, the reader's defaults for the rest."""
    return Limits(max_bytes=int(current_app.config["MAX_CONTENT_LENGTH"]))
