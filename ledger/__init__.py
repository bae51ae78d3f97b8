"""The pledge ledger: record announced pledges, find the double counting, publish honest totals.

The Python API in a few lines::

    import ledger
    book = ledger.example_ledger()                      # or ledger.ledger_from_dict({...})
    result = ledger.reconcile(book)
    for finding in result.findings:
        print(finding.kind, finding.message)
    book = book.decide(result.findings[0].id, "accept")
    print(ledger.to_json(ledger.reconcile(book)))

Values are frozen: every change (a claim added, a decision) gives a new Ledger.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from .build import Built, LedgerError, build_ledger
from .jsonform import reconciliation_json, schema, to_json
from .model import (
    Claim,
    CurrencyTotals,
    Decision,
    Finding,
    FindingKind,
    Instrument,
    Ledger,
    Origin,
    Period,
    Pledge,
    Problem,
    Qualifier,
    QualifierKind,
    Reconciliation,
    Settings,
    Severity,
    Source,
    Verdict,
)
from .money import AmountRange, Approximation, Money, Rate, allocate, amount_range, make_money
from .reconcile import reconcile

__all__ = [
    "AmountRange",
    "Approximation",
    "Built",
    "Claim",
    "CurrencyTotals",
    "Decision",
    "Finding",
    "FindingKind",
    "Instrument",
    "Ledger",
    "LedgerError",
    "Money",
    "Origin",
    "Period",
    "Pledge",
    "Problem",
    "Qualifier",
    "QualifierKind",
    "Rate",
    "Reconciliation",
    "Settings",
    "Severity",
    "Source",
    "Verdict",
    "allocate",
    "amount_range",
    "build_ledger",
    "example_ledger",
    "ledger_from_dict",
    "make_claim",
    "make_money",
    "reconcile",
    "reconciliation_json",
    "schema",
    "to_json",
]


def ledger_from_dict(data: Mapping[str, Any]) -> Ledger:
    """A ledger from plain values; raises LedgerError listing every problem at once.

    `data` has "sources" and "claims" (lists of dicts), and optionally "rates", "aliases",
    "decisions" and "settings". Claim fields may be typed text: amount "nearly $300m",
    period "2011-2013" or "this year", qualifiers "loan; in addition to CNN-2".
    Use `build_ledger` instead to get the problems as values (warnings included).
    """
    return build_ledger(data).unwrap()


def make_claim(ledger: Ledger, **fields: Any) -> Ledger:
    """A new ledger with one more claim, from typed fields (as in `ledger_from_dict`).

    Raises LedgerError when a field cannot be understood.
    """
    from .build import ClaimParser

    parser = ClaimParser(ledger.settings, {s.id: s for s in ledger.sources})
    claim, problems = parser.parse(fields, Origin())
    if claim is None:
        raise LedgerError(problems)
    return ledger.with_claim(claim)


def example_ledger() -> Ledger:
    """The worked example: the 2011 Central American Security Conference as BBC and CNN told it."""
    text = resources.files("ledger").joinpath("data/central-america-2011.json").read_text("utf-8")
    return ledger_from_dict(json.loads(text))


def problems_text(problems: Iterable[Problem]) -> str:
    """Problems one per line, each with its place: `Claims!G12: amount "3OOm" is not a number`."""
    return "\n".join(str(p) for p in problems)
