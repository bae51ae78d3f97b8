"""The store functions, and all-or-nothing writes."""

from __future__ import annotations

import pytest
from flask import Flask

from app.services.accounts import Account
from app.storage import store
from app.storage.database import Database
from app.storage.models import new_id
from ledger import Verdict

from ..conftest import make_account


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
