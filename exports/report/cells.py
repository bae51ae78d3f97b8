"""Cells, and the fast path that writes a table's data rows straight into its sheet's XML.

A report of 100,000 claims holds millions of cells. XlsxWriter's `write_*` calls cost about ten
microseconds a cell (argument checks, and some thirty regular expressions over every formula to prefix
newer functions), so the data rows of the report's tables are written here instead: each column gets a
small writer, made once, that turns a value into the `<c>` element XlsxWriter itself would write (the
same escaping of text, control characters and whitespace, the same number format), and each row is one
string added to the worksheet's constant-memory row file. Everything else (styles, tables, drop-downs,
charts, packaging) stays XlsxWriter's; `tests/exports/report/test_cells.py` holds the output equal to
XlsxWriter's own for the same cells.

Formulas are written as the report composes them: with their value as computed now, so that programs
that do not calculate read numbers, and without the `_xlfn.` prefixes XlsxWriter would add (the report
writes the one newer function it uses, MAXIFS, already prefixed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.url import Url  # type: ignore[import-untyped]
from xlsxwriter.utility import (  # type: ignore[import-untyped]
    RE_LEADING_WHITESPACE,
    RE_TRAILING_WHITESPACE,
    _datetime_to_excel_datetime,
    xl_col_to_name,
)
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from ledger.core.money import minor_unit
from ledger.workbook.writer import MAX_CELL_CHARACTERS, UnwritableValue, escape_cell_text

__all__ = [
    "MAX_HYPERLINKS",
    "Formula",
    "Kind",
    "Link",
    "RowWriter",
    "Spec",
    "cell_text",
    "stored_exactly",
]

MAX_HYPERLINKS = 65_530  # Excel's limit per sheet; further links are written as text
TEXT_START_AS_FORMULA = ("=", "+", "-", "@")
_CANNOT_HOLD = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
# XlsxWriter's own escapes, in its order (xlsxwriter.xmlwriter)
_ESCAPE_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile("[&<>]")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula the report composes, with its value now (a number, or text)."""

    text: str
    value: Decimal | float | int | str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink: a web or mail address, or a place in the workbook (`internal:'Claims'!A5`)."""

    target: str
    text: str


def stored_exactly(number: Decimal) -> bool:
    """True when a spreadsheet number (a double, 15-16 digits) reads back as exactly `number`."""
    return Decimal(repr(float(number))) == number


def cell_text(text: str) -> str:
    """Text as it may be written into a cell: checked, and safe from being taken for rich-text XML.

    Raises UnwritableValue for characters no workbook can hold and text longer than a cell holds.
    XlsxWriter writes an inline string that looks like rich text (`<r>...</r>`) into the XML unescaped;
    such text is wrapped here as one rich-text run holding the text, escaped, so it reads back as given.
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


