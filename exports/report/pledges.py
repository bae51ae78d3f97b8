"""The Pledges sheet: one row per distinct pledge, what it counts as the findings are decided, and why.

Low, Nominal and High are the pledge's range as reported; Counted and New money are formulas (see
exports.report.formulas) over the helper columns that follow, grouped and folded away: the findings that
move it, the strongest cut they make, the old levels of the increases it is, whether it is a total
counted beyond its pledges, and, for a pledge several claims make, whether its duplicate is rejected.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

from ledger.core.money import minor_unit
from ledger.workbook.layout import instrument_word

from .book import Book, Sheet
from .cells import Kind, Spec
from .formulas import PLEDGES_TABLE, base_formulas, pledge_formulas
from .look import BASE_PLEDGE_COLUMNS, PLEDGE_COLUMNS, PLEDGE_HELPERS, PLEDGES, fit_width
from .plan import Plan, PledgeRow

__all__ = ["write_pledges"]

_MONEY = {"Low", "Nominal", "High", "Rest low", "Rest nominal", "Rest high"}
_MONEY_FORMULAS = {
    *(
        f"{figure} {bound}"
        for figure in ("Counted", "New money", "Old level")
        for bound in ("low", "nominal", "high")
    )
}
_NUMBER_FORMULAS = {"Apart", "Cut", "New money cut", "Total applies"}


def write_pledges(book: Book, plan: Plan) -> None:
    """Write the Pledges sheet."""
    sheet = Sheet(book, PLEDGES)
    visible = PLEDGE_COLUMNS + (BASE_PLEDGE_COLUMNS if plan.base else ())
    columns = visible + PLEDGE_HELPERS
    n = plan.pledge_rows
    largest = float(max((row.contribution.full.high for row in plan.pledges), default=0))
    widths = {h: fit_width(w, largest) for h, w in columns if h in _MONEY or h in _MONEY_FORMULAS}
    sheet.columns(visible, widths=widths, helpers=PLEDGE_HELPERS)
    sheet.table(PLEDGES_TABLE, 0, n, columns)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0), area=(0, 0, max(n, 1), len(visible) - 1))  # not the folded helpers
    col = {header: xl_col_to_name(index) for index, (header, _) in enumerate(columns)}
    formulas = pledge_formulas(col)
    if plan.base:
        formulas |= base_formulas(col, minor_unit(plan.base))
    specs = []
    for header, _ in columns:
        if header in formulas:
            base_column = header.endswith("(base)")
            money = header in _MONEY_FORMULAS
            style = (
                book.exact(plan.base) if base_column and plan.base else (None if money else book.centred())
            )
            specs.append(
                Spec(
                    Kind.FORMULA,
                    style,
                    formulas[header],
                    styles=book.exact if money and not base_column else None,
                )
            )
        elif header in _MONEY:
            specs.append(Spec(Kind.MONEY, styles=book.exact))
        elif header in ("Sources", "Rate to base"):
            specs.append(Spec(Kind.NUMBER, book.top()))
        else:
            specs.append(Spec(Kind.TEXT, book.top(), quoted=book.quoted()))
    rows = sheet.rows(specs, n)
    for index, row in enumerate(plan.pledges, start=1):
        rows.write(index, _cells(row, plan), currency=row.pledge.currency)


def _cells(row: PledgeRow, plan: Plan) -> list[object]:
    p, c, f = row.pledge, row.contribution, row.figures
    full = c.full
    total = bool(c.totals)
    cells: list[object] = [
        p.id,
        p.donor,
        p.recipient,
        p.purpose,
        p.period.label if p.period.known else p.period.text or "unknown",
        instrument_word(p.instrument),
        p.currency,
        full.low,
        full.nominal,
        full.high,
        c.distinct.low,
        c.distinct.nominal,
        c.distinct.high,
        c.new_money.low,
        c.new_money.nominal,
        c.new_money.high,
        row.counts_as,
        row.sources,
        ", ".join(p.claims),
        ", ".join(plan.pledge_findings.get(p.id, ())),
    ]
    if plan.base:
        rate = plan.rates.get(p.currency) if p.currency != plan.base else 1
        cells.append(rate)
        for figure in (c.distinct, c.new_money):
            for bound in ("low", "nominal", "high"):
                amount = getattr(figure, bound)
                cells.append(round(amount * rate, minor_unit(plan.base)) if rate is not None else 0)
    cells += [
        row.moved_by,
        row.duplicate,
        f.apart,
        f.cut,
        f.new_money_cut,
        f.old_level.low,
        f.old_level.nominal,
        f.old_level.high,
        f.total_applies,
        c.beyond_parts.low if total else None,
        c.beyond_parts.nominal if total else None,
        c.beyond_parts.high if total else None,
    ]
    return cells
