"""The report's look: its sheets and columns, number formats, and the styles read from the template.

The template (`workbook_templates/report.xlsx`, built by `python -m exports.report_template`) is the
source of the look: an organisation restyles it in Excel (header colours and fonts, column widths, tab
colours, the title's font, table styles) and every report written from it carries that style. Only the
look is read from it; the sheets' content comes from the reconciliation.

Money is shown two ways, the cell always holding the exact figure: on the sheets people read (Summary,
Findings, the year totals) in a readable scale, "USD 1.27bn", "USD 300.0m"; on the data sheets (Pledges,
Claims, the year spread) to the minor unit, "300,000,000.00", with the currency in its own column. Both
formats fit any figure up to a quadrillion in the widths given here (`fit_width` widens a column for a
larger one), so that no cell shows `###`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ledger.core.money import minor_unit
from ledger.workbook.layout import ALIASES, CLAIMS, RATES, SETTINGS, SOURCES

__all__ = [
    "SHEET_COLUMNS",
    "CellLook",
    "ReportLook",
    "SheetLook",
    "default_template",
    "exact_format",
    "read_look",
    "scaled_format",
]

Columns = tuple[tuple[str, float], ...]

SUMMARY, PLEDGES, APART, FINDINGS, EVIDENCE = "Summary", "Pledges", "Claims apart", "Findings", "Evidence"
BY_YEAR, RULES, READ_ME = "By year", "How findings count", "Read me"
CLAIMS_SHEET, SOURCES_SHEET = CLAIMS.name, SOURCES.name

MONEY_WIDTH = 19.0  # "1,000,000,000,000.00" in the exact format
SCALED_WIDTH = 14.5  # "USD 999.99bn", "USD 1,000.00tn" in the scaled one

# (header, width) of each table's columns, in order. Helper columns (what formulas read, grouped and
# folded away in the sheet) follow the columns people read, the first of them never empty: LibreOffice
# draws the first filled cell beyond a printed range, clipped away, and a number there reads as ###.
# a figure's range, what it counts as decided, and its new money: on Pledges and on Claims apart alike
RANGE_COLUMNS: Columns = (
    ("Low", MONEY_WIDTH),
    ("Nominal", MONEY_WIDTH),
    ("High", MONEY_WIDTH),
    ("Counted low", MONEY_WIDTH),
    ("Counted nominal", MONEY_WIDTH),
    ("Counted high", MONEY_WIDTH),
    ("New money low", MONEY_WIDTH),
    ("New money nominal", MONEY_WIDTH),
    ("New money high", MONEY_WIDTH),
)
PLEDGE_COLUMNS: Columns = (
    ("Pledge ID", 12),
    ("Donor", 20),
    ("Recipient", 20),
    ("Purpose", 26),
    ("Period", 14),
    ("Instrument", 11),
    ("Currency", 9),
    *RANGE_COLUMNS,
    ("Counts as", 16),
    ("Sources", 8),
    ("Claims", 22),
    ("Findings", 28),
)
BASE_PLEDGE_COLUMNS: Columns = (
    ("Rate to base", 12),
    ("Counted low (base)", MONEY_WIDTH),
    ("Counted nominal (base)", MONEY_WIDTH),
    ("Counted high (base)", MONEY_WIDTH),
    ("New money low (base)", MONEY_WIDTH),
    ("New money nominal (base)", MONEY_WIDTH),
    ("New money high (base)", MONEY_WIDTH),
)
PLEDGE_HELPERS: Columns = (
    ("Moved by", 28),
    ("Duplicate", 24),
    ("Apart", 7),
    ("Cut", 6),
    ("New money cut", 9),
    ("Old level low", MONEY_WIDTH),
    ("Old level nominal", MONEY_WIDTH),
    ("Old level high", MONEY_WIDTH),
    ("Total applies", 8),
    ("Rest low", MONEY_WIDTH),
    ("Rest nominal", MONEY_WIDTH),
    ("Rest high", MONEY_WIDTH),
)
CLAIM_EXTRA_COLUMNS: Columns = (
    ("Pledge", 12),
    ("Pledge donor", 20),
    ("Naive figure", MONEY_WIDTH),
    ("Findings", 28),
)
CLAIM_COLUMNS: Columns = (
    *((c.header, float(c.width)) for c in CLAIMS.columns),
    *CLAIM_EXTRA_COLUMNS,
)
APART_COLUMNS: Columns = (
    ("Claim", 10),
    ("Pledge", 12),
    *RANGE_COLUMNS,
)
APART_HELPERS: Columns = (
    ("Duplicate", 24),
    ("Says already provided", 10),
    ("Says repackaged", 10),
    ("Says increase", 10),
    ("Pledges row", 8),
    ("Apart", 7),
    ("Cut", 6),
    ("New money cut", 9),
    ("Old level low", MONEY_WIDTH),
    ("Old level nominal", MONEY_WIDTH),
    ("Old level high", MONEY_WIDTH),
)
SOURCE_COLUMNS: Columns = tuple((c.header, float(c.width)) for c in SOURCES.columns)
FINDING_COLUMNS: Columns = (
    ("Finding ID", 21),
    ("Kind", 15),
    ("Amount at stake", SCALED_WIDTH),
    ("Decision", 11),
    ("Note", 20),
    ("Explanation", 50),
    ("What it does", 34),
    ("If accepted", SCALED_WIDTH),
    ("If rejected", SCALED_WIDTH),
    ("Evidence", 11),
    ("Currency", 9),
    ("Claims", 20),
    ("Pledges", 20),
    ("Rule", 34),
    ("Decided by", 14),
    ("Decided at", 18),
)
FINDING_PRINTED = 10  # the columns up to Evidence make the printed Findings
FINDING_HELPERS: Columns = (
    ("Read as", 11),
    ("Reconciled as", 11),
    ("Changed", 8),
    ("Target", 12),
    ("Said by", 14),
    ("Cut", 6),
    ("New money cut", 9),
    ("Total applies", 8),
    ("Increase", 12),
    ("Old level applies", 8),
    ("Old level low", MONEY_WIDTH),
    ("Old level nominal", MONEY_WIDTH),
    ("Old level high", MONEY_WIDTH),
    ("Re-upload if changed", 9),
    ("Re-upload now", 9),
)
EVIDENCE_COLUMNS: Columns = (
    ("Finding ID", 21),
    ("Kind", 15),
    ("Claim", 10),
    ("Source", 18),
    ("Date", 11),
    ("Figure", 16),
    ("Quote", 80),
    ("Link", 30),
)
YEAR_TOTAL_COLUMNS: Columns = (("Year", 10), ("Currency", 9), ("Distinct nominal", MONEY_WIDTH))
YEAR_SPREAD_COLUMNS: Columns = (
    ("Year", 10),
    ("Currency", 9),
    ("Amount", MONEY_WIDTH),
    ("Pledge ID", 12),
    ("Donor", 20),
    ("Nominal", MONEY_WIDTH),
    ("Share of the nominal", MONEY_WIDTH),
    ("Rest", MONEY_WIDTH),
    ("Share of the rest", MONEY_WIDTH),
    ("Pledges row", 8),
    ("Counted nominal", MONEY_WIDTH),
)
TOTAL_COLUMNS: Columns = (
    ("Currency", 24),
    ("Every report added up", SCALED_WIDTH),
    ("Distinct low", SCALED_WIDTH),
    ("Distinct nominal", SCALED_WIDTH),
    ("Distinct high", SCALED_WIDTH),
    ("New money low", SCALED_WIDTH),
    ("New money nominal", SCALED_WIDTH),
    ("New money high", SCALED_WIDTH),
    ("Grants", SCALED_WIDTH),
    ("Loans", SCALED_WIDTH),
    ("Other instruments", SCALED_WIDTH),
    ("Instrument not stated", SCALED_WIDTH),
)
DONOR_COLUMNS: Columns = (
    ("Donor", 24),
    ("Currency", SCALED_WIDTH),
    ("Every report added up", SCALED_WIDTH),
    ("Distinct nominal", SCALED_WIDTH),
    ("Share of distinct", SCALED_WIDTH),
)
COLLECTIVE_COLUMNS: Columns = (
    ("Total over donors", SCALED_WIDTH),
    ("Currency", SCALED_WIDTH),
    ("Reported", SCALED_WIDTH),
    ("Counts beyond its pledges", SCALED_WIDTH),
)
RULE_COLUMNS: Columns = (
    ("Kind", 22),
    ("Finding kind", 20),
    ("Decision", 11),
    ("Cut", 6),
    ("New money cut", 9),
    ("Total applies", 8),
    ("Old level applies", 8),
    ("Claims count as one pledge", 10),
    ("What it does", 60),
)
RATE_COLUMNS: Columns = tuple((c.header, float(c.width)) for c in RATES.columns)
ALIAS_COLUMNS: Columns = tuple((c.header, float(c.width)) for c in ALIASES.columns)
SETTING_COLUMNS: Columns = tuple((c.header, float(c.width)) for c in SETTINGS.columns)
READ_ME_COLUMNS: Columns = (("Topic", 24), ("What it says", 100))

# Every sheet in the order the report writes it, with the columns the template lays out for it.
SHEET_COLUMNS: Mapping[str, Columns] = MappingProxyType(
    {
        SUMMARY: TOTAL_COLUMNS,
        PLEDGES: PLEDGE_COLUMNS + BASE_PLEDGE_COLUMNS + PLEDGE_HELPERS,
        CLAIMS_SHEET: CLAIM_COLUMNS,
        APART: APART_COLUMNS + APART_HELPERS,
        FINDINGS: FINDING_COLUMNS + FINDING_HELPERS,
        EVIDENCE: EVIDENCE_COLUMNS,
        BY_YEAR: YEAR_SPREAD_COLUMNS,
        SOURCES_SHEET: SOURCE_COLUMNS,
        RATES.name: RATE_COLUMNS,
        ALIASES.name: ALIAS_COLUMNS,
        SETTINGS.name: SETTING_COLUMNS,
        RULES: RULE_COLUMNS,
        READ_ME: READ_ME_COLUMNS,
    }
)

_CUT_SCALE = "0 counts in full, 1 not in the low bound, 2 only in the high bound, 3 nothing"
_OLD_LEVEL = (
    "The old level of the increases this pledge is (the baselines that apply), subtracted from its new money."
)
_RULE = "From How findings count, for this finding's kind and decision."
# Notes on the helper columns' headers: what each holds and how the formulas use it.
NOTES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        PLEDGES: {
            "Moved by": 'The findings whose decisions can move this pledge ("none": no finding does).',
            "Duplicate": "The duplicate finding whose claims make this pledge.",
            "Apart": "1 while the duplicate is rejected: the pledge then counts what its claims count on Claims apart.",
            "Cut": f"The strongest cut of the findings that fall on this pledge (their Target): {_CUT_SCALE}.",
            "New money cut": "The same scale, for findings that take only new money away.",
            "Old level low": _OLD_LEVEL,
            "Total applies": "1 when the pledge is a total whose aggregate finding applies: it counts only its Rest.",
            "Rest low": "What the total holds beyond the pledges inside it, as reconciled (a value).",
        },
        FINDINGS: {
            "Read as": "The Decision as the totals read it: accepted, rejected or undecided.",
            "Reconciled as": "The decision the report was made with.",
            "Changed": "1 when the Decision differs from the one the report was made with.",
            "Target": "The pledge this finding's effect falls on.",
            "Said by": "Which claims apart it falls on: every claim, or only those whose own words say this.",
            "Cut": _RULE,
            "New money cut": _RULE,
            "Total applies": _RULE,
            "Increase": "A baseline's increase: the pledge whose new money its old level reduces.",
            "Old level applies": _RULE,
            "Old level low": "A baseline's old level, in the increase's currency.",
            "Re-upload if changed": "1 when formulas cannot follow a change of this decision all the way.",
            "Re-upload now": "1 when it changed so: the Summary then says the figures need a re-upload.",
        },
        APART: {
            "Duplicate": "The duplicate finding; while it is rejected this claim counts as a pledge of its own.",
            "Says already provided": "1 when the claim itself says the money was already provided.",
            "Says repackaged": "1 when the claim itself says the money is repackaged.",
            "Says increase": "1 when the claim itself says it is an increase: it keeps its pledge's old level.",
            "Pledges row": "The row of the claim's pledge in the Pledges table.",
            "Apart": "1 while the claim counts as a pledge of its own.",
            "Cut": f"The strongest cut of the findings on its pledge that fall on this claim: {_CUT_SCALE}.",
            "New money cut": "The same scale, for findings that take only new money away.",
            "Old level low": "Its pledge's old level, when the claim says it is an increase.",
        },
        RULES: {
            "Cut": f"How much of the pledge it falls on still counts: {_CUT_SCALE}.",
            "New money cut": "The same scale, for the pledge's new money only.",
            "Total applies": "1: the total it falls on counts only what it holds beyond its pledges.",
            "Old level applies": "1: a baseline's old level is subtracted from the increase's new money.",
            "Claims count as one pledge": "1: a duplicate's claims count once, as one pledge.",
        },
        BY_YEAR: {
            "Share of the nominal": "The pledge's nominal spread over its years to the cent, as the engine spreads it.",
            "Share of the rest": "A total's rest spread the same way.",
            "Pledges row": "The row of the pledge in the Pledges table.",
            "Counted nominal": "What the pledge counts now.",
            "Amount": "The pledge's share of the year of what it counts now.",
        },
    }
)

DEFAULT_TABLE_STYLE = "TableStyleMedium2"
FONT = "Calibri"  # named, so that a spreadsheet without it picks a sans-serif of the same width


def _digits(currency: str) -> str:
    places = minor_unit(currency) if len(currency) == 3 else 2
    return "#,##0." + "0" * places if places else "#,##0"


@cache
def exact_format(currency: str) -> str:
    """The data sheets' number format for amounts in `currency`: `#,##0.00`, `#,##0` (JPY)."""
    return _digits(currency)


