"""Read a ledger workbook (xlsx, xlsm, xls, ods or a CSV of claims) into a Ledger, with every problem at its cell.

The sheets are Sources, Claims, Rates, Aliases, Decisions and Settings (names matched ignoring case and
spaces); only those are read. Each sheet's header row is its first non-empty row (within the first 10);
headers are matched forgivingly ("Amount (USD)", "Pledger"), cells strictly: a value that cannot be read
is a problem that names its cell, what was found and what was expected, and every problem is reported at
once. With any error the ledger must not be used (`Built.unwrap` raises LedgerError listing them all).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time
from pathlib import PurePath
from typing import Any, BinaryIO, TypeVar

from ledger.core.collector import cycle_collection_paused
from ledger.core.model import Alias, Built, Claim, Ledger, Settings, Source
from ledger.core.money import is_currency
from ledger.core.problems import Origin, Problem, Severity
from ledger.parsing.build import (
    ClaimParser,
    alias_from_fields,
    decision_from_fields,
    rate_from_fields,
    reference_problems,
    settings_from_fields,
    source_from_fields,
    text,
)
from ledger.workbook.gate import (
    CellValue,
    Limits,
    Sheet,
    UnreadableWorkbook,
    Workbook,
    cell_name,
    check_workbook,
    read_workbook,
)
from ledger.workbook.layout import (
    ALIASES,
    CLAIMS,
    DECISIONS,
    RATES,
    SETTINGS,
    SOURCES,
    SheetLayout,
    match_header,
    match_setting,
    match_sheet,
)
from ledger.workbook.layout import SHEETS as layout_sheets

__all__ = ["Progress", "check_ledger_workbook", "read_ledger"]

HEADER_SEARCH_ROWS = 10

# Every name a ledger sheet may go by, so that read_workbook reads those sheets and no other.
_SHEET_NAMES = tuple(name for layout in layout_sheets for name in (layout.name, *layout.variants))

_Result = TypeVar("_Result")

# "Amount (USD)", "Amount [EUR]", "Amount USD": the column's currency, for rows whose Currency cell is blank
_CURRENCY_SUFFIX = re.compile(r".*?[\s(\[]+(?P<code>[A-Za-z]{3})[)\]]?\s*")


def _match(header: str, layout: SheetLayout) -> tuple[str | None, str]:
    """(field, currency) a header names: "Amount (USD)" on Claims -> ("amount", "USD"); (None, "") if unknown."""
    field = match_header(header, layout)
    currency = ""
    if field == "amount" and (found := _CURRENCY_SUFFIX.fullmatch(header)) and is_currency(found["code"]):
        currency = found["code"].upper()
    return field, currency


# ---------------------------------------------------------------------------------------------------------
# Entry points

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000  # rows between progress reports
# Errors collected before reading stops: a person fixes the first thousand before needing the next, and a
# broken sheet of 200,000 rows would otherwise make (and store, and send) a million of them.
MAX_ERRORS = 1000


def read_ledger(
    data: bytes | BinaryIO | str | os.PathLike[str],
    *,
    name: str = "",
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Built:
    """Read a ledger workbook (or a CSV of claims) into a Ledger and every problem met, each at its cell.

    Never raises for what the file holds: an unreadable file is one error. With any error, the result's
    ledger must not be used; `Built.unwrap()` raises LedgerError listing every error. Reading stops after
    MAX_ERRORS errors, and a last error says so. `progress`, when given, is called as claims are read with
    (rows done, rows in all).
    """
    if not name and isinstance(data, str | os.PathLike):
        name = PurePath(os.fspath(data)).name
    try:
        workbook = read_workbook(data, name=name, limits=limits, sheets=_SHEET_NAMES)
    except UnreadableWorkbook as unreadable:
        return Built(
            Ledger(name=name),
            (Problem(f"{name or 'the file'}: {unreadable}", Origin(name)),),
            unreadable=True,
        )
    if not workbook.is_package:
        return _LedgerReader(workbook, name, from_csv=True, progress=progress).read()
    if _find_sheet(workbook, CLAIMS) is None:
        sheets = ", ".join(workbook.sheet_names) or "none"
        return Built(
            Ledger(name=name),
            (
                Problem(
                    f"no Claims sheet found; this workbook has sheets: {sheets} (a ledger needs Sources and "
                    "Claims; download the template)",
                    Origin(name),
                ),
            ),
        )
    # the gate found the formulas with no saved value in the same pass that checked the sheet XML
    unsaved = {
        sheet.name: sheet.formulas_without_value for sheet in workbook.sheets if sheet.formulas_without_value
    }
    return _LedgerReader(workbook, name, from_csv=False, unsaved_formulas=unsaved, progress=progress).read()


def check_ledger_workbook(data: bytes, *, name: str = "", limits: Limits = Limits()) -> Problem | None:
    """The one error that makes an upload unreadable as a ledger workbook, found by the gate's checks alone
    (without reading the cells, so cheaply, before a large upload is queued); None when it passes them."""
    try:
        check_workbook(data, name=name, limits=limits, sheets=_SHEET_NAMES)
    except UnreadableWorkbook as unreadable:
        return Problem(f"{name or 'the file'}: {unreadable}", Origin(name))
    return None


# ---------------------------------------------------------------------------------------------------------
# Tables: a sheet's header and its rows


@dataclass(frozen=True, slots=True)
class _Table:
    """A sheet with its header understood: which column holds which field, and where rows start."""

    sheet: Sheet
    layout: SheetLayout
    header_row: int  # index into sheet.rows
    columns: Mapping[str, int]  # field -> column index
    origin: Origin  # sheet-wide origin whose `columns` names each field's letters; row filled per row
    default_currency: str = ""  # from an "Amount (USD)" header

    def records(self) -> Iterator[tuple[tuple[CellValue, ...], Origin]]:
        """Each non-empty row after the header, with its origin (1-based spreadsheet row)."""
        base = self.origin
        workbook, sheet, columns = base.workbook, base.sheet, base.columns
        rows = self.sheet.rows
        for index in range(self.header_row + 1, len(rows)):
            row = rows[index]
            if _is_blank(row):
                continue
            yield row, Origin(workbook, sheet, index + 1, "", columns)

    def fields(self, row: tuple[CellValue, ...]) -> dict[str, CellValue]:
        """The row's cells by field name, cleaned (trimmed text, midnight datetimes as dates)."""
        found = {field: _clean(row[index]) for field, index in self.columns.items()}
        if self.default_currency and found.get("currency") is None:
            found["currency"] = self.default_currency
        return found


