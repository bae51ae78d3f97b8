"""The Claims sheet: every claim in the ledger's own columns (so that the report reads back as a ledger),
with the pledge it belongs to, the figure it adds to the naive sum, and the findings that touch it.
"""

from __future__ import annotations

from ledger.core.money import quantize
from ledger.workbook.writer import claim_row

from .book import Book, Sheet
from .cells import Kind, Spec
from .formulas import CLAIMS_TABLE
from .look import CLAIM_COLUMNS, CLAIMS_SHEET, fit_width
from .plan import Plan, naive_figure

__all__ = ["write_claims"]

_CLAIM_MONEY = {"Amount", "Naive figure"}


def write_claims(book: Book, plan: Plan) -> None:
    """Write the Claims sheet."""
    result = plan.result
    claims = result.ledger.claims
    sheet = Sheet(book, CLAIMS_SHEET)
    largest = float(max((naive_figure(c) for c in claims), default=0))
    sheet.columns(
        CLAIM_COLUMNS, widths={h: fit_width(w, largest) for h, w in CLAIM_COLUMNS if h in _CLAIM_MONEY}
    )
    sheet.table(CLAIMS_TABLE, 0, len(claims), CLAIM_COLUMNS)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0))
    specs = [
        Spec(Kind.MONEY, styles=book.exact)
        if header in _CLAIM_MONEY
        else Spec(Kind.TEXT, book.top(), quoted=book.quoted())
        for header, _ in CLAIM_COLUMNS
    ]
    rows = sheet.rows(specs, len(claims))
    sources = {s.id: s for s in result.ledger.sources}
    fiscal = result.ledger.settings.fiscal_year_start
    for row, claim in enumerate(claims, start=1):
        pledge = plan.claim_pledge.get(claim.id)
        rows.write(
            row,
            [
                # the ledger's own columns, as the ledger workbook writes them
                *claim_row(claim, sources, fiscal),
                pledge.id if pledge else "",
                pledge.donor if pledge else claim.donor,
                quantize(naive_figure(claim), claim.currency),
                ", ".join(plan.claim_findings.get(claim.id, ())),
            ],
            currency=claim.currency,
        )
