"""The reconciliation report: an Excel workbook an analyst sends on, with live totals and findings to decide.

    write_report(result, "report.xlsx")

Sheets: Summary (the headline, totals per currency and in the base currency, charts), Pledges, Claims,
Findings (with a Decision drop-down), By year, Sources, Rates / Aliases / Settings when the ledger has
them, and Read me. The look (header colours and fonts, column widths, tab colours, table styles, the
title's font) comes from the template workbook_templates/report.xlsx; see exports/report_look.py.

Live totals. The Summary's totals are formulas over the Pledges sheet, whose counted figures are formulas
reading each finding's Decision on the Findings sheet (by finding ID, so sorting the sheet is safe): change
a Decision in Excel or LibreOffice and the totals follow, as far as formulas can (exports/live.py says
how; the Read me names what stays a value). Every formula is written with its computed value beside it,
so programs that do not calculate (pandas, python-calamine) read numbers, and the workbook asks Excel and
LibreOffice to recalculate everything when it is opened.

Text stays text. Every string (donor, quote, note, URL...) is written as a string cell, never a formula,
whatever it begins with; the only formulas are those this module composes (`FORMULA_COLUMNS` lists them).

Claims, Sources, Rates, Aliases and Settings carry the ledger workbook's own columns first, so the ledger
reader reads a report back as a ledger, and the Findings sheet's Finding ID, Decision and Note columns are
what it reads as decisions (exports/report_reading.py).

Memory stays bounded: XlsxWriter's constant-memory mode streams each sheet row by row.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, BinaryIO

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.utility import (  # type: ignore[import-untyped]
    xl_col_to_name,
    xl_range,
    xl_range_abs,
    xl_rowcol_to_cell,
)
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from ledger.core.findings import Finding, FindingKind
from ledger.core.model import Claim, CurrencyTotals, QualifierKind, Reconciliation
from ledger.core.money import minor_unit, quantize
from ledger.names.entities import kind_word
from ledger.parsing.periods import period_years
from ledger.parsing.vocabulary import format_qualifiers
from ledger.render.sentences import headline
from ledger.workbook.layout import (
    ALIASES,
    MONTH_CHOICES,
    RATES,
    SETTINGS,
    approximation_word,
    instrument_word,
)
from ledger.workbook.writer import MAX_CELL_CHARACTERS, UnwritableValue, escape_cell_text, period_text

from .live import (
    CUT_LEVELS,
    NEW_MONEY_LEVELS,
    Counted,
    LivePledge,
    State,
    counted,
    current_states,
    live_pledges,
)
from .report_look import (
    BASE_PLEDGE_COLUMNS,
    BY_YEAR,
    CLAIM_COLUMNS,
    CLAIMS_SHEET,
    DONOR_COLUMNS,
    FINDING_COLUMNS,
    FINDINGS,
    PLEDGE_COLUMNS,
    PLEDGES,
    READ_ME,
    SOURCE_COLUMNS,
    SOURCES_SHEET,
    SUMMARY,
    TOTAL_COLUMNS,
    YEAR_SPREAD_COLUMNS,
    YEAR_TOTAL_COLUMNS,
    CellLook,
    ReportLook,
    SheetLook,
    read_look,
)

__all__ = ["FORMULA_COLUMNS", "UnwritableValue", "write_report"]

Target = str | os.PathLike[str] | BinaryIO

# The columns (by header) whose cells this module fills with formulas; every other cell is a value.
FORMULA_COLUMNS: Mapping[str, frozenset[str]] = {
    SUMMARY: frozenset(h for h, _ in TOTAL_COLUMNS[1:]) | frozenset(h for h, _ in DONOR_COLUMNS[2:]),
    PLEDGES: frozenset(  # for pledges that findings touch; the others hold values
        (
            "Counts in",
            "Counted low",
            "Counted nominal",
            "Counted high",
            "New money low",
            "New money nominal",
            "New money high",
            "Cut",
            "Repackaged",
            "Old level low",
            "Old level nominal",
            "Old level high",
            "Total applies",
        )
    )
    | frozenset(h for h, _ in BASE_PLEDGE_COLUMNS),
    FINDINGS: frozenset({"Read as"}),
    BY_YEAR: frozenset({"Total"}),
}

DATE_FORMAT = "yyyy-mm-dd"
TEXT_START_AS_FORMULA = ("=", "+", "-", "@")
MAX_HYPERLINKS = 65_530  # Excel's limit per sheet; further URLs are written as text
MAX_CHARTS = 4  # charts per kind: one per currency, the largest first
# Web and mail addresses become hyperlinks; anything else (file:, javascript:, odd characters) stays text.
_SAFE_URL = re.compile(r"(?:https?://|ftp://|mailto:)[^\s\"<>\\^`{|}\x00-\x1f\x7f]+", re.IGNORECASE)
MAX_URL_CHARACTERS = 2079  # Excel's limit for a hyperlink
_CANNOT_HOLD = re.compile(r"[\ud800-\udfff\ufffe\uffff]")

# What accepting a finding does to the totals (and what an undecided one does), from ledger/total.py.
EFFECTS: Mapping[FindingKind, str] = {
    FindingKind.DUPLICATE: "its claims count once, as one pledge (undecided: the same)",
    FindingKind.CONTAINED: "the smaller pledge counts nothing (undecided: it counts only in the high bound)",
    FindingKind.AGGREGATE: "the total counts only what it holds beyond its pledges (undecided: the same)",
    FindingKind.AGGREGATE_TOO_SMALL: "nothing changes: the distinct total keeps the larger figure",
    FindingKind.REPACKAGED: "the pledge is no new money (undecided: none in the low bound)",
    FindingKind.BASELINE: "the old level counts nothing, and only the increase is new money (undecided: the same)",
    FindingKind.ALREADY_PROVIDED: "past money: it counts nothing (undecided: the same)",
    FindingKind.UNIT_ERROR: "the odd figure counts nothing (undecided: it counts only in the high bound)",
    FindingKind.OTHER_CURRENCY: "the pledge counts nothing (undecided: nothing changes)",
}
KIND_COLOURS: Mapping[str, str] = {
    FindingKind.DUPLICATE.value: "#DDEBF7",
    FindingKind.CONTAINED.value: "#E2EFDA",
    FindingKind.AGGREGATE.value: "#FFF2CC",
    FindingKind.AGGREGATE_TOO_SMALL.value: "#FCE4D6",
    FindingKind.REPACKAGED.value: "#EDE1F5",
    FindingKind.BASELINE.value: "#D9E1F2",
    FindingKind.ALREADY_PROVIDED.value: "#EDEDED",
    FindingKind.UNIT_ERROR.value: "#F8CBAD",
    FindingKind.OTHER_CURRENCY.value: "#FFE699",
}
STALE_KIND = "no longer found"


def write_report(
    result: Reconciliation, target: Target, *, template: str | os.PathLike[str] | None = None
) -> None:
    """Write the reconciliation workbook for `result` to a path or a binary file.

    `template` is a restyled report template (default: workbook_templates/report.xlsx); only its look is
    used. Raises UnwritableValue, naming the cell, for text no workbook can hold (see
    ledger.workbook.writer), and ValueError for a result with errors (nothing was reconciled).
    """
    _write(result, target, read_look(template))


def write_report_plain(result: Reconciliation, target: Target) -> None:
    """The same cells as write_report with no formatting at all (no styles, tables or charts): the benchmark's baseline."""
    _write(result, target, None)