def _is_blank(row: tuple[CellValue, ...]) -> bool:
    for value in row:
        if value is not None and not (value.__class__ is str and not value.strip()):
            return False
    return True


def _clean(value: CellValue) -> CellValue:
    if value.__class__ is str:
        stripped = value.strip()
        return stripped or None
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    return value


def _letters(column: int) -> str:
    return cell_name(0, column)[:-1]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# ---------------------------------------------------------------------------------------------------------
# The reader


class _LedgerReader:
    """Reads one workbook's sheets into ledger values, collecting problems; used once per read."""

    def __init__(
        self,
        workbook: Workbook,
        name: str,
        *,
        from_csv: bool,
        unsaved_formulas: Mapping[str, frozenset[tuple[int, int]]] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.progress = progress
        self.workbook = workbook
        self.name = name
        self.from_csv = from_csv
        self.unsaved_formulas = unsaved_formulas or {}
        self.problems: list[Problem] = []
        self.errors = 0  # errors among self.problems, counted as they come: reading stops at MAX_ERRORS
        self.ledger_name = name
        self.sheets = {layout.name: _find_sheet(workbook, layout) for layout in layout_sheets}
        self.used_cells: dict[str, tuple[int, frozenset[int]]] = {}

    def read(self) -> Built:
        workbook = self.workbook
        sheets = self.sheets
        claims_sheet = workbook.sheets[0] if self.from_csv else sheets["Claims"]
        assert claims_sheet is not None
        settings = self._settings(sheets["Settings"])
        claims_table = self._table(claims_sheet, CLAIMS, required_sheet=True)
        if self.from_csv:
            sources = self._bare_sources(claims_table)
        else:
            sources = self._records(sheets["Sources"], SOURCES, source_from_fields)
            if sheets["Sources"] is None:
                self.problems.append(
                    Problem(
                        "no Sources sheet found; a ledger needs Sources and Claims (download the template)",
                        Origin(self.name),
                    )
                )
        claims, bare_dollar = self._claims(claims_table, settings, sources)
        rates = self._records(
            sheets["Rates"],
            RATES,
            lambda fields, origin: rate_from_fields(fields, settings.base_currency, origin),
        )
        decisions = self._records(sheets["Decisions"], DECISIONS, _decision_from_fields)
        aliases = self._aliases(sheets["Aliases"])
        if bare_dollar:
            self.problems.append(
                Problem(
                    f'a bare "$" was read as {settings.base_currency}, the base currency',
                    Origin(self.name),
                    Severity.WARNING,
                )
            )
        ledger = Ledger(
            sources=tuple(sources),
            claims=tuple(claims),
            aliases=tuple(aliases),
            rates=tuple(rates),
            settings=settings,
            decisions=tuple(decisions),
            name=self.ledger_name,
        )
        references = reference_problems(ledger)
        if not self.from_csv and sheets["Sources"] is None:
            # one problem says the sheet is missing; a line per claim would bury it
            references = [p for p in references if "which is not in Sources" not in p.message]
        self.problems.extend(references)
        self._report_unsaved_formulas()
        return Built(ledger, _at_most(self._ordered(self.problems), MAX_ERRORS, self.name))

    def _collect(self, found: list[Problem]) -> bool:
        """Keep the problems found; False once MAX_ERRORS errors are kept (stop reading then)."""
        self.problems.extend(found)
        self.errors += sum(1 for problem in found if problem.severity is Severity.ERROR)
        return self.errors < MAX_ERRORS

    # --- headers

    def _table(
        self, sheet: Sheet | None, layout: SheetLayout, *, required_sheet: bool = False
    ) -> _Table | None:
        if sheet is None:
            return None
        sheet_origin = Origin(self.name, sheet.name)
        header_row = _header_row(sheet, layout)
        if header_row is None:
            if required_sheet:
                self.problems.append(
                    Problem(
                        f"the {layout.name} sheet has no header row in its first {HEADER_SEARCH_ROWS} rows; "
                        f"expected the headers {_expected_headers(layout)}",
                        sheet_origin,
                    )
                )
            return None
        columns: dict[str, int] = {}
        unknown: list[str] = []
        default_currency = ""
        for index, value in enumerate(sheet.rows[header_row]):
            header = text(value)
            if not header:
                continue  # a merged header cell leaves blanks after its first cell
            field, currency = _match(header, layout)
            if field is None:
                if header not in layout.report_columns:
                    unknown.append(f'"{header}" ({_letters(index)})')
                continue
            if field in columns:
                self.problems.append(
                    Problem(
                        f'a second {layout.column(field).header} column ("{header}"); the first is column '
                        f"{_letters(columns[field])}; remove or rename one",
                        Origin(self.name, sheet.name, header_row + 1, _letters(index)),
                    )
                )
                continue
            columns[field] = index
            if currency:
                default_currency = currency
        if unknown:
            self.problems.append(
                Problem(
                    f"columns not used (not part of the {layout.name} sheet): {', '.join(unknown)}",
                    sheet_origin,
                    Severity.WARNING,
                )
            )
        missing = [
            column.header for column in layout.columns if column.required and column.field not in columns
        ]
        if missing:
            found = ", ".join(f'"{text(v)}"' for v in sheet.rows[header_row] if text(v)) or "nothing"
            self.problems.append(
                Problem(
                    f"the header row (row {header_row + 1}) has no {' or '.join(missing)} column; expected the "
                    f"headers {_expected_headers(layout)} (found {found})",
                    sheet_origin,
                )
            )
            return None
        letters = {field: _letters(index) for field, index in columns.items()}
        if layout is CLAIMS and "currency" not in letters:
            letters["currency"] = letters["amount"]  # with no Currency column, the amount says the currency
        origin = Origin(self.name, sheet.name, None, "", tuple(letters.items()))
        # only the cells this reader uses can be spoiled by a formula with no saved value
        self.used_cells[sheet.name] = (header_row, frozenset(columns.values()))
        return _Table(sheet, layout, header_row, columns, origin, default_currency)

    # --- sheets

    def _settings(self, sheet: Sheet | None) -> Settings:
        if sheet is None:
            return Settings()
        values: dict[str, CellValue] = {}
        unknown: list[str] = []
        first = True
        for index, row in enumerate(sheet.rows):
            if _is_blank(row):
                continue
            key = text(row[0])
            value = _clean(row[1]) if len(row) > 1 else None
            if first and match_header(key, SETTINGS) == "setting":
                first = False
                continue  # the "Setting | Value" header row
            first = False
            field = match_setting(key)
            if field is None:
                if key:
                    unknown.append(f'"{key}" (row {index + 1})')
                continue
            if field == "name":
                self.ledger_name = text(value) or self.name
                continue
            origin = Origin(self.name, sheet.name, index + 1, "", ((field, "B"),))
            _, found = settings_from_fields({field: value}, origin)
            self.problems.extend(found)
            if not found:
                values[field] = value
        if unknown:
            self.problems.append(
                Problem(
                    f"settings not understood and ignored: {', '.join(unknown)}; expected "
                    + ", ".join(entry.header for entry in SETTINGS.entries),
                    Origin(self.name, sheet.name),
                    Severity.WARNING,
                )
            )
        settings, _ = settings_from_fields(values)
        return settings

    def _records(
        self,
        sheet: Sheet | None,
        layout: SheetLayout,
        parse: Callable[[Mapping[str, Any], Origin], tuple[_Result | None, list[Problem]]],
    ) -> list[_Result]:
        table = self._table(sheet, layout)
        if table is None:
            return []
        made: list[_Result] = []
        for row, origin in table.records():
            value, found = parse(table.fields(row), origin)
            if value is not None:
                made.append(value)
            if not self._collect(found):
                break
        return made

    def _aliases(self, sheet: Sheet | None) -> list[Alias]:
        table = self._table(sheet, ALIASES)
        if table is None:
            return []
        aliases = []
        for row, origin in table.records():
            alias, found = alias_from_fields(table.fields(row), origin)
            if alias is not None:
                aliases.append(alias)
            if not self._collect(found):
                break
        return aliases

    def _bare_sources(self, table: _Table | None) -> list[Source]:
        if table is None or "source" not in table.columns:
            return []
        index = table.columns["source"]
        seen: dict[str, None] = {}
        for row, _ in table.records():
            source_id = text(row[index])
            if source_id:
                seen.setdefault(source_id)
        if seen:
            listed = ", ".join(list(seen)[:10]) + (f" and {len(seen) - 10} more" if len(seen) > 10 else "")
            self.problems.append(
                Problem(
                    f"a CSV file holds only claims: sources were made from the Source column ({listed}) with no "
                    'publisher, title or date; relative periods such as "this year" need a source date, so '
                    "use the workbook template to give them",
                    Origin(self.name),
                    Severity.WARNING,
                )
            )
        return [Source(source_id, origin=Origin(self.name)) for source_id in seen]

    def _claims(
        self, table: _Table | None, settings: Settings, sources: list[Source]
    ) -> tuple[list[Claim], bool]:
        if table is None:
            return [], False
        parser = ClaimParser(settings, {s.id: s for s in sources})
        claims: list[Claim] = []
        progress, total = self.progress, len(table.sheet.rows) - table.header_row - 1
        fields = table.fields
        with cycle_collection_paused():
            for done, (row, origin) in enumerate(table.records(), start=1):
                claim, found = parser.parse(fields(row), origin)
                if claim is not None:
                    claims.append(claim)
                elif not self._collect(found):
                    break
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
        if progress is not None:
            progress(total, total)
        return claims, parser.bare_dollar_seen

    # --- formulas, order

    def _report_unsaved_formulas(self) -> None:
        if not self.unsaved_formulas:
            return
        places: set[tuple[str, str]] = set()
        for sheet in self.workbook.sheets:
            header_row, used = self.used_cells.get(sheet.name, (-1, frozenset()))
            for row, column in sorted(self.unsaved_formulas.get(sheet.name, ())):
                if row <= header_row or column not in used:
                    continue
                place = Origin(self.name, sheet.name, row + 1, _letters(column))
                places.add((place.sheet, place.cell))
                self.problems.append(
                    Problem(
                        "the formula has no saved value; open the workbook in Excel or LibreOffice, save it, "
                        "and upload again",
                        place,
                    )
                )
        # a blank read from such a cell is the formula's fault, not the analyst's: say it once
        self.problems = [
            p
            for p in self.problems
            if (p.origin.sheet, p.origin.cell) not in places or p.message.startswith("the formula has no")
        ]

    def _ordered(self, problems: list[Problem]) -> list[Problem]:
        position = {sheet.name: index for index, sheet in enumerate(self.workbook.sheets)}

        def place(problem: Problem) -> tuple[int, int, int, str]:
            origin = problem.origin
            if not origin.sheet:
                return (-1, 0, 0, "")
            return (
                position.get(origin.sheet, len(position)),
                origin.row or 0,
                _column_number(origin.column) if origin.column else 0,
                origin.column,
            )

        return sorted(problems, key=place)


def _at_most(problems: list[Problem], max_errors: int, name: str) -> tuple[Problem, ...]:
    """The problems in order with at most `max_errors` errors (and as many warnings), and then one more
    error saying the rest were not looked for."""
    errors = warnings = 0
    kept: list[Problem] = []
    for problem in problems:
        if problem.severity is Severity.ERROR:
            errors += 1
            if errors > max_errors:
                continue
        else:
            warnings += 1
            if warnings > max_errors:
                continue
        kept.append(problem)
    if errors >= max_errors:
        kept.append(
            Problem(
                f"stopped after {max_errors:,} problems: fix these and upload again to see whether there are "
                "more",
                Origin(name),
            )
        )
    return tuple(kept)


def _find_sheet(workbook: Workbook, layout: SheetLayout) -> Sheet | None:
    """The sheet named as the template names it ("claims " too), else the first going by a variant ("Pledges")."""
    return workbook.sheet(layout.name) or next(
        (sheet for sheet in workbook.sheets if match_sheet(sheet.name) is layout), None
    )


def _header_row(sheet: Sheet, layout: SheetLayout) -> int | None:
    """The first row (of the first 10) that names a known column, else the first non-empty one."""
    first: int | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if _is_blank(row):
            continue
        if first is None:
            first = index
        if any(match_header(text(value), layout) for value in row if value is not None):
            return index
    return first


def _expected_headers(layout: SheetLayout) -> str:
    return ", ".join(column.header for column in layout.columns)


def _decision_from_fields(fields: Mapping[str, Any], origin: Origin) -> tuple[Any, list[Problem]]:
    decision, problems = decision_from_fields(fields, origin)
    if decision is not None and (fields.get("by") or fields.get("at")):
        decision = replace(decision, by=text(fields.get("by")), at=text(fields.get("at")))
    return decision, problems
