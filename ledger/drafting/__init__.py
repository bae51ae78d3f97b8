"""Drafting claims from article text: paste a news report, get the ledger rows with their quotes.

    drafts = draft_claims(text, DraftSource(publisher="CNN", date=date(2011, 6, 22)))
    for draft in drafts.drafts:
        print(draft.donor, draft.amount, draft.currency, draft.reason, draft.confidence.score)
    for figure in drafts.skipped:
        print(figure.text, "-", figure.reason)

Rule-based and explained: every draft carries the words that decided each field, and every figure not
taken says why. The analyst checks the drafts before they enter a ledger (`with_drafts`).
"""

from ledger.drafting.draft import draft_claims
from ledger.drafting.edits import EDITABLE_FIELDS, Edited, FieldProblem, draft_fields, edit_drafts
from ledger.drafting.inputs import Article, read_article
from ledger.drafting.values import (
    Confidence,
    Draft,
    Drafts,
    DraftSource,
    Evidence,
    Figure,
    SkippedFigure,
    Span,
)

__all__ = [
    "EDITABLE_FIELDS",
    "Article",
    "Confidence",
    "Draft",
    "DraftSource",
    "Drafts",
    "Edited",
    "Evidence",
    "FieldProblem",
    "Figure",
    "SkippedFigure",
    "Span",
    "draft_claims",
    "draft_fields",
    "edit_drafts",
    "read_article",
]
