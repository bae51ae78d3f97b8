"""The API's writes under load and repeats: Idempotency-Key on uploads and decisions (the same key again
gets the first answer), decisions at the same moment each answered with their own event, versions uploaded
at the same moment each compared with its true predecessor, and the paged listings. Responses are checked
against the OpenAPI document."""

from __future__ import annotations

import functools
import io
import json
import threading
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.storage.models import DecisionRow, LedgerRow, VersionRow

from ..conftest import database, ledger_service, make_account, token_client, upload
from .test_api import check


@pytest.fixture
def document(anonymous: FlaskClient) -> dict[str, Any]:
    """The OpenAPI document the app serves."""
    served: dict[str, Any] = anonymous.get("/api/v1/openapi.json").json  # type: ignore[assignment]
    return served


def _ledger(api: FlaskClient, example_xlsx: bytes) -> tuple[str, list[str]]:
    created = upload(api, "/api/v1/ledgers", example_xlsx, "example.xlsx").json
    return created["ledger"]["id"], [f["id"] for f in created["reconciliation"]["findings"]]


def _decide(client: FlaskClient, ledger_id: str, body: dict[str, str], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"/api/v1/ledgers/{ledger_id}/decisions", json=body, headers=headers)


def _count(app: Flask, model: type, **where: object) -> int:
    with database(app).reading() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query) or 0


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads started together; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# ---- idempotency ---------------------------------------------------------------------------------------------


