"""Reading a ledger workbook: forgiving about layout and wording, strict about values, every problem at its cell."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

import ledger
from ledger import Alias, Approximation, Instrument, LedgerError, Settings, Source, build_ledger
from ledger.names import Names
from ledger.parsing.build import ClaimParser
from ledger.workbook.gate import Sheet
from ledger.workbook.gate import Workbook as CellWorkbook
from ledger.workbook.layout import CLAIMS
from ledger.workbook.reader import MAX_ERRORS, _LedgerReader, read_ledger

CLAIM_HEADERS: list[object] = [
    "ID", "Source", "Donor", "Announced by", "Recipient", "Purpose", "Amount", "Currency",
    "Approximation", "Period", "Instrument", "Qualifiers", "Quote",
]  # fmt: skip
SOURCE_HEADERS: list[object] = ["ID", "Publisher", "Title", "Date", "URL"]
BBC: list[object] = ["BBC", "BBC News", "Clinton pledges more aid", date(2011, 6, 22), ""]
CNN: list[object] = ["CNN", "CNN", "World Bank pledges $1 billion", date(2011, 6, 22), ""]


def claim_row(claim_id: str = "C1", amount: object = 300_000_000, **fields: object) -> list[object]:
    """A Claims row in CLAIM_HEADERS order, with sensible defaults."""
    values: dict[str, object] = {
        "ID": claim_id, "Source": "BBC", "Donor": "United States", "Recipient": "Central America",
        "Amount": amount, "Currency": "USD", "Period": "2011",
    }  # fmt: skip
    values.update({key.replace("_", " ").capitalize(): value for key, value in fields.items()})
    return [values.get(str(header)) for header in CLAIM_HEADERS]


def write_book(
    folder: Path,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    name: str = "ledger.xlsx",
    *,
    epoch: Any = None,
) -> Path:
    """A workbook with the given sheets (rows of values) saved in `folder`."""
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    if epoch is not None:
        workbook.epoch = epoch
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = folder / name
    workbook.save(path)
    return path


def simple_book(
    folder: Path, claims: Sequence[Sequence[object]], **extra: Sequence[Sequence[object]]
) -> Path:
    return write_book(
        folder, {"Sources": [SOURCE_HEADERS, BBC, CNN], "Claims": [CLAIM_HEADERS, *claims], **extra}
    )


def messages(built: ledger.Built) -> list[str]:
    return [str(p) for p in built.errors]


# ---- the worked example ----------------------------------------------------------------------------------


def example_book(folder: Path) -> Path:
    """The worked example's own typed values (the JSON the example ledger is built from), as a workbook."""
    data = json.loads(resources.files("ledger").joinpath("data/central-america-2011.json").read_text("utf-8"))
    sources = [[s["id"], s["publisher"], s["title"], s["date"], s.get("url", "")] for s in data["sources"]]
    keys = ["id", "source", "donor", "announced_by", "recipient", "purpose", "amount", "currency",
            "approximation", "period", "instrument", "qualifiers", "quote"]  # fmt: skip
    claims = []
    for claim in data["claims"]:
        row: list[object] = []
        for key in keys:
            value = claim.get(key, "")
            if key == "qualifiers":
                value = "; ".join(value)
            elif key == "amount":
                value = int(value)
            row.append(value or None)
        claims.append(row)
    settings = [["Setting", "Value"], ["Ledger name", data["name"]]]
    return write_book(
        folder,
        {"Sources": [SOURCE_HEADERS, *sources], "Claims": [CLAIM_HEADERS, *claims], "Settings": settings},
    )


def same_totals(a: ledger.Ledger, b: ledger.Ledger) -> None:
    first, second = ledger.reconcile(a), ledger.reconcile(b)
    assert first.errors == second.errors == ()
    assert first.totals == second.totals
    assert [f.id for f in first.findings] == [f.id for f in second.findings]