# ---------------------------------------------------------------------------------------------------------
# Cells


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency: a number cell with the currency's format."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula this module composes, with its value now (a number in `currency`, or text)."""

    text: str
    value: Decimal | str | int
    currency: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A URL: a hyperlink when it is a web or mail address, else text."""

    url: str


Cell = str | int | Decimal | Money | Formula | Link | date | None


@cache
def money_format(currency: str) -> str:
    """The number format of amounts in `currency`: `"USD "#,##0.00`, `"JPY "#,##0`."""
    places = minor_unit(currency) if len(currency) == 3 else 2
    digits = "#,##0." + "0" * places if places else "#,##0"
    return f'"{currency} "{digits}'


def _stored_exactly(number: Decimal) -> bool:
    """True when a spreadsheet number (a double, 15-16 digits) reads back as exactly `number`."""
    return Decimal(repr(float(number))) == number


class _Formats:
    """XlsxWriter formats made from the look, once each; in plain mode every format is None."""

    def __init__(self, workbook: xlsxwriter.Workbook, look: ReportLook | None) -> None:
        self.workbook = workbook
        self.look = look
        self._made: dict[tuple[Any, ...], Format] = {}

    @property
    def plain(self) -> bool:
        return self.look is None

    def get(self, key: tuple[Any, ...], properties: Mapping[str, Any]) -> Format | None:
        if self.look is None:
            return None
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self.workbook.add_format(dict(properties))
        return made

    def money(self, currency: str, bold: bool = False) -> Format | None:
        return self.get(("money", currency, bold), {"num_format": money_format(currency), "bold": bold})

    def date(self) -> Format | None:
        return self.get(("date",), {"num_format": DATE_FORMAT})

    def quoted(self) -> Format | None:
        # Excel shows text that begins with = as typed, and keeps it text when the cell is edited
        return self.get(("quoted",), {"quote_prefix": True})

    def wrapped(self) -> Format | None:
        return self.get(("wrapped",), {"text_wrap": True, "valign": "top"})

    def link(self) -> Format | None:
        return self.get(("link",), {"font_color": "blue", "underline": 1})

    def cell_look(self, key: str, look: CellLook, extra: Mapping[str, Any] | None = None) -> Format | None:
        return self.get(("look", key, look), {**look.properties(), **(extra or {})})

    def header(self, sheet: SheetLook, header: str) -> Format | None:
        look = sheet.header_look(header)
        return self.cell_look("header", look, {"valign": "top"})


class _Sheet:
    """One worksheet written row by row (constant-memory mode needs rows in order)."""

    def __init__(self, book: _Book, name: str) -> None:
        self.book = book
        self.name = name
        self.ws: Worksheet = book.workbook.add_worksheet(name)
        self.formats = book.formats
        self.look = book.look.sheet(name) if book.look else SheetLook()
        self.links = 0
        if book.look and self.look.tab_color:
            self.ws.set_tab_color(self.look.tab_color)

    def columns(self, columns: Sequence[tuple[str, float]], first: int = 0) -> None:
        """Size the columns from the template (by header), else the layout's widths."""
        if self.formats.plain:
            return
        for index, (header, width) in enumerate(columns, start=first):
            self.ws.set_column(index, index, self.look.width(header, width))

    def header(self, row: int, columns: Sequence[tuple[str, float]], first: int = 0) -> None:
        for index, (header, _) in enumerate(columns, start=first):
            self.ws.write_string(row, index, header, self.formats.header(self.look, header))

    def table(
        self, name: str, row: int, last_row: int, columns: Sequence[tuple[str, float]], first: int = 0
    ) -> None:
        """An Excel Table (with autofilter) over a header row, written by now, and its data rows to come.

        XlsxWriter refuses tables in constant-memory mode only because add_table writes the header
        cells itself; the header row is the row being written, so it is safe to let it, and the table's
        range is then widened to the data rows (add_table would otherwise mark every cell, in memory).
        """
        if self.formats.plain:
            return
        headers = [{"header": h, "header_format": self.formats.header(self.look, h)} for h, _ in columns]
        last_column = first + len(columns) - 1
        ws = self.ws
        ws.constant_memory = False
        try:
            ws.add_table(
                row,
                first,
                row + 1,
                last_column,
                {"name": name, "columns": headers, "style": self.look.table_style, "autofilter": True},
            )
        finally:
            ws.constant_memory = True
        real = xl_range(row, first, max(last_row, row + 1), last_column)
        table = ws.tables[-1]
        table["range"] = table["a_range"] = table["autofilter"] = real
        self.header(row, columns, first)  # as inline strings again: add_table wrote shared-string cells

    def freeze(self, row: int) -> None:
        if not self.formats.plain:
            self.ws.freeze_panes(row, 0)

    def write(self, row: int, column: int, value: Cell, fmt: Format | None = None) -> None:
        """One cell: text as a string cell (never a formula), numbers, money, dates, formulas, links."""
        ws = self.ws
        if value is None:
            return
        if isinstance(value, str):
            self.text(row, column, value, fmt)
        elif isinstance(value, Money):
            if _stored_exactly(value.amount):
                ws.write_number(row, column, float(value.amount), fmt or self.formats.money(value.currency))
            else:  # more digits than a spreadsheet number holds: the exact figure as text
                ws.write_string(row, column, format(value.amount, "f"), fmt)
        elif isinstance(value, Formula):
            self.formula(row, column, value, fmt)
        elif isinstance(value, Link):
            self.link(row, column, value.url)
        elif isinstance(value, date):
            ws.write_datetime(
                row, column, datetime(value.year, value.month, value.day), fmt or self.formats.date()
            )
        elif isinstance(value, int | Decimal):
            ws.write_number(row, column, float(value), fmt)
        else:
            raise TypeError(f"cannot write {type(value).__name__} in a report cell")

    def text(self, row: int, column: int, text: str, fmt: Format | None = None) -> None:
        if not text:
            return
        try:
            stored = _cell_text(text)
        except UnwritableValue as exc:
            raise UnwritableValue(f"{self.name}!{xl_rowcol_to_cell(row, column)}: {exc}") from None
        if fmt is None and text.startswith(TEXT_START_AS_FORMULA):
            fmt = self.formats.quoted()
        self.ws.write_string(row, column, stored, fmt)

    def formula(self, row: int, column: int, formula: Formula, fmt: Format | None = None) -> None:
        value = formula.value
        if fmt is None and formula.currency:
            fmt = self.formats.money(formula.currency)
        shown: float | str = value if isinstance(value, str) else float(value)
        self.ws.write_formula(row, column, formula.text, fmt, shown)
        if self.book.formula_cells is not None:
            self.book.formula_cells.append(f"{self.name}!{xl_rowcol_to_cell(row, column)}")

    def link(self, row: int, column: int, url: str) -> None:
        safe = _SAFE_URL.fullmatch(url) is not None and len(url) <= MAX_URL_CHARACTERS
        if self.formats.plain or not safe or self.links >= MAX_HYPERLINKS:
            self.text(row, column, url)
            return
        self.links += 1
        self.ws.write_url(row, column, url, self.formats.link(), string=_cell_text(url))

    def row(self, row: int, values: Sequence[Cell], first: int = 0) -> None:
        for column, value in enumerate(values, start=first):
            if value is not None:
                self.write(row, column, value)


