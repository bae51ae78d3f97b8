"""The report's look: its sheets and columns, and the styles read from the template workbook.

The template (`workbook_templates/report.xlsx`, built by `python -m exports.report_template`) is the
source of the look: an organisation restyles it in Excel (header colours and fonts, column widths, tab
colours, the title's font, table styles) and every report written from it carries that style. Only the
look is read from it; the sheets' content comes from the reconciliation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from ledger.workbook.layout import ALIASES, CLAIMS, RATES, SETTINGS, SOURCES

__all__ = [
    "SHEET_COLUMNS",
    "CellLook",
    "ReportLook",
    "SheetLook",
    "default_template",
    "read_look",
]

SUMMARY, PLEDGES, FINDINGS, BY_YEAR, READ_ME = "Summary", "Pledges", "Findings", "By year", "Read me"
CLAIMS_SHEET, SOURCES_SHEET = CLAIMS.name, SOURCES.name

# (header, width) of each table sheet's columns, in order; Claims and Sources begin with the ledger's own.
PLEDGE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Pledge ID", 12),
    ("Donor", 20),
    ("Recipient", 20),
    ("Purpose", 28),
    ("Period", 16),
    ("Instrument", 12),
    ("Currency", 10),
    ("Low", 16),
    ("Nominal", 16),
    ("High", 16),
    ("Counts in", 10),
    ("Counted low", 16),
    ("Counted nominal", 16),
    ("Counted high", 16),
    ("New money low", 16),
    ("New money nominal", 16),
    ("New money high", 16),
    ("Sources", 9),
    ("Claims", 24),
    ("Findings", 30),
    ("Cut", 6),
    ("Repackaged", 11),
    ("Old level low", 16),
    ("Old level nominal", 16),
    ("Old level high", 16),
    ("Total applies", 8),
    ("Rest low", 16),
    ("Rest nominal", 16),
    ("Rest high", 16),
    ("Rest currency", 10),
)
BASE_PLEDGE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Rate to base", 12),
    ("Counted low (base)", 16),
    ("Counted nominal (base)", 16),
    ("Counted high (base)", 16),
    ("New money low (base)", 16),
    ("New money nominal (base)", 16),
    ("New money high (base)", 16),
)
CLAIM_COLUMNS: tuple[tuple[str, float], ...] = (
    *((c.header, float(c.width)) for c in CLAIMS.columns),
    ("Pledge", 12),
    ("Pledge donor", 20),
    ("Naive figure", 16),
    ("Findings", 30),
)
SOURCE_COLUMNS: tuple[tuple[str, float], ...] = tuple((c.header, float(c.width)) for c in SOURCES.columns)
FINDING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Finding ID", 30),
    ("Kind", 18),
    ("Claims", 22),
    ("Explanation", 80),
    ("Amount at stake", 16),
    ("Currency", 10),
    ("Effect if accepted", 40),
    ("Decision", 11),
    ("Note", 30),
    ("Read as", 11),
    ("Pledges", 22),
    ("Rule", 40),
    ("Decided by", 14),
    ("Decided at", 20),
)
YEAR_TOTAL_COLUMNS: tuple[tuple[str, float], ...] = (("Year", 12), ("Currency", 10), ("Total", 18))
YEAR_SPREAD_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Pledge ID", 12),
    ("Donor", 20),
    ("Currency", 10),
    ("Year", 12),
    ("Amount", 18),
)
TOTAL_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Currency", 14),
    ("Naive sum", 18),
    ("Distinct low", 18),
    ("Distinct nominal", 18),
    ("Distinct high", 18),
    ("New money low", 18),
    ("New money nominal", 18),
    ("New money high", 18),
    ("Grants", 18),
    ("Loans", 18),
)
DONOR_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Currency", 14),
    ("Donor", 18),
    ("Naive sum", 18),
    ("Distinct nominal", 18),
)
RATE_COLUMNS = tuple((c.header, float(c.width)) for c in RATES.columns)
ALIAS_COLUMNS = tuple((c.header, float(c.width)) for c in ALIASES.columns)
SETTING_COLUMNS = tuple((c.header, float(c.width)) for c in SETTINGS.columns)

# Every sheet in the order the report writes it, with the columns the template lays out for it.
SHEET_COLUMNS: Mapping[str, tuple[tuple[str, float], ...]] = MappingProxyType(
    {
        SUMMARY: TOTAL_COLUMNS,
        PLEDGES: PLEDGE_COLUMNS + BASE_PLEDGE_COLUMNS,
        CLAIMS_SHEET: CLAIM_COLUMNS,
        FINDINGS: FINDING_COLUMNS,
        BY_YEAR: YEAR_SPREAD_COLUMNS,
        SOURCES_SHEET: SOURCE_COLUMNS,
        RATES.name: RATE_COLUMNS,
        ALIASES.name: ALIAS_COLUMNS,
        SETTINGS.name: SETTING_COLUMNS,
        READ_ME: (("Topic", 24), ("What it says", 100)),
    }
)

DEFAULT_TABLE_STYLE = "TableStyleMedium2"


@dataclass(frozen=True, slots=True)
class CellLook:
    """A cell's font and fill, as XlsxWriter format properties take them (colours as #RRGGBB)."""

    bold: bool = False
    italic: bool = False
    font_color: str | None = None
    font_size: float | None = None
    font_name: str | None = None
    fill_color: str | None = None
    wrap: bool = False

    def properties(self) -> dict[str, object]:
        """The XlsxWriter format properties for this look."""
        found: dict[str, object] = {}
        if self.bold:
            found["bold"] = True
        if self.italic:
            found["italic"] = True
        if self.font_color:
            found["font_color"] = self.font_color
        if self.font_size:
            found["font_size"] = self.font_size
        if self.font_name:
            found["font_name"] = self.font_name
        if self.fill_color:
            found["bg_color"] = self.fill_color
            found["pattern"] = 1
        if self.wrap:
            found["text_wrap"] = True
        return found


