"""The Excel report: sheets, live formulas with stored values, the template's look, text kept as text."""

from __future__ import annotations

import io
import re
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
from exports.report import FORMULA_COLUMNS, UnwritableValue, write, write_report
from exports.report.look import SHEET_COLUMNS, read_look, scaled_format
from exports.report.reading import is_report, read_report_decisions, report_decisions
from exports.report.summary import FIGURE_NAMES
from exports.report_template import build_report_template
from ledger import AmountRange, Claim, Ledger, Source, Verdict, make_money
from ledger.render.sentences import headline
from ledger.workbook.gate import read_workbook
from ledger.workbook.layout import CLAIMS, SOURCES
from ledger.workbook.reader import read_ledger
from tests.strategies import ledgers

EXAMPLE = ledger.reconcile(ledger.example_ledger())
SHEETS = [
    "Summary",
    "Findings",
    "Evidence",
    "Pledges",
    "Claims",
    "Claims apart",
    "By year",
    "Sources",
    "Settings",
    "How findings count",
    "Read me",
]


def _cents(value: object) -> Decimal:
    assert isinstance(value, int | float), f"expected a number, found {value!r}"
    return Decimal(repr(value)).quantize(Decimal("0.01"))


def _named(workbook: openpyxl.Workbook, name: str) -> object:
    sheet, cell = next(iter(workbook.defined_names[name].destinations))
    return workbook[sheet][cell.replace("$", "")].value


def summary_figures(workbook: openpyxl.Workbook, key: str) -> dict[str, Decimal]:
    """The headline figures by their defined names (key: a currency code, or "base")."""
    names = FIGURE_NAMES
    prefix, suffix = ("Base_", "") if key == "base" else ("", f"_{key}")
    return {name: _cents(_named(workbook, f"{prefix}{name}{suffix}")) for name in names}


def engine_figures(totals: ledger.CurrencyTotals) -> dict[str, Decimal]:
    instruments = dict(totals.by_instrument)

    def nominal(*words: str) -> Decimal:
        return sum((instruments[w].nominal for w in words if w in instruments), Decimal(0))

    return {
        "Naive": totals.naive,
        "Distinct_low": totals.distinct.low,
        "Distinct_nominal": totals.distinct.nominal,
        "Distinct_high": totals.distinct.high,
        "New_money_low": totals.new_money.low,
        "New_money_nominal": totals.new_money.nominal,
        "New_money_high": totals.new_money.high,
        "Grants": nominal("grant"),
        "Loans": nominal("loan"),
        "Other_instruments": nominal("guarantee", "debt_relief", "in_kind", "mixed"),
        "Not_stated": nominal("unknown"),
    }


