"""The blank template: up to date with its build script, and holding every column and drop-down of the layout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from ledger.workbook.layout import (
    CLAIMS,
    LISTS_SHEET,
    READ_ME_SHEET,
    SETTINGS,
    SHEETS,
    SOURCES,
    Kind,
    choice_list,
    currency_codes,
    match_header,
    match_setting,
    match_sheet,
    normalise_header,
)
from ledger.workbook.writer import TEMPLATE_ROWS
from workbook_templates.build_templates import TEMPLATE_PATH, build_template

OUT_OF_DATE = (
    "workbook_templates/ledger.xlsx is out of date; run python -m workbook_templates.build_templates"
)


def workbook_content(path: Path) -> dict[str, Any]:
    """Everything an analyst sees in a workbook, as plain values: what 'the same template' means."""
    book = openpyxl.load_workbook(path)
    content: dict[str, Any] = {
        "sheets": book.sheetnames,
        "properties": (book.properties.creator, book.properties.created, book.properties.modified),
    }
    for sheet in book.worksheets:
        content[sheet.title] = {
            "state": sheet.sheet_state,
            "freeze": sheet.freeze_panes,
            "columns": {k: (d.width, d.number_format) for k, d in sorted(sheet.column_dimensions.items())},
            "cells": [
                [(c.value, c.data_type, c.number_format, bool(c.font.b), bool(c.quotePrefix)) for c in row]
                for row in sheet.iter_rows()
            ],
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type,
                    v.formula1,
                    v.formula2,
                    v.allow_blank,
                    v.showErrorMessage,
                    v.errorStyle,
                    v.errorTitle,
                    v.error,
                    v.showInputMessage,
                    v.promptTitle,
                    v.prompt,
                )
                for v in sheet.data_validations.dataValidation
            ),
            "tables": sorted(
                (
                    t.name,
                    t.ref,
                    t.tableStyleInfo.name if t.tableStyleInfo else None,
                    tuple(c.name for c in t.tableColumns),
                )
                for t in sheet.tables.values()
            ),
        }
    return content


@pytest.fixture(scope="module")
def template() -> Workbook:
    return openpyxl.load_workbook(TEMPLATE_PATH)


def test_checked_in_template_is_what_the_script_builds(tmp_path: Path) -> None:
    built = workbook_content(build_template(tmp_path / "ledger.xlsx"))
    checked_in = workbook_content(TEMPLATE_PATH)
    if built != checked_in:
        differing = sorted(k for k in built.keys() | checked_in.keys() if built.get(k) != checked_in.get(k))
        pytest.fail(f"{OUT_OF_DATE} (differs in: {', '.join(differing)})")


def test_rebuilding_gives_the_same_properties(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(build_template(tmp_path / "again.xlsx"))
    assert book.properties.creator == "pledge-ledger"
    assert book.properties.created == book.properties.modified
    assert book.properties.created is not None and book.properties.created.year == 2024


def test_template_has_every_sheet_in_order(template: Workbook) -> None:
    assert template.sheetnames == [READ_ME_SHEET, *(s.name for s in SHEETS), LISTS_SHEET]
    assert template[LISTS_SHEET].sheet_state == "hidden"
    assert template.active is not None and template.active.title == READ_ME_SHEET


@pytest.mark.parametrize("layout", SHEETS, ids=lambda s: s.name)
def test_every_sheet_has_the_layouts_columns_as_a_table(template: Workbook, layout: Any) -> None:
    sheet = template[layout.name]
    headers = [str(c.value) for c in sheet[1]]
    assert headers == [c.header for c in layout.columns]
    assert all(match_header(h, layout) == c.field for h, c in zip(headers, layout.columns, strict=True))
    assert sheet.freeze_panes == "A2"
    (table,) = sheet.tables.values()
    assert table.name == layout.name
    assert [c.name for c in table.tableColumns] == headers
    assert table.tableStyleInfo is not None and table.tableStyleInfo.name
    last_row = len(layout.entries) + 1 if layout.key_value else TEMPLATE_ROWS
    assert table.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{last_row}"
    for letter, column in zip("ABCDEFGHIJKLMNOP", layout.columns, strict=False):
        assert sheet.column_dimensions[letter].width == column.width


def test_blank_sheets_hold_only_their_header(template: Workbook) -> None:
    for layout in SHEETS:
        if not layout.key_value:
            assert template[layout.name].max_row == 1, layout.name


def test_settings_hold_the_defaults(template: Workbook) -> None:
    rows = [(str(label), value) for label, value in list(template[SETTINGS.name].values)[1:]]
    assert [match_setting(label) for label, _ in rows] == [e.field for e in SETTINGS.entries]
    values = {match_setting(label): value for label, value in rows}
    assert values == {"base_currency": "USD", "tolerance": 0.1, "fiscal_year_start": "January", "name": None}
    assert template[SETTINGS.name]["B3"].number_format == "0%"


def _list_values(book: Workbook, formula: str) -> list[object]:
    match = re.fullmatch(r"'?(.+?)'?!\$([A-Z])\$(\d+):\$([A-Z])\$(\d+)", formula)
    assert match, formula
    sheet, first, top, last, bottom = match.groups()
    assert first == last
    return [c.value for (c,) in book[sheet][f"{first}{top}:{last}{bottom}"]]


def test_choice_columns_have_drop_downs_on_the_lists_sheet(template: Workbook) -> None:
    checked = 0
    for layout in SHEETS:
        sheet = template[layout.name]
        validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        if layout.key_value:
            places = [(f"B{row}", entry) for row, entry in enumerate(layout.entries, start=2)]
        else:
            places = [
                (f"{letter}2:{letter}{TEMPLATE_ROWS}", column)
                for letter, column in zip("ABCDEFGHIJKLMNOP", layout.columns, strict=False)
            ]
        for cells, column in places:
            validation = validations[cells]
            assert validation.showInputMessage and validation.prompt == column.explanation
            if column.kind is Kind.CHOICE:
                assert validation.type == "list"
                assert validation.errorStyle == "warning"  # the parsers understand more than the list
                assert _list_values(template, validation.formula1) == list(choice_list(column.choices))
                checked += 1
            else:
                assert validation.type is None
    assert checked >= 7  # claim currency, approximation, instrument; rate currencies; decision; settings


def test_currency_drop_down_lists_current_iso_codes() -> None:
    codes = currency_codes()
    assert {"USD", "EUR", "GBP", "JPY", "BHD", "XOF"} <= set(codes)
    assert "XTS" not in codes and "DEM" not in codes
    assert list(codes) == sorted(codes) and all(len(c) == 3 for c in codes)


def test_column_formats_keep_typing_as_typed(template: Workbook) -> None:
    claims = template[CLAIMS.name]
    assert claims.column_dimensions["G"].number_format == "#,##0.00"  # Amount
    assert claims.column_dimensions["J"].number_format == "@"  # Period: "2011-06" stays text
    assert template[SOURCES.name].column_dimensions["D"].number_format == "yyyy-mm-dd"


def test_read_me_explains_every_sheet_and_column(template: Workbook) -> None:
    text = "\n".join(str(v) for row in template[READ_ME_SHEET].values for v in row if v is not None)
    for layout in SHEETS:
        assert layout.name in text and layout.explanation in text
        for column in layout.entries or layout.columns:
            assert column.header in text and column.explanation in text and column.example in text
    assert "loan; in addition to CNN-2" in text
    assert "beginning with =" in text


# ---- the layout's header matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "sheet", "field"),
    [
        ("Amount (USD)", "Claims", "amount"),
        ("amount usd", "Claims", "amount"),
        ("Pledger", "Claims", "donor"),
        ("Claim ID", "Claims", "id"),
        ("  claim   id ", "Claims", "id"),
        ("Source ID", "Claims", "source"),
        ("Source ID", "Sources", "id"),
        ("Announced By", "Claims", "announced_by"),
        ("Speaker", "Claims", "announced_by"),
        ("announced_by", "Claims", "announced_by"),
        ("Approx.", "Claims", "approximation"),
        ("Approximation word", "Claims", "approximation"),
        ("Time span", "Claims", "period"),
        ("Years", "Claims", "period"),
        ("Type", "Claims", "instrument"),
        ("Notes", "Claims", "qualifiers"),
        ("QUALIFIER", "Claims", "qualifiers"),
        ("Quotation", "Claims", "quote"),
        ("Verbatim quote", "Claims", "quote"),
        ("Link", "Sources", "url"),
        ("Published", "Sources", "date"),
        ("Date", "Sources", "date"),
        ("As of", "Rates", "as_of"),
        ("Base", "Rates", "base_currency"),
        ("Notes", "Decisions", "note"),
        ("Finding ID", "Decisions", "finding"),
        ("Means", "Aliases", "means"),
        ("Setting", "Settings", "setting"),
    ],
)
def test_headers_match_their_field(header: str, sheet: str, field: str) -> None:
    assert match_header(header, sheet) == field


@pytest.mark.parametrize(
    ("header", "sheet"),
    [
        ("", "Claims"),
        ("(USD)", "Claims"),
        ("Colour", "Claims"),
        ("Donor", "Sources"),
        ("Amount XYZ", "Claims"),
    ],
)
def test_unknown_headers_match_nothing(header: str, sheet: str) -> None:
    assert match_header(header, sheet) is None


def test_every_header_and_variant_leads_to_its_own_column() -> None:
    """No variant is shadowed by another column's header: each name an analyst might use means one thing."""
    for layout in SHEETS:
        for column in layout.columns:
            for name in (column.header, column.field, *column.variants):
                assert match_header(name, layout) == column.field, (layout.name, name)
        for entry in layout.entries:
            for name in (entry.header, entry.field, *entry.variants):
                assert match_setting(name) == entry.field, name


def test_sheet_names_match_their_layout() -> None:
    for layout in SHEETS:
        for name in (layout.name, layout.name.upper(), *layout.variants):
            assert match_sheet(name) is layout
    assert match_sheet(READ_ME_SHEET) is None and match_sheet(LISTS_SHEET) is None


def test_only_claims_and_sources_are_required() -> None:
    assert {s.name for s in SHEETS if s.required} == {"Claims", "Sources"}
    assert {c.field for c in CLAIMS.columns if c.required} == {"id", "source", "donor", "amount"}


def test_normalise_header() -> None:
    assert normalise_header("Amount (USD)") == "amount"
    assert normalise_header("Fiscal-year  START") == "fiscal year start"
    assert normalise_header("Notes") == "note"
    assert normalise_header("Address") == "address"  # "ss" is not a plural


def test_explanations_fit_excel_input_messages() -> None:
    for layout in SHEETS:
        for column in (*layout.columns, *layout.entries):
            assert len(column.explanation) <= 255 and len(column.header) <= 32, column.header