def test_the_worked_example_as_a_workbook_reconciles_to_the_same_totals(tmp_path: Path) -> None:
    built = read_ledger(example_book(tmp_path))
    assert built.problems == ()
    book = built.unwrap()
    expected = ledger.example_ledger()
    assert book.name == expected.name
    assert [c.id for c in book.claims] == [c.id for c in expected.claims]
    assert book.claims[0].origin.row == 2  # the first row after the header
    assert book.claims[0].origin.field("amount").cell == "Claims!G2"
    same_totals(book, expected)


def test_the_worked_example_round_trips_through_write_ledger(tmp_path: Path) -> None:
    writing = pytest.importorskip("ledger.workbook.writer")
    expected = ledger.example_ledger()
    path = tmp_path / "example.xlsx"
    writing.write_ledger(expected, path)
    built = read_ledger(path)
    assert built.errors == ()
    book = built.unwrap()
    assert [
        (c.id, c.value, c.currency, c.approximation, c.period, c.instrument, c.qualifiers)
        for c in book.claims
    ] == [
        (c.id, c.value, c.currency, c.approximation, c.period, c.instrument, c.qualifiers)
        for c in expected.claims
    ]
    same_totals(book, expected)


# ---- forgiving inputs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "value", "expected_currency", "approximation"),
    [
        ("$300m", None, Decimal(300_000_000), "USD", Approximation.EXACT),
        ("US$ 1.2 bn", None, Decimal(1_200_000_000), "USD", Approximation.EXACT),
        ("1,000,000,000", "USD", Decimal(1_000_000_000), "USD", Approximation.EXACT),
        ("nearly $300 million", None, Decimal(300_000_000), "USD", Approximation.NEARLY),
        ("€7.2bn", None, Decimal(7_200_000_000), "EUR", Approximation.EXACT),
        ("£1.5 billion", None, Decimal(1_500_000_000), "GBP", Approximation.EXACT),
        ("300 million", "USD", Decimal(300_000_000), "USD", Approximation.EXACT),
        (Decimal("1.5"), "usd", Decimal("1.5"), "USD", Approximation.EXACT),
        ("  about 5m  ", " eur ", Decimal(5_000_000), "EUR", Approximation.ABOUT),
    ],
)
def test_amounts_as_analysts_type_them(
    tmp_path: Path, amount: object, currency: str | None, value: Decimal, expected_currency: str,
    approximation: Approximation,
) -> None:  # fmt: skip
    built = read_ledger(simple_book(tmp_path, [claim_row(amount=amount, currency=currency)]))
    (claim,) = built.unwrap().claims
    assert (claim.value, claim.currency, claim.approximation) == (value, expected_currency, approximation)


def test_a_bare_dollar_is_the_base_currency_and_the_reader_says_so_once(tmp_path: Path) -> None:
    settings = [["Setting", "Value"], ["Base currency", "CAD"]]
    rows = [claim_row("C1", "$5m", currency=None), claim_row("C2", "$7m", currency=None)]
    built = read_ledger(simple_book(tmp_path, rows, Settings=settings))
    assert {c.currency for c in built.unwrap().claims} == {"CAD"}
    assert [str(w) for w in built.warnings] == ['a bare "$" was read as CAD, the base currency']


def test_header_variants_spaces_empty_rows_and_unknown_columns(tmp_path: Path) -> None:
    headers: list[object] = [
        "  claim id ",
        "SOURCE",
        "Pledger",
        "Amount (USD)",
        "Time span",
        "Notes",
        "Colour",
    ]
    claims: list[list[object]] = [
        headers,
        ["C1", " BBC ", "  United States ", 300_000_000, "2011", "grant", "red"],
        [None, "  ", None, None, None, None, None],
        [],
        ["C2", "BBC", "Japan", "5m", " 2011-2013 ", "", ""],
    ]
    path = write_book(tmp_path, {"Sources": [SOURCE_HEADERS, BBC], "Claims": claims})
    built = read_ledger(path)
    first, second = built.unwrap().claims
    assert (first.id, first.source, first.donor, first.currency, first.instrument) == (
        "C1", "BBC", "United States", "USD", Instrument.GRANT,
    )  # fmt: skip
    assert (second.currency, second.period.label, second.origin.row) == ("USD", "2011-2013", 5)
    assert [str(w) for w in built.warnings] == [
        'Claims: columns not used (not part of the Claims sheet): "Colour" (G)'
    ]


