"""Build the report template, workbook_templates/report.xlsx: the look every report is filled in.

    python -m exports.report_template [PATH]

Restyle the written file in Excel (header colours and fonts, column widths, tab colours, the Summary's
title font in A1, headline in A2, section titles in A3, table styles) and reports written from it carry the
new look. Content is never read from the template: sheets and columns come from the reconciliation.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from ledger.workbook.writer import save_stamped

from .report.look import (
    DEFAULT_HEADER,
    DEFAULT_TABLE_STYLE,
    EVIDENCE,
    FINDINGS,
    FONT,
    PLEDGES,
    READ_ME,
    SHEET_COLUMNS,
    SUMMARY,
    default_template,
)

__all__ = ["build_report_template", "main"]

TEMPLATE_TIMESTAMP = datetime(2024, 1, 1)
TAB_COLORS = {SUMMARY: "1F4E78", FINDINGS: "C55A11", EVIDENCE: "C55A11", PLEDGES: "2E75B6", READ_ME: "7F7F7F"}


def _argb(color: str | None) -> str:
    return "FF" + (color or "#000000").lstrip("#")


def _header_font() -> Font:
    return Font(name=FONT, bold=DEFAULT_HEADER.bold, color=_argb(DEFAULT_HEADER.font_color))


def build_report_template(path: str | Path) -> None:
    """Write the report template to `path`: every sheet with its header row styled and its columns sized."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    fill = PatternFill("solid", fgColor=_argb(DEFAULT_HEADER.fill_color))
    for index, (name, columns) in enumerate(SHEET_COLUMNS.items()):
        sheet = workbook.create_sheet(name)
        if name in TAB_COLORS:
            sheet.sheet_properties.tabColor = TAB_COLORS[name]
        header_row = 1
        if name == SUMMARY:
            sheet["A1"] = "Pledge reconciliation"
            sheet["A1"].font = Font(name=FONT, bold=True, size=16, color="FF1F4E78")
            sheet["A2"] = "Reports add up to USD 3.56bn; the distinct pledges are USD 1.27bn to 1.52bn."
            sheet["A2"].font = Font(name=FONT, italic=True, size=12)
            sheet["A3"] = "Totals"
            sheet["A3"].font = Font(name=FONT, bold=True, size=12)
            header_row = 4
        for column, (header, width) in enumerate(columns, start=1):
            cell = sheet.cell(row=header_row, column=column, value=header)
            cell.font = _header_font()
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=DEFAULT_HEADER.wrap, vertical="top")
            sheet.column_dimensions[get_column_letter(column)].width = width
        if name != READ_ME:
            last = get_column_letter(len(columns))
            table = Table(
                displayName=f"Template{index}",
                ref=f"A{header_row}:{last}{header_row + 1}",
                tableStyleInfo=TableStyleInfo(name=DEFAULT_TABLE_STYLE, showRowStripes=True),
            )
            sheet.add_table(table)
        sheet.freeze_panes = f"A{header_row + 1}"
    save_stamped(workbook, str(path), TEMPLATE_TIMESTAMP)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the template (default: the shipped workbook_templates/report.xlsx)."""
    parser = argparse.ArgumentParser(prog="python -m exports.report_template", description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=None, help="where to write it")
    args = parser.parse_args(argv)
    path = args.path or default_template()
    build_report_template(path)
    print(f"wrote the report template to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