def _cell_text(text: str) -> str:
    """Text as XlsxWriter should be given it: checked, and safe from being taken for rich-text XML.

    XlsxWriter escapes control characters itself (as `_xHHHH_`, the way Excel does), but writes an inline
    string that looks like rich text (`<r>...</r>`) into the XML unescaped; such text is wrapped here
    as one rich-text run holding the text, escaped, so it reads back exactly as given.
    """
    if found := _CANNOT_HOLD.search(text):
        raise UnwritableValue(
            f"holds the character U+{ord(found[0]):04X}, which a workbook cannot store; remove it and try again"
        )
    if len(text) > MAX_CELL_CHARACTERS or (
        len(text) * 7 > MAX_CELL_CHARACTERS and len(escape_cell_text(text)) > MAX_CELL_CHARACTERS
    ):
        raise UnwritableValue(
            f"is {len(text):,} characters long (once escaped); a workbook cell holds at most {MAX_CELL_CHARACTERS:,}"
        )
    if text.startswith("<r>") and text.endswith("</r>"):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return f'<r><t xml:space="preserve">{escaped}</t></r>'
    return text


@dataclass
class _Book:
    workbook: xlsxwriter.Workbook
    formats: _Formats
    look: ReportLook | None
    formula_cells: list[str] | None


# ---------------------------------------------------------------------------------------------------------
# The workbook


def _write(
    result: Reconciliation, target: Target, look: ReportLook | None, formula_cells: list[str] | None = None
) -> None:
    if result.errors:
        raise ValueError(
            f"the ledger has {len(result.errors)} error(s) and was not reconciled; fix them before writing a report"
        )
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    workbook.set_properties(
        {"title": result.ledger.name or "Pledge reconciliation", "author": "pledge-ledger"}
    )
    workbook.set_calc_mode("auto")  # with fullCalcOnLoad, which XlsxWriter always writes
    try:
        _fill(workbook, result, look, formula_cells)
    except BaseException:
        _discard(workbook)
        raise
    workbook.close()


def _fill(
    workbook: xlsxwriter.Workbook,
    result: Reconciliation,
    look: ReportLook | None,
    formula_cells: list[str] | None,
) -> None:
    book = _Book(workbook, _Formats(workbook, look), look, formula_cells)
    plan = _Plan.of(result)
    _summary(book, plan)
    _pledges(book, plan)
    _claims(book, plan)
    _findings(book, plan)
    _by_year(book, plan)
    _sources(book, plan)
    ledger = result.ledger
    if ledger.rates:
        _simple_table(
            book, RATES.name, "RatesTable", ((r.currency, r.rate, r.base, r.as_of) for r in ledger.rates)
        )
    if ledger.aliases:
        _simple_table(
            book,
            ALIASES.name,
            "AliasesTable",
            ((a.name, a.means, a.parent, kind_word(a.kind)) for a in ledger.aliases),
        )
    _settings(book, plan)
    _read_me(book, plan)


def _discard(workbook: xlsxwriter.Workbook) -> None:
    """Close and remove the row files constant-memory mode keeps per sheet, when writing stopped half way."""
    for sheet in workbook.worksheets():
        handle, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
        if handle is not None:
            handle.close()
        if name:
            with contextlib.suppress(OSError):
                os.remove(name)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything the sheets share: the pledges' live rules, row numbers, and what counts where."""

    result: Reconciliation
    live: tuple[LivePledge, ...]
    counts: tuple[Counted, ...]
    finding_rows: int  # data rows on Findings (findings, then decisions no current finding has)
    base: str | None  # the base currency when the report converts
    rates: Mapping[str, Decimal]  # currency -> rate into the base currency
    spread: tuple[tuple[str, str, str, str, Decimal], ...]  # (pledge, donor, currency, year, amount)
    claim_findings: Mapping[str, tuple[str, ...]]
    claim_source: Mapping[str, str]
    pledge_findings: Mapping[str, tuple[str, ...]]
    stale: tuple[Any, ...]  # decisions that name no current finding

    @staticmethod
    def of(result: Reconciliation) -> _Plan:
        live = live_pledges(result)
        states = current_states(result)
        counts = tuple(counted(p, states) for p in live)
        known = {f.id for f in result.findings}
        stale = tuple(d for d in result.ledger.decisions if d.finding not in known)
        base = result.base_totals.currency if result.base_totals is not None else None
        rates = {rate.currency: rate.rate for rate in result.rates}
        claim_findings: dict[str, list[str]] = defaultdict(list)
        pledge_findings: dict[str, list[str]] = defaultdict(list)
        for finding in result.findings:
            for claim in finding.claims:
                claim_findings[claim].append(finding.id)
            for pledge in _pledges_of(finding):
                pledge_findings[pledge].append(finding.id)
        return _Plan(
            result=result,
            live=live,
            counts=counts,
            finding_rows=len(result.findings) + len(stale),
            base=base,
            rates=rates,
            spread=tuple(_spread(live, counts, result.ledger.settings.fiscal_year_start)),
            claim_findings={k: tuple(v) for k, v in claim_findings.items()},
            claim_source={c.id: c.source for c in result.ledger.claims},
            pledge_findings={k: tuple(v) for k, v in pledge_findings.items()},
            stale=stale,
        )

    @property
    def pledge_rows(self) -> int:
        return len(self.live)


def _pledges_of(finding: Finding) -> tuple[str, ...]:
    return finding.pledges()


