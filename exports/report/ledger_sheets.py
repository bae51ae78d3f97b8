"""The ledger's own sheets, as the ledger workbook lays them out: Sources, Rates, Aliases, Settings.

With Claims, they make the report read back as a ledger (exports.report.reading).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from ledger.workbook.layout import ALIASES, MONTH_CHOICES, RATES, SETTINGS, alias_cells

from .book import Book, Sheet
from .cells import Kind, Link, Spec, stored_exactly
from .look import ALIAS_COLUMNS, RATE_COLUMNS, SETTING_COLUMNS, SOURCE_COLUMNS, SOURCES_SHEET, Columns
from .plan import Plan

__all__ = ["write_ledger_sheets"]

# Web and mail addresses become hyperlinks; anything else (file:, javascript:, odd characters) stays text.
_SAFE_URL = re.compile(r"(?:https?://|ftp://|mailto:)[^\s\"<>\\^`{|}\x00-\x1f\x7f]+", re.IGNORECASE)
MAX_URL_CHARACTERS = 2079  # Excel's limit for a hyperlink


def write_ledger_sheets(book: Book, plan: Plan) -> None:
    """Write Sources, then Rates and Aliases when the ledger has them, then Settings."""
    ledger = plan.result.ledger
    _sources(book, plan)
    if ledger.rates:
        _simple(
            book,
            RATES.name,
            "RatesTable",
            RATE_COLUMNS,
            ((r.currency, r.rate, r.base, r.as_of) for r in ledger.rates),
        )
    if ledger.aliases:
        _simple(
            book,
            ALIASES.name,
            "AliasesTable",
            ALIAS_COLUMNS,
            (alias_cells(a) for a in ledger.aliases),
        )
    _settings(book, plan)


def _sources(book: Book, plan: Plan) -> None:
    sources = plan.result.ledger.sources
    sheet = Sheet(book, SOURCES_SHEET)
    sheet.columns(SOURCE_COLUMNS)
    sheet.table("SourcesTable", 0, len(sources), SOURCE_COLUMNS)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0))
    text = Spec(Kind.TEXT, book.top(), quoted=book.quoted())
    rows = sheet.rows([text, text, text, Spec(Kind.DATE, book.date()), Spec(Kind.LINK)], len(sources))
    for row, s in enumerate(sources, start=1):
        safe = _SAFE_URL.fullmatch(s.url) is not None and len(s.url) <= MAX_URL_CHARACTERS
        url: object = Link(s.url, s.url) if s.url and safe and not book.plain else (s.url or None)
        rows.write(row, [s.id, s.publisher, s.title, s.date, url])


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | date | int):
        return value
    if isinstance(value, Decimal):
        return value if stored_exactly(value) else format(value, "f")
    return str(value)


def _simple(book: Book, name: str, table: str, columns: Columns, rows: Iterable[Sequence[object]]) -> None:
    items = [tuple(r) for r in rows]
    sheet = Sheet(book, name)
    sheet.columns(columns)
    sheet.table(table, 0, len(items), columns)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0), landscape=False)
    for row, values in enumerate(items, start=1):
        for column, value in enumerate(values):
            sheet.write(row, column, _plain(value))


def _percent(book: Book, share: Decimal) -> object:
    whole = (share * 100) == (share * 100).to_integral_value()
    return book.format(("percent", whole), {"num_format": "0%" if whole else "0.00%"})


def _settings(book: Book, plan: Plan) -> None:
    ledger = plan.result.ledger
    settings = ledger.settings
    sheet = Sheet(book, SETTINGS.name)
    sheet.columns(SETTING_COLUMNS)
    entries = SETTINGS.entries
    sheet.table("SettingsTable", 0, len(entries), SETTING_COLUMNS)
    sheet.page(repeat=(0, 0), landscape=False)
    values: dict[str, tuple[object, object]] = {
        "base_currency": (settings.base_currency, None),
        "tolerance": (_plain(settings.tolerance), _percent(book, settings.tolerance)),  # 10%, read as 0.1
        "fiscal_year_start": (MONTH_CHOICES[settings.fiscal_year_start - 1], None),
        "name": (ledger.name, None),
    }
    for row, entry in enumerate(entries, start=1):
        value, fmt = values[entry.field]
        sheet.text(row, 0, entry.header)
        sheet.write(row, 1, value, fmt)
