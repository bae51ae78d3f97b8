"""Write a ledger as an Excel workbook in the template's layout, and build the blank template itself.

One place styles the sheets: the template script and `write_ledger` both call `ledger_workbook`.
The workbook is streamed (openpyxl's write-only mode), so 100,000 claims take seconds.

Every string the analyst typed is written as text, never as a formula: a donor called "=1+1" or "#N/A"
stays that text (data type "s"), and text beginning with = + - @ carries Excel's quote prefix so that
Excel shows it as typed.

Characters XML cannot hold. A cell's text lives in XML, which cannot hold most control characters
(U+0000 to U+001F but tab and new line) and turns a carriage return into a new line. Such characters are
written the way Excel writes them, as `_xHHHH_` (U+000B is `_x000B_`), and an underscore that would begin
such an escape in the original text is itself escaped (`_x005F_`). Excel and python-calamine (the reader)
decode these, so the text round-trips exactly; `unescape_cell_text` decodes them for readers that do not
(openpyxl). U+FFFE, U+FFFF and lone surrogates are not characters a document can hold at all: writing
them is refused with UnwritableValue rather than losing them silently. So is text longer than Excel's
32,767 characters per cell, which openpyxl would otherwise cut short without a word.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from os import PathLike
from typing import BinaryIO, TypeAlias

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from ledger.core.model import Claim, Ledger, Period, Settings, Source
from ledger.core.money import minor_unit
from ledger.core.problems import ParseError
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import format_qualifiers
from ledger.workbook.layout import (
    ALIASES,
    CLAIMS,
    DECISIONS,
    LISTS_SHEET,
    MONTH_CHOICES,
    RATES,
    READ_ME_SHEET,
    SETTINGS,
    SHEETS,
    SOURCES,
    Column,
    Kind,
    SheetLayout,
    alias_cells,
    approximation_word,
    choice_list,
    instrument_word,
)

__all__ = [
    "MAX_CELL_CHARACTERS",
    "TEMPLATE_ROWS",
    "UnwritableValue",
    "escape_cell_text",
    "ledger_workbook",
    "save_stamped",
    "unescape_cell_text",
    "write_ledger",
]

TEMPLATE_ROWS = 500  # the rows a sheet's table and drop-downs cover beyond the data, for typing in
MAX_CELL_CHARACTERS = 32_767  # Excel's limit for one cell
CREATOR = "pledge-ledger"
TABLE_STYLE = "TableStyleMedium2"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # typed cells stay text: "2011-06" in Period is not turned into a date
LIST_NAMES = ("currency", "approximation", "instrument", "decision", "month", "entity kind")

# A value on its way into a cell: what the ledger holds, before openpyxl sees it.
Value: TypeAlias = str | Decimal | date | None


class UnwritableValue(ValueError):
    """A value a workbook cannot hold without losing part of it; the message says which cell and why."""


# ---- text --------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold, and the carriage return, which XML reads back as a new line.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_XML_SPACE = re.compile(r"[ \t\n]")
_CANNOT_HOLD = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SHOWN_AS_FORMULA = ("=", "+", "-", "@")


def _escape_one(match: re.Match[str]) -> str:
    return f"_x{ord(match[0][0]):04X}_"


def escape_cell_text(text: str) -> str:
    """Text as a cell stores it: control characters and carriage returns as `_xHHHH_`, as Excel does.

    An underscore that would start such an escape is written `_x005F_`, so decoding gives `text` back;
    text of nothing but spaces, tabs and new lines is escaped whole, since readers would drop it.
    Raises UnwritableValue for U+FFFE, U+FFFF and lone surrogates, which no workbook can hold.
    """
    if found := _CANNOT_HOLD.search(text):
        raise UnwritableValue(
            f"holds the character U+{ord(found[0]):04X}, which a workbook cannot store; remove it and try again"
        )
    stored = _NEEDS_ESCAPE.sub(_escape_one, text) if _NEEDS_ESCAPE.search(text) else text
    if stored and not stored.strip():
        # Text of nothing but spaces: openpyxl does not mark it to be kept, and readers drop it.
        stored = _XML_SPACE.sub(_escape_one, stored)
    return stored


def unescape_cell_text(text: str) -> str:
    """Decode `_xHHHH_` escapes, the inverse of escape_cell_text (python-calamine does this itself)."""
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


# ---- numbers -----------------------------------------------------------------------------------------


def _stored_exactly(number: Decimal) -> bool:
    """True when `number` survives being written as a spreadsheet number and read back.

    openpyxl writes numbers as "%.16g" of the float; the reader reads a float and takes its shortest
    repr. Up to 15 significant digits survive; more (or a huge exponent) would change the amount.
    """
    written = f"{float(number):.16g}"  # what openpyxl writes: "%.16g" % value
    return Decimal(repr(float(written))) == number


def _number_text(number: Decimal) -> str:
    """A number too precise for a spreadsheet number, as plain digits the amount parser reads back."""
    return format(number, "f")


@cache
def _money_format(places: int) -> str:
    return "#,##0." + "0" * places if places > 0 else "#,##0"


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@cache
def _percent_format(places: int) -> str:
    return "0." + "0" * places + "%" if places > 0 else "0%"


# ---- cells -------------------------------------------------------------------------------------------


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> str | Cell:
    """A string for a cell: escaped, and kept as text even when it looks like a formula or an error."""
    if len(text) > MAX_CELL_CHARACTERS:
        raise UnwritableValue(
            f"is {len(text):,} characters long; a workbook cell holds at most {MAX_CELL_CHARACTERS:,}"
        )
    stored = escape_cell_text(text)
    if len(stored) > MAX_CELL_CHARACTERS:
        raise UnwritableValue(
            f"needs {len(stored):,} characters once its control characters are escaped; "
            f"a workbook cell holds at most {MAX_CELL_CHARACTERS:,}"
        )
    looks_like_formula = stored.startswith(_SHOWN_AS_FORMULA)
    if not looks_like_formula and stored not in ERROR_CODES:
        return stored
    cell = WriteOnlyCell(sheet, stored)
    cell.data_type = "s"  # openpyxl takes "=..." for a formula and "#N/A" for an error
    if looks_like_formula:
        cell.quotePrefix = True
    return cell


def _styled(sheet: WriteOnlyWorksheet, value: Decimal | date, number_format: str) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.value = value
    cell.number_format = number_format
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Value, column: Column, currency: str = "") -> object:
    """What to append for one value: None, a plain value, or a styled write-only cell."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, date):
        return _styled(sheet, value, DATE_FORMAT)
    if not _stored_exactly(value):
        return _number_text(value)
    if column.kind is Kind.MONEY:
        places = max(minor_unit(currency) if currency else 2, _places(value))
        return _styled(sheet, value, _money_format(places))
    return value


