"""The Summary: one printed page an editor can read and quote, every figure live.

From the top: the ledger's name, when the report was written, the sentence to quote per currency (as
reconciled), a status line counting the findings by decision, a flag when a decision changed since the
report was made (and whether the figures need a re-upload), the totals per currency (every report added
up, the distinct pledges low / nominal / high, new money, and the distinct nominal by instrument, adding
up to it), in the base currency when the ledger gives rates, a legend, the top donors with the others
and the totals over donors apart, and two charts below: by donor, and by year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell  # type: ignore[import-untyped]

from ledger.core.findings import FindingKind
from ledger.core.model import CurrencyTotals
from ledger.core.money import minor_unit, quantize
from ledger.engine.effects import EFFECTS, State
from ledger.render.sentences import headline

from .book import Book, Sheet, lines, row_height
from .by_year import YEAR_TOTALS_HEADER_ROW, year_totals
from .cells import Formula
from .formulas import CLAIMS_TABLE, FINDINGS_TABLE, PLEDGES_TABLE
from .look import BY_YEAR, COLLECTIVE_COLUMNS, DONOR_COLUMNS, SUMMARY, TOTAL_COLUMNS, CellLook, axis_format
from .plan import STALE_KIND, DonorRow, Plan, currency_order

__all__ = ["FIGURE_NAMES", "write_summary"]

# Named cells for the headline figures: Naive_USD, Distinct_low_USD, ... (Base_... in the base currency).
FIGURE_NAMES = (
    "Naive",
    "Distinct_low",
    "Distinct_nominal",
    "Distinct_high",
    "New_money_low",
    "New_money_nominal",
    "New_money_high",
    "Grants",
    "Loans",
    "Other_instruments",
    "Not_stated",
)
LEGEND = (
    "Every report added up: the naive sum of every figure reported, the same money counted as often as it "
    "was announced.",
    "Distinct: each pledge counted once, from low to high (approximations, and findings not yet decided), "
    "with the nominal figure between.",
    "New money: the distinct pledges less repackaged money, money already provided and the old level of "
    "an increase.",
    "Grants + loans + other instruments + instrument not stated = the distinct nominal.",
)
_OTHER_INSTRUMENTS = ("guarantee", "debt_relief", "in_kind", "mixed")
_PAGE_WIDTH = sum(w for _, w in TOTAL_COLUMNS)
CHART_ROWS = 17


def _last_column() -> int:
    return len(TOTAL_COLUMNS) - 1


def write_summary(book: Book, plan: Plan, written: datetime, version: str) -> None:
    """Write the Summary sheet."""
    result = plan.result
    sheet = Sheet(book, SUMMARY)
    sheet.columns(TOTAL_COLUMNS)
    sheet.page(one_page=True)
    look = book.style
    ws = sheet.ws
    last = _last_column()
    row = 0
    sheet.text(row, 0, result.ledger.name or "Pledge reconciliation", book.look_of("title", look.title))
    row += 1
    stamp = f"Pledge reconciliation report, written {written:%Y-%m-%d %H:%M} UTC"
    sheet.text(row, 0, stamp + (f", version {version}" if version else ""), _note(book))
    row += 1
    ordered = currency_order(result)
    sentences = [headline(t) for t in ordered]
    if result.base_totals is not None:
        sentences.append(f"In {result.base_totals.currency}, with your rates: {headline(result.base_totals)}")
    headline_format = book.look_of("headline", look.headline, {"text_wrap": True, "valign": "top"})
    for sentence in sentences:
        _merged(sheet, row, sentence, headline_format, lines(sentence, _PAGE_WIDTH * 0.85))
        row += 1
    status = book.look_of("status", CellLook(bold=True))
    sheet.write(row, 0, Formula(_status_formula(), _status_now(plan)), status)
    row += 1
    flag = book.look_of("flag", CellLook(bold=True, font_color="#C00000"))
    sheet.write(row, 0, Formula(_flag_formula(), ""), flag)
    row += 2

    sheet.text(row, 0, "Totals", book.look_of("section", look.section))
    row += 1
    base = result.base_totals
    columns = TOTAL_COLUMNS + ((("Rate to base", 12.0),) if base is not None else ())
    if base is not None and not book.plain:
        ws.set_column(len(TOTAL_COLUMNS), len(TOTAL_COLUMNS), 12)
    sheet.table("TotalsTable", row, row + len(ordered), columns)
    first_total = row + 1
    for index, totals in enumerate(ordered):
        _totals_row(book, sheet, first_total + index, totals, plan)
    row = first_total + len(ordered) + 1
    if base is not None and plan.base is not None:
        sheet.text(
            row, 0, f"In {base.currency}, converted with your rates", book.look_of("section", look.section)
        )
        row += 1
        sheet.table("BaseTotalsTable", row, row + 1, TOTAL_COLUMNS)
        row += 1
        _base_row(book, sheet, row, base, plan, first_total)
        row += 2
    legend = book.look_of("legend", CellLook(italic=True, font_color="#404040"), {"text_wrap": True})
    for text in LEGEND:
        _merged(sheet, row, text, legend, 1)
        row += 1
    row += 1

    if not ordered:
        return
    main = ordered[0]
    top, others, collective = plan.donors(main.currency)
    section = book.look_of("section", look.section)
    sheet.text(row, 0, f"Top donors, {main.currency}", section)
    if collective:
        sheet.text(row, 6, f"Totals over donors, {main.currency}", section)
    header = row + 1
    donor_rows = len(top) + (1 if others else 0)
    sheet.table("DonorsTable", header, header + max(donor_rows, 1), DONOR_COLUMNS)
    if collective:
        sheet.table("CollectiveTable", header, header + len(collective), COLLECTIVE_COLUMNS, first=6)
    cells = _donor_cells(book, main.currency, top, others, collective, header, first_total)
    for offset in range(max(donor_rows, len(collective))):
        for column, (value, fmt) in cells.get(offset, []):
            sheet.write(header + 1 + offset, column, value, fmt)
    row = header + max(donor_rows, len(collective), 1) + 2
    if not book.plain:
        _donor_chart(book, sheet, main, top, others, header, row)
        _year_chart(book, sheet, plan, main, row)
        ws.print_area(0, 0, row + CHART_ROWS, last)


# ---------------------------------------------------------------------------------------------------------


def _note(book: Book) -> object:
    return book.look_of("note", CellLook(italic=True, font_color="#595959"))


def _merged(sheet: Sheet, row: int, text: str, fmt: object, count: int) -> None:
    """Text across the page's width, wrapped, with the row as tall as its lines."""
    if sheet.plain:
        sheet.text(row, 0, text)
        return
    sheet.ws.merge_range(row, 0, row, _last_column(), "", fmt)
    sheet.text(row, 0, text, fmt)
    height = row_height(count)
    if height:
        sheet.ws.set_row(row, height)


