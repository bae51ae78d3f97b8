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
from datetime import date, datetime, time
from decimal import Decimal
from operator import itemgetter
from pathlib import PurePath
from typing import Any, BinaryIO, TypeVar

from ledger.core.collector import cycle_collection_paused
from ledger.core.model import Built, Claim, Instrument, Ledger, Period, Qualifier, Settings, Source
from ledger.core.money import Approximation, Currency, Money, currency_of, is_currency
from ledger.core.problems import Origin, ParseError, Problem, Severity
from ledger.parsing.amounts import ParsedAmount, parse_amount
from ledger.parsing.build import (
    ClaimParser,
    decision_from_fields,
    rate_from_fields,
    reference_problems,
    settings_from_fields,
    source_from_fields,
    text,
)
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import QualifierParse, parse_approximation, parse_instrument, parse_qualifiers
from ledger.workbook.gate import (
    CellValue,
    Limits,
    Sheet,
    UnreadableWorkbook,
    Workbook,
    cell_name,
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

__all__ = ["Progress", "read_ledger"]

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


def read_ledger(
    data: bytes | BinaryIO | str | os.PathLike[str],
    *,
    name: str = "",
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Built:
    """Read a ledger workbook (or a CSV of claims) into a Ledger and every problem met, each at its cell.

    Never raises for what the file holds: an unreadable file is one error. With any error, the result's
    ledger must not be used; `Built.unwrap()` raises LedgerError listing every error. `progress`, when
    given, is called as claims are read with (rows done, rows in all).
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
        return Built(ledger, tuple(self._ordered(self.problems)))

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
            self.problems.extend(found)
            if value is not None:
                made.append(value)
        return made

    def _aliases(self, sheet: Sheet | None) -> list[tuple[str, str]]:
        table = self._table(sheet, ALIASES)
        if table is None:
            return []
        aliases = []
        for row, origin in table.records():
            fields = table.fields(row)
            name, means = text(fields.get("name")), text(fields.get("means"))
            if not name:
                self.problems.append(
                    Problem(
                        f'alias for "{means}" has no name; expected the name as written', origin.field("name")
                    )
                )
            elif not means:
                self.problems.append(
                    Problem(
                        f'alias "{name}" says nothing under Means; expected the name it stands for',
                        origin.field("means"),
                    )
                )
            else:
                aliases.append((name, means))
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
        reader = _ClaimReader(table, settings, {s.id: s for s in sources})
        claims: list[Claim] = []
        problems = self.problems
        progress, total = self.progress, len(table.sheet.rows) - table.header_row - 1
        with cycle_collection_paused():
            for done, (row, origin) in enumerate(table.records(), start=1):
                claim, found = reader.read(row, origin)
                if claim is not None:
                    claims.append(claim)
                else:
                    problems.extend(found)
                if progress is not None and done % PROGRESS_EVERY == 0:
                    progress(done, total)
        if progress is not None:
            progress(total, total)
        return claims, reader.parser.bare_dollar_seen

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


# ---------------------------------------------------------------------------------------------------------
# Claims, fast


class _Failed:
    """Marks a cached parse that failed; the row then goes through ClaimParser for its exact message."""


_FAILED = _Failed()


def _cached(cache: dict[Any, Any], key: Any, parse: Callable[..., Any]) -> Any:
    """`cache[key]`, parsing on a miss: parse(key) for text keys, parse() for a closure; failures kept too."""
    try:
        return cache[key]
    except KeyError:
        try:
            result = parse(key) if isinstance(key, str) else parse()
        except (ParseError, ValueError, TypeError):
            result = _FAILED
        cache[key] = result
        return result


@dataclass(frozen=True, slots=True)
class _Context:
    """What a claim takes from its Currency, Approximation, Period, Instrument and Qualifiers cells when its
    amount is a number: the same for every row whose five cells hold the same text."""

    currency: Currency
    approximation: Approximation
    period: Period
    instrument: Instrument
    qualifiers: tuple[Qualifier, ...]


# Positions in the cells _ClaimReader takes from a row (the order of _CLAIM_FIELDS).
_AMOUNT = 6
_CONTEXT = slice(7, 12)  # currency, approximation, period, instrument, qualifiers
_QUOTE = 12


class _ClaimReader:
    """Claims from rows: a fast path for clean rows, ClaimParser (the one source of messages) for the rest.

    The fast path makes the same Claim ClaimParser would (a test holds them equal) but reads the cells
    by position and caches every parse of repeated text (periods, instruments, qualifiers, currencies),
    which is what makes 100,000 rows cheap. A row with a numeric amount whose five context cells (see
    _Context) were met before in a clean row costs one dictionary look-up for all five. Any doubt sends the
    row to ClaimParser.
    """

    def __init__(self, table: _Table, settings: Settings, sources: Mapping[str, Source]) -> None:
        self.table = table
        self.parser = ClaimParser(settings, sources)
        self.settings = settings
        self.sources = sources
        # every field's cell at once; a missing column reads the None appended past the row's end
        positions = [table.columns.get(field, -1) for field in _CLAIM_FIELDS]
        self.every_column = -1 not in positions
        self.cells = itemgetter(*positions)
        # keyed by the five context cells as read, only when each is text or empty: text never equals a
        # number, a date or a boolean, so a hit is always a row whose cells read as the same text
        self.contexts: dict[tuple[CellValue, ...], _Context] = {}
        self.periods: dict[tuple[str, date | None], Period | _Failed] = {}
        self.amounts: dict[str, ParsedAmount | _Failed] = {}
        self.approximations: dict[str, Approximation | _Failed] = {}
        self.instruments: dict[str, Instrument | _Failed] = {}
        self.qualifiers: dict[str, QualifierParse] = {}
        self.currencies: dict[str, Currency | None] = {}

    def read(self, row: tuple[CellValue, ...], origin: Origin) -> tuple[Claim | None, list[Problem]]:
        """The row's claim, or None and the problems that keep it out."""
        cells: tuple[CellValue, ...] = self.cells(row if self.every_column else (*row, None))
        context = self.contexts.get(cells[_CONTEXT])
        claim = None if context is None else self._with_context(cells, context, origin)
        if claim is None:
            claim = self._fast(cells, origin)
        if claim is not None:
            return claim, []
        return self.parser.parse(self.table.fields(row), origin)

    def _with_context(self, cells: tuple[CellValue, ...], context: _Context, origin: Origin) -> Claim | None:
        amount = cells[_AMOUNT]
        if amount.__class__ is Decimal:
            if not amount.is_finite():
                return None
        elif amount.__class__ is not int:
            return None  # text, a date, a boolean: _fast or ClaimParser reads it
        if amount < 0:
            return None
        claim_id, source_id, donor, announced_by, recipient, purpose = [
            value.strip() if value.__class__ is str else "" if value is None else _cell_text(value)
            for value in cells[:_AMOUNT]
        ]
        if not (claim_id and source_id and donor):
            return None
        quote = cells[_QUOTE]
        return Claim(  # positionally, in Claim's field order: measurably faster for 100,000 claims
            claim_id,
            source_id,
            donor,
            Money(Decimal(amount), context.currency),
            announced_by,
            recipient,
            purpose,
            context.approximation,
            context.period,
            context.instrument,
            context.qualifiers,
            quote.strip() if quote.__class__ is str else _cell_text(quote),
            origin,
        )

    def _fast(self, cells: tuple[CellValue, ...], origin: Origin) -> Claim | None:
        (
            claim_id,
            source_id,
            donor,
            announced_by,
            recipient,
            purpose,
            amount_text,
            currency,
            approximation_text,
            period_text,
            instrument_text,
            qualifiers_text,
            quote,
        ) = [
            value.strip() if value.__class__ is str else "" if value is None else _cell_text(value)
            for value in cells
        ]
        if not (claim_id and source_id and donor):
            return None
        parsed = self._amount(amount_text, cells[_AMOUNT])
        if parsed is None:
            return None
        currency = currency.upper() or self.table.default_currency
        if parsed.currency and currency and parsed.currency != currency:
            return None
        if parsed.bare_dollar and not currency:
            currency = self.settings.base_currency
            self.parser.bare_dollar_seen = True
        currency = currency or parsed.currency or ""
        try:
            money_currency = self.currencies[currency]
        except KeyError:
            money_currency = self.currencies[currency] = currency_of(currency)
        if money_currency is None:
            return None
        approximation = parsed.approximation or Approximation.EXACT
        if approximation_text:
            word = _cached(self.approximations, approximation_text, parse_approximation)
            if word is _FAILED:
                return None
            approximation = word
        period = self.periods.get((period_text, None))
        if not isinstance(period, Period):
            period = self._period(period_text, source_id)
            if not isinstance(period, Period):
                return None
        # read from the text alone, without the source's date: the same period for every source
        context_free = self.periods[(period_text, None)] is period
        instrument = self.instruments.get(instrument_text) or _cached(
            self.instruments, instrument_text, parse_instrument
        )
        if not isinstance(instrument, Instrument):
            return None
        qualifiers = self.qualifiers.get(qualifiers_text)
        if qualifiers is None:
            qualifiers = self.qualifiers[qualifiers_text] = parse_qualifiers(qualifiers_text)
        if qualifiers.problems:
            return None
        if qualifiers.instrument is not None:
            if instrument not in (Instrument.UNKNOWN, qualifiers.instrument):
                return None
            instrument = qualifiers.instrument
        key = cells[_CONTEXT]
        if (
            context_free
            and parsed.currency is None
            and parsed.approximation is None
            and not parsed.bare_dollar
            and all(value is None or value.__class__ is str for value in key)
        ):
            # a numeric amount: nothing here came from the amount, so rows with the same five cells agree
            self.contexts[key] = _Context(
                money_currency, approximation, period, instrument, qualifiers.qualifiers
            )
        return Claim(
            id=claim_id,
            source=source_id,
            donor=donor,
            amount=Money(parsed.value, money_currency),
            announced_by=announced_by,
            recipient=recipient,
            purpose=purpose,
            approximation=approximation,
            period=period,
            instrument=instrument,
            qualifiers=qualifiers.qualifiers,
            quote=quote,
            origin=origin,
        )

    def _amount(self, shown: str, raw: CellValue) -> ParsedAmount | None:
        if raw.__class__ is int or raw.__class__ is Decimal:
            value = Decimal(raw)
            if not value.is_finite() or value < 0:
                return None
            return ParsedAmount(value, None, None)
        if raw.__class__ is not str or not shown:
            return None  # blank, a date, a boolean: ClaimParser says what is wrong
        parsed = _cached(self.amounts, shown, parse_amount)
        return None if parsed is _FAILED else parsed

    def _period(self, period_text: str, source_id: str) -> Period | _Failed:
        # The source's date matters only to relative periods ("this year"), which fail without one; so a
        # text read without the date is the same for every source, and one cache entry serves them all.
        fiscal_year_start = self.settings.fiscal_year_start
        period: Period | _Failed = _cached(
            self.periods,
            (period_text, None),
            lambda: parse_period(period_text, fiscal_year_start=fiscal_year_start),
        )
        if period is _FAILED:
            source = self.sources.get(source_id)
            source_date = source.date if source else None
            if source_date is not None:
                period = _cached(
                    self.periods,
                    (period_text, source_date),
                    lambda: parse_period(
                        period_text, source_date=source_date, fiscal_year_start=fiscal_year_start
                    ),
                )
        return period


_CLAIM_FIELDS = tuple(column.field for column in CLAIMS.columns)


def _cell_text(value: CellValue) -> str:
    """A cell as ClaimParser's `text` sees it after cleaning: trimmed, midnight datetimes as dates."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    return text(_clean(value))
