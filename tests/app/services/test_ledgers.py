"""The ledger service: uploads stored whole or not at all, decisions, and what it remembers."""

from __future__ import annotations

import pytest
from flask import Flask

from app.errors import InvalidWorkbook
from app.services.accounts import Account
from app.services.ledgers import export
from app.storage import store
from app.storage.database import Database

from ..conftest import ledger_service, make_account


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
