"""The Claims apart sheet: each claim of a duplicate, ready to count as a pledge of its own.

While its duplicate is undecided or accepted a claim apart counts nothing (its pledge counts, once);
reject the duplicate on the Findings sheet and its pledge counts, instead, what its claims count here
(exports.report.formulas says which findings still fall on a claim apart).
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

from .book import Book, Sheet
from .cells import Kind, Spec
from .formulas import APART_TABLE, apart_formulas
from .look import APART, APART_COLUMNS, APART_HELPERS, fit_width
from .plan import Plan

__all__ = ["write_apart"]


def write_apart(book: Book, plan: Plan) -> None:
    """Write Claims apart (always, so that the Pledges formulas find its table, if empty)."""
    sheet = Sheet(book, APART)
    columns = APART_COLUMNS + APART_HELPERS
    largest = float(max((a.own.high for a in plan.apart), default=0))
    money = {
        h for h, _ in columns if h.startswith(("Low", "Nominal", "High", "Counted", "New money", "Old level"))
    }
    sheet.columns(
        APART_COLUMNS,
        widths={h: fit_width(w, largest) for h, w in columns if h in money},
        helpers=APART_HELPERS,
    )
    sheet.table(APART_TABLE, 0, len(plan.apart), columns)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0), area=(0, 0, max(len(plan.apart), 1), len(APART_COLUMNS) - 1))  # not the helpers
    col = {header: xl_col_to_name(index) for index, (header, _) in enumerate(columns)}
    formulas = apart_formulas(col)
    specs = []
    for header, _ in columns:
        if header in formulas:
            specs.append(
                Spec(
                    Kind.FORMULA,
                    None if header in money else book.centred(),
                    formulas[header],
                    styles=book.exact if header in money else None,
                )
            )
        elif header in money:
            specs.append(Spec(Kind.MONEY, styles=book.exact))
        elif header.startswith("Says "):
            specs.append(Spec(Kind.NUMBER, book.centred()))
        else:
            specs.append(Spec(Kind.TEXT, book.top(), quoted=book.quoted()))
    says = [header.removeprefix("Says ") for header, _ in APART_HELPERS if header.startswith("Says ")]
    rows = sheet.rows(specs, len(plan.apart))
    for index, apart in enumerate(plan.apart, start=1):
        f = apart.figures
        rows.write(
            index,
            [
                apart.claim.id,
                apart.pledge,
                apart.own.low,
                apart.own.nominal,
                apart.own.high,
                f.distinct.low,
                f.distinct.nominal,
                f.distinct.high,
                f.new_money.low,
                f.new_money.nominal,
                f.new_money.high,
                apart.duplicate,
                *(int(words in apart.says) for words in says),
                apart.pledges_row,
                0,
                f.cut,
                f.new_money_cut,
                f.old_level.low,
                f.old_level.nominal,
                f.old_level.high,
            ],
            currency=apart.claim.currency,
        )
