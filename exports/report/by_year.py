"""The By year sheet: the distinct pledges per year, each pledge spread over the years it covers.

Each pledge's nominal is spread over its years to the cent, as the engine spreads it (a share per year
in proportion to the part of the year it covers; the shares add back to the pledge exactly), and so is
a total's rest. The Amount of each year is a formula: the share of what the pledge counts now (nothing,
its nominal, its rest; anything else, a duplicate's claims counted apart, in proportion).
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell  # type: ignore[import-untyped]

from .book import Book, Sheet
from .cells import Formula, Kind, Spec
from .formulas import SPREAD_TABLE, spread_formulas
from .look import BY_YEAR, YEAR_SPREAD_COLUMNS, YEAR_TOTAL_COLUMNS, fit_width
from .plan import Plan, currency_order

__all__ = ["YEAR_TOTALS_HEADER_ROW", "write_by_year", "year_totals"]

YEAR_TOTALS_HEADER_ROW = 2  # on By year: the year totals table's header row (0-based)
_MONEY = {"Amount", "Nominal", "Share of the nominal", "Rest", "Share of the rest", "Counted nominal"}


def year_totals(plan: Plan) -> list[tuple[int | str, str, Decimal]]:
    """(year, currency, total now) from the spread, grouped by currency (largest first), years in order."""
    sums = plan.years()
    order = {t.currency: i for i, t in enumerate(currency_order(plan.result))}
    keys = sorted(sums, key=lambda k: (order.get(k[0], len(order)), k[0], isinstance(k[1], str), str(k[1])))
    return [(year, cur, sums[(cur, year)]) for cur, year in keys]


def year_format(book: Book, plan: Plan) -> object:
    """Years as numbers: 2011, or FY2012 for a fiscal year (named by the year it ends in)."""
    return book.format(
        ("year", plan.fiscal), {"num_format": '"FY"0' if plan.fiscal else "0", "align": "left"}
    )


def write_by_year(book: Book, plan: Plan) -> None:
    """Write the By year sheet: the year totals, then each pledge's share of each year."""
    sheet = Sheet(book, BY_YEAR)
    largest = float(max((row.contribution.full.nominal for row in plan.pledges), default=0))
    widths = {h: fit_width(w, largest) for h, w in YEAR_SPREAD_COLUMNS if h in _MONEY}
    sheet.columns(YEAR_SPREAD_COLUMNS, widths=widths)
    look = book.style
    sheet.text(
        0,
        0,
        "Distinct pledges by year: each pledge spread over its years, to the cent",
        book.look_of("section", look.section),
    )
    totals = year_totals(plan)
    header = YEAR_TOTALS_HEADER_ROW
    sheet.table("YearTotalsTable", header, header + len(totals), YEAR_TOTAL_COLUMNS)
    years = year_format(book, plan)
    row = header
    for year, cur, amount in totals:
        row += 1
        sheet.write(row, 0, year, years)
        sheet.text(row, 1, cur)
        sheet.write(
            row,
            2,
            Formula(
                f"=SUMIFS({SPREAD_TABLE}[Amount],{SPREAD_TABLE}[Year],{xl_rowcol_to_cell(row, 0)},"
                f"{SPREAD_TABLE}[Currency],{xl_rowcol_to_cell(row, 1)})",
                amount,
            ),
            book.scaled(cur),
        )
    spread_header = header + len(totals) + 3
    sheet.text(
        spread_header - 1, 0, "Each pledge's share of each year", book.look_of("section", look.section)
    )
    n = plan.spread_rows()
    sheet.table(SPREAD_TABLE, spread_header, spread_header + n, YEAR_SPREAD_COLUMNS)
    sheet.freeze(spread_header + 1, 0)
    sheet.page(repeat=(spread_header, spread_header))
    col = {h: xl_col_to_name(i) for i, (h, _) in enumerate(YEAR_SPREAD_COLUMNS)}
    formulas = spread_formulas(col)
    specs = []
    for h, _ in YEAR_SPREAD_COLUMNS:
        if h in formulas:
            specs.append(Spec(Kind.FORMULA, formula=formulas[h], styles=book.exact if h in _MONEY else None))
        elif h in _MONEY:
            specs.append(Spec(Kind.MONEY, styles=book.exact))
        elif h == "Year":
            specs.append(Spec(Kind.NUMBER, years))
        else:
            specs.append(Spec(Kind.TEXT, quoted=book.quoted()))
    rows = sheet.rows(specs, spread_header + n)
    for index, s in enumerate(plan.spread(), start=spread_header + 1):
        rows.write(
            index,
            [
                s.year,
                s.currency,
                s.amount,
                s.pledge,
                s.donor,
                s.nominal,
                s.share,
                s.rest,
                s.rest_share,
                s.pledges_row,
                s.counted,
            ],
            currency=s.currency,
        )