DEFAULT_HEADER = CellLook(bold=True, font_color="#FFFFFF", fill_color="#1F4E78", wrap=True)


@dataclass(frozen=True, slots=True)
class SheetLook:
    """One sheet's look: tab colour, header cells, column widths by header, table style."""

    tab_color: str | None = None
    header: CellLook = DEFAULT_HEADER
    headers: Mapping[str, CellLook] = field(default_factory=dict)  # by header text, when one differs
    widths: Mapping[str, float] = field(default_factory=dict)  # by header text (casefolded)
    table_style: str = DEFAULT_TABLE_STYLE

    def header_look(self, header: str) -> CellLook:
        return self.headers.get(header.casefold(), self.header)

    def width(self, header: str, default: float) -> float:
        return self.widths.get(header.casefold(), default)


@dataclass(frozen=True, slots=True)
class ReportLook:
    """The whole report's look: each sheet's, and the Summary's title and headline."""

    sheets: Mapping[str, SheetLook] = field(default_factory=dict)
    title: CellLook = CellLook(bold=True, font_size=16, font_color="#1F4E78")
    headline: CellLook = CellLook(italic=True, font_size=12, wrap=False)
    section: CellLook = CellLook(bold=True, font_size=12)

    def sheet(self, name: str) -> SheetLook:
        return self.sheets.get(name, SheetLook())


def default_template() -> Path:
    """The shipped template's path (workbook_templates/report.xlsx)."""
    try:
        return Path(str(resources.files("workbook_templates").joinpath("report.xlsx")))
    except ModuleNotFoundError:  # not installed as a package: the folder beside exports/
        return Path(__file__).resolve().parent.parent / "workbook_templates" / "report.xlsx"


def _color(color: object) -> str | None:
    """An openpyxl colour as #RRGGBB, or None for theme, indexed or automatic colours."""
    rgb = getattr(color, "rgb", None)
    if getattr(color, "type", "rgb") != "rgb" or not isinstance(rgb, str) or len(rgb) not in (6, 8):
        return None
    if rgb == "00000000":
        return None  # openpyxl's "no colour"
    return "#" + rgb[-6:].upper()


def _cell_look(cell: object) -> CellLook:
    font = getattr(cell, "font", None)
    fill = getattr(cell, "fill", None)
    alignment = getattr(cell, "alignment", None)
    fill_color = _color(fill.fgColor) if fill is not None and fill.fill_type == "solid" else None
    return CellLook(
        bold=bool(font and font.b),
        italic=bool(font and font.i),
        font_color=_color(font.color) if font is not None and font.color is not None else None,
        font_size=float(font.sz) if font is not None and font.sz else None,
        font_name=str(font.name) if font is not None and font.name else None,
        fill_color=fill_color,
        wrap=bool(alignment and alignment.wrap_text),
    )


def _header_row(sheet: object) -> int | None:
    """The first row with two or more values (1-based): the header row of the sheet's table."""
    for row in sheet.iter_rows(min_row=1, max_row=20):  # type: ignore[attr-defined]
        if sum(1 for cell in row if cell.value not in (None, "")) >= 2:
            return int(row[0].row)
    return None


def _sheet_look(sheet: object) -> SheetLook:
    from openpyxl.utils import get_column_letter

    tab = _color(sheet.sheet_properties.tabColor) if sheet.sheet_properties.tabColor is not None else None  # type: ignore[attr-defined]
    row = _header_row(sheet)
    if row is None:
        return SheetLook(tab_color=tab)
    headers: dict[str, CellLook] = {}
    widths: dict[str, float] = {}
    first: CellLook | None = None
    for cell in sheet[row]:  # type: ignore[index]
        if not isinstance(cell.value, str) or not cell.value.strip():
            continue
        look = _cell_look(cell)
        first = first or look
        key = cell.value.strip().casefold()
        headers[key] = look
        dimension = sheet.column_dimensions.get(get_column_letter(cell.column))  # type: ignore[attr-defined]
        if dimension is not None and dimension.width:
            widths[key] = float(dimension.width)
    tables = sheet.tables.values()  # type: ignore[attr-defined]
    styles = [t.tableStyleInfo.name for t in tables if t.tableStyleInfo and t.tableStyleInfo.name]
    return SheetLook(
        tab_color=tab,
        header=first or DEFAULT_HEADER,
        headers=MappingProxyType(headers),
        widths=MappingProxyType(widths),
        table_style=styles[0] if styles else DEFAULT_TABLE_STYLE,
    )


@cache
def _read_look(path: str, modified: float) -> ReportLook:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    try:
        sheets = {ws.title: _sheet_look(ws) for ws in workbook.worksheets}
        look = ReportLook(sheets=MappingProxyType(sheets))
        if SUMMARY in workbook.sheetnames:
            summary = workbook[SUMMARY]
            look = ReportLook(
                sheets=look.sheets,
                title=_cell_look(summary["A1"]),
                headline=_cell_look(summary["A2"]),
                section=_cell_look(summary["A3"]),
            )
        return look
    finally:
        workbook.close()


def read_look(template: str | os.PathLike[str] | None = None) -> ReportLook:
    """The look of the report template at `template` (default: the shipped one); cached per file version."""
    path = Path(template) if template is not None else default_template()
    if not path.is_file():
        raise FileNotFoundError(
            f"report template {path} not found; build it with python -m exports.report_template"
        )
    return _read_look(str(path.resolve()), path.stat().st_mtime)