@cache
def scaled_format(currency: str, trillions: bool = False) -> str:
    """A readable scale for amounts in `currency`: "USD 1.27bn", "USD 300.0m", "USD 12,500".

    A number format holds two conditions: for a ledger whose figures reach a trillion (`trillions`) the
    scale is tn, bn and m ("USD 52.35tn"), else bn, m and the figure itself.
    """
    code = currency.replace('"', "")
    if trillions:
        return (
            f'[>=1000000000000]"{code} "#,##0.00,,,,"tn";'
            f'[>=1000000000]"{code} "#,##0.00,,,"bn";'
            f'"{code} "#,##0,,"m"'
        )
    return f'[>=1000000000]"{code} "#,##0.00,,,"bn";[>=1000000]"{code} "#,##0.0,,"m";"{code} "#,##0'


TRILLION = 10**12


def axis_format(largest: float) -> str:
    """A chart axis's number format for figures up to `largest`: in tn, bn or m, or as they are."""
    for size, commas, word in ((1e12, ",,,,", "tn"), (1e9, ",,,", "bn"), (1e6, ",,", "m")):
        if largest >= size:
            places = ".0" if largest < 10 * size else ""  # 0.5bn, 1.0bn, but 50bn, 100bn
            return f'#,##0{places}{commas}"{word}"'
    return "#,##0"