def _xml(text: str) -> str:
    if _XML_SPECIAL.search(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


# Text with none of what needs care: escapes, control characters, XML's special characters, the rich-text
# marker, characters no workbook holds (and, checked apart, whitespace at either end). Most cells.
_SIMPLE = re.compile(r"(?:[^\x00-\x1f&<>_\ud800-\udfff\ufffe\uffff]|_(?!x))*")
_SHORT = MAX_CELL_CHARACTERS // 7  # text this short cannot exceed a cell's limit once escaped


def _inline(ref: str, style: str, text: str) -> str:
    """An inline-string cell, escaped as XlsxWriter escapes it in constant-memory mode."""
    if "_x" in text:
        text = _ESCAPE_ESCAPE.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>'
    preserve = (
        ' xml:space="preserve"'
        if RE_LEADING_WHITESPACE.search(text) or RE_TRAILING_WHITESPACE.search(text)
        else ""
    )
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{_xml(text)}</t></is></c>'


def _number(value: float) -> str:
    # the shortest text that reads back as this very number (XlsxWriter's 16 digits would round 17-digit
    # figures: 100,000,000,000,000.02 to ...000.00)
    return repr(value)


def _style(fmt: Format | None) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


class Kind:
    """What a column's cells hold."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # a Decimal in the row's currency
    DATE = "date"
    FORMULA = "formula"  # the column's formula; the row gives its value now
    LINK = "link"  # a Link, or text


@dataclass(frozen=True, slots=True)
class Spec:
    """How one column's cells are written: what they hold, their format, and a formula's text.

    A formula's text may name `{r}`, the row's number, for references to cells of the same row, and
    `{places}`, the minor unit of the row's currency.
    `styles` gives money columns a format per currency; `quoted` is the format for text that begins
    with = + - @ (Excel's quote prefix, so that it stays text when edited); `blank` writes empty text
    cells too, formatted (a highlighted cell to type in).
    """

    kind: str
    style: Format | None = None
    formula: str = ""
    styles: Callable[[str], Format | None] | None = None
    quoted: Format | None = None
    blank: bool = False  # an empty text cell is still written, with the column's format (a cell to type in)


class RowWriter:
    """Writes one worksheet's data rows, in order, into the sheet's XML (see the module's docstring).

    Rows may follow rows XlsxWriter wrote (a header), and XlsxWriter may write rows after them: each row
    first hands XlsxWriter's pending row to it, then writes its own and moves XlsxWriter past it.
    """

    def __init__(
        self,
        ws: Worksheet,
        specs: Sequence[Spec],
        first_column: int = 0,
        *,
        sheet: str = "",
        link_format: Format | None = None,
        formula_cells: list[str] | None = None,
        last_row: int | None = None,
    ) -> None:
        self.ws = ws
        self.last_row = last_row  # the block's last row (0-based): a column's formula is shared down to it
        self.shared = 0
        self.sheet = sheet or ws.name
        self.first = first_column
        self.last = first_column + len(specs) - 1
        self.letters = [xl_col_to_name(first_column + i) for i in range(len(specs))]
        self.link_format = link_format
        self.formula_cells = formula_cells
        self.writers = [self._writer(spec, letter) for spec, letter in zip(specs, self.letters, strict=True)]

    # --- the writers, one per column

    def _writer(self, spec: Spec, letter: str) -> Callable[[Any, str, str, int], str]:
        writers = {
            Kind.TEXT: self._text_writer,
            Kind.NUMBER: self._number_writer,
            Kind.MONEY: self._money_writer,
            Kind.DATE: self._date_writer,
            Kind.FORMULA: self._formula_writer,
            Kind.LINK: self._link_writer,
        }
        if spec.kind not in writers:
            raise ValueError(f"no writer for cells of kind {spec.kind!r}")
        return writers[spec.kind](spec, letter, _style(spec.style))

    def _text_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        quoted = _style(spec.quoted) if spec.quoted is not None else style
        empty = f'<c r="{letter}{{r}}"{style}/>' if spec.blank and style else ""
        simple = _SIMPLE.fullmatch

        def text(value: Any, r: str, currency: str, row: int) -> str:
            if not value:
                return empty.replace("{r}", r) if empty else ""
            s = quoted if value.startswith(TEXT_START_AS_FORMULA) else style
            if len(value) < _SHORT and simple(value) and not (value[0].isspace() or value[-1].isspace()):
                return f'<c r="{letter}{r}"{s} t="inlineStr"><is><t>{value}</t></is></c>'
            return _inline(letter + r, s, self._text(value, letter + r))

        return text

    def _number_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        text_cell = self._plain_text(letter)

        def number(value: Any, r: str, currency: str, row: int) -> str:
            if isinstance(value, str):  # a label among numbers ("unspecified" among years)
                return text_cell(value, r)
            return f'<c r="{letter}{r}"{style}><v>{_number(float(value))}</v></c>'

        return number

    def _money_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        styles = spec.styles
        by_currency: dict[str, str] = {}

        def money(value: Any, r: str, currency: str, row: int) -> str:
            number = float(value)
            if (number >= 1e12 or number <= -1e12 or value.as_tuple().exponent < -3) and not stored_exactly(
                value
            ):  # more digits than a spreadsheet number holds: the exact figure as text
                return _inline(letter + r, "", format(value, "f"))
            s = by_currency.get(currency)
            if s is None:
                s = by_currency[currency] = _style(styles(currency)) if styles is not None else style
            return f'<c r="{letter}{r}"{s}><v>{_number(number)}</v></c>'

        return money

    def _date_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        def when(value: Any, r: str, currency: str, row: int) -> str:
            serial = _datetime_to_excel_datetime(datetime(value.year, value.month, value.day), False, False)
            return f'<c r="{letter}{r}"{style}><v>{_number(serial)}</v></c>'

        return when

    def _formula_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        template = _xml(spec.formula[1:] if spec.formula.startswith("=") else spec.formula)
        per_row = "{r}" in template
        per_currency = "{places}" in template
        by_currency_f: dict[str, str] = {}
        by_places: dict[str, str] = {}
        styles_f = spec.styles

        # One formula for the whole column: written once, in its first cell, and shared down the column
        # (the other cells say "the shared formula si", as Excel writes a formula filled down).
        share = not per_currency and self.last_row is not None
        shared: list[str] = []

        def formula(value: Any, r: str, currency: str, row: int) -> str:
            if shared:
                f = shared[0]
            else:
                text = template
                if per_currency:
                    text = by_places.get(currency) or by_places.setdefault(
                        currency, text.replace("{places}", str(minor_unit(currency)))
                    )
                if per_row:
                    text = text.replace("{r}", r)
                f = f"<f>{text}</f>"
                if share and self.last_row is not None and self.last_row > row:
                    index = self.shared
                    self.shared += 1
                    shared.append(f'<f t="shared" si="{index}"/>')
                    f = f'<f t="shared" ref="{letter}{r}:{letter}{self.last_row + 1}" si="{index}">{text}</f>'
            if self.formula_cells is not None:
                self.formula_cells.append(f"{self.sheet}!{letter}{r}")
            s = style
            if styles_f is not None:
                s = by_currency_f.get(currency) or by_currency_f.setdefault(
                    currency, _style(styles_f(currency))
                )
            if isinstance(value, str):
                return f'<c r="{letter}{r}"{s} t="str">{f}<v>{_xml(value)}</v></c>'
            return f'<c r="{letter}{r}"{s}>{f}<v>{_number(float(value))}</v></c>'

        return formula

    def _link_writer(self, spec: Spec, letter: str, style: str) -> Callable[[Any, str, str, int], str]:
        link_style = _style(self.link_format)
        plain = self._plain_text(letter)
        column = self.first + self.letters.index(letter)

        def link(value: Any, r: str, currency: str, row: int) -> str:
            if isinstance(value, str):
                return plain(value, r)
            ws = self.ws
            if ws.hlink_count >= MAX_HYPERLINKS:
                return plain(value.text, r)
            ws.hlink_count += 1
            url = Url(value.target)
            url.text = value.text
            ws.hyperlinks[row][column] = url
            return _inline(letter + r, link_style, self._text(value.text, letter + r))

        return link

    def _plain_text(self, letter: str) -> Callable[[str, str], str]:
        def plain(value: str, r: str) -> str:
            return _inline(letter + r, "", self._text(value, letter + r)) if value else ""

        return plain

    def _text(self, text: str, ref: str) -> str:
        try:
            return cell_text(text)
        except UnwritableValue as exc:
            raise UnwritableValue(f"{self.sheet}!{ref}: {exc}") from None

    # --- rows

    def write(self, row: int, values: Sequence[Any], currency: str = "", height: float | None = None) -> None:
        """Write row `row` (0-based): one value per column (None for an empty cell), money in `currency`."""
        ws = self.ws
        if row > ws.previous_row:
            ws._write_single_row(row)  # XlsxWriter's pending row goes first
        elif row < ws.previous_row or ws.table.get(row):
            raise ValueError(f"{self.sheet}: row {row + 1} written out of order")
        r = str(row + 1)
        cells = "".join(
            [
                write(value, r, currency, row)
                for write, value in zip(self.writers, values, strict=False)
                if value is not None
            ]
        )
        attributes = f' ht="{height:g}" customHeight="1"' if height else ""
        ws.fh.write(f'<row r="{r}"{attributes}>{cells}</row>')
        ws._check_dimensions(row, self.first)
        ws._check_dimensions(row, self.last)
        ws.previous_row = row + 1  # XlsxWriter must not write this row again