def _counts(state: str) -> str:
    return f'COUNTIFS({FINDINGS_TABLE}[Read as],"{state}",{FINDINGS_TABLE}[Kind],"<>{STALE_KIND}")'


def _status_formula() -> str:
    accepted, rejected, undecided = (
        _counts(s.value) for s in (State.ACCEPTED, State.REJECTED, State.UNDECIDED)
    )
    every = f"({accepted}+{rejected}+{undecided})"

    def shown(count: str) -> str:
        return f'TEXT({count},"#,##0")'

    return (
        f'=IF({every}=0,"No findings: every pledge counts in full.",{shown(every)}&IF({every}=1," finding: ",'
        f'" findings: ")&{shown(accepted)}&" accepted, "&{shown(rejected)}&" rejected, "&{shown(undecided)}'
        f'&" undecided.")'
    )


def _status_now(plan: Plan) -> str:
    found = [r.state for r in plan.findings if r.finding is not None]
    if not found:
        return "No findings: every pledge counts in full."
    counts = {s: sum(1 for x in found if x is s) for s in State}
    noun = "finding" if len(found) == 1 else "findings"
    return (
        f"{len(found):,} {noun}: {counts[State.ACCEPTED]:,} accepted, {counts[State.REJECTED]:,} rejected, "
        f"{counts[State.UNDECIDED]:,} undecided."
    )