def _spread(
    live: tuple[LivePledge, ...], counts: tuple[Counted, ...], fiscal_start: int
) -> Iterator[tuple[str, str, str, str, Decimal]]:
    """Each pledge's counted nominal over its years, to the cent, as the engine spread it."""
    del counts, fiscal_start  # the engine's contributions carry the spread at the current decisions
    for pledge in live:
        p, c = pledge.pledge, pledge.contribution
        for label, amount in c.years:
            yield p.id, p.donor, c.currency, label, amount


def _col(columns: Sequence[tuple[str, float]], header: str) -> int:
    for index, (name, _) in enumerate(columns):
        if name == header:
            return index
    raise KeyError(header)


def _column_range(
    sheet: str, columns: Sequence[tuple[str, float]], header: str, rows: int, first_row: int = 1
) -> str:
    """`'Pledges'!$L$2:$L$41`: a column's data rows (at least one row, so that formulas stay valid)."""
    index = _col(columns, header)
    return f"'{sheet}'!{xl_range_abs(first_row, index, first_row + max(rows, 1) - 1, index)}"


# ---------------------------------------------------------------------------------------------------------
# Summary


def _currency_order(result: Reconciliation) -> list[CurrencyTotals]:
    return sorted(result.totals, key=lambda t: (-t.naive, t.currency))


def _summary(book: _Book, plan: _Plan) -> None:
    result = plan.result
    sheet = _Sheet(book, SUMMARY)
    sheet.columns(TOTAL_COLUMNS)
    look = book.look or ReportLook()
    formats = book.formats
    row = 0
    sheet.text(row, 0, result.ledger.name or "Pledge reconciliation", formats.cell_look("title", look.title))
    row += 1
    for totals in _currency_order(result):
        sheet.text(row, 0, headline(totals), formats.cell_look("headline", look.headline))
        row += 1
    if result.base_totals is not None:
        sheet.text(
            row,
            0,
            f"In {result.base_totals.currency}, with your rates: {headline(result.base_totals)}",
            formats.cell_look("headline", look.headline),
        )
        row += 1
    sheet.text(
        row,
        0,
        "The sentences are as reconciled; the figures below follow the Decisions on the Findings sheet.",
        formats.cell_look("note", CellLook(italic=True)),
    )
    row += 2

    def pledge_range(header: str) -> str:
        return _column_range(PLEDGES, PLEDGE_COLUMNS, header, plan.pledge_rows)

    def claim_range(header: str) -> str:
        return _column_range(CLAIMS_SHEET, CLAIM_COLUMNS, header, len(result.ledger.claims))

    counts_in = pledge_range("Counts in")

    sheet.text(row, 0, "Totals by currency", formats.cell_look("section", look.section))
    row += 1
    ordered = _currency_order(result)
    totals_header = row
    sheet.header(row, TOTAL_COLUMNS)
    sheet.table("TotalsTable", row, row + len(ordered), TOTAL_COLUMNS)
    first_total_row = row + 1
    for totals in ordered:
        row += 1
        cur = totals.currency
        key = f"{_cell_ref(row, 0)}"
        loans = dict(totals.by_instrument).get("loan")
        grants = dict(totals.by_instrument).get("grant")
        values: list[Cell] = [
            cur,
            Formula(
                f"=SUMIFS({claim_range('Naive figure')},{claim_range('Currency')},{key})", totals.naive, cur
            ),
        ]
        for header, figure in (
            ("Counted low", totals.distinct.low),
            ("Counted nominal", totals.distinct.nominal),
            ("Counted high", totals.distinct.high),
            ("New money low", totals.new_money.low),
            ("New money nominal", totals.new_money.nominal),
            ("New money high", totals.new_money.high),
        ):
            values.append(Formula(f"=SUMIFS({pledge_range(header)},{counts_in},{key})", figure, cur))
        for word, part in (("grant", grants), ("loan", loans)):
            values.append(
                Formula(
                    f'=SUMIFS({pledge_range("Counted nominal")},{counts_in},{key},{pledge_range("Instrument")},"{word}")',
                    part.nominal if part else Decimal(0),
                    cur,
                )
            )
        sheet.row(row, values)
        _define_names(book, cur, row)
    row += 2

    if result.base_totals is not None and plan.base is not None:
        base = result.base_totals
        sheet.text(
            row,
            0,
            f"In {base.currency}, converted with your rates",
            formats.cell_look("section", look.section),
        )
        row += 1
        sheet.header(row, TOTAL_COLUMNS)
        sheet.table("BaseTotalsTable", row, row + 1, TOTAL_COLUMNS)
        row += 1
        terms = []
        for index, totals in enumerate(ordered):
            rate = Decimal(1) if totals.currency == base.currency else plan.rates.get(totals.currency)
            if rate is not None:
                terms.append(f"{_cell_ref(first_total_row + index, 1)}*{rate}")
        places = minor_unit(base.currency)
        values = [
            base.currency,
            Formula(f"=ROUND({'+'.join(terms) or '0'},{places})", base.naive, base.currency),
        ]
        for header, figure in (
            ("Counted low (base)", base.distinct.low),
            ("Counted nominal (base)", base.distinct.nominal),
            ("Counted high (base)", base.distinct.high),
            ("New money low (base)", base.new_money.low),
            ("New money nominal (base)", base.new_money.nominal),
            ("New money high (base)", base.new_money.high),
        ):
            values.append(Formula(f"=SUM({_base_range(plan, header)})", figure, base.currency))
        by_instrument = dict(base.by_instrument)
        for word in ("grant", "loan"):
            part = by_instrument.get(word)
            values.append(
                Formula(
                    f'=SUMIFS({_base_range(plan, "Counted nominal (base)")},{pledge_range("Instrument")},"{word}")',
                    part.nominal if part else Decimal(0),
                    base.currency,
                )
            )
        sheet.row(row, values)
        _define_names(book, "base", row)
        row += 2

    # by donor: naive and distinct per currency, for the charts
    sheet.text(
        row,
        0,
        "By donor: every report added up, and the distinct pledges",
        formats.cell_look("section", look.section),
    )
    row += 1
    donors = _donor_rows(plan)
    sheet.header(row, DONOR_COLUMNS)
    sheet.table("ByDonorTable", row, row + len(donors), DONOR_COLUMNS)
    donor_header = row
    for cur, donor, naive, distinct in donors:
        row += 1
        cur_cell, donor_cell = _cell_ref(row, 0), _cell_ref(row, 1)
        sheet.row(
            row,
            [
                cur,
                donor,
                Formula(
                    f"=SUMPRODUCT(--({claim_range('Currency')}={cur_cell}),"
                    f"--EXACT({claim_range('Pledge donor')},{donor_cell}),{claim_range('Naive figure')})",
                    naive,
                    cur,
                ),
                Formula(
                    f"=SUMPRODUCT(--({counts_in}={cur_cell}),--EXACT({pledge_range('Donor')},{donor_cell}),"
                    f"{pledge_range('Counted nominal')})",
                    distinct,
                    cur,
                ),
            ],
        )
    if not formats.plain:
        _donor_charts(book, sheet, donors, donor_header, totals_header)
        _year_charts(book, sheet, plan, anchor_row=max(row + 2, 8), anchor_column=len(TOTAL_COLUMNS) + 9)