def _data_rows(
    sheet: WriteOnlyWorksheet, layout: SheetLayout, rows: Iterable[Sequence[Value]], currency_field: str = ""
) -> int:
    """Append `rows` below the header; returns how many. A value that cannot be written names its cell."""
    columns = layout.columns
    currency_index = layout.fields.index(currency_field) if currency_field else -1
    count = 0
    for count, values in enumerate(rows, start=1):
        currency = values[currency_index] if currency_index >= 0 else ""
        cells = []
        for index, (value, column) in enumerate(zip(values, columns, strict=True)):
            try:
                cells.append(_cell(sheet, value, column, currency if isinstance(currency, str) else ""))
            except UnwritableValue as exc:
                where = f"{layout.name}!{get_column_letter(index + 1)}{count + 1}"
                raise UnwritableValue(f"{where}: {column.header} {exc}") from None
        sheet.append(cells)
    return count


def _new_sheet(workbook: Workbook, name: str) -> WriteOnlyWorksheet:
    sheet: WriteOnlyWorksheet = workbook.create_sheet(name)
    return sheet


# The write-only sheet has these attributes (openpyxl copies them from Worksheet); the stubs miss them.
def _set_column(sheet: WriteOnlyWorksheet, letter: str, width: int, number_format: str | None = None) -> None:
    dimension = sheet.column_dimensions[letter]  # type: ignore[attr-defined]
    dimension.width = width
    if number_format:
        dimension.number_format = number_format


def _add_validation(sheet: WriteOnlyWorksheet, validation: DataValidation) -> None:
    sheet.data_validations.append(validation)  # type: ignore[attr-defined]