def _flag_formula() -> str:
    f = FINDINGS_TABLE
    duplicate = EFFECTS[FindingKind.DUPLICATE].label

    def now(*criteria: str) -> str:
        return f"SUMIFS({f}[Re-upload now],{','.join(criteria)})"

    rejected = now(f'{f}[Kind],"{duplicate}"', f'{f}[Read as],"rejected"')
    taken_back = now(f'{f}[Kind],"{duplicate}"', f'{f}[Read as],"<>rejected"')
    others = now(f'{f}[Kind],"<>{duplicate}"')
    reasons = (
        f'IF({rejected}>0,"; a duplicate was rejected (its claims now count apart, and the findings about them '
        f'may change)","")&IF({taken_back}>0,"; a duplicate rejected when the report was made is no longer '
        f'rejected","")&IF({others}>0,"; a decision about a pledge inside a total changed (what the total holds '
        f'beyond its pledges is as reconciled)","")'
    )
    changed = f"SUM({f}[Changed])"
    return (
        f'=IF(SUM({f}[Re-upload now])>0,"Figures need a re-upload: "&MID({reasons},3,1000)&".",'
        f'IF({changed}>0,{changed}&IF({changed}=1," decision changed"," decisions changed")&" since the report '
        f'was made: the figures follow, the sentences above do not (upload the report to update them).",""))'
    )


def _totals_row(book: Book, sheet: Sheet, row: int, totals: CurrencyTotals, plan: Plan) -> None:
    cur = totals.currency
    key = xl_rowcol_to_cell(row, 0)

    def pledges(column: str, instrument: str = "") -> str:
        of = f',{PLEDGES_TABLE}[Instrument],"{instrument}"' if instrument else ""
        return f"=SUMIFS({PLEDGES_TABLE}[{column}],{PLEDGES_TABLE}[Currency],{key}{of})"

    naive = Formula(f"=SUMIFS({CLAIMS_TABLE}[Naive figure],{CLAIMS_TABLE}[Currency],{key})", totals.naive)
    values = [cur, *_figures(totals, row, naive, pledges)]
    if plan.base is not None:
        values.append(Decimal(1) if cur == plan.base else plan.rates.get(cur))
    _write_figures(book, sheet, row, cur, values)
    _define_names(book, cur, row)


def _base_row(book: Book, sheet: Sheet, row: int, base: CurrencyTotals, plan: Plan, first: int) -> None:
    cur = base.currency
    currencies = len(plan.result.totals)
    naive_cells = f"{xl_rowcol_to_cell(first, 1)}:{xl_rowcol_to_cell(first + currencies - 1, 1)}"
    rate_cells = f"{xl_rowcol_to_cell(first, 12)}:{xl_rowcol_to_cell(first + currencies - 1, 12)}"

    def pledges(column: str, instrument: str = "") -> str:
        if not instrument:
            return f"=SUM({PLEDGES_TABLE}[{column} (base)])"
        return f'=SUMIFS({PLEDGES_TABLE}[{column} (base)],{PLEDGES_TABLE}[Instrument],"{instrument}")'

    naive = Formula(
        f"=ROUND(SUMPRODUCT({naive_cells},{rate_cells}),{minor_unit(cur)})", quantize(base.naive, cur)
    )
    _write_figures(book, sheet, row, cur, [cur, *_figures(base, row, naive, pledges)])
    _define_names(book, "base", row)


def _figures(
    totals: CurrencyTotals, row: int, naive: Formula, pledges: Callable[[str, str], str]
) -> list[object]:
    """A totals row after its currency: every report added up, the distinct and new-money bounds, then grants,
    loans, other instruments and instrument not stated; each a live formula (`pledges` sums a Pledges column,
    of one instrument when given) with the engine's figure stored beside it."""
    by_instrument = dict(totals.by_instrument)

    def instrument(word: str) -> Decimal:
        found = by_instrument.get(word)
        return found.nominal if found else Decimal(0)

    grants, loans, unknown = instrument("grant"), instrument("loan"), instrument("unknown")
    distinct, new_money = totals.distinct, totals.new_money
    return [
        naive,
        Formula(pledges("Counted low", ""), distinct.low),
        Formula(pledges("Counted nominal", ""), distinct.nominal),
        Formula(pledges("Counted high", ""), distinct.high),
        Formula(pledges("New money low", ""), new_money.low),
        Formula(pledges("New money nominal", ""), new_money.nominal),
        Formula(pledges("New money high", ""), new_money.high),
        Formula(pledges("Counted nominal", "grant"), grants),
        Formula(pledges("Counted nominal", "loan"), loans),
        Formula(  # other instruments: what the distinct nominal holds beyond grants, loans and not stated
            f"={xl_rowcol_to_cell(row, 3)}-{xl_rowcol_to_cell(row, 8)}-{xl_rowcol_to_cell(row, 9)}-{xl_rowcol_to_cell(row, 11)}",
            distinct.nominal - grants - loans - unknown,
        ),
        Formula(pledges("Counted nominal", "unknown"), unknown),
    ]


