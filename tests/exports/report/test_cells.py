"""The fast path writes the cells XlsxWriter itself would write: text, numbers, money, dates, formulas, links."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import xlsxwriter  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.report.cells import Kind, Link, RowWriter, Spec, cell_text
from ledger.workbook.gate import read_workbook

TEXT = st.one_of(
    st.sampled_from(
        ["=1+1", "<r>x</r>", "_x0041_", " padded ", "a\tb", "a\nb", "a\rb", "\x01", "x & <y>", "€"]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\ufffe\uffff"), max_size=40
    ),
)
MONEY = st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False)  # XlsxWriter keeps 16 digits
DATES = st.dates(min_value=date(1900, 3, 1))  # a spreadsheet's dates


def _books(rows: list[tuple[str, Decimal, int, date]]) -> tuple[bytes, bytes]:
    """The same rows written by XlsxWriter's own calls and by the fast path."""
    made = []
    for fast in (False, True):
        out = io.BytesIO()
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
        ws = workbook.add_worksheet("Data")
        money = workbook.add_format({"num_format": "#,##0.00"})
        when = workbook.add_format({"num_format": "yyyy-mm-dd"})
        quoted = workbook.add_format({"quote_prefix": True})
        link = workbook.add_format({"font_color": "blue", "underline": 1})
        ws.write_string(0, 0, "header")
        specs = [
            Spec(Kind.TEXT, quoted=quoted),
            Spec(Kind.MONEY, money),
            Spec(Kind.NUMBER),
            Spec(Kind.DATE, when),
            Spec(Kind.FORMULA, money, "=B{r}*2"),
            Spec(Kind.LINK),
        ]
        writer = RowWriter(ws, specs, link_format=link, last_row=len(rows))
        for index, (text, amount, number, day) in enumerate(rows, start=1):
            target = Link(f"internal:'Data'!A{index + 1}", f"row {index}")
            if fast:
                writer.write(index, [text, amount, number, day, amount * 2, target])
                continue
            if text:
                # cell_text: as the report hands text to XlsxWriter (rich-text look-alikes wrapped)
                ws.write_string(
                    index, 0, cell_text(text), quoted if text.startswith(("=", "+", "-", "@")) else None
                )
            ws.write_number(index, 1, float(amount), money)
            ws.write_number(index, 2, number)
            ws.write_datetime(index, 3, datetime(day.year, day.month, day.day), when)
            ws.write_formula(index, 4, f"=B{index + 1}*2", money, float(amount * 2))
            ws.write_url(index, 5, target.target, link, string=target.text)
        ws.write_string(len(rows) + 2, 0, "after")  # XlsxWriter goes on after the fast rows
        workbook.close()
        made.append(out.getvalue())
    return made[0], made[1]


def _cells(data: bytes) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Data"]
    found: list[tuple[object, ...]] = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            link = cell.hyperlink.location if cell.hyperlink is not None else None
            found.append(
                (
                    cell.coordinate,
                    cell.value,
                    cell.data_type,
                    cell.number_format,
                    bool(cell.quotePrefix),
                    link,
                    values[cell.coordinate].value,
                )
            )
    return found


@settings(max_examples=60)
@given(st.lists(st.tuples(TEXT, MONEY, st.integers(-(10**9), 10**9), DATES), min_size=1, max_size=6))
def test_the_fast_path_writes_what_xlsxwriter_writes(rows: list[tuple[str, Decimal, int, date]]) -> None:
    own, fast = _books(rows)
    assert _cells(fast) == _cells(own)
    read_own, read_fast = (read_workbook(b, sheets=("Data",)).sheet("Data") for b in (own, fast))
    assert read_own is not None and read_fast is not None
    assert read_fast.rows == read_own.rows  # python-calamine, the ledger reader's, reads the same


def test_figures_of_seventeen_digits_keep_their_cents() -> None:
    _, fast = _books([("a", Decimal("100000000000000.02"), 1, date(2011, 1, 1))])
    sheet = openpyxl.load_workbook(io.BytesIO(fast), data_only=True)["Data"]
    assert Decimal(repr(sheet["B2"].value)) == Decimal("100000000000000.02")


def test_a_formula_is_written_once_and_shared_down_its_column() -> None:
    _, fast = _books([("a", Decimal(1), 1, date(2011, 1, 1))] * 3)
    with __import__("zipfile").ZipFile(io.BytesIO(fast)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("B2*2") == 1 and xml.count('t="shared"') == 3
    sheet = openpyxl.load_workbook(io.BytesIO(fast))["Data"]
    assert [sheet.cell(r, 5).value for r in (2, 3, 4)] == ["=B2*2", "=B3*2", "=B4*2"]


def test_rows_out_of_order_are_refused() -> None:
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    ws = workbook.add_worksheet("Data")
    writer = RowWriter(ws, [Spec(Kind.TEXT)])
    writer.write(3, ["x"])
    try:
        writer.write(2, ["y"])
    except ValueError as exc:
        assert "out of order" in str(exc)
    else:
        raise AssertionError("a row before the last one was written")
    finally:
        workbook.close()
