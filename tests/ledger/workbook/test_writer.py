"""Writing a ledger as a workbook: values as the analyst typed them, text never a formula, exact amounts."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import given
from hypothesis import strategies as st

import ledger
from ledger import (
    Claim,
    Decision,
    Instrument,
    Ledger,
    Period,
    Qualifier,
    QualifierKind,
    Settings,
    Source,
    Verdict,
)
from ledger.core.model import Alias, Rate
from ledger.core.money import Approximation, make_money
from ledger.names.entities import KIND_CHOICES
from ledger.parsing.amounts import parse_amount
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import parse_instrument, parse_qualifiers
from ledger.workbook.layout import CLAIMS, DECISIONS, RATES, SOURCES
from ledger.workbook.writer import (
    UnwritableValue,
    escape_cell_text,
    period_text,
    unescape_cell_text,
    write_ledger,
)

SOURCE = Source("S1", "Publisher", "Title", date(2011, 6, 22))


def claim(**fields: Any) -> Claim:
    values: dict[str, Any] = {
        "id": "C1",
        "source": "S1",
        "donor": "Japan",
        "amount": make_money("1000", "USD"),
    }
    values.update(fields)
    return Claim(**values)


def written(book: Ledger) -> bytes:
    target = io.BytesIO()
    write_ledger(book, target)
    return target.getvalue()


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def rows(data: bytes, sheet: str) -> list[dict[str, Any]]:
    """A sheet's data rows as {header: cell}, as openpyxl reads them."""
    cells = list(opened(data)[sheet].iter_rows())
    headers = [str(c.value) for c in cells[0]]
    return [dict(zip(headers, row, strict=True)) for row in cells[1:]]


