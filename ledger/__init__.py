"""The pledge ledger: record announced pledges, find the double counting, publish honest totals.

The Python API in a few lines::

    import ledger
    book = ledger.example_ledger()        # or ledger.ledger_from_dict({...}), or:
    book = ledger.load_workbook("my-ledger.xlsx").unwrap()
    result = ledger.reconcile(book)
    for finding in result.findings:
        print(finding.kind, finding.message)
    book = book.decide(result.findings[0].id, "accept")
    print(ledger.to_json(ledger.reconcile(book)))

Values are frozen: every change (a claim added, a decision) gives a new Ledger.

Claims can be drafted from article text, for the analyst to check::

    drafts = ledger.draft_claims(text, source=ledger.DraftSource(publisher="CNN", date=date(2011, 6, 22)))
    book = ledger.with_drafts(book, drafts.only({"D1", "D3"}))   # the drafts left ticked
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ledger.core.findings import (
    AggregateFinding,
    AggregateTooSmall,
    AlreadyProvided,
    Baseline,
    Contained,
    Converted,
    Duplicate,
    Finding,
    FindingKind,
    Misreport,
    OtherCurrency,
    PossibleDuplicate,
    PreviouslyAnnounced,
    Proposed,
    Repackaged,
    UnitError,
    Verdict,
)
from ledger.core.model import (
    Alias,
    Built,
    Claim,
    Contribution,
    CurrencyTotals,
    Decision,
    Instrument,
    Ledger,
    Period,
    Pledge,
    Qualifier,
    QualifierKind,
    Reconciliation,
    Settings,
    Source,
)
from ledger.core.money import AmountRange, Approximation, Money, Rate, allocate, amount_range, make_money
from ledger.core.problems import LedgerError, Origin, Problem, Severity, problems_text
from ledger.drafting import Draft, Drafts, DraftSource, SkippedFigure, draft_claims, read_article
from ledger.drafting.ledger_form import with_drafts
from ledger.engine.effects import EFFECTS, Effect
from ledger.engine.reconcile import reconcile
from ledger.parsing.amounts import ParsedAmount, parse_amount
from ledger.parsing.build import ClaimParser, build_ledger
from ledger.parsing.periods import year_weights
from ledger.render.jsonform import reconciliation_json, schema, to_json
from ledger.workbook import load_workbook, save_workbook

__all__ = [
    "EFFECTS",
    "AggregateFinding",
    "AggregateTooSmall",
    "Alias",
    "AlreadyProvided",
    "AmountRange",
    "Approximation",
    "Baseline",
    "Built",
    "Claim",
    "Contained",
    "Contribution",
    "Converted",
    "CurrencyTotals",
    "Decision",
    "Draft",
    "DraftSource",
    "Drafts",
    "Duplicate",
    "Effect",
    "Finding",
    "FindingKind",
    "Instrument",
    "Ledger",
    "LedgerError",
    "Misreport",
    "Money",
    "Origin",
    "OtherCurrency",
    "ParsedAmount",
    "Period",
    "Pledge",
    "PossibleDuplicate",
    "PreviouslyAnnounced",
    "Problem",
    "Proposed",
    "Qualifier",
    "QualifierKind",
    "Rate",
    "Reconciliation",
    "Repackaged",
    "Settings",
    "Severity",
    "SkippedFigure",
    "Source",
    "UnitError",
    "Verdict",
    "allocate",
    "amount_range",
    "build_ledger",
    "draft_claims",
    "example_ledger",
    "ledger_from_dict",
    "load_workbook",
    "make_claim",
    "make_money",
    "parse_amount",
    "problems_text",
    "read_article",
    "reconcile",
    "reconciliation_json",
    "save_workbook",
    "schema",
    "to_json",
    "with_drafts",
    "year_weights",
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
    parser = ClaimParser(ledger.settings, {s.id: s for s in ledger.sources})
    claim, problems = parser.parse(fields, Origin())
    if claim is None:
        raise LedgerError(problems)
    return ledger.with_claim(claim)


def example_ledger() -> Ledger:
    """The worked example: the 2011 Central American Security Conference as BBC and CNN told it."""
    text = resources.files("ledger").joinpath("data/central-america-2011.json").read_text("utf-8")
    return ledger_from_dict(json.loads(text))
