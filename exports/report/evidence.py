"""The Evidence sheet: one row per claim a finding quotes, in the order of the Findings sheet.

Each row holds the claim's source, date, figure and quote, in full and wrapped, with a link to the
claim's row on the Claims sheet.
"""

from __future__ import annotations

from .book import Book, Sheet, lines, row_height
from .cells import Kind, Link, Spec
from .look import CLAIMS_SHEET, EVIDENCE, EVIDENCE_COLUMNS
from .plan import Plan

__all__ = ["write_evidence"]


def write_evidence(book: Book, plan: Plan) -> None:
    """Write the Evidence sheet: the claims each finding quotes, in the Findings' order."""
    sheet = Sheet(book, EVIDENCE)
    n = plan.evidence_rows
    sheet.columns(EVIDENCE_COLUMNS)
    sheet.table("EvidenceTable", 0, n, EVIDENCE_COLUMNS)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0), area=(0, 0, max(n, 1), len(EVIDENCE_COLUMNS) - 2))
    widths = {h: sheet.look.width(h, w) for h, w in EVIDENCE_COLUMNS}
    wrapped, quoted = book.wrapped(), book.quoted(wrap=True)
    specs = []
    for header, _ in EVIDENCE_COLUMNS:
        if header == "Claim":
            specs.append(Spec(Kind.LINK))
        elif header == "Date":
            specs.append(Spec(Kind.DATE, book.date()))
        elif header == "Link":
            specs.append(Spec(Kind.TEXT, book.top(), quoted=book.quoted()))
        else:
            specs.append(Spec(Kind.TEXT, wrapped, quoted=quoted))
    rows = sheet.rows(specs, n)
    for index, e in enumerate(plan.evidence(), start=1):
        claim = (
            Link(f"internal:'{CLAIMS_SHEET}'!A{e.claims_row + 1}", e.claim) if e.claims_row > 0 else e.claim
        )
        height = row_height(
            max(
                lines(e.quote, widths["Quote"]),
                lines(e.source, widths["Source"]),
                lines(e.label, widths["Kind"]),
            )
        )
        rows.write(
            index,
            [e.finding, e.label, claim, e.source, e.date, e.figure, e.quote, e.url],
            height=height,
        )