def calamine_rows(data: bytes, sheet: str) -> list[list[Any]]:
    """A sheet's rows as python-calamine (the reader's engine) reads them."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return list(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False))


def no_formulas(data: bytes) -> None:
    book = opened(data)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


# ---- the worked example ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> bytes:
    return written(ledger.example_ledger())


def test_example_claims_are_written_as_typed(example: bytes) -> None:
    claims = {row["ID"].value: row for row in rows(example, CLAIMS.name)}
    assert list(claims) == [c.id for c in ledger.example_ledger().claims]
    first = claims["BBC-1"]
    assert first["Amount"].value == 300_000_000 and first["Amount"].data_type == "n"
    assert first["Amount"].number_format == "#,##0.00"
    assert first["Currency"].value == "USD"
    assert first["Approximation"].value == "nearly"
    assert first["Period"].value == "2011-01-01/2011-12-31"  # as typed, since it reads back the same
    assert first["Instrument"].value == "unknown"
    assert first["Qualifiers"].value == "increase"
    assert first["Quote"].value.startswith("Mrs Clinton told a regional security conference")
    assert first["Announced by"].value == "Hillary Clinton"
    assert claims["BBC-2"]["Approximation"].value == "about"
    assert claims["BBC-2"]["Qualifiers"].value == "aggregate"
    assert claims["BBC-2"]["Period"].value == "unknown (pledged at the conference)"


def test_example_claims_keep_every_qualifier_and_instrument(example: bytes) -> None:
    by_id = {c.id: c for c in ledger.example_ledger().claims}
    for row in rows(example, CLAIMS.name):
        original = by_id[str(row["ID"].value)]
        assert parse_instrument(str(row["Instrument"].value)) is original.instrument
        assert parse_qualifiers(str(row["Qualifiers"].value or "")).qualifiers == original.qualifiers


def test_example_sources_have_dates_as_dates(example: bytes) -> None:
    (bbc, cnn) = rows(example, SOURCES.name)
    assert bbc["ID"].value == "BBC" and bbc["Publisher"].value == "BBC News"
    assert bbc["Date"].value == datetime(2011, 6, 22) and bbc["Date"].is_date
    assert bbc["Date"].number_format == "yyyy-mm-dd"
    assert cnn["ID"].value == "CNN"


def test_example_has_no_formula_anywhere(example: bytes) -> None:
    no_formulas(example)


def test_example_settings_are_written(example: bytes) -> None:
    settings = {str(label): value for label, value in opened(example)["Settings"].values}
    assert settings["Base currency"] == "USD"
    assert settings["Tolerance"] == 0.1
    assert settings["Fiscal year start"] == "January"
    assert settings["Ledger name"] == "Central American Security Conference 2011"


def test_the_written_workbook_keeps_the_templates_furniture(example: bytes) -> None:
    sheet = opened(example)[CLAIMS.name]
    (table,) = sheet.tables.values()
    assert table.ref == "A1:M500"  # a handful of claims: the table still covers rows to type in
    assert sheet.freeze_panes == "A2"
    assert any(v.type == "list" and "H2:H500" in str(v.sqref) for v in sheet.data_validations.dataValidation)


def test_table_grows_with_the_rows() -> None:
    book = Ledger(sources=(SOURCE,), claims=tuple(claim(id=f"C{i}") for i in range(600)))
    sheet = opened(written(book))[CLAIMS.name]
    (table,) = sheet.tables.values()
    assert table.ref == "A1:M601"
    assert sheet["A601"].value == "C599"


def test_writes_to_a_path(tmp_path: Path) -> None:
    target = tmp_path / "ledger.xlsx"
    write_ledger(ledger.example_ledger(), str(target))
    assert openpyxl.load_workbook(target)[CLAIMS.name]["A2"].value == "BBC-1"


# ---- text stays text ----------------------------------------------------------------------------------

FORMULA_LIKE = (
    "=1+1",
    '=HYPERLINK("http://evil","x")',
    "+44 20 7946 0000",
    "-minus",
    "@SUM(A1)",
    "#N/A",
    "#REF!",
    "=",
)


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_stays_text(text: str) -> None:
    book = Ledger(
        sources=(replace(SOURCE, title=text),),
        claims=(claim(donor=text, purpose=text, quote=text, announced_by=text, recipient=text),),
    )
    data = written(book)
    no_formulas(data)
    (row,) = rows(data, CLAIMS.name)
    for header in ("Donor", "Purpose", "Quote", "Announced by", "Recipient"):
        cell = row[header]
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@"))
    assert rows(data, SOURCES.name)[0]["Title"].value == text
    assert calamine_rows(data, CLAIMS.name)[1][2] == text


def test_control_characters_round_trip_through_the_escape() -> None:
    text = "line\r\nbreak\x0bvertical\x00nul _x0041_ literal"
    data = written(Ledger(sources=(SOURCE,), claims=(claim(quote=text),)))
    (row,) = rows(data, CLAIMS.name)
    assert row["Quote"].value == "line_x000D_\nbreak_x000B_vertical_x0000_nul _x005F_x0041_ literal"
    assert unescape_cell_text(row["Quote"].value) == text
    assert calamine_rows(data, CLAIMS.name)[1][12] == text  # the reader's engine decodes it itself


@pytest.mark.parametrize("character", ["\ufffe", "\uffff", "\ud800"])
def test_characters_no_workbook_holds_are_refused_by_cell(character: str) -> None:
    book = Ledger(sources=(SOURCE,), claims=(claim(donor=f"Ja{character}pan"),))
    with pytest.raises(UnwritableValue, match=r"Claims!C2: Donor holds the character U\+"):
        written(book)


def test_text_too_long_for_a_cell_is_refused_not_cut() -> None:
    book = Ledger(sources=(SOURCE,), claims=(claim(quote="x" * 32_768),))
    with pytest.raises(UnwritableValue, match=r"Claims!M2: Quote is 32,768 characters long"):
        written(book)
    written(Ledger(sources=(SOURCE,), claims=(claim(quote="x" * 32_767),)))


XML_CANNOT_HOLD = {"\ufffe", "\uffff"}
texts = st.text().filter(lambda t: not XML_CANNOT_HOLD & set(t))


@given(donor=texts, quote=texts, purpose=texts)
def test_any_text_is_written_as_that_text(donor: str, quote: str, purpose: str) -> None:
    data = written(Ledger(sources=(SOURCE,), claims=(claim(donor=donor, quote=quote, purpose=purpose),)))
    (row,) = rows(data, CLAIMS.name)
    read = calamine_rows(data, CLAIMS.name)[1]
    for header, index, text in (("Donor", 2, donor), ("Quote", 12, quote), ("Purpose", 5, purpose)):
        cell = row[header]
        assert cell.data_type != "f"
        assert unescape_cell_text(cell.value or "") == text  # openpyxl leaves the escapes in
        assert read[index] == text  # python-calamine, the reader's engine, decodes them


@given(texts)
def test_escape_round_trips(text: str) -> None:
    stored = escape_cell_text(text)
    assert unescape_cell_text(stored) == text
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in stored)


# ---- numbers stay exact -------------------------------------------------------------------------------


def read_amount(value: Any) -> Decimal:
    """What the reader makes of an amount cell: a float by its shortest repr, text as written."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


