"""The report template: the checked-in workbook_templates/report.xlsx is what its build script writes."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from exports.report.look import SHEET_COLUMNS, default_template, read_look
from exports.report_template import build_report_template

OUT_OF_DATE = "workbook_templates/report.xlsx is out of date; run python -m exports.report_template"


def _content(path: Path) -> list[object]:
    book = openpyxl.load_workbook(path)
    return [
        (
            sheet.title,
            sheet.sheet_properties.tabColor.rgb if sheet.sheet_properties.tabColor else None,
            [
                [(c.value, c.font.name, c.font.b, c.font.sz, c.fill.fgColor.rgb) for c in row]
                for row in sheet.iter_rows()
            ],
            {k: d.width for k, d in sorted(sheet.column_dimensions.items())},
        )
        for sheet in book.worksheets
    ]


def test_the_shipped_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "report.xlsx"
    build_report_template(fresh)
    assert _content(default_template()) == _content(fresh), OUT_OF_DATE
    assert read_look(default_template()) == read_look(fresh), OUT_OF_DATE


def test_the_template_lays_out_every_sheet_with_named_fonts() -> None:
    book = openpyxl.load_workbook(default_template())
    assert book.sheetnames == list(SHEET_COLUMNS)
    for sheet in book.worksheets:
        headers = (
            [c for c in next(sheet.iter_rows()) if c.value] if sheet.title != "Summary" else list(sheet[4])
        )
        assert all(c.font.name == "Calibri" for c in headers if c.value), sheet.title