def fit_width(width: float, largest: float, places: int = 2) -> float:
    """`width`, or wider when the largest figure in the column needs it in the exact format."""
    shown = len(f"{largest:,.{places}f}") + 3
    return max(width, float(shown))


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

    def properties(self) -> dict[str, Any]:
        """The XlsxWriter format properties for this look."""
        found: dict[str, Any] = {}
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


DEFAULT_HEADER = CellLook(bold=True, font_color="#FFFFFF", font_name=FONT, fill_color="#1F4E78", wrap=True)


@dataclass(frozen=True, slots=True)
class SheetLook:
    """One sheet's look: tab colour, header cells, column widths by header, table style."""

    tab_color: str | None = None
    header: CellLook = DEFAULT_HEADER
    headers: Mapping[str, CellLook] = field(default_factory=dict)  # by header text, when one differs
    widths: Mapping[str, float] = field(default_factory=dict)  # by header text (casefolded)
    table_style: str = DEFAULT_TABLE_STYLE

    def header_look(self, header: str) -> CellLook:
        """The look of the header cell `header`."""
        return self.headers.get(header.casefold(), self.header)

    def width(self, header: str, default: float) -> float:
        """The width of the column headed `header`."""
        return self.widths.get(header.casefold(), default)


@dataclass(frozen=True, slots=True)
class ReportLook:
    """The whole report's look: each sheet's, and the Summary's title, headline and section titles."""

    sheets: Mapping[str, SheetLook] = field(default_factory=dict)
    title: CellLook = CellLook(bold=True, font_size=16, font_color="#1F4E78", font_name=FONT)
    headline: CellLook = CellLook(italic=True, font_size=12, font_name=FONT)
    section: CellLook = CellLook(bold=True, font_size=12, font_name=FONT)

    def sheet(self, name: str) -> SheetLook:
        """The look of sheet `name` (the default look when the template has no such sheet)."""
        return self.sheets.get(name, SheetLook())


