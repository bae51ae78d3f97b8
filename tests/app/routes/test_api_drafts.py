"""Drafting through the JSON API: drafts returned (nothing stored), drafts added as a ledger or as a ledger's
next version, every error with its field; each response validated against the OpenAPI document."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.services.accounts import account_by_email
from app.storage.models import LedgerRow, VersionRow

from ..articles import article
from ..conftest import database, make_account, token_client, upload
from .test_api import check


@pytest.fixture
def document(anonymous: FlaskClient) -> dict[str, Any]:
    """The OpenAPI document the app serves."""
    served: dict[str, Any] = anonymous.get("/api/v1/openapi.json").json  # type: ignore[assignment]
    return served


def _cnn() -> dict[str, Any]:
    cnn = article("cnn")
    return {"text": cnn["text"], "source": {"publisher": "CNN", "title": cnn["title"], "date": cnn["date"]}}


def _count(app: Flask, model: type) -> int:
    with database(app).reading() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_drafts_come_back_with_their_fields_and_nothing_is_stored(
    app: Flask,
    api: FlaskClient,
    document: dict[str, Any],
) -> None:
    body = check(document, "/drafts", "post", api.post("/api/v1/drafts", json=_cnn()), 200)
    assert [d["fields"]["amount"] for d in body["drafts"]] == [
        "1,000,000,000",
        "200,000,000",
        "300,000,000",
        "200,000,000",
    ]
    loan = body["drafts"][0]
    assert loan["fields"]["donor"] == "World Bank" and loan["fields"]["instrument"] == "loan"
    assert body["text"][loan["figure"]["start"] : loan["figure"]["end"]] == "$1 billion"
    (market,) = body["skipped"]
    assert market["figure"] == "$35 billion" and "market" in market["reason"]
    assert market["draft"]["id"] == "D5"  # to add if the drafter was wrong
    assert _count(app, LedgerRow) == 0


def test_the_ticked_drafts_become_the_ledgers_next_version(
    app: Flask,
    api: FlaskClient,
    document: dict[str, Any],
    example_xlsx: bytes,
) -> None:
    ledger_id = upload(api, "/api/v1/ledgers", example_xlsx, "example.xlsx").json["ledger"]["id"]
    drafted: dict[str, Any] = api.post("/api/v1/drafts", json=_cnn()).json  # type: ignore[assignment]
    request = {
        **_cnn(),
        "fingerprint": drafted["fingerprint"],
        "drafts": ["D1", {"id": "D3", "amount": "290m"}],
    }
    response = api.post(f"/api/v1/ledgers/{ledger_id}/drafts", json=request)
    body = check(document, "/ledgers/{ledger_id}/drafts", "post", response, 201)
    assert len(body["ledger"]["versions"]) == 2
    claims = {c["id"]: c for c in body["reconciliation"]["claims"]}
    assert Decimal(claims["CNN-2-2"]["amount"]) == Decimal("290000000")
    assert claims["CNN-2-1"]["instrument"] == "loan" and "CNN-2-3" not in claims
    assert _count(app, VersionRow) == 2


def test_a_new_ledger_from_drafts(api: FlaskClient, document: dict[str, Any]) -> None:
    response = api.post("/api/v1/drafts/ledgers", json={**_cnn(), "name": "From CNN"})
    body = check(document, "/drafts/ledgers", "post", response, 201)
    assert body["reconciliation"]["ledger"] == "From CNN"
    assert len(body["reconciliation"]["claims"]) == 4  # every claim, when none is named


def test_every_problem_is_named_at_its_field_and_nothing_is_stored(
    app: Flask,
    api: FlaskClient,
    document: dict[str, Any],
    example_xlsx: bytes,
) -> None:
    ledger_id = upload(api, "/api/v1/ledgers", example_xlsx, "example.xlsx").json["ledger"]["id"]
    bad_source = {"text": "", "source": {"date": "22 June"}}
    refused = check(document, "/drafts", "post", api.post("/api/v1/drafts", json=bad_source), 400)
    assert [(p["field"], p["text"]) for p in refused["error"]["problems"]] == [
        ("text", "text: paste the article's text, or choose a .txt or .html file"),
        ("date", 'date: "22 June" is not a date; expected e.g. 2011-06-22'),
    ]
    wrong = {**_cnn(), "drafts": [{"id": "D2", "amount": "2OOm"}, {"id": "D9"}]}
    response = api.post(f"/api/v1/ledgers/{ledger_id}/drafts", json=wrong)
    said = check(document, "/ledgers/{ledger_id}/drafts", "post", response, 422)
    texts = [p["text"] for p in said["error"]["problems"]]
    assert any(t.startswith('draft D2, amount: "2OOm" is not a number') for t in texts), texts
    assert any(t.startswith("draft D9, id: there is no draft D9") for t in texts), texts
    assert check(document, "/drafts", "post", api.post("/api/v1/drafts", data="text=x"), 415)
    assert _count(app, VersionRow) == 1


def test_a_viewer_cannot_add_drafts(
    app: Flask,
    api: FlaskClient,
    document: dict[str, Any],
    example_xlsx: bytes,
) -> None:
    ledger_id = upload(api, "/api/v1/ledgers", example_xlsx, "example.xlsx").json["ledger"]["id"]
    viewer = make_account(app, "vic@example.org")
    owner = account_by_email(database(app), "ana@example.org")
    app.extensions["ledger.ledgers"].share(ledger_id, owner, "vic@example.org", "viewer")
    response = token_client(app, viewer).post(f"/api/v1/ledgers/{ledger_id}/drafts", json=_cnn())
    check(document, "/ledgers/{ledger_id}/drafts", "post", response, 403)
    assert _count(app, VersionRow) == 1
