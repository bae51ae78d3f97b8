"""The app's shared objects, per app (never module state): its database and its ledger service."""

from __future__ import annotations

from typing import cast

from flask import current_app

from .services.ledgers import LedgerService
from .storage.database import Database


def database() -> Database:
    """The current app's database (for the account services)."""
    return cast(Database, current_app.extensions["ledger.db"])


def ledgers() -> LedgerService:
    """The current app's ledger service."""
    return cast(LedgerService, current_app.extensions["ledger.ledgers"])