def default_template() -> Path:
    """The shipped template's path (workbook_templates/report.xlsx)."""
    try:
        return Path(str(resources.files("workbook_templates").joinpath("report.xlsx")))
    except ModuleNotFoundError:  # not installed as a package: the folder beside exports/
        return Path(__file__).resolve().parents[2] / "workbook_templates" / "report.xlsx"


def _color(color: object) -> str | None:
    """An openpyxl colour as #RRGGBB, or None for theme, indexed or automatic colours."""
    rgb = getattr(color, "rgb", None)
    if getattr(color, "type", "rgb") != "rgb" or not isinstance(rgb, str) or len(rgb) not in (6, 8):
        return None
    if rgb == "00000000":
        return None  # openpyxl's "no colour"
    return "#" + rgb[-6:].upper()


def _cell_look(cell: Any) -> CellLook:
    font, fill, alignment = cell.font, cell.fill, cell.alignment
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


def _header_row(sheet: Any) -> int | None:
    """The first row with two or more values (1-based): the header row of the sheet's table."""
    for row in sheet.iter_rows(min_row=1, max_row=20):
        if sum(1 for cell in row if cell.value not in (None, "")) >= 2:
            return int(row[0].row)
    return None


def _sheet_look(sheet: Any) -> SheetLook:
    from openpyxl.utils import get_column_letter

    tab_color = sheet.sheet_properties.tabColor
    tab = _color(tab_color) if tab_color is not None else None
    row = _header_row(sheet)
    if row is None:
        return SheetLook(tab_color=tab)
    headers: dict[str, CellLook] = {}
    widths: dict[str, float] = {}
    first: CellLook | None = None
    for cell in sheet[row]:
        if not isinstance(cell.value, str) or not cell.value.strip():
            continue
        look = _cell_look(cell)
        first = first or look
        key = cell.value.strip().casefold()
        headers[key] = look
        dimension = sheet.column_dimensions.get(get_column_letter(cell.column))
        if dimension is not None and dimension.width:
            widths[key] = float(dimension.width)
    styles = [
        t.tableStyleInfo.name for t in sheet.tables.values() if t.tableStyleInfo and t.tableStyleInfo.name
    ]
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

    del modified  # part of the cache key: a restyled template is read again
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
