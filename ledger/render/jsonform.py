"""The JSON form of a reconciliation: the contract the CLI and the web API share.

Money is a decimal string with its currency, never a float. The schema is
`ledger/render/schema/reconciliation.schema.json`; tests check every output against it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

from ledger.core.collector import cycle_collection_paused
from ledger.core.findings import Finding
from ledger.core.model import Claim, CurrencyTotals, Pledge, Reconciliation, Source
from ledger.core.money import AmountRange
from ledger.core.problems import Problem

SCHEMA_VERSION = "1"
JSON = dict[str, Any]


def money(amount: Decimal) -> str:
    """A Decimal as a plain decimal string (no exponent): "300000000.00"."""
    return f"{amount:f}"


def amount_range_json(r: AmountRange) -> JSON:
    return {"low": money(r.low), "nominal": money(r.nominal), "high": money(r.high)}


def _ranges(items: tuple[tuple[str, AmountRange], ...]) -> JSON:
    return {key: amount_range_json(r) for key, r in items}


def _amounts(items: tuple[tuple[str, Decimal], ...]) -> JSON:
    return {key: money(amount) for key, amount in items}


def pledge_json(p: Pledge) -> JSON:
    return {
        "id": p.id,
        "claims": list(p.claims),
        "donor": p.donor,
        "recipient": p.recipient,
        "purpose": p.purpose,
        "currency": p.currency,
        "instrument": p.instrument.value,
        "period": {
            "start": p.period.start.isoformat() if p.period.start else None,
            "end": p.period.end.isoformat() if p.period.end else None,
            "text": str(p.period),
        },
        **amount_range_json(p.range),
        "converted_from": list(p.converted_from),
    }


def finding_json(f: Finding) -> JSON:
    out: JSON = {
        "id": f.id,
        "kind": f.kind.value,
        "claims": list(f.claims),
        "rule": f.rule,
        "message": f.message,
        "amount_at_stake": {"amount": money(f.amount_at_stake), "currency": f.currency},
        "decision": f.decision.value if f.decision else None,
        "note": f.note,
    }
    for key, value in f.links().items():
        out[key] = value if isinstance(value, str) else list(value)
    return out


def totals_json(t: CurrencyTotals) -> JSON:
    return {
        "currency": t.currency,
        "naive": money(t.naive),
        "distinct": amount_range_json(t.distinct),
        "new_money": amount_range_json(t.new_money),
        "by_instrument": _ranges(t.by_instrument),
        "by_donor": _ranges(t.by_donor),
        "by_recipient": _ranges(t.by_recipient),
        "by_year": _amounts(t.by_year),
        "by_year_whole": _amounts(t.by_year_whole),
        "converted_from": list(t.converted_from),
        "rates": list(t.rates),
    }


def problem_json(p: Problem) -> JSON:
    return {
        "message": p.message,
        "text": str(p),
        "origin": {
            "workbook": p.origin.workbook,
            "sheet": p.origin.sheet,
            "row": p.origin.row,
            "cell": p.origin.cell,
        },
    }


def claim_json(c: Claim) -> JSON:
    return {
        "id": c.id,
        "source": c.source,
        "donor": c.donor,
        "announced_by": c.announced_by,
        "recipient": c.recipient,
        "purpose": c.purpose,
        "amount": money(c.value),
        "currency": c.currency,
        "approximation": c.approximation.value,
        "period": str(c.period) if c.period.known or c.period.text else "",
        "instrument": c.instrument.value,
        "qualifiers": [str(q) for q in c.qualifiers],
        "quote": c.quote,
    }


def source_json(s: Source) -> JSON:
    return {
        "id": s.id,
        "publisher": s.publisher,
        "title": s.title,
        "date": s.date.isoformat() if s.date else None,
        "url": s.url,
    }


def reconciliation_json(result: Reconciliation) -> JSON:
    """The reconciliation as plain JSON values (see the schema file)."""
    # a large ledger's document is millions of acyclic dicts and lists (and the findings' words, made
    # as they are read): the cycle collector would walk them again and again to find no garbage
    with cycle_collection_paused():
        return _reconciliation_json(result)


def _reconciliation_json(result: Reconciliation) -> JSON:
    return {
        "schema_version": SCHEMA_VERSION,
        "ledger": result.ledger.name,
        "settings": {
            "base_currency": result.ledger.settings.base_currency,
            "tolerance": money(result.ledger.settings.tolerance),
            "fiscal_year_start": result.ledger.settings.fiscal_year_start,
        },
        "sources": [source_json(s) for s in result.ledger.sources],
        "claims": [claim_json(c) for c in result.ledger.claims],
        "pledges": [pledge_json(p) for p in result.pledges],
        "findings": [finding_json(f) for f in result.findings],
        "totals": {t.currency: totals_json(t) for t in result.totals},
        "base_totals": totals_json(result.base_totals) if result.base_totals else None,
        "errors": [problem_json(p) for p in result.errors],
        "warnings": [problem_json(p) for p in result.warnings],
    }


def to_json(result: Reconciliation, indent: int | None = 2) -> str:
    """The reconciliation as a JSON document."""
    return json.dumps(reconciliation_json(result), indent=indent, ensure_ascii=False)


def schema() -> JSON:
    """The JSON Schema every reconciliation document satisfies."""
    text = resources.files("ledger.render").joinpath("schema/reconciliation.schema.json").read_text("utf-8")
    loaded: JSON = json.loads(text)
    return loaded