@pytest.mark.parametrize(
    ("amount", "currency", "number_format"),
    [
        ("300000000.01", "USD", "#,##0.00"),
        ("0.005", "BHD", "#,##0.000"),
        ("0.005", "USD", "#,##0.000"),  # shows every digit the amount has
        ("1500", "JPY", "#,##0"),
        ("999999999999999", "USD", "#,##0.00"),
    ],
)
def test_amounts_are_exact_numbers(amount: str, currency: str, number_format: str) -> None:
    data = written(Ledger(sources=(SOURCE,), claims=(claim(amount=make_money(amount, currency)),)))
    (row,) = rows(data, CLAIMS.name)
    assert row["Amount"].data_type == "n" and row["Amount"].number_format == number_format
    assert read_amount(calamine_rows(data, CLAIMS.name)[1][6]) == Decimal(amount)


def test_amounts_too_precise_for_a_number_are_written_as_text() -> None:
    amount = "123456789012345678.12"
    data = written(Ledger(sources=(SOURCE,), claims=(claim(amount=make_money(amount, "USD")),)))
    (row,) = rows(data, CLAIMS.name)
    assert row["Amount"].value == amount and row["Amount"].data_type == "s"
    assert parse_amount(row["Amount"].value).value == Decimal(amount)


amounts = st.decimals(
    min_value=0, max_value=Decimal("1e20"), allow_nan=False, allow_infinity=False, places=None
)


@given(amounts)
def test_any_amount_reads_back_exactly(amount: Decimal) -> None:
    data = written(Ledger(sources=(SOURCE,), claims=(claim(amount=make_money(amount, "USD")),)))
    assert read_amount(calamine_rows(data, CLAIMS.name)[1][6]) == amount


# ---- periods ------------------------------------------------------------------------------------------


def test_period_text_keeps_what_was_typed_when_it_reads_the_same() -> None:
    typed = parse_period("this year", source_date=date(2011, 6, 22))
    assert period_text(typed, date(2011, 6, 22), 1) == "this year"
    # The same text against another source date means another span: the label says what is meant.
    assert period_text(typed, date(2012, 1, 1), 1) == "2011"
    assert period_text(Period(date(2011, 1, 1), date(2013, 12, 31)), None, 1) == "2011-2013"
    assert period_text(Period(None, date(2011, 6, 22)), None, 10) == "until 2011-06-22"
    assert period_text(Period(), None, 1) == ""
    assert period_text(Period(text="unknown (not said)"), None, 1) == "unknown (not said)"


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@given(start=st.none() | days, end=st.none() | days, fiscal=st.integers(1, 12))
def test_period_text_reads_back_to_the_same_span(start: date | None, end: date | None, fiscal: int) -> None:
    if start and end and start > end:
        start, end = end, start
    period = Period(start, end)
    parsed = parse_period(period_text(period, None, fiscal), fiscal_year_start=fiscal)
    assert (parsed.start, parsed.end) == (start, end)


# ---- the other sheets ---------------------------------------------------------------------------------


def test_rates_aliases_decisions_and_settings_are_written() -> None:
    book = Ledger(
        sources=(SOURCE,),
        claims=(
            claim(
                instrument=Instrument.DEBT_RELIEF,
                approximation=Approximation.MORE_THAN,
                qualifiers=(Qualifier(QualifierKind.IN_ADDITION_TO, "C2"),),
            ),
        ),
        rates=(Rate("EUR", Decimal("1.4375"), "USD", date(2011, 6, 22)),),
        aliases=(Alias("Uncle Sam", "United States"), Alias("Norfund", "Norfund", "Norway", "agency")),
        decisions=(
            Decision(
                "duplicate-C1-C2", Verdict.REJECT, "=not the same", by="A. Analyst", at="2011-06-30T10:00:00"
            ),
        ),
        settings=Settings("EUR", Decimal("0.125"), 10),
        name="Test",
    )
    data = written(book)
    no_formulas(data)
    (row,) = rows(data, CLAIMS.name)
    assert row["Instrument"].value == "debt relief"
    assert row["Approximation"].value == "more than"
    assert row["Qualifiers"].value == "in addition to C2"
    (rate,) = rows(data, RATES.name)
    assert [rate[c.header].value for c in RATES.columns] == ["EUR", 1.4375, "USD", datetime(2011, 6, 22)]
    assert list(opened(data)["Aliases"].values)[1:] == [
        ("Uncle Sam", "United States", None, None),
        ("Norfund", "Norfund", "Norway", "agency"),
    ]
    (decision,) = rows(data, DECISIONS.name)
    assert [decision[c.header].value for c in DECISIONS.columns] == [
        "duplicate-C1-C2",
        "reject",
        "=not the same",
        "A. Analyst",
        "2011-06-30T10:00:00",
    ]
    settings = opened(data)["Settings"]
    assert [c.value for c in settings["B"]][1:] == ["EUR", 0.125, "October", "Test"]
    assert settings["B3"].number_format == "0.0%"


