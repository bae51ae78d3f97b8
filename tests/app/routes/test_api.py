"""The JSON API, every endpoint, each response validated against the OpenAPI document the app serves."""

from __future__ import annotations

import importlib.util
import io
import json
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from ..conftest import upload

OPENAPI_URI = "urn:pledge-ledger:openapi"


@pytest.fixture
def openapi(anonymous: FlaskClient) -> dict[str, Any]:
    response = anonymous.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json  # type: ignore[assignment]
    assert document["openapi"].startswith("3.1")
    return document


def check(openapi: dict[str, Any], path: str, method: str, response: TestResponse, status: int) -> Any:
    """Assert the status, then validate the JSON body against the document's schema for that response."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    declared = openapi["paths"][path][method]["responses"][str(status)]
    schema = declared["content"]["application/json"]["schema"]
    registry: Registry[Any] = Registry().with_resource(OPENAPI_URI, DRAFT202012.create_resource(openapi))
    # the response schema refers to components by "#/components/...": resolve them against the document
    validator = Draft202012Validator(_rebase(schema), registry=registry)
    body = response.json
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return body


def _rebase(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: (f"{OPENAPI_URI}{v}" if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def _create(client: FlaskClient, content: bytes, name: str = "example.xlsx") -> TestResponse:
    response: TestResponse = upload(client, "/api/v1/ledgers", content, name)
    return response


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_openapi_document_embeds_the_reconciliation_schema(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert schemas["Reconciliation"]["title"] == "Pledge reconciliation"
    assert "Reconciliation_money" in schemas
    for definition in schemas.values():
        Draft202012Validator.check_schema(definition)
    # every reference stays inside the document and leads somewhere
    for ref in _refs(openapi):
        assert ref.startswith("#/components/schemas/"), ref
        node: Any = openapi
        for part in ref[2:].split("/"):
            node = node[part]


def test_every_route_is_documented(app: Any, openapi: dict[str, Any]) -> None:
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    assert routes == set(openapi["paths"])


def test_upload_returns_201_with_the_reconciliation(
    api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes
) -> None:
    response = _create(api, example_xlsx)
    body = check(openapi, "/ledgers", "post", response, 201)
    assert body["reconciliation"]["ledger"] == "Central American Security Conference 2011"
    assert len(body["reconciliation"]["findings"]) == 8
    assert response.headers["Location"].endswith(f"/api/v1/ledgers/{body['ledger']['id']}")
    assert body["ledger"]["versions"][0]["claims"] == 8


def test_list_and_read_ledgers(api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes) -> None:
    ledger_id = _create(api, example_xlsx).json["ledger"]["id"]  # type: ignore[index]
    listing = check(openapi, "/ledgers", "get", api.get("/api/v1/ledgers"), 200)
    assert [(item["id"], item["undecided"]) for item in listing["ledgers"]] == [(ledger_id, 8)]
    full = check(openapi, "/ledgers/{ledger_id}", "get", api.get(f"/api/v1/ledgers/{ledger_id}"), 200)
    assert full["ledger"]["id"] == ledger_id
    findings = check(
        openapi,
        "/ledgers/{ledger_id}/findings",
        "get",
        api.get(f"/api/v1/ledgers/{ledger_id}/findings"),
        200,
    )
    assert {f["kind"] for f in findings["findings"]} >= {"duplicate", "contained"}
    pledges = check(
        openapi,
        "/ledgers/{ledger_id}/pledges",
        "get",
        api.get(f"/api/v1/ledgers/{ledger_id}/pledges"),
        200,
    )
    us = next(p for p in pledges["pledges"] if p["id"] == "P-BBC-1")
    assert us["claims"] == ["BBC-1", "BBC-3", "CNN-3"]
    totals = check(
        openapi, "/ledgers/{ledger_id}/totals", "get", api.get(f"/api/v1/ledgers/{ledger_id}/totals"), 200
    )
    assert totals["totals"]["USD"]["naive"] == "3560000000.00"


def test_decisions_change_the_totals_and_are_audited(
    api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes
) -> None:
    created = _create(api, example_xlsx).json
    ledger_id = created["ledger"]["id"]  # type: ignore[index]
    contained = next(f["id"] for f in created["reconciliation"]["findings"] if f["kind"] == "contained")  # type: ignore[index]
    before = created["reconciliation"]["totals"]["USD"]["distinct"]  # type: ignore[index]
    response = api.post(
        f"/api/v1/ledgers/{ledger_id}/decisions",
        json={"finding": contained, "decision": "reject", "note": "separate money", "by": "api-user"},
    )
    body = check(openapi, "/ledgers/{ledger_id}/decisions", "post", response, 201)
    assert body["finding"]["decision"] == "reject" and body["finding"]["note"] == "separate money"
    assert body["totals"]["USD"]["distinct"] != before
    history = check(
        openapi,
        "/ledgers/{ledger_id}/decisions",
        "get",
        api.get(f"/api/v1/ledgers/{ledger_id}/decisions"),
        200,
    )
    assert [(d["finding"], d["decision"], d["by"], d["via"]) for d in history["decisions"]] == [
        (contained, "reject", "ana@example.org", "api")  # the token's account, not a typed name
    ]


def test_decisions_must_be_json(api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes) -> None:
    ledger_id = _create(api, example_xlsx).json["ledger"]["id"]  # type: ignore[index]
    form = api.post(f"/api/v1/ledgers/{ledger_id}/decisions", data={"finding": "x", "decision": "accept"})
    check(openapi, "/ledgers/{ledger_id}/decisions", "post", form, 415)
    bad = api.post(f"/api/v1/ledgers/{ledger_id}/decisions", json={"finding": "x", "decision": "maybe"})
    assert (
        "expected accept, reject or undecided"
        in check(openapi, "/ledgers/{ledger_id}/decisions", "post", bad, 400)["error"]["detail"]
    )
    missing = api.post(f"/api/v1/ledgers/{ledger_id}/decisions", json={"decision": "accept"})
    check(openapi, "/ledgers/{ledger_id}/decisions", "post", missing, 400)
    unknown = api.post(
        f"/api/v1/ledgers/{ledger_id}/decisions", json={"finding": "nope", "decision": "accept"}
    )
    check(openapi, "/ledgers/{ledger_id}/decisions", "post", unknown, 404)


def test_bad_workbook_errors_carry_their_cells(
    api: FlaskClient, openapi: dict[str, Any], broken_xlsx: bytes
) -> None:
    body = check(openapi, "/ledgers", "post", _create(api, broken_xlsx, "broken.xlsx"), 422)
    cells = {p["origin"]["cell"] for p in body["error"]["problems"]}
    assert {"Claims!G3", "Claims!B9"} <= cells
    assert any(p["text"].startswith("Claims!G3: ") and "3OOm" in p["text"] for p in body["error"]["problems"])
    assert api.get("/api/v1/ledgers").json == {"ledgers": []}


def test_unreadable_and_wrong_type_uploads(api: FlaskClient, openapi: dict[str, Any]) -> None:
    damaged = check(openapi, "/ledgers", "post", _create(api, b"PK\x03\x04 broken", "damaged.xlsx"), 400)
    assert damaged["error"]["detail"].startswith("damaged.xlsx: ")
    check(openapi, "/ledgers", "post", _create(api, b"hello", "notes.txt"), 415)


def test_new_version_through_the_api(api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes) -> None:
    ledger_id = _create(api, example_xlsx).json["ledger"]["id"]  # type: ignore[index]
    response = upload(api, f"/api/v1/ledgers/{ledger_id}/versions", example_xlsx, "again.xlsx")
    body = check(openapi, "/ledgers/{ledger_id}/versions", "post", response, 201)
    assert body["ledger"]["version"] == 2
    changes = body["ledger"]["changes"]
    assert {k: changes[k] for k in ("claims_added", "claims_removed", "claims_edited")} == {
        "claims_added": [],
        "claims_removed": [],
        "claims_edited": [],
    }
    assert changes["findings_new"] == changes["findings_gone"] == changes["decisions_carried"] == []
    (usd,) = changes["totals"]
    assert usd["currency"] == "USD" and usd["before"] == usd["after"]
    missing = upload(api, "/api/v1/ledgers/nope/versions", example_xlsx)
    check(openapi, "/ledgers/{ledger_id}/versions", "post", missing, 404)


def test_unknown_ledger_is_json_404(api: FlaskClient, openapi: dict[str, Any]) -> None:
    check(openapi, "/ledgers/{ledger_id}", "get", api.get("/api/v1/ledgers/nope"), 404)
    check(openapi, "/ledgers/{ledger_id}/findings", "get", api.get("/api/v1/ledgers/nope/findings"), 404)
    check(openapi, "/jobs/{job_id}", "get", api.get("/api/v1/jobs/nope"), 404)


def test_downloads(api: FlaskClient, openapi: dict[str, Any], example_xlsx: bytes) -> None:
    ledger_id = _create(api, example_xlsx).json["ledger"]["id"]  # type: ignore[index]
    as_json = api.get(f"/api/v1/ledgers/{ledger_id}/downloads/json")
    assert as_json.status_code == 200 and json.loads(as_json.data)["schema_version"] == "1"
    workbook = api.get(f"/api/v1/ledgers/{ledger_id}/downloads/workbook")
    assert "Claims" in openpyxl.load_workbook(io.BytesIO(workbook.data)).sheetnames
    for kind, module in (("report", "exports.report"), ("csv", "exports.flat")):
        response = api.get(f"/api/v1/ledgers/{ledger_id}/downloads/{kind}")
        if importlib.util.find_spec(module) is None:
            check(openapi, "/ledgers/{ledger_id}/downloads/{kind}", "get", response, 503)
        else:
            assert response.status_code == 200 and len(response.data) > 100
    csv_zip = api.get(f"/api/v1/ledgers/{ledger_id}/downloads/csv")
    if csv_zip.status_code == 200:  # a .zip of the tables, named and typed so
        assert csv_zip.mimetype == "application/zip" and csv_zip.data.startswith(b"PK")
        assert ".zip" in csv_zip.headers["Content-Disposition"]
    check(
        openapi,
        "/ledgers/{ledger_id}/downloads/{kind}",
        "get",
        api.get(f"/api/v1/ledgers/{ledger_id}/downloads/pdf"),
        404,
    )
