"""The JSON API's bodies: ledgers, versions, decisions, jobs, listings, and the OpenAPI document with the
reconciliation schema from ledger/ embedded."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from flask import url_for

from ledger import reconciliation_json, schema

from ..services.ledgers import LedgerView
from ..storage.models import DecisionRow, JobRow
from ..storage.store import LedgerListing, utc

# packaged with the app (pyproject package-data)
OPENAPI = resources.files("app").joinpath("openapi.json")


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


def _when(row_time: datetime) -> str:
    return utc(row_time).isoformat(timespec="seconds")


def ledger_json(seen: LedgerView) -> dict[str, Any]:
    """A ledger: its name, times, the version shown, the account's role, every version, what changed."""
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


def full_json(seen: LedgerView) -> dict[str, Any]:
    """A ledger and its reconciliation."""
    return {"ledger": ledger_json(seen), "reconciliation": reconciliation_json(seen.result)}


def decision_json(row: DecisionRow) -> dict[str, Any]:
    """A decision event."""
    return {
        "finding": row.finding,
        "decision": row.verdict or "undecided",
        "note": row.note,
        "by": row.by,
        "at": _when(row.at),
        "via": row.via,
    }


def job_json(row: JobRow) -> dict[str, Any]:
    """A background upload: its state and progress, the ledger it made, or how it failed."""
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


def listing_json(item: LedgerListing) -> dict[str, Any]:
    """A line of the ledger list."""
    return {
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