def test_header_row_below_a_title_and_merged_header_cells(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Claims"
    sheet.append(["Pledges at the 2011 conference"])
    sheet.append([])
    sheet.append(["ID", "Source", "Donor", "Amount", None, "Quote", None])
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("F3:G3")
    sheet.append(["C1", "BBC", "Japan", "$5m", None, "Japan pledged $5m", None])
    sources = workbook.create_sheet("Sources")
    for row in (SOURCE_HEADERS, BBC):
        sources.append(row)
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    built = read_ledger(path)
    assert built.errors == ()
    (claim,) = built.unwrap().claims
    assert (claim.quote, claim.origin.row, claim.origin.field("quote").cell) == (
        "Japan pledged $5m",
        4,
        "Claims!F4",
    )
    assert built.warnings[0].message.startswith('a bare "$"')


def test_dates_in_the_1904_system_and_as_text(tmp_path: Path) -> None:
    sources: list[list[object]] = [
        SOURCE_HEADERS,
        ["BBC", "BBC News", "", date(2011, 6, 22), ""],
        ["CNN", "CNN", "", "2012-03-01", ""],
    ]
    claims = [
        CLAIM_HEADERS,
        claim_row("C1", period="this year"),
        claim_row("C2", source="CNN", period="this year"),
    ]
    path = write_book(tmp_path, {"Sources": sources, "Claims": claims}, epoch=CALENDAR_MAC_1904)
    with zipfile.ZipFile(path) as archive:
        assert b"date1904" in archive.read("xl/workbook.xml")
    book = read_ledger(path).unwrap()
    assert [s.date for s in book.sources] == [date(2011, 6, 22), date(2012, 3, 1)]
    assert [c.period.label for c in book.claims] == ["2011", "2012"]


def test_an_xlsm_workbook(tmp_path: Path) -> None:
    path = simple_book(tmp_path, [claim_row()])
    macro = tmp_path / "ledger.xlsm"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(macro, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in data
            target.writestr(item, data)
    (claim,) = read_ledger(macro).unwrap().claims
    assert claim.value == Decimal(300_000_000)


CSV_TEXT = "ID,Source,Donor,Amount,Currency,Period\r\nC1,BBC,United States,$300m,,2011\r\nC2,CNN,Japan,5000000,JPY,2011\r\n"


@pytest.mark.parametrize(
    "encoded",
    [codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"), codecs.BOM_UTF16_LE + CSV_TEXT.encode("utf-16-le")],
    ids=["utf-8 BOM", "utf-16"],
)
def test_a_csv_of_claims_makes_bare_sources_with_a_warning(encoded: bytes) -> None:
    built = read_ledger(io.BytesIO(encoded), name="pledges.csv")
    book = built.unwrap()
    assert [(c.id, c.value, c.currency) for c in book.claims] == [
        ("C1", Decimal(300_000_000), "USD"), ("C2", Decimal(5_000_000), "JPY"),
    ]  # fmt: skip
    assert [s.id for s in book.sources] == ["BBC", "CNN"]
    assert any("sources were made from the Source column (BBC, CNN)" in w.message for w in built.warnings)


def test_rates_aliases_decisions_and_settings(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path,
        [claim_row()],
        Rates=[
            ["Currency", "Rate", "Base currency", "As of"],
            ["EUR", Decimal("1.4375"), None, date(2011, 6, 22)],
        ],
        Aliases=[["Name", "Means"], ["Uncle Sam", "United States"]],
        Decisions=[
            ["Finding", "Decision", "Note", "Decided by"],
            ["duplicate-x", "Accept", "same", "AA"],
            ["f2", None],
        ],
        Settings=[["Setting", "Value"], ["Tolerance", "5%"], ["Fiscal year start", "October"]],
    )
    book = read_ledger(path).unwrap()
    assert (book.rates[0].currency, book.rates[0].rate, book.rates[0].base) == (
        "EUR",
        Decimal("1.4375"),
        "USD",
    )
    assert book.aliases == (Alias("Uncle Sam", "United States"),)
    assert [(d.finding, d.verdict.value, d.note, d.by) for d in book.decisions] == [
        ("duplicate-x", "accept", "same", "AA")
    ]
    assert book.settings == Settings(tolerance=Decimal("0.05"), fiscal_year_start=10)


def test_aliases_with_a_parent_and_a_kind(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path,
        [claim_row()],
        Aliases=[
            ["Name", "Means", "Parent", "Kind"],
            ["Uncle Sam", "United States", None, None],
            ["Norfund", "Norfund", "Norway", "Agency"],
            ["CERF", "Central Emergency Response Fund", "UN", "part of a multilateral"],
        ],
    )
    book = read_ledger(path).unwrap()
    assert book.aliases == (
        Alias("Uncle Sam", "United States"),
        Alias("Norfund", "Norfund", "Norway", "agency"),
        Alias("CERF", "Central Emergency Response Fund", "UN", "multilateral_part"),
    )
    names = Names.default().with_aliases(book.aliases)
    norfund = names.resolve("Norfund")
    assert (norfund.kind.value, norfund.part_of) == ("agency", ("Norway",))
    assert names.resolve("CERF").part_of == ("United Nations",)


def test_an_alias_kind_not_understood_is_reported_at_its_cell(tmp_path: Path) -> None:
    path = simple_book(
        tmp_path,
        [claim_row()],
        Aliases=[
            ["Name", "Means", "Parent", "Kind"],
            ["Norfund", "Norfund", "Norway", "thingy"],
            ["", "Oslo"],
        ],
    )
    built = read_ledger(path)
    messages = [str(p) for p in built.errors]
    assert any(m.startswith("Aliases!D2: ") and 'kind "thingy" is not understood' in m for m in messages), (
        messages
    )
    assert any(m.startswith("Aliases!A3: ") and 'alias for "Oslo" has no name' in m for m in messages), (
        messages
    )


def test_aliases_as_plain_values() -> None:
    data = {
        "sources": [{"id": "S", "publisher": "P", "date": "2011-06-22"}],
        "claims": [],
        "aliases": [
            {"name": "Norfund", "means": "Norfund", "parent": "Norway", "kind": "agency"},
            ("Uncle Sam", "United States"),
            Alias("Gaza", "Gaza Strip"),
        ],
    }
    book = build_ledger(data).unwrap()
    assert book.aliases == (
        Alias("Norfund", "Norfund", "Norway", "agency"),
        Alias("Uncle Sam", "United States"),
        Alias("Gaza", "Gaza Strip"),
    )
    bad = build_ledger({**data, "aliases": [{"name": "X", "means": "Y", "kind": "planet"}]})
    assert [str(p) for p in bad.errors] == [
        'aliases!1: alias "X": kind "planet" is not understood; expected one of: country, region, '
        "multilateral, part of a multilateral, fund, agency, group, collective, description"
    ]


# ---- strict: every problem, at its cell ----------------------------------------------------------------------


def test_five_mistakes_are_all_reported_with_their_cells_in_order(tmp_path: Path) -> None:
    claims = [
        claim_row("C1"),
        claim_row("C2", "3OOm"),  # G3
        claim_row("C3", None),  # G4: blank is never zero
        claim_row("C4", currency="XYZ"),  # H5
        claim_row("C5", period="sometime soon"),  # J6
        claim_row("C6", instrument="bond"),  # K7
    ]
    built = read_ledger(simple_book(tmp_path, claims))
    found = messages(built)
    assert len(found) == 5
    assert found[0].startswith('Claims!G3: amount "3OOm" is not a number')
    assert found[1] == "Claims!G4: claim C3 has no amount; a blank is never taken as zero"
    assert found[2].startswith('Claims!H5: currency "XYZ" is not an ISO 4217 code')
    assert found[3].startswith('Claims!J6: period "sometime soon"')
    assert found[4].startswith(
        'Claims!K7: instrument "bond" is not understood; expected one of: unknown, grant'
    )
    with pytest.raises(LedgerError) as raised:
        built.unwrap()
    assert len(raised.value.problems) == 5
    assert str(raised.value).splitlines() == found


def test_references_are_checked_at_load_time_with_cells(tmp_path: Path) -> None:
    claims = [
        claim_row("C1"),
        claim_row("C1", donor="Japan"),  # A3: duplicate ID
        claim_row("C3", source="Reuters"),  # B4: unknown source
        claim_row("C4", qualifiers="in addition to C99"),  # L5: missing claim
    ]
    found = messages(read_ledger(simple_book(tmp_path, claims)))
    assert found == [
        'Claims!A2: claim ID "C1" is used more than once',
        'Claims!A3: claim ID "C1" is used more than once',
        'Claims!B4: claim C3 names source "Reuters", which is not in Sources',
        'Claims!L5: claim C4: "in addition to C99" names claim C99, which is not in Claims',
    ]


def test_problems_are_grouped_by_sheet_in_workbook_order(tmp_path: Path) -> None:
    path = write_book(
        tmp_path,
        {
            "Sources": [SOURCE_HEADERS, ["BBC", "", "", "22 June 2011", ""]],
            "Claims": [CLAIM_HEADERS, claim_row("C1", "lots")],
            "Aliases": [["Name", "Means"], ["Uncle Sam", None], [None, "Japan"]],
            "Settings": [["Setting", "Value"], ["Tolerance", "loose"]],
        },
    )
    found = messages(read_ledger(path))
    assert [line.split(":")[0] for line in found] == ["Sources!D2", "Claims!G2", "Aliases!B2",
                                                      "Aliases!A3", "Settings!B2"]  # fmt: skip
    assert 'Sources!D2: date "22 June 2011" is not a date' in found[0]


def test_a_formula_with_no_saved_value_is_named_not_taken_as_blank(tmp_path: Path) -> None:
    path = simple_book(tmp_path, [claim_row("C1"), claim_row("C2", "=1+2")])
    found = messages(read_ledger(path))
    assert found == [
        "Claims!G3: the formula has no saved value; open the workbook in Excel or LibreOffice, save it, "
        "and upload again"
    ]


def test_a_formula_with_a_saved_value_is_read(tmp_path: Path) -> None:
    path = simple_book(tmp_path, [claim_row("C1", "=1+2")])
    patched = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")
            target.writestr(item, data)
    (claim,) = read_ledger(patched).unwrap().claims
    assert claim.value == 3


def test_missing_claims_sheet_names_the_sheets_found(tmp_path: Path) -> None:
    path = write_book(tmp_path, {"Sheet1": [["a"]], "Notes": [["b"]], "Sources": [SOURCE_HEADERS]})
    assert messages(read_ledger(path)) == [
        "no Claims sheet found; this workbook has sheets: Sheet1, Notes, Sources (a ledger needs Sources and "
        "Claims; download the template)"
    ]


def test_missing_required_columns_name_the_sheet_and_the_expected_headers(tmp_path: Path) -> None:
    path = write_book(
        tmp_path,
        {"Sources": [SOURCE_HEADERS, BBC], "Claims": [["ID", "Source", "Donor"], ["C1", "BBC", "X"]]},
    )
    (problem,) = read_ledger(path).errors
    assert problem.origin.cell == "Claims"
    assert "has no Amount column" in problem.message
    assert "ID, Source, Donor, Announced by" in problem.message


def test_an_unreadable_file_is_one_error_and_load_ledger_raises() -> None:
    built = read_ledger(b"%PDF-1.4 not a workbook", name="report.pdf")
    assert len(built.errors) == 1
    assert "not a spreadsheet" in str(built.errors[0])
    with pytest.raises(LedgerError):
        read_ledger(io.BytesIO(b"%PDF-1.4")).unwrap()


def test_nothing_is_half_loaded(tmp_path: Path) -> None:
    built = read_ledger(simple_book(tmp_path, [claim_row("C1"), claim_row("C2", "3OOm")]))
    assert built.errors
    with pytest.raises(LedgerError, match="3OOm"):
        built.unwrap()
    with pytest.raises(LedgerError, match="Claims!G3"):
        read_ledger(tmp_path / "ledger.xlsx").unwrap()


# ---- the fast path makes exactly what ClaimParser makes ---------------------------------------------------

_CELLS: dict[str, list[object]] = {
    "ID": ["C1", " C2 ", None, 7],
    "Source": ["BBC", "NOPE", None, " BBC ", "CNN"],
    "Donor": ["United States", None, " Japan "],
    "Amount": [
        300,
        Decimal("1.5"),
        "$300m",
        "nearly €7.2bn",
        "3OOm",
        None,
        "",
        True,
        Decimal("-1"),
        "5m USD",
    ],
    "Currency": ["USD", "usd", None, "EUR", "XYZ", "", " USD"],
    "Approximation": [None, "nearly", "roughly", "whatever"],
    "Period": [
        "2011",
        2011,
        "this year",
        "2011-2013",
        "soon",
        None,
        date(2011, 6, 22),
        "2011-01-01/2011-12-31",
    ],
    "Instrument": [None, "loan", "grant", "bond"],
    "Qualifiers": [None, "loan", "grant", "in addition to C9", "aggregate; repackaged", "nonsense"],
    "Quote": [None, " said so ", 12],
    "Announced by": [None, "the minister", " the envoy "],
    "Recipient": [None, "Haiti", 3],
    "Purpose": [None, "reconstruction"],
}


_cells = st.fixed_dictionaries({header: st.sampled_from(values) for header, values in _CELLS.items()})


# Cells that make a clean claim, so that the first row fills the caches more often than not.
_CLEAN_CELLS: dict[str, list[object]] = {
    **_CELLS,
    "ID": ["C1", " C2 ", 7],
    "Source": ["BBC", " BBC ", "CNN"],
    "Donor": ["United States", " Japan "],
    "Amount": [300, Decimal("1.5"), 0, "nearly €7.2bn", "5m USD"],
    "Currency": ["USD", "usd", "EUR", " USD", None],
    "Approximation": [None, "nearly", "roughly"],
    "Period": ["2011", "this year", "2011-2013", "2011-01-01/2011-12-31"],
    "Instrument": [None, "loan", "grant"],
    "Qualifiers": [None, "aggregate; repackaged", "in addition to C9"],
}


@st.composite
def _rows_sharing_cells(draw: st.DrawFn) -> list[dict[str, object]]:
    """A few rows: the first clean, each other a copy of an earlier row with some cells drawn again."""
    rows = [draw(st.fixed_dictionaries({h: st.sampled_from(values) for h, values in _CLEAN_CELLS.items()}))]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        changed = draw(st.sets(st.sampled_from(list(_CELLS)), max_size=3))
        rows.append({**draw(st.sampled_from(rows)), **{h: draw(st.sampled_from(_CELLS[h])) for h in changed}})
    return rows


def _clean_row(**cells: object) -> dict[str, object]:
    return {**{header: values[0] for header, values in _CLEAN_CELLS.items()}, **cells}


@settings(max_examples=500, deadline=None)
@given(_rows_sharing_cells())
@example([_clean_row(Amount="5m USD", Currency=None), _clean_row(Amount=300, Currency=None)])
@example([_clean_row(Amount="nearly 5m"), _clean_row(Amount=300)])
@example([_clean_row(Amount="$5m", Currency=None), _clean_row(Amount=300, Currency=None)])
@example([_clean_row(Period="this year"), _clean_row(Period="this year", Source="CNN")])
@example([_clean_row(Period="this year"), _clean_row(Period="this year", Source="NOPE")])
def test_the_parsers_caches_never_change_a_claim(rows: list[dict[str, object]]) -> None:
    # earlier rows fill the caches (one entry serves every row with the same context cells); each later
    # row must still come out exactly as a fresh ClaimParser makes it, whatever it shares with them
    headers = list(_CELLS)
    table_rows = [tuple(headers), *(tuple(row[h] for h in headers) for row in rows)]
    sheet = Sheet("Claims", tuple(table_rows))  # type: ignore[arg-type]
    reader = _LedgerReader(CellWorkbook("x.xlsx", (sheet,)), "x.xlsx", from_csv=False)
    table = reader._table(sheet, CLAIMS)
    assert table is not None
    sources = {"BBC": Source("BBC", date=date(2011, 6, 22)), "CNN": Source("CNN", date=date(2012, 1, 5))}
    records = list(table.records())
    expected = [ClaimParser(Settings(), sources).parse(table.fields(row), origin) for row, origin in records]
    warm = ClaimParser(Settings(), sources)
    assert [warm.parse(table.fields(row), origin) for row, origin in records] == expected


def test_context_cells_that_are_not_text_read_as_their_text() -> None:
    # a period typed as the number 2011 is the year 2011, as "2011" is, from a warm cache or a cold one
    headers = list(_CELLS)
    row = {**{h: values[0] for h, values in _CELLS.items()}, "Period": 2011, "Amount": 5}
    sheet = Sheet("Claims", (tuple(headers), tuple(row[h] for h in headers)))  # type: ignore[misc]
    reader = _LedgerReader(CellWorkbook("x.xlsx", (sheet,)), "x.xlsx", from_csv=False)
    table = reader._table(sheet, CLAIMS)
    assert table is not None
    parser = ClaimParser(Settings(), {"BBC": Source("BBC")})
    ((cells, origin),) = table.records()
    for _ in range(2):
        claim, _ = parser.parse(table.fields(cells), origin)
        assert claim is not None and claim.period.iso() == "2011-01-01/2011-12-31"


def test_rows_sharing_their_context_cells_keep_their_own_amounts_and_ids(tmp_path: Path) -> None:
    rows = [claim_row(f"C{n}", amount) for n, amount in enumerate([300, Decimal("1.5"), 7, "$2m", 0])]
    claims = read_ledger(simple_book(tmp_path, rows)).unwrap().claims
    assert [(claim.id, claim.value) for claim in claims] == [
        ("C0", 300), ("C1", Decimal("1.5")), ("C2", 7), ("C3", 2_000_000), ("C4", 0)
    ]  # fmt: skip
    assert {claim.currency for claim in claims} == {"USD"}
    assert [claim.origin.row for claim in claims] == [2, 3, 4, 5, 6]


# ---- bounded problems --------------------------------------------------------------------------------------


def test_reading_stops_after_a_thousand_errors_and_says_so(tmp_path: Path) -> None:
    rows = [claim_row(f"C{n}", amount="lots") for n in range(1, 1_501)]
    built = read_ledger(simple_book(tmp_path, rows))
    errors = built.errors
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1].message.startswith("stopped after 1,000 problems")
    # the first thousand, in order: the analyst fixes those first
    assert [p.origin.row for p in errors[:3]] == [2, 3, 4]
    assert all("lots" in p.message for p in errors[:-1])


def test_fewer_errors_than_the_limit_are_all_listed_without_the_notice(tmp_path: Path) -> None:
    rows = [claim_row(f"C{n}", amount="lots" if n % 2 else 5) for n in range(1, 41)]
    errors = read_ledger(simple_book(tmp_path, rows)).errors
    assert len(errors) == 20 and not any("stopped after" in p.message for p in errors)
