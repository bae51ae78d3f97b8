"""The workbook being written: its formats (made from the look, once each) and its sheets' set-up.

A sheet here is an XlsxWriter worksheet with what every report sheet shares: column widths from the
template, a header row, an Excel Table over the data, frozen headers, and a page set-up (landscape, one
page wide, the header row repeated on every page, and a footer with the ledger's name, version, the day
the report was written and the page). In plain mode (the benchmark's baseline) none of that is made:
the same cells, unformatted.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from .cells import (
    TEXT_START_AS_FORMULA,
    Formula,
    Link,
    RowWriter,
    Spec,
    cell_text,
)
from .look import FONT, NOTES, CellLook, Columns, ReportLook, SheetLook, exact_format, scaled_format

__all__ = ["DATE_FORMAT", "Book", "Sheet"]

DATE_FORMAT = "yyyy-mm-dd"
LINE_HEIGHT = 16.0  # points per line of 11-point text, with room for a wider font than Calibri
MAX_ROW_HEIGHT = 409.0  # Excel's limit
_FOOTER_TEXT = 60  # characters of the ledger's name in the footer (Excel allows 255 in all)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def lines(text: str, width: float) -> int:
    """About how many lines `text` takes wrapped in a column `width` characters wide.

    A column's width counts digits; prose runs about a tenth narrower, less what wrapping at spaces wastes.
    """
    per_line = max(int(width * 1.1) - 2, 8)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def row_height(count: int) -> float | None:
    """The height of a row of `count` lines (None: the default, one line)."""
    if count <= 1:
        return None
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * count + 2)


@dataclass
class Book:
    """The workbook, its formats, the look, and what every sheet's footer says."""

    workbook: xlsxwriter.Workbook
    look: ReportLook | None
    footer: str = ""
    formula_cells: list[str] | None = None
    trillions: frozenset[str] = frozenset()  # currencies whose figures reach a trillion: scaled in tn
    _made: dict[tuple[Any, ...], Format] = field(default_factory=dict)
    _sheets: dict[str, Worksheet] = field(default_factory=dict)

    def add_sheets(self, names: Sequence[str]) -> None:
        """Add the worksheets in this order; their content may then be written in any order."""
        for name in names:
            self._sheets[name] = self.workbook.add_worksheet(name)

    def worksheet(self, name: str) -> Worksheet:
        """The worksheet `name`, added now unless add_sheets added it."""
        found = self._sheets.get(name)
        if found is None:
            found = self._sheets[name] = self.workbook.add_worksheet(name)
        return found

    @property
    def plain(self) -> bool:
        """No formats at all (the benchmark's baseline)."""
        return self.look is None

    @property
    def style(self) -> ReportLook:
        """The look, or the default one in plain mode."""
        return self.look or ReportLook()

    def format(self, key: tuple[Any, ...], properties: Mapping[str, Any]) -> Format | None:
        """The format made from `properties` (once per key); None in plain mode."""
        if self.look is None:
            return None
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = self.workbook.add_format({"font_name": FONT, **properties})
        return made

    def exact(self, currency: str) -> Format | None:
        """Amounts to the minor unit, for the data sheets."""
        return self.format(("exact", currency), {"num_format": exact_format(currency)})

    def scaled(self, currency: str, bold: bool = False) -> Format | None:
        """Amounts in a readable scale ("USD 1.27bn"), for the sheets people read."""
        big = currency in self.trillions
        return self.format(
            ("scaled", currency, bold),
            {"num_format": scaled_format(currency, big), "bold": bold, "valign": "top"},
        )

    def date(self) -> Format | None:
        """Dates as 2011-06-22."""
        return self.format(("date",), {"num_format": DATE_FORMAT, "valign": "top"})

    def percent(self) -> Format | None:
        """Shares as 23%."""
        return self.format(("percent",), {"num_format": "0%"})

    def quoted(self, wrap: bool = False) -> Format | None:
        """Text that begins with = + - @, shown and kept as typed."""
        # Excel shows text that begins with = as typed, and keeps it text when the cell is edited
        return self.format(("quoted", wrap), {"quote_prefix": True, "text_wrap": wrap, "valign": "top"})

    def wrapped(self) -> Format | None:
        """Text wrapped in its column, from the top of the cell."""
        return self.format(("wrapped",), {"text_wrap": True, "valign": "top"})

    def top(self) -> Format | None:
        """Cells aligned to the top, beside wrapped ones."""
        return self.format(("top",), {"valign": "top"})

    def centred(self) -> Format | None:
        """Small numbers (a cut, a flag), centred in their column."""
        return self.format(("centred",), {"valign": "top", "align": "center"})

    def link(self) -> Format | None:
        """Hyperlinks."""
        return self.format(("link",), {"font_color": "blue", "underline": 1, "valign": "top"})

    def look_of(self, key: str, look: CellLook, extra: Mapping[str, Any] | None = None) -> Format | None:
        """The format of a cell look (a title, a section), with `extra` properties."""
        return self.format(
            ("look", key, look, tuple(sorted((extra or {}).items()))), {**look.properties(), **(extra or {})}
        )

    def header(self, sheet: SheetLook, header: str) -> Format | None:
        """A table's header cell, as the template styles it."""
        return self.look_of("header", sheet.header_look(header), {"valign": "top"})

    def discard(self) -> None:
        """Close and remove the row files constant-memory mode keeps per sheet, when writing stopped half way."""
        for sheet in self.workbook.worksheets():
            handle, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
            if handle is not None:
                handle.close()
            if name:
                with contextlib.suppress(OSError):
                    os.remove(name)