def test_in_kind_is_written_as_the_drop_down_word() -> None:
    data = written(Ledger(sources=(SOURCE,), claims=(claim(instrument=Instrument.IN_KIND),)))
    assert rows(data, CLAIMS.name)[0]["Instrument"].value == "in-kind"


# ---- the round trip through the reader ----------------------------------------------------------------

XML_SAFE = st.characters(exclude_categories=["Cs"], exclude_characters=tuple(XML_CANNOT_HOLD))
# The reader trims cells, as analysts' stray spaces mean nothing.
trimmed = st.text(XML_SAFE, max_size=20).map(str.strip)
named = trimmed.filter(bool)
any_days = st.none() | days
positive_amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("999999999999999999.99"), places=2
)


@st.composite
def any_periods(draw: st.DrawFn) -> Period:
    start, end = draw(any_days), draw(any_days)
    if start and end and start > end:
        start, end = end, start
    return Period(start, end)


@st.composite
def any_ledgers(draw: st.DrawFn) -> Ledger:
    from tests.strategies import ledgers

    base = draw(ledgers(max_claims=5))
    sources = tuple(
        replace(s, publisher=draw(trimmed), title=draw(trimmed), url=draw(trimmed), date=draw(any_days))
        for s in base.sources
    )
    claims = tuple(
        replace(
            c,
            donor=draw(named),
            announced_by=draw(trimmed),
            recipient=draw(trimmed),
            purpose=draw(trimmed),
            quote=draw(trimmed),
            amount=make_money(draw(positive_amounts), draw(st.sampled_from(["USD", "EUR", "BHD", "JPY"]))),
            instrument=draw(st.sampled_from(list(Instrument))),
            period=draw(any_periods()),
        )
        for c in base.claims
    )
    rates = draw(
        st.lists(
            st.builds(
                Rate,
                st.sampled_from(["EUR", "GBP", "JPY"]),
                st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(1000), places=6),
                st.just("USD"),
                any_days,
            ),
            max_size=3,
        )
    )
    decisions = draw(
        st.lists(
            st.builds(Decision, named, st.sampled_from(list(Verdict)), trimmed, by=trimmed, at=trimmed),
            max_size=3,
            unique_by=lambda d: d.finding,
        )
    )
    return Ledger(
        sources=sources,
        claims=claims,
        aliases=tuple(
            draw(
                st.lists(
                    st.builds(
                        Alias,
                        named,
                        named,
                        st.one_of(st.just(""), named),
                        st.sampled_from(["", *(kind.value for kind in KIND_CHOICES)]),
                    ),
                    max_size=3,
                )
            )
        ),
        rates=tuple(rates),
        decisions=tuple(decisions),
        settings=Settings(
            draw(st.sampled_from(["USD", "EUR"])),
            draw(st.decimals(min_value=0, max_value=Decimal("0.5"), places=3)),
            draw(st.integers(1, 12)),
        ),
        name=draw(trimmed),
    )


def comparable(book: Ledger) -> Ledger:
    """The ledger without origins, each period with the text the workbook gives it, qualifiers once each."""

    def period(p: Period) -> Period:
        return Period(p.start, p.end, p.text or (p.label if p.known else ""))

    return replace(
        book,
        sources=tuple(replace(s, origin=ledger.Origin()) for s in book.sources),
        # A qualifier said twice is read once (parse_qualifiers keeps duplicates once).
        claims=tuple(
            replace(
                c,
                origin=ledger.Origin(),
                period=period(c.period),
                qualifiers=tuple(dict.fromkeys(c.qualifiers)),
            )
            for c in book.claims
        ),
        decisions=tuple(replace(d, origin=ledger.Origin()) for d in book.decisions),
    )


@given(any_ledgers())
def test_any_ledger_reads_back_as_written(book: Ledger) -> None:
    from ledger.workbook.reader import read_ledger

    built = read_ledger(written(book))
    assert built.errors == ()
    assert comparable(built.ledger) == comparable(book)


def test_the_worked_example_reads_back_as_written(example: bytes) -> None:
    from ledger.workbook.reader import read_ledger

    built = read_ledger(example)
    assert built.problems == ()
    assert comparable(built.ledger) == comparable(ledger.example_ledger())