def test_a_decision_sent_twice_under_one_key_is_recorded_once(
    app: Flask, api: FlaskClient, document: dict[str, Any], example_xlsx: bytes
) -> None:
    ledger_id, findings = _ledger(api, example_xlsx)
    body = {"finding": findings[0], "decision": "reject", "note": "separate money"}
    first = check(
        document, "/ledgers/{ledger_id}/decisions", "post", _decide(api, ledger_id, body, "k-1"), 201
    )
    again = _decide(api, ledger_id, body, "k-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first
    assert _count(app, DecisionRow, note="separate money") == 1
    # the same key for another request is refused, and records nothing
    other = _decide(api, ledger_id, {**body, "decision": "accept"}, "k-1")
    assert other.status_code == 422 and "different request" in other.json["error"]["detail"]
    assert _count(app, DecisionRow) == 1
    # without a key, or with a new one, each call is a new decision
    assert _decide(api, ledger_id, body).status_code == 201
    assert _decide(api, ledger_id, body, "k-2").status_code == 201
    assert _count(app, DecisionRow, note="separate money") == 3


def test_keys_belong_to_their_account_and_must_be_plain(
    app: Flask, api: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_id, findings = _ledger(api, example_xlsx)
    body = {"finding": findings[0], "decision": "reject", "note": ""}
    assert _decide(api, ledger_id, body, "shared-key").status_code == 201
    stranger = token_client(app, make_account(app, "bea@example.org"))
    # the same key from another account is another key: Bea is told the ledger does not exist, as always
    assert _decide(stranger, ledger_id, body, "shared-key").status_code == 404
    for bad in ("x" * 201, "ünïcode", " "):
        refused = _decide(api, ledger_id, body, bad)
        assert refused.status_code == 400 and "Idempotency-Key" in refused.json["error"]["detail"]


def test_an_upload_sent_twice_under_one_key_makes_one_ledger(
    app: Flask, api: FlaskClient, document: dict[str, Any], example_xlsx: bytes
) -> None:
    first = upload(api, "/api/v1/ledgers", example_xlsx, "e.xlsx", headers={"Idempotency-Key": "u-1"})
    body = check(document, "/ledgers", "post", first, 201)
    again = upload(api, "/api/v1/ledgers", example_xlsx, "e.xlsx", headers={"Idempotency-Key": "u-1"})
    assert again.status_code == 201 and again.json["ledger"]["id"] == body["ledger"]["id"]
    assert _count(app, LedgerRow) == 1
    ledger_id = body["ledger"]["id"]
    version = upload(
        api, f"/api/v1/ledgers/{ledger_id}/versions", example_xlsx, headers={"Idempotency-Key": "v-1"}
    )
    repeat = upload(
        api, f"/api/v1/ledgers/{ledger_id}/versions", example_xlsx, headers={"Idempotency-Key": "v-1"}
    )
    assert version.status_code == repeat.status_code == 201 and repeat.json == version.json
    assert _count(app, VersionRow) == 2


def test_the_same_key_at_the_same_moment_writes_once(app: Flask, example_xlsx: bytes) -> None:
    ana = make_account(app, "ana@example.org", admin=True)
    clients = [token_client(app, ana) for _ in range(4)]
    ledger_id, findings = _ledger(clients[0], example_xlsx)
    body = {"finding": findings[1], "decision": "accept", "note": "raced"}
    answers = _at_once(*(lambda c=c: _decide(c, ledger_id, body, "race-key") for c in clients))
    assert {a.status_code for a in answers} == {201}
    assert len({json.dumps(a.json["decision"], sort_keys=True) for a in answers}) == 1
    assert _count(app, DecisionRow, note="raced") == 1


# ---- at the same moment -------------------------------------------------------------------------------------


def test_two_people_deciding_at_once_each_get_their_own_decision_back(
    app: Flask, api: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_id, findings = _ledger(api, example_xlsx)
    bea = make_account(app, "bea@example.org")
    owner = api
    ledger_service(app).share(
        ledger_id, make_account(app, "ana@example.org", admin=True), bea.email, "editor"
    )
    editor = token_client(app, bea)
    for round_number in range(8):
        finding = findings[0]  # (deciding one finding can make another go: the same one each round)
        mine = {"finding": finding, "decision": "accept", "note": f"ana {round_number}"}
        hers = {"finding": finding, "decision": "reject", "note": f"bea {round_number}"}
        ana_answer, bea_answer = _at_once(
            functools.partial(_decide, owner, ledger_id, mine),
            functools.partial(_decide, editor, ledger_id, hers),
        )
        for answer, who, body in (
            (ana_answer, "ana@example.org", mine),
            (bea_answer, "bea@example.org", hers),
        ):
            assert answer.status_code == 201
            recorded = answer.json["decision"]
            assert (recorded["by"], recorded["note"], recorded["decision"]) == (
                who,
                body["note"],
                body["decision"],
            )
            # the finding as this decision left it: its own note, not the other person's a moment later
            assert answer.json["finding"]["note"] == body["note"]
    assert _count(app, DecisionRow) == 16


def _with_extra_claim(workbook: bytes, claim_id: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    claims = book["Claims"]
    values = [cell.value for cell in claims[2]]
    values[0] = claim_id
    claims.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_versions_uploaded_at_once_are_each_compared_with_their_true_predecessor(
    app: Flask, api: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_id, _ = _ledger(api, example_xlsx)
    ana = make_account(app, "ana@example.org", admin=True)
    second = token_client(app, ana)
    with_a, with_b = _with_extra_claim(example_xlsx, "NEW-A"), _with_extra_claim(example_xlsx, "NEW-B")
    answers = _at_once(
        lambda: upload(api, f"/api/v1/ledgers/{ledger_id}/versions", with_a, "a.xlsx"),
        lambda: upload(second, f"/api/v1/ledgers/{ledger_id}/versions", with_b, "b.xlsx"),
    )
    assert [a.status_code for a in answers] == [201, 201]
    with database(app).reading() as session:
        rows = session.execute(
            select(VersionRow.number, VersionRow.file_name, VersionRow.changes)
            .where(VersionRow.ledger_id == ledger_id)
            .order_by(VersionRow.number)
        ).all()
    assert [r.number for r in rows] == [1, 2, 3]
    first, last = (json.loads(r.changes) for r in rows[1:])
    own = {"a.xlsx": "NEW-A", "b.xlsx": "NEW-B"}
    assert first["claims_added"] == [own[rows[1].file_name]] and first["claims_removed"] == []
    # the second one stored is compared with the first one stored, not with version 1
    assert last["claims_added"] == [own[rows[2].file_name]]
    assert last["claims_removed"] == [own[rows[1].file_name]]


# ---- paging ------------------------------------------------------------------------------------------------


def test_findings_pledges_and_claims_are_paged(
    api: FlaskClient, document: dict[str, Any], example_xlsx: bytes
) -> None:
    ledger_id, findings = _ledger(api, example_xlsx)
    for name in ("findings", "pledges", "claims"):
        path = f"/ledgers/{{ledger_id}}/{name}"
        whole = check(document, path, "get", api.get(f"/api/v1/ledgers/{ledger_id}/{name}"), 200)
        total = whole["page"]["total"]
        assert whole["page"] == {"number": 1, "per_page": 100, "total": total, "next": None}
        assert len(whole[name]) == total > 2
        seen: list[Any] = []
        address: str | None = f"/api/v1/ledgers/{ledger_id}/{name}?per_page=2"
        while address:
            page = check(document, path, "get", api.get(address), 200)
            assert len(page[name]) <= 2
            seen.extend(page[name])
            address = page["page"]["next"]
        assert seen == whole[name]
    assert [f["id"] for f in whole["claims"]][:1] and len(findings) > 0
    for bad in ("page=0", "per_page=0", "page=x", "page=99999999999999999999"):
        assert api.get(f"/api/v1/ledgers/{ledger_id}/findings?{bad}").status_code == 404
    capped = api.get(f"/api/v1/ledgers/{ledger_id}/claims?per_page=5000").json
    assert capped["page"]["per_page"] == 1000  # type: ignore[index]
