"""The JSON API, /api/v1: upload a workbook and get the reconciliation, read ledgers, record decisions,
download reports. Errors are JSON with the same cell-precise messages as the pages (app/errors.py).

Every endpoint but the OpenAPI document acts for an account: an API token (`Authorization: Bearer ...`,
no CSRF token needed) or the browser's signed-in session (with a CSRF token in X-CSRFToken for writes).
A ledger the account has no part in answers 404, as one that does not exist."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_file, url_for

from ledger import reconciliation_json, schema
from ledger.render.jsonform import totals_json

from . import ledgers
from .accounts import Account, authenticate_api_request, required_account
from .context import database, job_runner, ledger_cache, limits
from .errors import BadDecision, WrongContentType
from .jobs import job_state
from .ledgers import LedgerView
from .storage import store
from .storage.models import DecisionRow, JobRow
from .storage.store import Role

api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@api.before_request
def authenticated() -> None:
    """Who the request acts for (SignInRequired, a 401, when nobody)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        authenticate_api_request(database())


def _me() -> Account:
    return required_account()


OPENAPI = Path(__file__).with_name("openapi.json")


def _rebased(node: Any) -> Any:
    """The reconciliation schema's "#/$defs/x" references, pointed at the OpenAPI components instead."""
    if isinstance(node, dict):
        return {
            key: (
                f"#/components/schemas/Reconciliation_{value.removeprefix('#/$defs/')}"
                if key == "$ref"
                else _rebased(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebased(item) for item in node]
    return node


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, with the reconciliation schema from ledger/ embedded as components.

    The schema's $defs become components named Reconciliation_<def>, so every reference in the document
    is local to it and any OpenAPI tool can follow them.
    """
    document: dict[str, Any] = json.loads(OPENAPI.read_text("utf-8"))
    reconciliation = {k: v for k, v in schema().items() if k not in {"$schema", "$id", "$defs"}}
    components = document["components"]["schemas"]
    components["Reconciliation"] = _rebased(reconciliation)
    for name, definition in schema().get("$defs", {}).items():
        components[f"Reconciliation_{name}"] = _rebased(definition)
    return document


def _when(row_time: Any) -> str:
    return store.utc(row_time).isoformat(timespec="seconds")


def _ledger_json(seen: LedgerView) -> dict[str, Any]:
    return {
        "id": seen.ledger.id,
        "name": seen.ledger.name,
        "created_at": _when(seen.ledger.created_at),
        "updated_at": _when(seen.ledger.updated_at),
        "version": seen.version.number,
        "role": seen.role.value,
        "versions": [
            {
                "number": v.number,
                "file_name": v.file_name,
                "created_at": _when(v.created_at),
                "claims": v.claim_count,
                "sha256": v.sha256,
            }
            for v in seen.versions
        ],
        "changes": seen.changes,
        "url": url_for("pages.ledger", ledger_id=seen.ledger.id, _external=True),
    }


def _decision_json(row: DecisionRow) -> dict[str, Any]:
    return {
        "finding": row.finding,
        "decision": row.verdict or "undecided",
        "note": row.note,
        "by": row.by,
        "at": _when(row.at),
        "via": row.via,
    }


def _job_json(row: JobRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "state": row.state,
        "progress": row.progress,
        "stage": row.stage,
        "file_name": row.file_name,
        "url": url_for("api.job", job_id=row.id, _external=True),
        "ledger": row.result_ledger_id,
    }
    if row.state == "failed":
        failure = json.loads(row.failure or "{}")
        out["error"] = {"status": row.failure_status or 500, "title": "The upload failed", **failure}
    return out


def _view(ledger_id: str) -> LedgerView:
    return ledgers.view(
        database(),
        ledger_cache(),
        ledger_id,
        limits(),
        request.args.get("version", type=int),
        user_id=_me().id,
    )


def _full(seen: LedgerView) -> dict[str, Any]:
    return {"ledger": _ledger_json(seen), "reconciliation": reconciliation_json(seen.result)}


def _accept_upload(ledger_id: str | None) -> tuple[Response, int]:
    me = _me()
    if ledger_id is not None:
        ledgers.require(database(), ledger_id, me.id, Role.EDITOR)
    upload = request.files.get("workbook") or request.files.get("file")
    content = upload.read() if upload else b""
    file_name = ledgers.checked_file_name(upload.filename if upload else "", content)
    if len(content) > current_app.config["BACKGROUND_ABOVE_BYTES"]:
        job_id = job_runner().submit(file_name, content, limits=limits(), user_id=me.id, ledger_id=ledger_id)
        with database().reading() as s:
            body = _job_json(store.get_job(s, job_id))
        response = jsonify({"job": body})
        response.headers["Location"] = body["url"]
        return response, 202
    new_id = ledgers.store_upload(
        database(), ledger_cache(), file_name, content, limits=limits(), user_id=me.id, ledger_id=ledger_id
    )
    response = jsonify(_full(_view(new_id)))
    response.headers["Location"] = url_for("api.get_ledger", ledger_id=new_id, _external=True)
    return response, 201


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@api.get("/ledgers")
def list_ledgers() -> Response:
    with database().reading() as s:
        listing = store.list_ledgers(s, _me().id)
    return jsonify(
        {
            "ledgers": [
                {
                    "id": item.id,
                    "name": item.name,
                    "updated_at": item.updated_at.isoformat(timespec="seconds"),
                    "versions": item.versions,
                    "claims": item.claims,
                    "findings": item.findings,
                    "undecided": item.undecided,
                    "role": item.role.value,
                    "url": url_for("api.get_ledger", ledger_id=item.id, _external=True),
                }
                for item in listing
            ]
        }
    )


@api.post("/ledgers")
def create_ledger() -> tuple[Response, int]:
    return _accept_upload(None)


@api.post("/ledgers/<ledger_id>/versions")
def add_version(ledger_id: str) -> tuple[Response, int]:
    return _accept_upload(ledger_id)


@api.get("/ledgers/<ledger_id>")
def get_ledger(ledger_id: str) -> Response:
    return jsonify(_full(_view(ledger_id)))


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
    with database().reading() as s:
        store.ledger_for(s, ledger_id, _me().id)
        history = store.decision_history(s, ledger_id)
    return jsonify({"decisions": [_decision_json(row) for row in history]})


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
    seen = ledgers.decide(
        database(),
        ledger_cache(),
        ledger_id,
        finding,
        decision,
        account=_me(),
        note=note,
        via="api",
        limits=limits(),
    )
    with database().reading() as s:
        latest = store.decision_history(s, ledger_id)[0]
    result = reconciliation_json(seen.result)
    return jsonify(
        {
            "decision": _decision_json(latest),
            "finding": next(f for f in result["findings"] if f["id"] == finding),
            "totals": result["totals"],
        }
    ), 201


@api.get("/ledgers/<ledger_id>/downloads/<kind>")
def download(ledger_id: str, kind: str) -> Response:
    made = ledgers.download(_view(ledger_id).result, kind)
    import io

    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


@api.get("/jobs/<job_id>")
def job(job_id: str) -> Response:
    with database().reading() as s:
        row = job_state(store.job_for(s, job_id, _me().id))
        return jsonify({"job": _job_json(row)})