def _write_figures(book: Book, sheet: Sheet, row: int, currency: str, values: Sequence[object]) -> None:
    money = book.scaled(currency)
    for column, value in enumerate(values):
        sheet.write(row, column, value, money if isinstance(value, Formula) else book.top())


def _define_names(book: Book, key: str, row: int) -> None:
    if book.plain:
        return
    prefix, suffix = ("Base_", "") if key == "base" else ("", f"_{key}")
    for index, name in enumerate(FIGURE_NAMES, start=1):
        book.workbook.define_name(
            f"{prefix}{name}{suffix}", f"='{SUMMARY}'!{xl_rowcol_to_cell(row, index, True, True)}"
        )


def _donor_cells(
    book: Book,
    currency: str,
    top: Sequence[DonorRow],
    others: Sequence[DonorRow],
    collective: Sequence[DonorRow],
    header: int,
    totals_row: int,
) -> dict[int, list[tuple[int, tuple[object, object]]]]:
    """The donor and collective tables' cells, by row offset under their header: (column, (value, format))."""
    money, percent = book.scaled(currency), book.percent()
    claims, pledges = CLAIMS_TABLE, PLEDGES_TABLE
    naive_total, distinct_total = (
        xl_rowcol_to_cell(totals_row, 1, True, True),
        xl_rowcol_to_cell(totals_row, 3, True, True),
    )
    found: dict[int, list[tuple[int, tuple[object, object]]]] = {}
    every_distinct = sum((d.distinct for d in (*top, *others, *collective)), Decimal(0))

    def naive(row: int, column: int) -> str:
        return (
            f"=SUMPRODUCT(--({claims}[Currency]={xl_rowcol_to_cell(row, column + 1)}),"
            f"--EXACT({claims}[Pledge donor],{xl_rowcol_to_cell(row, column)}),{claims}[Naive figure])"
        )

    def distinct(row: int, column: int) -> str:
        return (
            f"=SUMPRODUCT(--({pledges}[Currency]={xl_rowcol_to_cell(row, column + 1)}),"
            f"--EXACT({pledges}[Donor],{xl_rowcol_to_cell(row, column)}),{pledges}[Counted nominal])"
        )

    def share(row: int, value: Decimal) -> tuple[int, tuple[object, object]]:
        return (
            4,
            (
                Formula(
                    f"=IF({distinct_total}=0,0,{xl_rowcol_to_cell(row, 3)}/{distinct_total})",
                    float(value / every_distinct) if every_distinct else 0,
                ),
                percent,
            ),
        )

    for offset, donor in enumerate(top):
        row = header + 1 + offset
        found[offset] = [
            (0, (donor.donor, book.top())),
            (1, (currency, book.top())),
            (2, (Formula(naive(row, 0), donor.naive), money)),
            (3, (Formula(distinct(row, 0), donor.distinct), money)),
            share(row, donor.distinct),
        ]
    if others:
        offset = len(top)
        row = header + 1 + offset
        above = f"{xl_rowcol_to_cell(header + 1, 2)}:{xl_rowcol_to_cell(row - 1, 2)}" if top else ""
        above_d = f"{xl_rowcol_to_cell(header + 1, 3)}:{xl_rowcol_to_cell(row - 1, 3)}" if top else ""
        coll_n = (
            f"-SUM({xl_rowcol_to_cell(header + 1, 8)}:{xl_rowcol_to_cell(header + len(collective), 8)})"
            if collective
            else ""
        )
        coll_d = (
            f"-SUM({xl_rowcol_to_cell(header + 1, 9)}:{xl_rowcol_to_cell(header + len(collective), 9)})"
            if collective
            else ""
        )
        found[offset] = [
            (0, (f"Others ({len(others)} donor{'s' if len(others) != 1 else ''})", book.top())),
            (1, (currency, book.top())),
            (
                2,
                (
                    Formula(
                        f"={naive_total}" + (f"-SUM({above})" if above else "") + coll_n,
                        sum((d.naive for d in others), Decimal(0)),
                    ),
                    money,
                ),
            ),
            (
                3,
                (
                    Formula(
                        f"={distinct_total}" + (f"-SUM({above_d})" if above_d else "") + coll_d,
                        sum((d.distinct for d in others), Decimal(0)),
                    ),
                    money,
                ),
            ),
            share(row, sum((d.distinct for d in others), Decimal(0))),
        ]
    for offset, total in enumerate(collective):
        row = header + 1 + offset
        found.setdefault(offset, []).extend(
            [
                (6, (total.donor, book.top())),
                (7, (currency, book.top())),
                (8, (Formula(naive(row, 6), total.naive), money)),
                (9, (Formula(distinct(row, 6), total.distinct), money)),
            ]
        )
    for cells in found.values():
        cells.sort(key=lambda c: c[0])
    return found


