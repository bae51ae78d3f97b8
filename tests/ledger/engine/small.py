"""Small ledgers for the engine's pass tests, typed as an analyst types them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ledger
from ledger import Finding, Ledger, Reconciliation

SOURCES = [
    {"id": "A", "publisher": "Agence", "date": "2011-06-22"},
    {"id": "B", "publisher": "Bulletin", "date": "2011-06-23"},
]


def claim(claim_id: str, **fields: Any) -> dict[str, Any]:
    """A claim's fields: a US pledge of $300m to Guatemala for 2011 unless told otherwise."""
    return {
        "id": claim_id,
        "source": "A",
        "donor": "United States",
        "recipient": "Guatemala",
        "amount": "300000000",
        "currency": "USD",
        "period": "2011",
        "quote": f"the words of {claim_id}",
        **fields,
    }


def book(*claims: dict[str, Any], **extra: Any) -> Ledger:
    """A ledger of these claims over sources A and B (and `extra` keys: rates, settings, decisions)."""
    return ledger.ledger_from_dict({"sources": SOURCES, "claims": list(claims), **extra})


def reconciled(*claims: dict[str, Any], **extra: Any) -> Reconciliation:
    result = ledger.reconcile(book(*claims, **extra))
    assert result.errors == (), result.errors
    return result


def pledge_of(result: Reconciliation, claim_id: str) -> ledger.Pledge:
    return next(p for p in result.pledges if claim_id in p.claims)


def grouped(result: Reconciliation) -> set[frozenset[str]]:
    """The claims of every pledge that more than one claim reports."""
    return {frozenset(p.claims) for p in result.pledges if len(p.claims) > 1}


def kinds(findings: Iterable[Finding]) -> list[str]:
    return sorted(f.kind.value for f in findings)
