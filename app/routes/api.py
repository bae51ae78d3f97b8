"""The JSON API, /api/v1: upload a workbook and get the reconciliation, read ledgers, record decisions,
download reports. Errors are JSON with the same cell-precise messages as the pages (app/errors.py).

Every endpoint but the OpenAPI document acts for an account: an API token (`Authorization: Bearer ...`,
no CSRF token needed) or the browser's signed-in session (with a CSRF token in X-CSRFToken for writes).
A ledger the account has no part in answers 404, as one that does not exist."""

from __future__ import annotations

import io

from flask import Blueprint, Response, jsonify, request, send_file, url_for

from ledger import reconciliation_json
from ledger.render.jsonform import totals_json

from ..auth import authenticate_api_request, required_account
from ..context import database, ledgers
from ..errors import BadDecision, WrongContentType
from ..presentation.api_json import (
    decision_json,
    full_json,
    job_json,
    listing_json,
    openapi_document,
)
from ..services.ledgers import LedgerView

api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@api.before_request
def authenticated() -> None:
    """Who the request acts for (SignInRequired, a 401, when nobody)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        authenticate_api_request(database())


def _view(ledger_id: str) -> LedgerView:
    return ledgers().view(ledger_id, request.args.get("version", type=int), user_id=required_account().id)


def _accept_upload(ledger_id: str | None) -> tuple[Response, int]:
    me = required_account()
    upload = request.files.get("workbook") or request.files.get("file")
    accepted = ledgers().upload(
        upload.filename if upload else "",
        upload.read() if upload else b"",
        user_id=me.id,
        ledger_id=ledger_id,
    )
    if accepted.job_id is not None:
        body = job_json(ledgers().job(accepted.job_id, user_id=me.id))
        response = jsonify({"job": body})
        response.headers["Location"] = body["url"]
        return response, 202
    assert accepted.ledger_id is not None  # stored in this request
    response = jsonify(full_json(_view(accepted.ledger_id)))
    response.headers["Location"] = url_for("api.get_ledger", ledger_id=accepted.ledger_id, _external=True)
    return response, 201


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@api.get("/ledgers")
def list_ledgers() -> Response:
    return jsonify({"ledgers": [listing_json(item) for item in ledgers().listing(required_account().id)]})


@api.post("/ledgers")
def create_ledger() -> tuple[Response, int]:
    return _accept_upload(None)


@api.post("/ledgers/<ledger_id>/versions")
def add_version(ledger_id: str) -> tuple[Response, int]:
    return _accept_upload(ledger_id)


@api.get("/ledgers/<ledger_id>")
def get_ledger(ledger_id: str) -> Response:
    return jsonify(full_json(_view(ledger_id)))


@api.get("/ledgers/<ledger_id>/findings")
def findings(ledger_id: str) -> Response:
    return jsonify({"findings": reconciliation_json(_view(ledger_id).result)["findings"]})


@api.get("/ledgers/<ledger_id>/pledges")
def pledges(ledger_id: str) -> Response:
    return jsonify({"pledges": reconciliation_json(_view(ledger_id).result)["pledges"]})


@api.get("/ledgers/<ledger_id>/totals")
def totals(ledger_id: str) -> Response:
    result = _view(ledger_id).result
    return jsonify(
        {
            "totals": {t.currency: totals_json(t) for t in result.totals},
            "base_totals": totals_json(result.base_totals) if result.base_totals else None,
        }
    )


@api.get("/ledgers/<ledger_id>/decisions")
def decision_history(ledger_id: str) -> Response:
    history = ledgers().history(ledger_id, user_id=required_account().id)
    return jsonify({"decisions": [decision_json(row) for row in history]})


@api.post("/ledgers/<ledger_id>/decisions")
def decide(ledger_id: str) -> tuple[Response, int]:
    # Only JSON bodies: a cross-site HTML form cannot send application/json, so this needs no CSRF token.
    if request.mimetype != "application/json":
        raise WrongContentType("send the decision as a JSON body with Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadDecision(
            'the body must be a JSON object: {"finding": "...", "decision": "accept", "note": "..."}'
        )
    finding, decision, note = body.get("finding"), body.get("decision"), body.get("note", "")
    if not isinstance(finding, str) or not finding:
        raise BadDecision('"finding" is missing; expected the id of one of the ledger\'s findings')
    if not isinstance(decision, str):
        raise BadDecision('"decision" is missing; expected "accept", "reject" or "undecided"')
    if not isinstance(note, str):
        raise BadDecision('"note" must be text')
    decided = ledgers().decide(ledger_id, finding, decision, account=required_account(), note=note, via="api")
    result = reconciliation_json(decided.result)
    return jsonify(
        {
            "decision": decision_json(decided.decision),
            "finding": next(f for f in result["findings"] if f["id"] == finding),
            "totals": result["totals"],
        }
    ), 201


@api.get("/ledgers/<ledger_id>/downloads/<kind>")
def download(ledger_id: str, kind: str) -> Response:
    made = ledgers().download(
        ledger_id, kind, request.args.get("version", type=int), user_id=required_account().id
    )
    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


@api.get("/jobs/<job_id>")
def job(job_id: str) -> Response:
    return jsonify({"job": job_json(ledgers().job(job_id, user_id=required_account().id))})
