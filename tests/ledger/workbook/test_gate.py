"""Reading workbooks: values and addresses out, hostile or broken files refused with a one-line reason."""

from __future__ import annotations

import codecs
import datetime
import io
import re
import secrets
import struct
import warnings
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.cell import get_column_letter

from benchmarks.dense import dense_workbook
from ledger.workbook.gate import (
    _CELL,
    _FORMULA,
    _REFERENCE,
    _TYPE,
    _VALUE,
    Limits,
    UnreadableWorkbook,
    Workbook,
    _check_extent,
    _check_xlsx_sheet,
    _decimal_at_most,
    _float,
    _formulas_without_value,
    _letters_at_most,
    _scan_xlsx_sheet,
    cell_name,
    read_workbook,
)

# --- helpers ---------------------------------------------------------------------------------------------


def _xlsx_bytes(sheets: dict[str, list[list[object]]], hidden_rows: tuple[int, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=row_number, column=column_number, value=value)
        for row_number in hidden_rows:
            sheet.row_dimensions[row_number].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Claims" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _raw_xlsx(sheet_data: str, *, dimension: str = "A1", prolog: str = "") -> bytes:
    """A minimal hand-written xlsx, for shapes openpyxl will not write."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _ods_bytes(table_body: str, *, manifest_extra: str = "") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="Claims">{table_body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        f'manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry></manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_ODS_VALUE = (
    '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>'
)


def _replace_member(data: bytes, member: str, new_content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, new_content if info.filename == member else source.read(info))
    return buffer.getvalue()


def _refusal(data: bytes, **options: object) -> str:
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(data, **options)  # type: ignore[arg-type]
    reason = str(caught.value)
    assert "\n" not in reason and len(reason) < 200 and "Traceback" not in reason
    return reason


# --- addresses -------------------------------------------------------------------------------------------


def test_cell_name_examples() -> None:
    assert cell_name(11, 6) == "G12"
    assert cell_name(0, 0) == "A1"
    assert cell_name(0, 25) == "Z1"
    assert cell_name(0, 26) == "AA1"
    assert cell_name(1048575, 16383) == "XFD1048576"


@given(st.integers(0, 1_048_575), st.integers(0, 16_383))
def test_cell_name_agrees_with_openpyxl(row_index: int, column_index: int) -> None:
    assert cell_name(row_index, column_index) == f"{get_column_letter(column_index + 1)}{row_index + 1}"


def test_cell_name_refuses_negative_positions() -> None:
    with pytest.raises(ValueError, match="negative"):
        cell_name(-1, 0)


# --- values ----------------------------------------------------------------------------------------------


def test_xlsx_values_keep_their_addresses_and_types() -> None:
    data = _xlsx_bytes(
        {
            "Claims": [
                [None, None, None],
                ["donor", "amount", "date", "ok", "when"],
                ["US", 300_000_000, datetime.date(2010, 3, 31), True, datetime.datetime(2010, 3, 31, 14, 5)],
                ["UK", 0.1, None, False, None],
                [None, None, None],
            ]
        }
    )
    book = read_workbook(data, name="ledger.xlsx")
    assert book.name == "ledger.xlsx"
    claims = book.sheet("Claims")
    assert claims is not None
    assert claims.rows[0] == (None, None, None, None, None)  # row 0 is spreadsheet row 1, kept when empty
    assert claims.rows[1] == ("donor", "amount", "date", "ok", "when")
    us = claims.rows[2]
    assert us[1] == 300_000_000 and type(us[1]) is int
    assert us[2] in (datetime.date(2010, 3, 31), datetime.datetime(2010, 3, 31))
    assert us[3] is True
    assert us[4] == datetime.datetime(2010, 3, 31, 14, 5)
    assert claims.rows[3][1] == Decimal("0.1")  # not 0.1000000000000000055511151231257827
    assert len(claims.rows) == 4  # the trailing empty row is trimmed
    assert claims.cell(2, 0) == "US" and claims.cell(99, 99) is None
    assert cell_name(2, 1) == "B3"


def test_trailing_empty_columns_are_trimmed_and_rows_are_rectangular() -> None:
    claims = read_workbook(_xlsx_bytes({"Claims": [["a"], ["b", None, "c"]]})).sheets[0]
    assert claims.rows == (("a", None, None), ("b", None, "c"))


def test_hidden_rows_are_kept() -> None:
    claims = read_workbook(_xlsx_bytes({"Claims": [["a"], ["hidden"], ["c"]]}, hidden_rows=(2,))).sheets[0]
    assert [row[0] for row in claims.rows] == ["a", "hidden", "c"]


def test_sheet_lookup_ignores_case_and_spaces() -> None:
    book = read_workbook(_xlsx_bytes({"Pledge Claims": [["x"]], "Sources": [["y"]]}))
    assert book.sheet("pledge  claims ") is not None
    assert book.sheet("PLEDGECLAIMS") is not None
    assert book.sheet("Decisions") is None


def test_only_the_sheets_asked_for_are_read() -> None:
    book = read_workbook(
        _xlsx_bytes({"Claims": [["x"]], "Sources": [["y"]], "Notes": [["z"]]}), sheets=["claims"]
    )
    assert [sheet.name for sheet in book.sheets] == ["Claims"]


def test_paths_and_file_objects_are_read_like_bytes(tmp_path: Path) -> None:
    data = _xlsx_bytes({"Claims": [["x", 1]]})
    path = tmp_path / "upload.xlsx"
    path.write_bytes(data)
    from_path = read_workbook(path)
    assert from_path.name == "upload.xlsx"
    assert read_workbook(str(path)).sheets == from_path.sheets
    assert read_workbook(io.BytesIO(data), name="upload.xlsx") == from_path


def test_format_comes_from_the_content_not_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(_xlsx_bytes({"Claims": [["x"]]}))
    assert read_workbook(path).sheets[0].rows == (("x",),)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_become_int_or_the_shortest_round_tripping_decimal(value: float) -> None:
    converted = _float(value)
    if value.is_integer() and abs(value) < 2.0**53:
        assert type(converted) is int and converted == value
    else:  # a fraction, or a whole float too large to be exact: what Excel shows, not binary noise
        assert isinstance(converted, Decimal)
        assert float(converted) == value
        assert converted == Decimal(repr(value))


def test_ods_is_read_and_empty_repeats_cost_nothing() -> None:
    body = (
        f"<table:table-row>{_ODS_VALUE}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    book = read_workbook(_ods_bytes(body), name="claims.ods")
    assert book.sheets[0].name == "Claims"
    assert book.sheets[0].rows == ((7,),)


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_utf8_with_bom_and_semicolons() -> None:
    data = codecs.BOM_UTF8 + "donor;amount\nFrance;€ 3 000\n;\n".encode()
    book = read_workbook(data, name="pledges 2010.csv")
    assert [sheet.name for sheet in book.sheets] == ["pledges 2010"]
    assert book.sheets[0].rows == (("donor", "amount"), ("France", "€ 3 000"))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_csv_utf16_with_bom_and_tabs(encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    data = bom + "donor\tamount\r\nJapan\t1,5 bn\r\n".encode(encoding)
    assert read_workbook(data, name="c.csv").sheets[0].rows == (("donor", "amount"), ("Japan", "1,5 bn"))


def test_csv_with_commas_and_quotes() -> None:
    data = b'donor,quote\nUS,"nearly $300m, the largest"\n'
    assert read_workbook(data, name="c.csv").sheets[0].rows[1] == ("US", "nearly $300m, the largest")


def test_csv_that_is_not_utf8_is_refused() -> None:
    assert "UTF-8" in _refusal("donor;montant\nFrançois;3\n".encode("cp1252"), name="c.csv")


def test_csv_over_the_row_limit_is_refused_with_the_count() -> None:
    data = "".join(f"{n},x\n" for n in range(12)).encode()
    assert _refusal(data, name="claims.csv", limits=Limits(max_rows=10)) == (
        "sheet claims has 12 rows; the limit is 10"
    )


# --- limits ----------------------------------------------------------------------------------------------


def test_rows_over_the_limit_are_refused_with_the_number() -> None:
    data = _xlsx_bytes({"Claims": [[n] for n in range(12)]})
    assert _refusal(data, limits=Limits(max_rows=10)) == "sheet Claims has 12 rows; the limit is 10"


def test_columns_over_the_limit_are_refused() -> None:
    data = _xlsx_bytes({"Claims": [list(range(12))]})
    assert _refusal(data, limits=Limits(max_columns=10)) == "sheet Claims has 12 columns; the limit is 10"


def test_limits_apply_only_to_the_sheets_asked_for_in_xlsx() -> None:
    data = _xlsx_bytes({"Claims": [["x"]], "Big": [[n] for n in range(12)]})
    assert read_workbook(data, sheets=["Claims"], limits=Limits(max_rows=10)).sheets[0].rows == (("x",),)


def test_too_many_sheets_is_refused_even_when_only_one_is_asked_for() -> None:
    data = _xlsx_bytes({f"S{n}": [["x"]] for n in range(5)})
    assert _refusal(data, sheets=["S1"], limits=Limits(max_sheets=4)) == (
        "the workbook has 5 sheets; the limit is 4"
    )


def test_upload_over_the_size_limit_is_refused() -> None:
    assert "larger than the limit" in _refusal(b"x" * 2000, limits=Limits(max_bytes=1000))


def test_a_dense_sheet_is_refused_at_the_cell_limit_without_reading_it_all() -> None:
    # within the row and column limits, but rows x columns past the cell limit (issue 14's small, dense file)
    data = dense_workbook(rows=300, columns=50)
    assert _refusal(data, limits=Limits(max_cells=10_000)) == (
        "sheet Claims has more than 10,000 cells (the limit); split the ledger or remove the cells it does "
        "not use"
    )
    assert read_workbook(data, limits=Limits(max_cells=20_000)).sheets[0].rows[300][49] is not None


def test_a_sparse_sheet_whose_grid_is_past_the_cell_limit_is_refused() -> None:
    # two cells, but calamine would build the grid between them
    cells = '<row r="1"><c r="A1"><v>1</v></c></row><row r="400"><c r="Y400"><v>2</v></c></row>'
    for dimension in ("A1:Y400", "A1", "A1:B2"):  # the truth, or a lie the scan sees through
        assert _refusal(_raw_xlsx(cells, dimension=dimension), limits=Limits(max_cells=5_000)) == (
            "sheet Claims spans 400 rows and 25 columns (10,000 cells); the limit is 5,000 cells"
        )


def test_the_sheets_read_together_stay_within_the_total_cell_limit() -> None:
    data = _xlsx_bytes({"Claims": [list(range(10))] * 10, "Sources": [list(range(10))] * 10})
    assert read_workbook(data, limits=Limits(max_total_cells=200)).sheet("Sources") is not None
    assert _refusal(data, limits=Limits(max_total_cells=150)).startswith("the sheets up to ")


def test_csv_over_the_cell_limit_is_refused() -> None:
    data = "".join("1,2,3,4,5\n" for _ in range(30)).encode()
    assert "more than 100 cells" in _refusal(data, name="claims.csv", limits=Limits(max_cells=100))


def test_total_uncompressed_size_over_the_limit_is_refused() -> None:
    data = _xlsx_bytes({"Claims": [["x" * 100] for _ in range(200)]})
    assert "unpacks to" in _refusal(data, limits=Limits(max_uncompressed=10_000))


def test_far_away_cell_is_refused_without_building_the_grid() -> None:
    # calamine alone would allocate 16384 x 1048576 cells for this and abort the process
    data = _raw_xlsx(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    assert _refusal(data) == "sheet Claims has 1,048,576 rows; the limit is 200,000"


def test_far_away_cell_hidden_by_a_missing_reference_is_found() -> None:
    data = _raw_xlsx('<row><c r="A1"><v>1</v></c></row><row r="900000"><c><v>2</v></c></row>')
    assert _refusal(data) == "sheet Claims has 900,000 rows; the limit is 200,000"


@pytest.mark.parametrize(
    "sheet_data",
    [
        # an r-less cell closed normally, balanced by a cell whose end tag has a space in it
        '<row r="1"><c r="A1"><v>1</v></c ></row><row r="700000"><c><v>2</v></c></row>',
        # single quotes and spaces around "=", which calamine accepts
        "<row r='1'><c r = 'A700000'><v>1</v></c></row>",
    ],
)
def test_unusual_spellings_cannot_hide_a_far_cell(sheet_data: str) -> None:
    assert _refusal(_raw_xlsx(sheet_data)) == "sheet Claims has 700,000 rows; the limit is 200,000"


def test_a_lying_dimension_and_styled_empty_cells_cost_nothing() -> None:
    data = _raw_xlsx(
        '<row r="1"><c r="A1"><v>5</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>',
        dimension="A1:XFD1048576",
    )
    assert read_workbook(data).sheets[0].rows == ((5,),)


def test_a_far_cell_whose_reference_is_not_first_is_refused() -> None:
    data = _raw_xlsx('<row r="1"><c r="A1"><v>1</v></c><c s="1" r="XFD1048576"><v>2</v></c></row>')
    assert _refusal(data) == "sheet Claims has 1,048,576 rows; the limit is 200,000"


def test_a_far_cell_in_lower_case_or_with_a_namespace_prefix_is_refused() -> None:
    assert _refusal(_raw_xlsx('<row r="1"><c r="a700000"><v>1</v></c></row>')) == (
        "sheet Claims has 700,000 rows; the limit is 200,000"
    )
    prefixed = '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="GS1"><x:v>2</x:v></x:c></x:row>'
    assert _refusal(_raw_xlsx(prefixed)) == "sheet Claims has 201 columns; the limit is 200"


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("C10", None),
        ("D10", "sheet Claims has 4 columns; the limit is 3"),
        ("C11", "sheet Claims has 11 rows; the limit is 10"),
        ("AA1", "sheet Claims has 27 columns; the limit is 3"),
        ("A0010", None),  # leading zeros are read as the number they spell
    ],
)
def test_the_limits_are_exact_at_their_edges(reference: str, reason: str | None) -> None:
    data = _raw_xlsx(f'<row r="1"><c r="A1"><v>1</v></c></row><row><c r="{reference}"><v>2</v></c></row>')
    limits = Limits(max_rows=10, max_columns=3)
    if reason is None:
        assert read_workbook(data, limits=limits).sheets[0].rows[-1][-1] == 2
    else:
        assert _refusal(data, limits=limits) == reason


@given(st.integers(min_value=0, max_value=3_000_000), st.integers(min_value=-5, max_value=2_500_000))
def test_decimal_at_most_matches_exactly_the_numbers_up_to_the_limit(number: int, limit: int) -> None:
    pattern = re.compile(_decimal_at_most(limit))
    assert (pattern.fullmatch(str(number).encode()) is not None) == (1 <= number <= limit)
    assert pattern.fullmatch(b"0" + str(number).encode()) is None  # leading zeros: the exact scan decides


@given(st.integers(min_value=1, max_value=20_000), st.integers(min_value=-5, max_value=18_000))
def test_letters_at_most_match_exactly_the_columns_up_to_the_limit(column: int, limit: int) -> None:
    letters = cell_name(0, column - 1)[:-1]
    pattern = re.compile(_letters_at_most(limit))
    assert (pattern.fullmatch(letters.encode()) is not None) == (column <= limit)
    assert pattern.fullmatch(letters.lower().encode()) is None  # lower case: the exact scan decides


# Cells as producers write them, and as hostile files might: the fast check must never accept a sheet that
# the exact scan refuses, and must say the same thing when it refuses.
_CELL_SPELLINGS = (
    '<c r="{ref}"><v>1</v></c>',
    '<c r="{ref}" s="1"/>',
    '<c r="{ref}" t="s"><v>0</v></c>',
    '<c r="{ref}"><f>1+1</f><v/></c>',
    '<c s="1" r="{ref}"><v>1</v></c>',
    "<c r='{ref}'><v>1</v></c>",
    '<c  r="{ref}"><v>1</v></c>',
    "<c><v>1</v></c>",
    '<c t="n"><v>1</v></c >',
    '<x:c r="{ref}"><x:v>1</x:v></x:c>',
    '<c r="{lower}"><v>1</v></c>',
)
_ROW_SPELLINGS = ('<row r="{row}">{cells}</row>', "<row>{cells}</row>", '<row r="{row}" spans="1:3"/>{cells}')


def _sheet_info(data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    return zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml"), data


def _verdict(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except UnreadableWorkbook as refused:
        return str(refused)
    return None


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(_ROW_SPELLINGS),
            st.integers(min_value=1, max_value=14),
            st.lists(
                st.tuples(
                    st.sampled_from(_CELL_SPELLINGS),
                    st.integers(min_value=1, max_value=14),
                    st.integers(min_value=1, max_value=14),
                ),
                max_size=4,
            ),
        ),
        max_size=5,
    ),
    max_rows=st.integers(min_value=1, max_value=12),
    max_columns=st.integers(min_value=1, max_value=12),
    # what the sheet says it spans, true or not: the fast check trusts it only as far as it can prove it
    dimension=st.sampled_from(["A1", "A1:C3", "B2:L12", "A1:N14", "A1:XFD1048576"]),
    max_cells=st.integers(min_value=1, max_value=200),
)
def test_the_fast_check_agrees_with_the_exact_scan(
    rows: list[tuple[str, int, list[tuple[str, int, int]]]],
    max_rows: int,
    max_columns: int,
    dimension: str,
    max_cells: int,
) -> None:
    sheet_data = "".join(
        row_spelling.format(
            row=row_number,
            cells="".join(
                spelling.format(
                    ref=cell_name(row - 1, column - 1), lower=cell_name(row - 1, column - 1).lower()
                )
                for spelling, row, column in cells
            ),
        )
        for row_spelling, row_number, cells in rows
    )
    info, data = _sheet_info(_raw_xlsx(sheet_data, dimension=dimension))
    # cell tags are at most 14 x 4 here, so only the grid's extent (rows x columns) meets max_cells
    limits = Limits(max_rows=max_rows, max_columns=max_columns, max_cells=max(max_cells, 60))
    exact = _verdict(lambda: _check_extent("Claims", _scan_xlsx_sheet("Claims", info, data, limits), limits))
    checked: list[tuple[bool, int]] = []
    assert _verdict(lambda: checked.append(_check_xlsx_sheet("Claims", info, data, limits))) == exact
    if exact is None:
        has_formulas, cells = checked[0]
        if "<f>" in sheet_data:
            assert has_formulas
        # the cells it vouches for are at least those of the grid calamine builds, and within the limit
        rows_spanned, columns_spanned = _scan_xlsx_sheet("Claims", info, data, limits)
        assert rows_spanned * columns_spanned <= cells <= limits.max_cells


_FORMULA_CELLS = (
    '<c r="{ref}"><f>1+1</f><v>2</v></c>',
    '<c r="{ref}"><f>1+1</f></c>',
    '<c r="{ref}"><f>1+1</f><v/></c>',
    '<c r="{ref}"><f>1+1</f><v></v></c>',
    '<c r="{ref}" t="str"><f>A1</f><v></v></c>',
    '<c r="{ref}" t="str"><f>A1</f></c>',
    '<c r="{ref}"><f t="shared" si="0"/><v>3</v></c>',
    '<c r="{ref}"><f t="shared" si="0"/></c>',
    '<c r="{ref}"><f t="shared" ref="A1:A3" si="0">1+1</f><v xml:space="preserve"> </v></c>',
    '<c r="{ref}">\n  <f>1</f>\n  <v>1</v>\n</c>',
    '<c r="{ref}">\n  <f>1</f>\n  <v />\n</c>',
    '<c r="{ref}"><v>5</v></c>',
    '<c r="{ref}" s="1"/>',
    '<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
    "<c><f>1</f></c>",
)


def _formulas_without_value_cell_by_cell(xml: bytes) -> frozenset[tuple[int, int]]:
    """The plain definition: every cell looked at, as the reader did before it searched for formula ends."""
    found: set[tuple[int, int]] = set()
    for attributes, body in _CELL.findall(xml):
        if not body or not _FORMULA.search(body):
            continue
        value = _VALUE.search(body)
        if value and value.group(1):
            continue
        kind = _TYPE.search(attributes)
        if value is not None and kind is not None and kind.group(1) == b"str":
            continue
        reference = _REFERENCE.search(attributes)
        if reference is not None:
            found.add((int(reference.group(2)) - 1, _letters_number(reference.group(1)) - 1))
    return frozenset(found)


def _letters_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_FORMULA_CELLS), st.integers(min_value=1, max_value=30), st.integers(1, 30)
        ),
        max_size=12,
    )
)
def test_formulas_without_value_are_found_as_cell_by_cell(cells: list[tuple[str, int, int]]) -> None:
    xml = "<sheetData><row>{}</row></sheetData>".format(
        "".join(spelling.format(ref=cell_name(row - 1, column - 1)) for spelling, row, column in cells)
    ).encode()
    assert _formulas_without_value(xml) == _formulas_without_value_cell_by_cell(xml)


def test_formulas_without_a_saved_value_are_found_in_the_same_pass() -> None:
    sheet_data = (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c><c r="C1"><f>A1*3</f></c>'
        '<c r="D1" t="str"><f>""</f><v></v></c></row>'
    )
    (sheet,) = read_workbook(_raw_xlsx(sheet_data)).sheets
    assert sheet.formulas_without_value == frozenset({(0, 2)})
    prefixed = '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1"><x:f>A1*2</x:f></x:c></x:row>'
    assert read_workbook(_raw_xlsx(prefixed)).sheets[0].formulas_without_value == frozenset({(0, 1)})
    assert read_workbook(_raw_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>')).sheets[
        0
    ].formulas_without_value == (frozenset())


def test_ods_with_a_billion_repeated_cells_is_refused() -> None:
    body = (
        '<table:table-row table:number-rows-repeated="999999999">'
        '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="999999999">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
    )
    assert _refusal(_ods_bytes(body)) == "sheet Claims has 999,999,999 rows; the limit is 200,000"


def test_ods_value_after_a_long_empty_run_is_refused() -> None:
    body = (
        f"<table:table-row>{_ODS_VALUE}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="300"/>{_ODS_VALUE}</table:table-row>'
    )
    assert _refusal(_ods_bytes(body)) == "sheet Claims has 1,000,002 rows; the limit is 200,000"


# --- hostile and broken files ----------------------------------------------------------------------------


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(600):  # 600 MB of zeros, streamed, never held in memory
                member.write(zeros)
    assert path.stat().st_size < 2 * 1024 * 1024
    reason = _refusal(path.read_bytes())
    assert "zip bomb" in reason


def test_member_larger_than_it_declares_is_refused() -> None:
    # zipfile stops at the declared size without noticing; calamine's reader would read on
    sheet = '<row r="1"><c r="A1"><v>1</v></c></row>' * 2000
    data = bytearray(_raw_xlsx(sheet))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    truth = archive.read(info)
    half = len(truth) // 2
    forged_crc = zlib.crc32(truth[:half])
    local = info.header_offset
    struct.pack_into("<I", data, local + 14, forged_crc)
    struct.pack_into("<I", data, local + 22, half)
    central = bytes(data).index(b"PK\x01\x02")
    while bytes(data[central + 46 : central + 46 + len(info.filename)]) != info.filename.encode():
        central = bytes(data).index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 16, forged_crc)
    struct.pack_into("<I", data, central + 24, half)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).read(info.filename) == truth[:half]  # zipfile is fooled
    assert "more data than it declares" in _refusal(bytes(data))


def test_duplicate_member_names_are_refused() -> None:
    data = _xlsx_bytes({"Claims": [["x"]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we are making on purpose
        with zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
            target.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    assert "two files named xl/worksheets/sheet1.xml" in _refusal(buffer.getvalue())


def test_truncated_upload_is_refused_as_damaged() -> None:
    data = _xlsx_bytes({"Claims": [[f"row {n}"] for n in range(200)]})
    assert _refusal(data[: len(data) // 2]).startswith("the file is damaged or incomplete")


def test_entity_bomb_is_refused() -> None:
    doctype = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    data = _raw_xlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>', prolog=doctype)
    assert "XML bomb" in _refusal(data)


def test_a_dtd_after_a_long_comment_is_refused() -> None:
    # a DTD belongs before the root element, but a 1.5 MB comment can push it past any first chunk
    comment = "<!--" + secrets.token_hex(750_000) + "-->"
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaa">]>'
    data = _raw_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', prolog=comment + doctype)
    assert "XML bomb" in _refusal(data)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_dtd_is_found_in_a_utf16_part_too(encoding: str) -> None:
    data = _xlsx_bytes({"Claims": [["x"]]})
    hostile = (
        f'<?xml version="1.0" encoding="UTF-16"?><!--{"y" * 2_000}--><!DOCTYPE x [<!ENTITY a "b">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    ).encode(encoding)
    assert "XML bomb" in _refusal(_replace_member(data, "xl/workbook.xml", hostile))


def test_entity_bomb_in_a_small_part_is_refused() -> None:
    data = _xlsx_bytes({"Claims": [["x"]]})
    workbook_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    doctype = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
    if workbook_xml.startswith(b"<?xml"):
        declaration_end = workbook_xml.index(b"?>") + 2
        hostile = workbook_xml[:declaration_end] + doctype + workbook_xml[declaration_end:]
    else:
        hostile = doctype + workbook_xml
    assert "XML bomb" in _refusal(_replace_member(data, "xl/workbook.xml", hostile))


def test_encrypted_zip_entries_are_refused_as_password_protected() -> None:
    data = bytearray(_xlsx_bytes({"Claims": [["x"]]}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    for info in archive.infolist():
        struct.pack_into("<H", data, info.header_offset + 6, info.flag_bits | 1)
    position = bytes(data).find(b"PK\x01\x02")
    while position >= 0:
        flags = struct.unpack_from("<H", data, position + 8)[0]
        struct.pack_into("<H", data, position + 8, flags | 1)
        position = bytes(data).find(b"PK\x01\x02", position + 4)
    assert "password" in _refusal(bytes(data))


def test_encrypted_ods_is_refused_as_password_protected() -> None:
    data = _ods_bytes(
        f"<table:table-row>{_ODS_VALUE}</table:table-row>",
        manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1"/>',
    )
    assert "password" in _refusal(data)


def test_encrypted_ooxml_in_an_ole2_container_is_refused_as_password_protected() -> None:
    data = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(100)
    )
    assert "password" in _refusal(data)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"BM" + bytes(100), "a BMP image"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image"),
        (b"%PDF-1.7\n", "a PDF document"),
    ],
)
def test_other_formats_are_named(content: bytes, kind: str) -> None:
    assert _refusal(content, name="claims.xls") == f"claims.xls is not a spreadsheet (it looks like {kind})"


def test_empty_file_is_refused() -> None:
    assert _refusal(b"", name="claims.xlsx") == "the file is empty (0 bytes)"


def test_zip_without_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert "not a spreadsheet" in _refusal(buffer.getvalue(), name="claims.xlsx")


def test_missing_worksheet_part_is_refused_in_one_line() -> None:
    data = _xlsx_bytes({"Claims": [["x"]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
    _refusal(buffer.getvalue())


def test_reading_returns_a_workbook_value() -> None:
    book = read_workbook(_xlsx_bytes({"Claims": [["x"]]}))
    assert isinstance(book, Workbook)
    assert book == read_workbook(_xlsx_bytes({"Claims": [["x"]]}))
    assert hash(book.sheets[0]) == hash(book.sheets[0])