def _donor_chart(
    book: Book,
    sheet: Sheet,
    totals: CurrencyTotals,
    top: Sequence[DonorRow],
    others: Sequence[DonorRow],
    header: int,
    anchor: int,
) -> None:
    rows = len(top)  # the others together would dwarf every donor: they are in the table, not the chart
    if rows == 0:
        return
    chart = book.workbook.add_chart({"type": "bar"})
    first, last = header + 1, header + rows
    for column, name, colour in ((2, "Every report added up", "#A6A6A6"), (3, "Distinct pledges", "#1F4E78")):
        chart.add_series(
            {
                "name": name,
                "categories": [SUMMARY, first, 0, last, 0],
                "values": [SUMMARY, first, column, last, column],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    largest = float(max([d.naive for d in top] + [Decimal(0)]))
    chart.set_title({"name": f"By donor ({totals.currency})", "name_font": {"size": 11}})
    chart.set_x_axis(
        {
            "num_format": axis_format(largest),
            "num_font": {"size": 8, "rotation": 0},
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 540, "height": CHART_ROWS * 20})
    description = (
        f"Bar chart, by donor in {totals.currency}: every report added up beside the distinct pledges, "
        f"for the {len(top)} largest donors"
        + (f" ({len(others)} others are in the table above)." if others else ".")
    )
    sheet.ws.insert_chart(anchor, 0, chart, {"description": description, "object_position": 3})


def _year_chart(book: Book, sheet: Sheet, plan: Plan, totals: CurrencyTotals, anchor: int) -> None:
    rows = [i for i, (_, cur, _) in enumerate(year_totals(plan)) if cur == totals.currency]
    if not rows:
        return
    first, last = YEAR_TOTALS_HEADER_ROW + 1 + rows[0], YEAR_TOTALS_HEADER_ROW + 1 + rows[-1]
    chart = book.workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": f"Distinct pledges ({totals.currency})",
            "categories": [BY_YEAR, first, 0, last, 0],
            "values": [BY_YEAR, first, 2, last, 2],
            "fill": {"color": "#1F4E78"},
            "gap": 50,
        }
    )
    amounts = [a for _, cur, a in year_totals(plan) if cur == totals.currency]
    chart.set_title({"name": f"By year ({totals.currency})", "name_font": {"size": 11}})
    chart.set_y_axis(
        {
            "num_format": axis_format(float(max([*amounts, Decimal(0)]))),
            "num_font": {"size": 8},
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_x_axis(
        {
            "num_font": {"size": 8, "rotation": -45 if len(rows) > 12 else 0},
            "num_format": '"FY"0' if plan.fiscal else "0",
        }
    )
    chart.set_legend({"none": True})
    chart.set_size({"width": 540, "height": CHART_ROWS * 20})
    description = (
        f"Column chart: the distinct pledges in {totals.currency} by year, each pledge spread over the years it "
        "covers."
    )
    sheet.ws.insert_chart(anchor, 6, chart, {"description": description, "object_position": 3})