# ---- sheet furniture: header, widths, table, drop-downs, input messages -------------------------------


def _column_format(column: Column) -> str:
    match column.kind:
        case Kind.MONEY:
            return _money_format(2)
        case Kind.DATE:
            return DATE_FORMAT
        case Kind.NUMBER:
            return "General"
        case _:
            return TEXT_FORMAT


def _list_range(name: str) -> str:
    """The absolute range of a drop-down list on the hidden Lists sheet: `'Lists'!$A$2:$A$174`."""
    index = LIST_NAMES.index(name) + 1
    letter = get_column_letter(index)
    return f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(choice_list(name)) + 1}"


def _validation(column: Column, cells: str) -> DataValidation:
    """The input message for a column and, for a choice, its drop-down (a warning, not a stop:
    the ledger also understands words outside the list, such as "almost" or "loans")."""
    prompt = column.explanation[:255]
    title = column.header[:32]
    if column.kind is Kind.CHOICE:
        validation = DataValidation(
            type="list",
            formula1=_list_range(column.choices),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=f"Not a usual {column.header.lower()}"[:32],
            error=f"This is not in the list for {column.header}. Keep it only if the ledger understands it "
            f"(see the Read me sheet).",
            showInputMessage=True,
            promptTitle=title,
            prompt=prompt,
        )
    else:
        validation = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title, prompt=prompt)
    validation.add(cells)
    return validation


def _prepare_table_sheet(sheet: WriteOnlyWorksheet, layout: SheetLayout) -> None:
    """Widths, column formats for typed cells, frozen header: what must precede the rows."""
    for index, column in enumerate(layout.columns, start=1):
        _set_column(sheet, get_column_letter(index), column.width, _column_format(column))
    sheet.freeze_panes = "A2"
    header = []
    for column in layout.columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)