def rows_of(sheet: object, header_row: int = 1) -> list[dict[str, object]]:
    """A table's rows as {header: value}."""
    headers = [c.value for c in sheet[header_row]]  # type: ignore[index]
    return [
        dict(zip(headers, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=header_row + 1)  # type: ignore[attr-defined]
    ]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "example.xlsx"
    write_report(EXAMPLE, path)
    return path


def test_the_report_has_every_sheet_in_reading_order(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    assert workbook.sheetnames == SHEETS


def test_stored_values_are_the_engines_figures_to_the_cent(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report, data_only=True)
    figures = summary_figures(workbook, "USD")
    assert figures == engine_figures(EXAMPLE.totals[0])
    assert figures["Naive"] == Decimal("3560000000.00")
    assert figures["Distinct_low"] == Decimal("1270000000.00")
    assert figures["New_money_nominal"] == Decimal("1040000000.00")


def test_grants_loans_other_and_not_stated_add_up_to_distinct(example_report: Path) -> None:
    figures = summary_figures(openpyxl.load_workbook(example_report, data_only=True), "USD")
    parts = ("Grants", "Loans", "Other_instruments", "Not_stated")
    assert sum(figures[p] for p in parts) == figures["Distinct_nominal"]
    assert figures["Not_stated"] == Decimal("300000000.00")  # the US pledge says no instrument


def test_summary_totals_are_formulas_over_the_tables(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    naive = _named(workbook, "Naive_USD")
    distinct = _named(workbook, "Distinct_low_USD")
    assert isinstance(naive, str) and naive.startswith("=SUMIFS(ClaimsTable[Naive figure],")
    assert isinstance(distinct, str) and distinct.startswith("=SUMIFS(PledgesTable[Counted low],")
    summary = workbook["Summary"]
    assert summary["A3"].value == headline(EXAMPLE.totals[0])


def test_the_summary_says_how_many_findings_are_decided(tmp_path: Path) -> None:
    ids = [f.id for f in EXAMPLE.findings]
    book = ledger.example_ledger().decide(ids[1], "accept").decide(ids[4], "reject").decide(ids[5], "accept")
    path = tmp_path / "decided.xlsx"
    write_report(ledger.reconcile(book), path)
    summary = openpyxl.load_workbook(path)["Summary"]
    stored = openpyxl.load_workbook(path, data_only=True)["Summary"]
    assert str(summary["A4"].value).startswith("=IF(")
    assert stored["A4"].value == "8 findings: 2 accepted, 1 rejected, 5 undecided."
    assert str(summary["A5"].value).startswith("=IF(")  # the flag: blank until a decision changes
    assert stored["A5"].value in (None, "")


def test_totals_over_donors_are_apart_from_donors(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report, data_only=True)["Summary"]
    cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None}
    donors = [v for (r, col), v in cells.items() if col == 1 and cells.get((r - 1, 1)) == "Donor"]
    assert donors == ["World Bank"]  # the largest first
    header = next(r for (r, col), v in cells.items() if v == "Total over donors")
    assert cells[(header + 1, 7)] == "All donors"
    assert cells[(header + 1, 9)] == 1_000_000_000  # reported
    assert cells[(header + 1, 10)] == 0  # counts nothing beyond the pledges it holds
    every_donor = {v for (r, col), v in cells.items() if col == 1 and r > header}
    assert "All donors" not in every_donor


def test_pledge_figures_read_decisions_through_the_findings_sheet(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report)["Pledges"]
    row = rows_of(sheet)[0]  # P-BBC-1: repackaged, an increase
    assert row["Pledge ID"] == "P-BBC-1"
    assert "MAXIFS(FindingsTable[New money cut],FindingsTable[Target]" in str(row["New money cut"])
    assert "SUMIFS(FindingsTable[Old level nominal],FindingsTable[Increase]" in str(row["Old level nominal"])
    assert str(row["Counted low"]).startswith("=IF(")
    findings = rows_of(openpyxl.load_workbook(example_report)["Findings"])
    assert all(str(f["Cut"]).startswith("=SUMIFS(RulesTable[Cut],") for f in findings)


def test_no_formula_types_a_finding_id_or_an_amount(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    ids = [f.id for f in EXAMPLE.findings]
    formulas = [
        str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert len(formulas) > 100
    for formula in formulas:
        assert not any(i in formula for i in ids), formula
        assert not re.search(r"(?<![A-Z$\d])\d{5,}", formula), formula  # no amount typed in


def test_findings_are_sorted_by_amount_at_stake(example_report: Path) -> None:
    rows = rows_of(openpyxl.load_workbook(example_report, data_only=True)["Findings"])
    stakes = [r["Amount at stake"] for r in rows]
    assert stakes == sorted(stakes, reverse=True)  # type: ignore[type-var]
    assert rows[0]["Kind"] == "Totals over donors" and rows[1]["Kind"] == "Duplicate reports"


def test_if_accepted_and_if_rejected_are_numbers(example_report: Path) -> None:
    rows = {r["Kind"]: r for r in rows_of(openpyxl.load_workbook(example_report, data_only=True)["Findings"])}
    assert (rows["Contained pledges"]["If accepted"], rows["Contained pledges"]["If rejected"]) == (
        0,
        200_000_000,
    )
    assert (rows["Duplicate reports"]["If accepted"], rows["Duplicate reports"]["If rejected"]) == (
        300_000_000,
        900_000_000,
    )
    # a baseline's figure is the increase's new money: 40m of new money, or all 300m when rejected
    assert (rows["Baselines"]["If accepted"], rows["Baselines"]["If rejected"]) == (40_000_000, 300_000_000)
    assert "Rejected: changes nothing" in str(rows["Contained pledges"]["What it does"])


def test_the_explanation_is_apart_from_the_evidence(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    findings = rows_of(workbook["Findings"])
    evidence = rows_of(workbook["Evidence"])
    quotes = {c.id: c.quote for c in ledger.example_ledger().claims}
    for finding in findings:
        assert not any(q in str(finding["Explanation"]) for q in quotes.values())
        found = next(f for f in EXAMPLE.findings if f.id == finding["Finding ID"])
        rows = [e for e in evidence if e["Finding ID"] == found.id]
        assert [e["Claim"] for e in rows] == list(found.claims)  # one row per claim, in order
        assert all(e["Quote"] == quotes[str(e["Claim"])] for e in rows)
    sheet = workbook["Evidence"]
    link = sheet["C2"].hyperlink
    assert (
        link is not None
        and link.location
        == f"'Claims'!A{2 + [c.id for c in ledger.example_ledger().claims].index(sheet['C2'].value)}"
    )
    first = workbook["Findings"]["J2"]
    assert first.hyperlink is not None and first.hyperlink.location == "'Evidence'!A2"


def test_the_decision_cell_is_highlighted_and_rows_are_wrapped_to_height(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report)["Findings"]
    decision = sheet["D2"]
    assert decision.fill.fgColor.rgb.endswith("FFF9C4") and decision.border.left.style == "thin"
    assert sheet["F2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height and sheet.row_dimensions[2].height >= 45


def test_tables_frozen_headers_dropdown_colours_and_no_recalculation_on_open(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    assert set(workbook["Claims"].tables) == {"ClaimsTable"}
    assert workbook["Claims"].tables["ClaimsTable"].ref == "A1:Q9"
    assert workbook["Claims"].tables["ClaimsTable"].autoFilter is not None
    assert workbook["Pledges"].freeze_panes == "A2"
    findings = workbook["Findings"]
    validations = findings.data_validations.dataValidation
    assert any(v.type == "list" and "accept" in str(v.formula1) and "D2" in str(v.sqref) for v in validations)
    rules = [rule for cf in findings.conditional_formatting for rule in cf.rules]
    assert len(rules) == len(ledger.FindingKind)
    with zipfile.ZipFile(example_report) as archive:
        calculation = archive.read("xl/workbook.xml").decode()
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert "fullCalcOnLoad" not in calculation and 'calcId="191029"' in calculation
    assert len(charts) == 2  # by donor and by year, below the Summary's tables


def test_charts_sit_below_the_tables_side_by_side_with_alt_text(example_report: Path) -> None:
    with zipfile.ZipFile(example_report) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    anchors = [
        tuple(int(n) for n in found)
        for found in re.findall(
            r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>.*?<xdr:to><xdr:col>(\d+)</xdr:col>"
            r".*?<xdr:row>(\d+)</xdr:row>",
            drawing,
        )
    ]
    assert len(anchors) == 2
    (_, row1, end1, _), (col2, row2, _, _) = anchors
    summary = openpyxl.load_workbook(example_report)["Summary"]
    last_table_row = max(
        int(t.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for t in summary.tables.values()
    )
    assert row1 >= last_table_row and row2 >= last_table_row  # below every table (0-based anchors)
    assert end1 < col2  # the donor chart ends before the year chart begins
    assert drawing.count('descr="') == 2 and "Bar chart, by donor" in drawing


def _column(sheet: object, index: int) -> object:
    """The column dimension covering column `index` (1-based): adjacent alike columns share one."""
    dimensions = sheet.column_dimensions.values()  # type: ignore[attr-defined]
    return next(d for d in dimensions if d.min is not None and d.min <= index <= d.max)


def test_helper_columns_are_grouped_and_folded(example_report: Path) -> None:
    sheet = openpyxl.load_workbook(example_report)["Pledges"]
    headers = [c.value for c in sheet[1]]
    helpers = [_column(sheet, headers.index(h) + 1) for h in ("Moved by", "Cut", "Rest high")]
    assert all(d.outlineLevel == 1 and d.hidden for d in helpers)  # type: ignore[attr-defined]
    counted = _column(sheet, headers.index("Counted low") + 1)
    assert not counted.hidden  # type: ignore[attr-defined]


def test_every_sheet_prints_fit_to_width_with_titles_and_a_footer(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    for sheet in workbook.worksheets:
        fit, footer = sheet.sheet_properties.pageSetUpPr, sheet.oddFooter
        assert fit is not None and fit.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth in (1, None), sheet.title
        assert footer is not None, sheet.title
        assert "Central American Security Conference 2011" in str(footer.left.text), sheet.title
        assert "&P" in str(footer.right.text), sheet.title
    summary = workbook["Summary"]
    assert summary.page_setup.orientation == "landscape"
    assert summary.page_setup.fitToHeight in (1, None)  # one page high (1 is the file format's default)
    for name in ("Findings", "Evidence", "Pledges", "Claims"):
        assert workbook[name].print_title_rows == "$1:$1"
        assert workbook[name].page_setup.fitToHeight == 0  # as many pages down as it takes


def test_money_shows_in_a_readable_scale_and_cells_keep_the_exact_figure(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    sheet, cell = next(iter(workbook.defined_names["Naive_USD"].destinations))
    assert workbook[sheet][cell.replace("$", "")].number_format == scaled_format("USD")
    pledges = workbook["Pledges"]
    assert pledges["H2"].number_format == "#,##0.00"
    assert openpyxl.load_workbook(example_report, data_only=True)["Pledges"]["H2"].value == 270_000_000


def test_years_are_numbers_and_the_tolerance_a_percentage(example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report, data_only=True)
    years = [r["Year"] for r in rows_of(workbook["By year"], header_row=3) if r["Year"] is not None]
    assert years[:4] == [2010, 2011, 2012, 2013] and "unspecified" in years
    settings_sheet = openpyxl.load_workbook(example_report)["Settings"]
    tolerance = next(r for r in settings_sheet.iter_rows(min_row=2) if r[0].value == "Tolerance")[1]
    assert tolerance.value == 0.1 and tolerance.number_format == "0%"


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
    # the Findings sheet lists the most at stake first: the repackaged finding (300m) before the contained one
    assert [(d.finding, d.verdict, d.note) for d in decisions] == [
        (ids[4], Verdict.REJECT, ""),
        (ids[1], Verdict.ACCEPT, "=the smaller pledge"),
    ]
    built = read_ledger(path)
    assert built.errors == ()
    again = ledger.reconcile(replace(built.ledger, decisions=decisions))
    assert again.pledges == result.pledges
    assert again.findings == result.findings
    assert again.totals == result.totals


def test_a_report_read_back_has_no_warnings_about_its_own_columns(example_report: Path) -> None:
    built = read_ledger(example_report)
    assert built.problems == ()


def test_a_decision_of_no_finding_is_placed_at_its_cell(tmp_path: Path) -> None:
    book = ledger.example_ledger().decide("duplicate-gone0000000", "reject")
    path = tmp_path / "kept.xlsx"
    write_report(ledger.reconcile(book), path)
    rows = rows_of(openpyxl.load_workbook(path)["Findings"])
    assert rows[-1]["Finding ID"] == "duplicate-gone0000000" and rows[-1]["Kind"] == "No longer found"
    built = read_ledger(path)
    again = ledger.reconcile(built.ledger)
    [warning] = [str(w) for w in again.warnings if "does not produce" in str(w)]
    assert warning.startswith(f"Findings!A{len(rows) + 1}: ")


def test_decisions_typed_in_excel_are_read(tmp_path: Path, example_report: Path) -> None:
    workbook = openpyxl.load_workbook(example_report)
    sheet = workbook["Findings"]
    sheet["D3"], sheet["E3"] = "Accepted ", "Obama's pledge is inside Clinton's"
    sheet["D4"] = "maybe"
    path = tmp_path / "typed.xlsx"
    workbook.save(path)
    decisions, problems = report_decisions(path)
    assert [(d.finding, d.verdict, d.note) for d in decisions] == [
        (sheet["A3"].value, Verdict.ACCEPT, "Obama's pledge is inside Clinton's")
    ]
    assert [str(p) for p in problems] == [
        'Findings!D4: decision "maybe" is not understood; expected accept, reject or blank'
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
    assert look.sheet("Findings").header.font_name == "Calibri"  # a named font, not the reader's serif


def test_writes_to_a_binary_file() -> None:
    out = io.BytesIO()
    write_report(EXAMPLE, out)
    assert out.getvalue().startswith(b"PK")
    assert is_report(out.getvalue())


def test_the_footer_names_the_ledger_its_version_and_the_day(tmp_path: Path) -> None:
    path = tmp_path / "versioned.xlsx"
    write_report(EXAMPLE, path, version="7")
    odd = tmp_path / "odd.xlsx"  # a name of digits, ampersands and a control character stays text
    write_report(replace(EXAMPLE, ledger=replace(EXAMPLE.ledger, name="2011 & co\x1f")), odd)
    named = openpyxl.load_workbook(odd)["Summary"].oddFooter
    assert named is not None and str(named.left.text).strip() == "2011 && co"  # && prints as &
    assert named.left.size == 8
    footer = openpyxl.load_workbook(path)["Findings"].oddFooter
    assert footer is not None
    assert "version 7" in str(footer.left.text)
    assert str(footer.center.text).strip().startswith("written 20")


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


def test_figures_of_trillions_show_in_trillions(tmp_path: Path) -> None:
    book = ledger.ledger_from_dict(
        {
            "sources": [{"id": "S", "publisher": "P", "date": "2011-06-22"}],
            "claims": [
                {"id": "A", "source": "S", "donor": "Japan", "amount": "USD 52345bn", "period": "2011"}
            ],
        }
    )
    path = tmp_path / "big.xlsx"
    write_report(ledger.reconcile(book), path)
    workbook = openpyxl.load_workbook(path)
    sheet, cell = next(iter(workbook.defined_names["Naive_USD"].destinations))
    assert workbook[sheet][cell.replace("$", "")].number_format == scaled_format("USD", trillions=True)


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


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(decided())
def test_stored_summary_figures_are_the_engines(book: Ledger) -> None:
    result = ledger.reconcile(book)
    out = io.BytesIO()
    write_report(result, out)
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()), data_only=True)
    for totals in result.totals:
        assert summary_figures(workbook, totals.currency) == engine_figures(totals)


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
    write(result, out, read_look(), formula_cells=ours)
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    found = {
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }
    assert found == set(ours)
    for sheet_name, headers in _formula_headers(workbook).items():
        assert headers <= FORMULA_COLUMNS[sheet_name], sheet_name
    values = read_workbook(out.getvalue(), sheets=("Claims",)).sheet("Claims")
    assert values is not None
    assert values.rows[1][2] == donor and values.rows[1][12] == quote


def _formula_headers(workbook: openpyxl.Workbook) -> dict[str, set[str]]:
    """The header (row 1) of every formula cell of the table sheets whose tables start at the top."""
    headers: dict[str, set[str]] = {}
    for sheet in workbook.worksheets:
        if sheet.title not in FORMULA_COLUMNS or sheet.title in ("Summary", "By year"):
            continue
        top = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":
                    assert cell.column is not None
                    headers.setdefault(sheet.title, set()).add(str(top[cell.column - 1]))
    return headers