def footer_text(name: str, version: str, written: datetime) -> str:
    """The page footer: ledger name and version on the left, the day written, the sheet and page on the right."""
    plain = " ".join(_CONTROL.sub(" ", name).split())  # one line, no control characters
    shown = plain if len(plain) <= _FOOTER_TEXT else plain[: _FOOTER_TEXT - 1] + "…"
    left = " · ".join(part for part in (shown, f"version {version}" if version else "") if part)
    left = left.replace("&", "&&")
    # the space after the size: a name beginning with a digit would otherwise make it another size
    return f"&L&8 {left}&C&8 written {written:%Y-%m-%d}&R&8 &A · page &P of &N"


class Sheet:
    """One worksheet of the report, written top to bottom (constant-memory mode needs rows in order)."""

    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.name = name
        self.ws: Worksheet = book.worksheet(name)
        self.look = book.look.sheet(name) if book.look else SheetLook()
        self.links = 0
        if book.look and self.look.tab_color:
            self.ws.set_tab_color(self.look.tab_color)

    @property
    def plain(self) -> bool:
        """Plain mode: cells only."""
        return self.book.plain

    # --- layout

    def columns(
        self,
        columns: Columns,
        first: int = 0,
        *,
        widths: Mapping[str, float] | None = None,
        helpers: Columns = (),
    ) -> None:
        """Size the columns from the template (by header), else the layout's widths; `helpers` follow,
        grouped and folded away (a + above the sheet unfolds them)."""
        if self.plain:
            return
        wider = widths or {}
        for index, (header, width) in enumerate(columns, start=first):
            self.ws.set_column(index, index, max(self.look.width(header, width), wider.get(header, 0)))
        start = first + len(columns)
        for index, (header, width) in enumerate(helpers, start=start):
            self.ws.set_column(
                index,
                index,
                max(self.look.width(header, width), wider.get(header, 0)),
                None,
                {"level": 1, "hidden": True},
            )
        if helpers:
            self.ws.set_column(start + len(helpers), start + len(helpers), None, None, {"collapsed": True})

    def header(self, row: int, columns: Columns, first: int = 0) -> None:
        """The header cells of a table."""
        for index, (header, _) in enumerate(columns, start=first):
            self.ws.write_string(row, index, header, self.book.header(self.look, header))

    def table(self, name: str, row: int, last_row: int, columns: Columns, first: int = 0) -> None:
        """An Excel Table (with autofilter) over a header row, written by now, and its data rows to come.

        XlsxWriter refuses tables in constant-memory mode only because add_table writes the header
        cells itself; the header row is the row being written, so it is safe to let it, and the table's
        range is then widened to the data rows (add_table would otherwise mark every cell, in memory).
        In plain mode only the header row is written.
        """
        if self.plain:
            self.header(row, columns, first)
            return
        tall = max(lines(h, self.look.width(h, w)) for h, w in columns)
        if tall > 1:
            self.ws.set_row(row, LINE_HEIGHT * min(tall, 3) + 2)
        headers = [{"header": h, "header_format": self.book.header(self.look, h)} for h, _ in columns]
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
        notes = NOTES.get(self.name, {})
        for index, (header, _) in enumerate(columns, start=first):
            if header in notes:
                ws.write_comment(row, index, notes[header], {"x_scale": 2, "y_scale": 1.2})

    def freeze(self, row: int, column: int = 0) -> None:
        """Keep the rows above `row` and the columns before `column` in view."""
        if not self.plain:
            self.ws.freeze_panes(row, column)

    def page(
        self,
        *,
        repeat: tuple[int, int] | None = None,
        area: tuple[int, int, int, int] | None = None,
        one_page: bool = False,
        landscape: bool = True,
    ) -> None:
        """Print set-up: A4, landscape, one page wide (or on one page), the rows `repeat` on every page,
        the footer; `area` (first row, first column, last row, last column) limits what prints."""
        if self.plain:
            return
        ws = self.ws
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(9)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.fit_to_pages(1, 1 if one_page else 0)
        if repeat is not None:
            ws.repeat_rows(*repeat)
        if area is not None:
            ws.print_area(*area)
        ws.set_footer(self.book.footer, {"margin": 0.25})

    # --- cells written one by one

    def rows(self, specs: Sequence[Spec], last_row: int, first: int = 0) -> RowWriter:
        """A writer for this sheet's data rows down to `last_row` (0-based; see exports.report.cells)."""
        return RowWriter(
            self.ws,
            specs,
            first,
            sheet=self.name,
            link_format=self.book.link(),
            formula_cells=self.book.formula_cells,
            last_row=last_row,
        )

    def text(self, row: int, column: int, text: str, fmt: Format | None = None) -> None:
        """Text as a string cell, never a formula, whatever it begins with."""
        if not text:
            return
        try:
            stored = cell_text(text)
        except Exception as exc:
            raise type(exc)(f"{self.name}!{xl_rowcol_to_cell(row, column)}: {exc}") from None
        if fmt is None and text.startswith(TEXT_START_AS_FORMULA):
            fmt = self.book.quoted()
        self.ws.write_string(row, column, stored, fmt)

    def write(self, row: int, column: int, value: object, fmt: Format | None = None) -> None:
        """One cell: text, numbers, dates, formulas, links."""
        ws = self.ws
        if value is None:
            return
        if isinstance(value, str):
            self.text(row, column, value, fmt)
        elif isinstance(value, Formula):
            self.formula(row, column, value, fmt)
        elif isinstance(value, Link):
            self.link(row, column, value)
        elif isinstance(value, date):
            ws.write_datetime(
                row, column, datetime(value.year, value.month, value.day), fmt or self.book.date()
            )
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, column, float(value), fmt)
        else:
            raise TypeError(f"cannot write {type(value).__name__} in a report cell")

    def formula(self, row: int, column: int, formula: Formula, fmt: Format | None = None) -> None:
        """A formula with its value now."""
        value = formula.value
        shown: float | str = value if isinstance(value, str) else float(value)
        self.ws.write_formula(row, column, formula.text, fmt, shown)
        if self.book.formula_cells is not None:
            self.book.formula_cells.append(f"{self.name}!{xl_rowcol_to_cell(row, column)}")

    def link(self, row: int, column: int, link: Link) -> None:
        """A hyperlink (text beyond Excel's limit of links per sheet)."""
        if self.plain or self.links >= 65_530:
            self.text(row, column, link.text)
            return
        self.links += 1
        self.ws.write_url(row, column, link.target, self.book.link(), string=cell_text(link.text))