def _add_table(sheet: WriteOnlyWorksheet, layout: SheetLayout, last_row: int) -> None:
    """An Excel table named after the sheet, over the header and rows 2 to `last_row`."""
    ref = f"A1:{get_column_letter(len(layout.columns))}{last_row}"
    table = Table(
        displayName=layout.name, ref=ref, tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    )
    # Write-only sheets cannot name table columns from the header cells, so they are named here
    # (and openpyxl warns about it even when they are).
    table.tableColumns = [TableColumn(id=i, name=c.header) for i, c in enumerate(layout.columns, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        sheet.add_table(table)  # type: ignore[misc]


def _finish_table_sheet(
    sheet: WriteOnlyWorksheet,
    layout: SheetLayout,
    last_row: int,
) -> None:
    """The Excel table over header and rows, and each column's drop-down and input message."""
    _add_table(sheet, layout, last_row)
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        _add_validation(sheet, _validation(column, f"{letter}2:{letter}{last_row}"))


def _table_sheet(
    workbook: Workbook, layout: SheetLayout, rows: Iterable[Sequence[Value]], currency_field: str = ""
) -> None:
    sheet = _new_sheet(workbook, layout.name)
    _prepare_table_sheet(sheet, layout)
    count = _data_rows(sheet, layout, rows, currency_field)
    _finish_table_sheet(sheet, layout, max(count + 1, TEMPLATE_ROWS))


def _settings_sheet(workbook: Workbook, settings: Settings, name: str) -> None:
    """Settings: a two-column table, Setting and Value, one row per setting, each with its own drop-down."""
    sheet = _new_sheet(workbook, SETTINGS.name)
    _prepare_table_sheet(sheet, SETTINGS)
    tolerance_places = max(0, _places(settings.tolerance * 100))
    values: dict[str, object] = {
        "base_currency": settings.base_currency,
        "tolerance": _styled(sheet, settings.tolerance, _percent_format(tolerance_places))
        if _stored_exactly(settings.tolerance)
        else _number_text(settings.tolerance),
        "fiscal_year_start": MONTH_CHOICES[settings.fiscal_year_start - 1],
        "name": name,
    }
    for row, entry in enumerate(SETTINGS.entries, start=2):
        value = values[entry.field]
        try:
            cell = _text_cell(sheet, value) if isinstance(value, str) else value
        except UnwritableValue as exc:
            raise UnwritableValue(f"{SETTINGS.name}!B{row}: {entry.header} {exc}") from None
        sheet.append([entry.header, cell or None])
    last_row = len(SETTINGS.entries) + 1
    _add_table(sheet, SETTINGS, last_row)
    _add_validation(sheet, _validation(SETTINGS.columns[0], f"A2:A{last_row}"))
    for row, entry in enumerate(SETTINGS.entries, start=2):
        _add_validation(sheet, _validation(entry, f"B{row}"))


def _lists_sheet(workbook: Workbook) -> None:
    """The hidden sheet holding the drop-down lists, one per column, headed by the list's name."""
    sheet = _new_sheet(workbook, LISTS_SHEET)
    sheet.sheet_state = "hidden"  # type: ignore[attr-defined]
    lists = [choice_list(name) for name in LIST_NAMES]
    for index in range(len(LIST_NAMES)):
        _set_column(sheet, get_column_letter(index + 1), 16)
    sheet.append([name.capitalize() for name in LIST_NAMES])
    for row in range(max(len(items) for items in lists)):
        sheet.append([items[row] if row < len(items) else None for items in lists])


# ---- the Read me -------------------------------------------------------------------------------------

_INTRODUCTION = (
    "This workbook is a pledge ledger: every announcement of aid money you have found, with its source and "
    "exact words. The pledge ledger reads it, finds the same money announced more than once (duplicates, "
    "smaller pledges inside larger ones, repackaged money, baselines, money already provided, grand totals) "
    "and gives honest totals as ranges. Every finding is a suggestion: you accept or reject it in the "
    "Decisions sheet, and the totals follow your decisions.",
    "Fill in Sources and Claims; the other sheets are optional. Keep the header row: columns may be in any "
    "order, and extra columns are ignored. A cell's note (shown when you select it) says what goes in it; "
    "drop-downs list the usual words.",
)

_NOTES = (
    (
        "Qualifiers",
        "Write what the source says about the money's relation to other money, items separated by semicolons, "
        "naming other claims by their ID: loan; in addition to CNN-2. Understood: repackaged, previously "
        "announced, aggregate, running total, already provided, baseline, per year, new and additional, "
        "converted, proposed, misreport, increase, in addition to <claim ID>, converted from <claim ID>, "
        "part of <claim ID>, includes <claim ID>, same as <claim ID>, increase from <claim ID>, and an "
        "instrument word (grant, loan, guarantee, debt relief, in-kind).",
    ),
    (
        "Amounts",
        "Type the figure as a number (300000000) with its Currency and Approximation, or as the source wrote "
        "it (nearly $300m, EUR 1.5bn). A blank amount is an error, never zero.",
    ),
    (
        "Periods",
        "The years the money covers, not the day it was announced: 2011, 2011-2013, FY2012, 2011-06-22/P2Y, "
        "this year or over the next two years (counted from the source's date), or unknown.",
    ),
    (
        "Text",
        "Everything you type is kept as text, exactly: a cell beginning with = (or + - @) is text here, never "
        "a formula.",
    ),
)


def _read_me_sheet(workbook: Workbook) -> None:
    sheet = _new_sheet(workbook, READ_ME_SHEET)
    for letter, width in (("A", 24), ("B", 80), ("C", 48)):
        _set_column(sheet, letter, width)

    def line(*values: str, bold: bool = False, size: int | None = None) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if bold or size:
                cell.font = Font(bold=bold, size=size)
            cells.append(cell)
        sheet.append(cells)

    line("Pledge ledger", bold=True, size=14)
    for paragraph in _INTRODUCTION:
        line("", paragraph)
    for layout in SHEETS:
        sheet.append([])
        need = "required" if layout.required else "optional"
        line(f"{layout.name} ({need})", layout.explanation, bold=True)
        if layout.key_value:
            line("Setting", "What it means", "Example", bold=True)
            rows = layout.entries
        else:
            line("Column", "What it holds", "Example", bold=True)
            rows = layout.columns
        for column in rows:
            required = " (required)" if column.required else ""
            line(f"{column.header}{required}", column.explanation, column.example)
    sheet.append([])
    line("How to write", bold=True)
    for title, text in _NOTES:
        line(title, text)


# ---- rows from the ledger ----------------------------------------------------------------------------


def period_text(period: Period, source_date: date | None, fiscal_year_start: int) -> str:
    """A period as the Period column writes it, read back to the same span.

    What the analyst typed when it still reads as this span; otherwise its label ("2011-2013",
    "2011-06-22 to 2013-06-21", "until 2011-06-22"); blank when unknown.
    """
    if period.text:
        try:
            parsed = parse_period(period.text, source_date=source_date, fiscal_year_start=fiscal_year_start)
        except ParseError:
            parsed = None
        if parsed is not None and (parsed.start, parsed.end) == (period.start, period.end):
            return period.text
    return period.label if period.known else ""


def claim_row(claim: Claim, sources: Mapping[str, Source], fiscal_year_start: int) -> tuple[Value, ...]:
    """A claim as its row in the Claims sheet, in the layout's column order, as the analyst would type it."""
    source = sources.get(claim.source)
    return (
        claim.id,
        claim.source,
        claim.donor,
        claim.announced_by,
        claim.recipient,
        claim.purpose,
        claim.value,
        claim.currency,
        approximation_word(claim.approximation),
        period_text(claim.period, source.date if source else None, fiscal_year_start),
        instrument_word(claim.instrument),
        format_qualifiers(claim.qualifiers),
        claim.quote,
    )


def _rows(ledger: Ledger) -> Iterator[tuple[SheetLayout, Iterable[Sequence[Value]], str]]:
    """Each table sheet with its rows (in the layout's column order) and the field holding the currency."""
    sources = {s.id: s for s in ledger.sources}
    fiscal = ledger.settings.fiscal_year_start
    yield SOURCES, ((s.id, s.publisher, s.title, s.date, s.url) for s in ledger.sources), ""
    yield CLAIMS, (claim_row(c, sources, fiscal) for c in ledger.claims), "currency"
    yield RATES, ((r.currency, r.rate, r.base, r.as_of) for r in ledger.rates), ""
    yield ALIASES, (alias_cells(a) for a in ledger.aliases), ""
    yield DECISIONS, ((d.finding, d.verdict.value, d.note, d.by, d.at) for d in ledger.decisions), ""


# ---- the workbook ------------------------------------------------------------------------------------


def ledger_workbook(ledger: Ledger) -> Workbook:
    """An unsaved (write-only) workbook holding `ledger` in the template's layout; Ledger() gives the template.

    Sheets: Read me, Sources, Claims, Rates, Aliases, Decisions, Settings, and the hidden Lists.
    Raises UnwritableValue, naming the cell, for text no workbook can hold.
    """
    workbook = Workbook(write_only=True)
    try:
        _read_me_sheet(workbook)
        for layout, rows, currency_field in _rows(ledger):
            _table_sheet(workbook, layout, rows, currency_field)
        _settings_sheet(workbook, ledger.settings, ledger.name)
        _lists_sheet(workbook)
    except BaseException:
        _discard(workbook)
        raise
    return workbook


def _discard(workbook: Workbook) -> None:
    """Close a write-only workbook given up half-way and remove its temporary files."""
    for sheet in workbook.worksheets:
        # Closing ends the half-written sheet cleanly; otherwise it fails later, when garbage collected.
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError, ValueError):
                writer.cleanup()


def save_stamped(workbook: Workbook, target: str | PathLike[str] | BinaryIO, timestamp: datetime) -> None:
    """Save with fixed document properties (creator, created and modified at `timestamp`).

    openpyxl's own save stamps the current time; a template rebuilt later should read the same.
    """
    stamp = timestamp.astimezone(UTC).replace(tzinfo=None) if timestamp.tzinfo else timestamp
    workbook.properties.creator = CREATOR
    workbook.properties.lastModifiedBy = CREATOR
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()


def write_ledger(
    ledger: Ledger, target: str | PathLike[str] | BinaryIO, *, timestamp: datetime | None = None
) -> None:
    """Write `ledger` as an .xlsx workbook in the template's layout, to a path or a binary file.

    Amounts are numbers (as text when a spreadsheet number would change them), dates are dates, and
    every string is text, never a formula. `timestamp` (default: now) stamps the document properties.
    Raises UnwritableValue, naming the cell, for text no workbook can hold (see the module's notes).
    """
    workbook = ledger_workbook(ledger)
    save_stamped(workbook, target, timestamp or datetime.now(UTC))
