"""The Excel report: sheets, live formulas with stored values, the template's look, text kept as text."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ledger
from exports.live import counted, current_states, live_pledges, state_of
from exports.report import FORMULA_COLUMNS, UnwritableValue, _write, write_report
from exports.report_look import DONOR_COLUMNS, SHEET_COLUMNS, YEAR_TOTAL_COLUMNS, read_look
from exports.report_reading import is_report, read_report_decisions, report_decisions
from exports.report_template import build_report_template
from ledger import AmountRange, Claim, Ledger, Source, Verdict, make_money
from ledger.render.sentences import headline
from ledger.workbook.gate import read_workbook
from ledger.workbook.layout import CLAIMS, SOURCES
from ledger.workbook.reader import read_ledger
from tests.strategies import ledgers

EXAMPLE = ledger.reconcile(ledger.example_ledger())


def _cents(value: object) -> Decimal:
    assert isinstance(value, int | float), f"expected a number, found {value!r}"
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _named(workbook: openpyxl.Workbook, name: str) -> object:
    sheet, cell = next(iter(workbook.defined_names[name].destinations))
    return workbook[sheet][cell.replace("$", "")].value


def summary_figures(workbook: openpyxl.Workbook, key: str) -> dict[str, Decimal]:
    """The headline figures by their defined names (key: a currency code, or "base")."""
    names = (
        "Naive",
        "Distinct_low",
        "Distinct_nominal",
        "Distinct_high",
        "New_money_low",
        "New_money_nominal",
        "New_money_high",
        "Loans",
    )
    prefix, suffix = ("Base_", "") if key == "base" else ("", f"_{key}")
    return {name: _cents(_named(workbook, f"{prefix}{name}{suffix}")) for name in names}


def engine_figures(totals: ledger.CurrencyTotals) -> dict[str, Decimal]:
    loans = dict(totals.by_instrument).get("loan", AmountRange.zero())
    return {
        "Naive": totals.naive,
        "Distinct_low": totals.distinct.low,
        "Distinct_nominal": totals.distinct.nominal,
        "Distinct_high": totals.distinct.high,
        "New_money_low": totals.new_money.low,
        "New_money_nominal": totals.new_money.nominal,
        "New_money_high": totals.new_money.high,
        "Loans": loans.nominal,
    }


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "example.xlsx"
    write_report(EXAMPLE, path)
    return path


def test_the_report_has_every_sheet_in_order(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    assert workbook.sheetnames == [
        "Summary",
        "Pledges",
        "Claims",
        "Findings",
        "By year",
        "Sources",
        "Settings",
        "Read me",
    ]


def test_stored_values_are_the_engines_figures_to_the_cent(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report, data_only=True)
    figures = summary_figures(workbook, "USD")
    assert figures == engine_figures(EXAMPLE.totals[0])
    assert figures["Naive"] == Decimal("3560000000.00")
    assert figures["Distinct_low"] == Decimal("1270000000.00")
    assert figures["New_money_nominal"] == Decimal("1040000000.00")


def test_summary_totals_are_formulas_over_pledges_and_claims(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    naive = _named(workbook, "Naive_USD")
    distinct = _named(workbook, "Distinct_low_USD")
    assert isinstance(naive, str) and naive.startswith("=SUMIFS('Claims'!")
    assert isinstance(distinct, str) and distinct.startswith("=SUMIFS('Pledges'!")
    summary = workbook["Summary"]
    assert summary["A2"].value == headline(EXAMPLE.totals[0])


def test_pledge_figures_read_decisions_from_the_findings_sheet(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report)["Pledges"]
    headers = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(headers, sheet[2], strict=False)}  # P-BBC-1: repackaged, an increase
    assert row["Pledge ID"] == "P-BBC-1"
    assert 'MATCH("repackaged-' in str(row["Repackaged"])
    assert "'Findings'!" in str(row["Old level nominal"])
    assert str(row["Counted low"]).startswith("=IF(")


def test_tables_frozen_headers_dropdown_colours_and_recalculation_on_open(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    assert set(workbook["Claims"].tables) == {"ClaimsTable"}
    assert workbook["Claims"].tables["ClaimsTable"].ref == "A1:Q9"
    assert workbook["Claims"].tables["ClaimsTable"].autoFilter is not None
    assert workbook["Pledges"].freeze_panes == "A2"
    findings = workbook["Findings"]
    validations = findings.data_validations.dataValidation
    assert any(v.type == "list" and "accept" in str(v.formula1) and "H2" in str(v.sqref) for v in validations)
    rules = [rule for cf in findings.conditional_formatting for rule in cf.rules]
    assert len(rules) == len(ledger.FindingKind)
    with zipfile.ZipFile(example_report) as archive:
        assert 'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml").decode()
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # by donor and by year on the Summary, by year on its own sheet


def test_money_cells_carry_the_currency_format(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report)["Pledges"]
    assert sheet["H2"].number_format == '"USD "#,##0.00'
    assert sheet["L2"].number_format == '"USD "#,##0.00'


def test_claims_and_sources_begin_with_the_ledger_columns(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    claims = [c.value for c in workbook["Claims"][1]]
    assert claims[: len(CLAIMS.columns)] == [c.header for c in CLAIMS.columns]
    assert claims[len(CLAIMS.columns) :] == ["Pledge", "Pledge donor", "Naive figure", "Findings"]
    assert [c.value for c in workbook["Sources"][1]] == [c.header for c in SOURCES.columns]
    first = [c.value for c in workbook["Claims"][2]]
    assert first[:3] == ["BBC-1", "BBC", "United States"]
    assert first[8] == "nearly" and first[9] == "2011-01-01/2011-12-31" and first[11] == "increase"


def test_source_urls_are_hyperlinks_and_odd_urls_stay_text(tmp_path: Path) -> None:
    book = replace(
        ledger.example_ledger(),
        sources=(
            Source("BBC", "BBC News", "t", date(2011, 6, 22), "https://www.bbc.co.uk/news/world-13869373"),
            Source("CNN", "CNN", "t", date(2011, 6, 22), "javascript:alert(1)"),
        ),
    )
    path = tmp_path / "links.xlsx"
    write_report(ledger.reconcile(book), path)
    sheet = openpyxl.load_workbook(path)["Sources"]
    assert sheet["E2"].hyperlink is not None and sheet["E2"].hyperlink.target.startswith("https://www.bbc")
    assert sheet["E2"].value == "https://www.bbc.co.uk/news/world-13869373"
    assert sheet["E3"].hyperlink is None and sheet["E3"].value == "javascript:alert(1)"


def test_a_report_reads_back_as_its_ledger_and_its_decisions(tmp_path: Path) -> None:
    book = ledger.example_ledger()
    ids = [f.id for f in EXAMPLE.findings]
    book = book.decide(ids[1], "accept", "=the smaller pledge").decide(ids[4], "reject")
    result = ledger.reconcile(book)
    path = tmp_path / "decided.xlsx"
    write_report(result, path)
    assert is_report(path)
    decisions = read_report_decisions(path)
    assert [(d.finding, d.verdict, d.note) for d in decisions] == [
        (ids[1], Verdict.ACCEPT, "=the smaller pledge"),
        (ids[4], Verdict.REJECT, ""),
    ]
    built = read_ledger(path)
    assert built.errors == ()
    again = ledger.reconcile(replace(built.ledger, decisions=decisions))
    assert again.pledges == result.pledges
    assert again.findings == result.findings
    assert again.totals == result.totals


def test_decisions_typed_in_excel_are_read(tmp_path: Path, example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    sheet = workbook["Findings"]
    sheet["H3"], sheet["I3"] = "Accepted ", "Obama's pledge is inside Clinton's"
    sheet["H4"] = "maybe"
    path = tmp_path / "typed.xlsx"
    workbook.save(path)
    decisions, problems = report_decisions(path)
    assert [(d.finding, d.verdict, d.note) for d in decisions] == [
        (sheet["A3"].value, Verdict.ACCEPT, "Obama's pledge is inside Clinton's")
    ]
    assert [str(p) for p in problems] == [
        'Findings!H4: decision "maybe" is not understood; expected accept, reject or blank'
    ]
    with pytest.raises(ledger.LedgerError):
        read_report_decisions(path)


def test_a_restyled_template_styles_the_report(tmp_path: Path) -> None:
    template = tmp_path / "restyled.xlsx"
    build_report_template(template)
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Pledges"]
    red = openpyxl.styles.PatternFill("solid", fgColor="FFC00000")
    for cell in sheet[1]:
        cell.fill = red
    sheet.column_dimensions["B"].width = 42  # Donor
    workbook["Summary"].sheet_properties.tabColor = "FF00B050"
    workbook.save(template)
    path = tmp_path / "report.xlsx"
    write_report(EXAMPLE, path, template=template)
    report = openpyxl.load_workbook(path)
    assert report["Pledges"]["A1"].fill.fgColor.rgb.endswith("C00000")
    assert report["Pledges"].column_dimensions["B"].width == pytest.approx(42, abs=0.75)
    tab = report["Summary"].sheet_properties.tabColor
    assert tab is not None and str(tab.rgb).endswith("00B050")
    default = openpyxl.load_workbook(tmp_path / "report.xlsx")  # and the shipped template is untouched
    assert default is not None
    assert read_look().sheet("Pledges").header.fill_color == "#1F4E78"


def test_the_template_builder_lays_out_every_sheet(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    build_report_template(path)
    look = read_look(path)
    assert set(look.sheets) == set(SHEET_COLUMNS)
    assert look.sheet("Claims").width("Quote", 0) == 60
    assert look.title.bold and look.title.font_size == 16


def test_writes_to_a_binary_file() -> None:
    out = io.BytesIO()
    write_report(EXAMPLE, out)
    assert out.getvalue().startswith(b"PK")
    assert is_report(out.getvalue())


def test_base_currency_totals_when_rates_are_given(tmp_path: Path) -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": [{"id": "S", "publisher": "P", "date": "2011-06-22"}],
            "claims": [
                {"id": "A", "source": "S", "donor": "Japan", "amount": "EUR 10.5m", "period": "2011"},
                {"id": "B", "source": "S", "donor": "France", "amount": "EUR 3m", "period": "2011-2012"},
                {"id": "C", "source": "S", "donor": "United States", "amount": "$2m", "period": "2011"},
            ],
            "rates": [{"currency": "EUR", "rate": "1.4375", "base_currency": "USD"}],
        }
    )
    result = ledger.reconcile(book)
    assert result.base_totals is not None
    path = tmp_path / "rates.xlsx"
    write_report(result, path)
    workbook = openpyxl.load_workbook(path, data_only=True)
    assert summary_figures(workbook, "base") == engine_figures(result.base_totals)
    assert "Rates" in workbook.sheetnames


def test_a_result_with_errors_is_refused() -> None:
    broken = Ledger(claims=(Claim("A", "nowhere", "Japan", make_money(1, "USD")),))
    result = ledger.reconcile(broken)
    assert result.errors
    with pytest.raises(ValueError, match="not reconciled"):
        write_report(result, io.BytesIO())


def test_text_no_workbook_can_hold_is_refused_naming_the_cell() -> None:
    book = ledger.example_ledger()
    book = replace(book, claims=(replace(book.claims[0], quote="bad \ud800 text"), *book.claims[1:]))
    with pytest.raises(UnwritableValue, match=r"Claims!M2: holds the character U\+D800"):
        write_report(ledger.reconcile(book), io.BytesIO())


# ---- properties ------------------------------------------------------------------------------------------

VERDICTS = st.sampled_from([None, Verdict.ACCEPT, Verdict.REJECT])


@st.composite
def decided(draw: st.DrawFn) -> Ledger:
    """A ledger with some of its findings decided."""
    book = draw(ledgers(max_claims=8))
    for finding in ledger.reconcile(book).findings:
        verdict = draw(VERDICTS)
        if verdict is not None:
            book = book.decide(finding.id, verdict, draw(st.sampled_from(["", "why", "=because"])))
    return book


@given(decided())
def test_the_formulas_rules_give_the_engines_totals(book: Ledger) -> None:
    result = ledger.reconcile(book)
    sums: dict[str, list[AmountRange]] = {}
    states = current_states(result)
    for live in live_pledges(result):
        count = counted(live, states)
        found = sums.setdefault(count.currency, [AmountRange.zero(), AmountRange.zero()])
        found[0], found[1] = found[0] + count.distinct, found[1] + count.new_money
    for totals in result.totals:
        distinct, new_money = sums.get(totals.currency, [AmountRange.zero(), AmountRange.zero()])
        assert distinct.quantized(totals.currency) == totals.distinct
        assert new_money.quantized(totals.currency) == totals.new_money


def test_states_follow_verdicts() -> None:
    assert [state_of(v).value for v in (Verdict.ACCEPT, Verdict.REJECT, None)] == [
        "accepted",
        "rejected",
        "undecided",
    ]


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(decided())
def test_ledger_to_report_to_ledger_keeps_pledges_findings_decisions_and_totals(book: Ledger) -> None:
    result = ledger.reconcile(book)
    out = io.BytesIO()
    write_report(result, out)
    built = read_ledger(out.getvalue(), name="report.xlsx")
    assert built.errors == ()
    decisions = read_report_decisions(out.getvalue())
    again = ledger.reconcile(replace(built.ledger, decisions=decisions))
    # a period read back keeps the words the report wrote ("2011"); its span is the same
    assert [_spanned(p) for p in again.pledges] == [_spanned(p) for p in result.pledges]
    assert again.findings == result.findings
    assert again.totals == result.totals
    assert {(d.finding, d.verdict, d.note) for d in decisions} == {
        (d.finding, d.verdict, d.note) for d in book.decisions
    }
    second = io.BytesIO()
    write_report(again, second)
    assert read_report_decisions(second.getvalue()) == decisions


def _spanned(pledge: ledger.Pledge) -> ledger.Pledge:
    return replace(pledge, period=replace(pledge.period, text=""))


HOSTILE = st.one_of(
    st.sampled_from(
        [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            '=HYPERLINK("http://x","y")',
            "<r>x</r>",
            "_x0041_",
            "#N/A",
            "=",
            "a\rb",
            "\x01",
            " padded ",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\ufffe\uffff"),
        min_size=1,
        max_size=30,
    ),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(HOSTILE, HOSTILE, HOSTILE, HOSTILE)
def test_user_text_is_never_a_formula(donor: str, quote: str, purpose: str, note: str) -> None:
    base = ledger.example_ledger()
    claims = tuple(
        replace(c, donor=donor, quote=quote, purpose=purpose, announced_by=note) for c in base.claims[:3]
    )
    source = replace(base.sources[0], publisher=donor, title=quote, url=note)
    book = replace(base, claims=(*claims, *base.claims[3:]), sources=(source, *base.sources[1:]), name=note)
    result = ledger.reconcile(book)
    if result.findings:
        book = book.decide(result.findings[0].id, "accept", note)
        result = ledger.reconcile(book)
    out = io.BytesIO()
    ours: list[str] = []
    _write(result, out, read_look(), formula_cells=ours)
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    found = {
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    assert found == set(ours)
    for sheet_name, places in _formula_headers(workbook).items():
        assert places <= FORMULA_COLUMNS[sheet_name]
    values = read_workbook(out.getvalue(), sheets=("Claims",)).sheet("Claims")
    assert values is not None
    assert values.rows[1][2] == donor and values.rows[1][12] == quote


KNOWN_HEADERS = frozenset(
    h for columns in (*SHEET_COLUMNS.values(), DONOR_COLUMNS, YEAR_TOTAL_COLUMNS) for h, _ in columns
)


def _formula_headers(workbook: openpyxl.Workbook) -> dict[str, set[str]]:
    """The header (row 1, or the nearest header above on Summary and By year) of every formula cell."""
    headers: dict[str, set[str]] = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                assert cell.row is not None and cell.column is not None
                column = [sheet.cell(r, cell.column).value for r in range(cell.row - 1, 0, -1)]
                header = next(v for v in column if isinstance(v, str) and v in KNOWN_HEADERS)
                headers.setdefault(sheet.title, set()).add(header)
    return headers