def _cell_ref(row: int, column: int) -> str:
    return str(xl_rowcol_to_cell(row, column))


def _base_range(plan: _Plan, header: str) -> str:
    columns = PLEDGE_COLUMNS + BASE_PLEDGE_COLUMNS
    return _column_range(PLEDGES, columns, header, plan.pledge_rows)


def _define_names(book: _Book, key: str, row: int) -> None:
    """Names for the headline figures: Naive_USD, Distinct_low_USD, ... (Base_... in the base currency)."""
    if book.formats.plain:
        return
    prefix, suffix = ("Base_", "") if key == "base" else ("", f"_{key}")
    for index, name in enumerate(
        (
            "Naive",
            "Distinct_low",
            "Distinct_nominal",
            "Distinct_high",
            "New_money_low",
            "New_money_nominal",
            "New_money_high",
            "Grants",
            "Loans",
        ),
        start=1,
    ):
        book.workbook.define_name(
            f"{prefix}{name}{suffix}", f"='{SUMMARY}'!{xl_rowcol_to_cell(row, index, True, True)}"
        )


def _donor_rows(plan: _Plan) -> list[tuple[str, str, Decimal, Decimal]]:
    """(currency, donor, naive, distinct nominal) for each donor, grouped by currency, largest currency first."""
    result = plan.result
    naive: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    donor_of = {claim: p.donor for p in result.pledges for claim in p.claims}
    for claim in result.ledger.claims:
        naive[(claim.currency, donor_of.get(claim.id, claim.donor))] += _naive_figure(claim)
    distinct: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for count, pledge in zip(plan.counts, plan.live, strict=True):
        distinct[(count.currency, pledge.pledge.donor)] += count.distinct.nominal
    order = {t.currency: i for i, t in enumerate(_currency_order(result))}
    keys = sorted(set(naive) | set(distinct), key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    return [(cur, donor, quantize(naive[(cur, donor)], cur), distinct[(cur, donor)]) for cur, donor in keys]


def _chart_title(text: str) -> dict[str, Any]:
    return {"name": text.replace('"', "'")}


def _donor_charts(
    book: _Book,
    sheet: _Sheet,
    donors: list[tuple[str, str, Decimal, Decimal]],
    header: int,
    totals_header: int,
) -> None:
    by_currency: dict[str, list[int]] = defaultdict(list)
    for index, (cur, *_) in enumerate(donors):
        by_currency[cur].append(header + 1 + index)
    for number, (cur, rows) in enumerate(list(by_currency.items())[:MAX_CHARTS]):
        chart = book.workbook.add_chart({"type": "bar"})
        first, last = rows[0], rows[-1]
        for column, name in ((2, "Every report added up"), (3, "Distinct pledges")):
            chart.add_series(
                {
                    "name": name,
                    "categories": [SUMMARY, first, 1, last, 1],
                    "values": [SUMMARY, first, column, last, column],
                }
            )
        chart.set_title(_chart_title(f"By donor ({cur})"))
        chart.set_x_axis({"num_format": money_format(cur)})
        chart.set_size({"width": 620, "height": max(260, 40 + 34 * len(rows))})
        sheet.ws.insert_chart(totals_header + 16 * number, len(TOTAL_COLUMNS) + 1, chart)


def _year_totals(plan: _Plan) -> list[tuple[str, str, Decimal]]:
    """(year, currency, total) from the spread, grouped by currency (largest first), years in order."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for _, _, cur, year, amount in plan.spread:
        sums[(cur, year)] += amount
    order = {t.currency: i for i, t in enumerate(_currency_order(plan.result))}
    keys = sorted(sums, key=lambda k: (order.get(k[0], len(order)), k[0], k[1]))
    return [(year, cur, sums[(cur, year)]) for cur, year in keys]


YEAR_TOTALS_HEADER_ROW = 2  # on By year: the year totals table's header row (0-based)


def _year_charts(book: _Book, sheet: _Sheet, plan: _Plan, anchor_row: int, anchor_column: int) -> None:
    rows: dict[str, list[int]] = defaultdict(list)
    for index, (_, cur, _) in enumerate(_year_totals(plan)):
        rows[cur].append(YEAR_TOTALS_HEADER_ROW + 1 + index)
    for number, (cur, found) in enumerate(list(rows.items())[:MAX_CHARTS]):
        chart = book.workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": f"Distinct pledges ({cur})",
                "categories": [BY_YEAR, found[0], 0, found[-1], 0],
                "values": [BY_YEAR, found[0], 2, found[-1], 2],
            }
        )
        chart.set_title(_chart_title(f"By year ({cur})"))
        chart.set_y_axis({"num_format": money_format(cur)})
        chart.set_legend({"none": True})
        sheet.ws.insert_chart(anchor_row + 16 * number, anchor_column, chart)


# ---------------------------------------------------------------------------------------------------------
# Pledges


def _state_expression(finding: str, plan: _Plan) -> str:
    """The finding's state as a formula reads it from the Findings sheet, by ID (sorting is safe)."""
    read_as, ids = _findings_ranges(plan.finding_rows)
    return f'IFERROR(INDEX({read_as},MATCH("{finding}",{ids},0)),"undecided")'


@cache
def _findings_ranges(rows: int) -> tuple[str, str]:
    return (
        _column_range(FINDINGS, FINDING_COLUMNS, "Read as", rows),
        _column_range(FINDINGS, FINDING_COLUMNS, "Finding ID", rows),
    )


def _by_state(state: str, levels: tuple[int, int, int]) -> str:
    accepted, undecided, rejected = levels
    if accepted == undecided == rejected:
        return str(accepted)
    if undecided == rejected:
        return f'IF({state}="accepted",{accepted},{rejected})'
    if accepted == undecided:
        return f'IF({state}="rejected",{rejected},{accepted})'
    return f'IF({state}="accepted",{accepted},IF({state}="undecided",{undecided},{rejected}))'


_STATES = (State.ACCEPTED, State.UNDECIDED, State.REJECTED)


def _pledges(book: _Book, plan: _Plan) -> None:
    sheet = _Sheet(book, PLEDGES)
    columns = PLEDGE_COLUMNS + (BASE_PLEDGE_COLUMNS if plan.base else ())
    sheet.columns(columns)
    sheet.header(0, columns)
    sheet.table("PledgesTable", 0, plan.pledge_rows, columns)
    sheet.freeze(1)
    letter = {header: xl_col_to_name(index) for index, (header, _) in enumerate(columns)}
    states = current_states(plan.result)
    for index, (live, count) in enumerate(zip(plan.live, plan.counts, strict=True)):
        row = index + 1
        sheet.row(row, _pledge_row(live, count, row + 1, letter, plan, states))


def _pledge_row(
    live: LivePledge, count: Counted, n: int, col: Mapping[str, str], plan: _Plan, states: Mapping[str, State]
) -> list[Cell]:
    """One pledge's cells; `n` is its 1-based row, `col` each header's column letters."""
    p = live.pledge
    cur = p.currency
    full = p.range.quantized(cur)

    def c(header: str) -> str:
        return f"{col[header]}{n}"

    cells: list[Cell] = [
        p.id,
        p.donor,
        p.recipient,
        p.purpose,
        p.period.label if p.period.known else p.period.text or "unknown",
        instrument_word(p.instrument),
        cur,
        Money(full.low, cur),
        Money(full.nominal, cur),
        Money(full.high, cur),
    ]
    if not live.findings:
        # no decision can move it: its figures are values (formulas here would only slow big reports)
        cells += [cur, *(Money(x, cur) for x in (full.low, full.nominal, full.high) * 2)]
    else:
        total = f"{c('Total applies')}=1"
        cut, rep = c("Cut"), c("Repackaged")
        # the cut scale of ledger.engine.effects.Cut: 1 out of the low bound, 2 out of the nominal, 3 out of all
        dl, dn, dh = (
            f"IF({cut}>=1,0,{c('Low')})",
            f"IF({cut}>=2,0,{c('Nominal')})",
            f"IF({cut}>=3,0,{c('High')})",
        )
        m1l, m1n, m1h = f"IF({rep}>=1,0,{dl})", f"IF({rep}>=2,0,{dn})", f"IF({rep}>=3,0,{dh})"
        m2l = f"MAX({m1l}-{c('Old level high')},0)"
        m2n = f"MAX({m1n}-{c('Old level nominal')},{m2l})"
        m2h = f"MAX({m1h}-{c('Old level low')},{m2n})"
        count_cur = count.currency
        cells += [
            Formula(f"=IF({total},{c('Rest currency')},{c('Currency')})", count_cur),
            Formula(f"=IF({total},{c('Rest low')},{dl})", count.distinct.low, count_cur),
            Formula(f"=IF({total},{c('Rest nominal')},{dn})", count.distinct.nominal, count_cur),
            Formula(f"=IF({total},{c('Rest high')},{dh})", count.distinct.high, count_cur),
            Formula(f"=IF({total},{c('Rest low')},MIN({m2l},{dl}))", count.new_money.low, count_cur),
            Formula(
                f"=IF({total},{c('Rest nominal')},MIN(MAX(MIN({m2n},{dn}),{c('New money low')}),{c('New money high')}))",
                count.new_money.nominal,
                count_cur,
            ),
            Formula(f"=IF({total},{c('Rest high')},MIN({m2h},{dh}))", count.new_money.high, count_cur),
        ]
    cells += [
        len({plan.claim_source.get(claim, "") for claim in p.claims}),
        ", ".join(p.claims),
        ", ".join(plan.pledge_findings.get(p.id, ())),
    ]
    cells += _rule_cells(live, plan, states)
    if plan.base:
        cells += _base_cells(live, count, c, plan)
    return cells


def _rule_cells(live: LivePledge, plan: _Plan, states: Mapping[str, State]) -> list[Cell]:
    """Cut, Repackaged, Old level low/nominal/high, Total applies, Rest low/nominal/high, Rest currency."""
    cur = live.pledge.currency

    def state(finding: str) -> State:
        return states.get(finding, State.UNDECIDED)

    cells: list[Cell] = []
    if live.cuts:
        terms = [_by_state(_state_expression(f, plan), CUT_LEVELS[kind]) for f, kind in live.cuts]
        value = max(CUT_LEVELS[kind][_STATES.index(state(f))] for f, kind in live.cuts)
        cells.append(Formula(f"=MAX(0,{','.join(terms)})", value))
    else:
        cells.append(0)
    if live.repackaged:
        terms = [_by_state(_state_expression(f, plan), NEW_MONEY_LEVELS[kind]) for f, kind in live.repackaged]
        value = max(NEW_MONEY_LEVELS[kind][_STATES.index(state(f))] for f, kind in live.repackaged)
        cells.append(Formula(f"=MAX(0,{','.join(terms)})", value))
    else:
        cells.append(0)
    for bound in ("low", "nominal", "high"):
        if live.increases:
            terms = []
            old_level = Decimal(0)
            for f, old in live.increases:
                level = getattr(old.quantized(cur), bound)
                terms.append(f'IF({_state_expression(f, plan)}="rejected",0,{level})')
                if state(f) is not State.REJECTED:
                    old_level += level
            cells.append(Formula(f"={'+'.join(terms)}", old_level, cur))
        else:
            cells.append(0)
    if live.totals:
        terms = [f'IF({_state_expression(f, plan)}="rejected",0,1)' for f in live.totals]
        value = int(any(state(f) is not State.REJECTED for f in live.totals))
        cells.append(Formula(f"=MAX({','.join(terms)})", value))
        rest_cur = live.pledge.currency
        cells += [
            Money(live.rest.low, rest_cur),
            Money(live.rest.nominal, rest_cur),
            Money(live.rest.high, rest_cur),
        ]
        cells.append(rest_cur)
    else:
        cells += [0, None, None, None, None]
    return cells


def _base_cells(live: LivePledge, count: Counted, c: Any, plan: _Plan) -> list[Cell]:
    """Rate to base, then the counted and new-money figures converted (rounded per pledge, as the engine does)."""
    base = plan.base
    assert base is not None
    now_rate = Decimal(1) if count.currency == base else plan.rates.get(count.currency)
    rate_cell: Cell
    rate_cell = now_rate
    places = minor_unit(base)
    cells: list[Cell] = [rate_cell]
    rate = c("Rate to base")
    for header, figure in (
        ("Counted low", count.distinct.low),
        ("Counted nominal", count.distinct.nominal),
        ("Counted high", count.distinct.high),
        ("New money low", count.new_money.low),
        ("New money nominal", count.new_money.nominal),
        ("New money high", count.new_money.high),
    ):
        value = quantize(figure * now_rate, base) if now_rate is not None else Decimal(0)
        cells.append(Formula(f"=IF(ISNUMBER({rate}),ROUND({c(header)}*{rate},{places}),0)", value, base))
    return cells


# ---------------------------------------------------------------------------------------------------------
# Claims, Findings, By year, Sources, Settings, Read me


def _naive_figure(claim: Claim) -> Decimal:
    """The figure the naive sum adds: the stated amount, times its years when it is "per year"."""
    if claim.has(QualifierKind.PER_YEAR):
        years = period_years(claim.period)
        if years is not None:
            return claim.value * years
    return claim.value


def _claims(book: _Book, plan: _Plan) -> None:
    result = plan.result
    sheet = _Sheet(book, CLAIMS_SHEET)
    sheet.columns(CLAIM_COLUMNS)
    sheet.header(0, CLAIM_COLUMNS)
    claims = result.ledger.claims
    sheet.table("ClaimsTable", 0, len(claims), CLAIM_COLUMNS)
    sheet.freeze(1)
    sources = {s.id: s for s in result.ledger.sources}
    fiscal = result.ledger.settings.fiscal_year_start
    pledge_of = {claim: p for p in result.pledges for claim in p.claims}
    for row, claim in enumerate(claims, start=1):
        source = sources.get(claim.source)
        pledge = pledge_of.get(claim.id)
        sheet.row(
            row,
            [
                claim.id,
                claim.source,
                claim.donor,
                claim.announced_by,
                claim.recipient,
                claim.purpose,
                Money(claim.value, claim.currency),
                claim.currency,
                approximation_word(claim.approximation),
                period_text(claim.period, source.date if source else None, fiscal),
                instrument_word(claim.instrument),
                format_qualifiers(claim.qualifiers),
                claim.quote,
                pledge.id if pledge else "",
                pledge.donor if pledge else claim.donor,
                Money(quantize(_naive_figure(claim), claim.currency), claim.currency),
                ", ".join(plan.claim_findings.get(claim.id, ())),
            ],
        )


def _read_as_formula(decision_cell: str) -> str:
    def any_of(words: Iterable[str]) -> str:
        return "OR(" + ",".join(f'TRIM({decision_cell})="{w}"' for w in words) + ")"

    return (
        f'=IF({any_of(("accept", "accepted", "yes"))},"accepted",'
        f'IF({any_of(("reject", "rejected", "no"))},"rejected","undecided"))'
    )


def _findings(book: _Book, plan: _Plan) -> None:
    result = plan.result
    sheet = _Sheet(book, FINDINGS)
    sheet.columns(FINDING_COLUMNS)
    sheet.header(0, FINDING_COLUMNS)
    last = plan.finding_rows
    sheet.table("FindingsTable", 0, last, FINDING_COLUMNS)
    sheet.freeze(1)
    decision_col = _col(FINDING_COLUMNS, "Decision")
    decided = {d.finding: d for d in result.ledger.decisions}
    row = 0
    for finding in result.findings:
        row += 1
        decision = decided.get(finding.id)
        verdict = finding.decision.value if finding.decision else ""
        cell = xl_rowcol_to_cell(row, decision_col)
        sheet.row(
            row,
            [
                finding.id,
                finding.kind.value,
                ", ".join(finding.claims),
                finding.message,
                Money(quantize(finding.amount_at_stake, finding.currency), finding.currency),
                finding.currency,
                EFFECTS.get(finding.kind, ""),
                verdict,
                finding.note,
                Formula(_read_as_formula(cell), _read_as(verdict)),
                ", ".join(_pledges_of(finding)),
                finding.rule,
                decision.by if decision else "",
                decision.at if decision else "",
            ],
        )
    for decision in plan.stale:
        row += 1
        cell = xl_rowcol_to_cell(row, decision_col)
        sheet.row(
            row,
            [
                decision.finding,
                STALE_KIND,
                "",
                "A decision kept from the ledger: this version of the ledger does not produce the finding; it "
                "applies again if the finding returns.",
                None,
                "",
                "",
                decision.verdict.value,
                decision.note,
                Formula(_read_as_formula(cell), _read_as(decision.verdict.value)),
                "",
                "",
                decision.by,
                decision.at,
            ],
        )
    if book.formats.plain:
        return
    rows = max(last, 1)
    sheet.ws.data_validation(
        1,
        decision_col,
        rows + 500,
        decision_col,
        {
            "validate": "list",
            "source": ["accept", "reject"],
            "ignore_blank": True,
            "error_type": "warning",
            "error_title": "Decision",
            "error_message": "Write accept or reject, or leave the cell blank (undecided).",
            "input_title": "Decision",
            "input_message": "accept or reject; blank means undecided. The totals follow.",
        },
    )
    last_column = len(FINDING_COLUMNS) - 1
    for kind, colour in KIND_COLOURS.items():
        fmt = book.formats.get(("kind", kind), {"bg_color": colour})
        sheet.ws.conditional_format(
            1, 0, rows, last_column, {"type": "formula", "criteria": f'=$B2="{kind}"', "format": fmt}
        )


def _read_as(verdict: str) -> str:
    return {"accept": "accepted", "reject": "rejected"}.get(verdict, "undecided")


def _by_year(book: _Book, plan: _Plan) -> None:
    sheet = _Sheet(book, BY_YEAR)
    sheet.columns(YEAR_SPREAD_COLUMNS)
    look = book.look or ReportLook()
    sheet.text(
        0,
        0,
        "Distinct pledges by year: each pledge spread over its years, to the cent",
        book.formats.cell_look("section", look.section),
    )
    totals = _year_totals(plan)
    header = YEAR_TOTALS_HEADER_ROW
    sheet.header(header, YEAR_TOTAL_COLUMNS)
    sheet.table("YearTotalsTable", header, header + len(totals), YEAR_TOTAL_COLUMNS)
    spread_header = header + len(totals) + 3
    n = len(plan.spread)

    def spread_range(name: str) -> str:
        return _column_range(BY_YEAR, YEAR_SPREAD_COLUMNS, name, n, first_row=spread_header + 1)

    row = header
    for year, cur, amount in totals:
        row += 1
        sheet.row(
            row,
            [
                year,
                cur,
                Formula(
                    f"=SUMPRODUCT(--({spread_range('Year')}={_cell_ref(row, 0)}),"
                    f"--({spread_range('Currency')}={_cell_ref(row, 1)}),{spread_range('Amount')})",
                    amount,
                    cur,
                ),
            ],
        )
    sheet.text(
        spread_header - 1,
        0,
        "Each pledge's share of each year",
        book.formats.cell_look("section", look.section),
    )
    sheet.header(spread_header, YEAR_SPREAD_COLUMNS)
    sheet.table("YearSpreadTable", spread_header, spread_header + n, YEAR_SPREAD_COLUMNS)
    for index, (pledge, donor, cur, year, amount) in enumerate(plan.spread, start=1):
        sheet.row(spread_header + index, [pledge, donor, cur, year, Money(amount, cur)])
    if not book.formats.plain:
        _year_charts(book, sheet, plan, anchor_row=header, anchor_column=len(YEAR_SPREAD_COLUMNS) + 1)


def _sources(book: _Book, plan: _Plan) -> None:
    sources = plan.result.ledger.sources
    sheet = _Sheet(book, SOURCES_SHEET)
    sheet.columns(SOURCE_COLUMNS)
    sheet.header(0, SOURCE_COLUMNS)
    sheet.table("SourcesTable", 0, len(sources), SOURCE_COLUMNS)
    sheet.freeze(1)
    for row, s in enumerate(sources, start=1):
        sheet.row(row, [s.id, s.publisher, s.title, s.date, Link(s.url) if s.url else None])


def _simple_table(book: _Book, name: str, table: str, rows: Iterable[Sequence[Any]]) -> None:
    from .report_look import SHEET_COLUMNS

    columns = SHEET_COLUMNS[name]
    items = [tuple(r) for r in rows]
    sheet = _Sheet(book, name)
    sheet.columns(columns)
    sheet.header(0, columns)
    sheet.table(table, 0, len(items), columns)
    sheet.freeze(1)
    for row, values in enumerate(items, start=1):
        sheet.row(row, [_plain_value(v) for v in values])


def _plain_value(value: Any) -> Cell:
    if value is None or isinstance(value, str | date | int):
        return value
    if isinstance(value, Decimal):
        return value if _stored_exactly(value) else format(value, "f")
    return str(value)


def _settings(book: _Book, plan: _Plan) -> None:
    from .report_look import SETTING_COLUMNS

    ledger = plan.result.ledger
    settings = ledger.settings
    sheet = _Sheet(book, SETTINGS.name)
    sheet.columns(SETTING_COLUMNS)
    sheet.header(0, SETTING_COLUMNS)
    entries = SETTINGS.entries
    sheet.table("SettingsTable", 0, len(entries), SETTING_COLUMNS)
    values: dict[str, Cell] = {
        "base_currency": settings.base_currency,
        "tolerance": _plain_value(settings.tolerance),
        "fiscal_year_start": MONTH_CHOICES[settings.fiscal_year_start - 1],
        "name": ledger.name,
    }
    for row, entry in enumerate(entries, start=1):
        sheet.row(row, [entry.header, values[entry.field]])


_READ_ME: tuple[tuple[str, str], ...] = (
    (
        "What this is",
        "The reconciliation of a pledge ledger: every announcement of aid money, the distinct pledges behind them, "
        "what the engine found (the same money announced more than once, smaller pledges inside larger ones, "
        "repackaged money, baselines, money already provided, grand totals), and honest totals as ranges.",
    ),
    (
        "Summary",
        "The headline sentence, then per currency: the naive sum of every figure reported, the distinct pledges "
        "(low, nominal and high bounds), the new money, and grants apart from loans; in the base currency too when "
        "the ledger gives exchange rates. The charts compare every report added up with the distinct pledges, by "
        "donor, and show the distinct pledges by year. Named cells hold the headline figures (Naive_USD, "
        "Distinct_low_USD, ...; Base_... in the base currency).",
    ),
    (
        "Pledges",
        "One row per distinct pledge: its range as reported (Low, Nominal, High), what it counts now (Counted ...) "
        "and its new money, the claims that report it and the findings about it. The columns from Cut onwards are "
        "how your decisions reach the totals: Cut is 0 when the pledge counts in full, 1 when only in the high "
        "bound, 2 when not at all; Repackaged 1 or 2 takes new money away; Old level is the earlier level an "
        "increase is measured from; Total applies is 1 when the pledge is a grand total counted only for what it "
        "holds beyond its pledges (the Rest).",
    ),
    (
        "Claims",
        "Every claim as the analyst gave it (the ledger's own columns, so this workbook reads back as a ledger), "
        "with the pledge it belongs to and the findings that touch it.",
    ),
    (
        "Findings",
        "One row per finding, with its evidence (the quotes), the amount at stake and what accepting it does. "
        "Decide each one in the Decision column: accept, reject, or leave it blank (undecided). Undecided findings "
        "widen the range; accepted ones narrow it; rejected ones change nothing. Add a Note to say why. Findings "
        "are coloured by kind.",
    ),
    (
        "Deciding in Excel",
        "The Summary and Pledges figures are formulas: change a Decision and they follow at once (Excel and "
        "LibreOffice recalculate on opening). Upload the workbook back and the decisions you typed are read and "
        "kept, and a new report is written from them.",
    ),
    (
        "What stays a value",
        "Some effects cannot be formulas, and are values as reconciled: which claims make one pledge (rejecting a "
        "duplicate finding splits it only when the report is made again); what a grand total holds beyond its "
        "pledges (the Rest, which depends on the decisions about those pledges); the headline sentences; and the "
        "By year sheet, which spreads each pledge's counted nominal over its years to the cent. Upload the "
        "workbook to bring these up to date.",
    ),
    (
        "By year",
        "Each pledge's counted nominal spread over the years it covers, to the cent (the years add back to the "
        "pledge), and the totals per year. Pledges with no known period count as unspecified.",
    ),
    (
        "Numbers",
        "Money cells carry their currency. Amounts are rounded to the currency's minor unit per pledge, so every "
        "breakdown adds back to the cent. Figures in the base currency are converted per pledge with your rates "
        "and rounded half away from zero.",
    ),
    (
        "Text",
        "Everything from the ledger (donors, quotes, notes, URLs) is text, never a formula, whatever it begins "
        "with.",
    ),
)


def _read_me(book: _Book, plan: _Plan) -> None:
    from .report_look import SHEET_COLUMNS

    sheet = _Sheet(book, READ_ME)
    sheet.columns(SHEET_COLUMNS[READ_ME])
    look = book.look or ReportLook()
    sheet.text(0, 0, "Read me", book.formats.cell_look("title", look.title))
    wrapped = book.formats.wrapped()
    bold = book.formats.get(("bold-top",), {"bold": True, "valign": "top"})
    for row, (topic, text) in enumerate(_READ_ME, start=2):
        sheet.text(row, 0, topic, bold)
        sheet.text(row, 1, text, wrapped)
    row = len(_READ_ME) + 3
    if plan.result.warnings:
        sheet.text(row, 0, "Warnings", bold)
        for warning in plan.result.warnings:
            sheet.text(row, 1, str(warning), wrapped)
            row += 1
    sheet.text(row + 1, 0, "Written", bold)
    sheet.text(row + 1, 1, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
