"""The report in a real spreadsheet: LibreOffice recalculates every formula and must get the engine's figures.

These tests need LibreOffice (`scripts/ensure-libreoffice` installs it); without it they fail, never skip.
Conversions are grouped, one LibreOffice start per batch, because each start takes seconds.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import ledger
from exports.libreoffice import convert
from exports.report import write_report
from ledger import Ledger, Verdict

from .test_report import engine_figures, rows_of, summary_figures

EXAMPLE = ledger.example_ledger()
FINDINGS = {
    f.kind.value + ("-2" if f.id.endswith("fa26445456") else ""): f.id
    for f in ledger.reconcile(EXAMPLE).findings
}

# Decisions typed into the Findings sheet after the report was written: (finding kind, what is typed).
FLIPS: dict[str, tuple[tuple[str, str], ...]] = {
    "contained-accepted": (("contained", "accept"),),
    "repackaged-and-past-rejected": (("repackaged", "reject"), ("already_provided", "Rejected")),
    "baseline-and-total-rejected": (("baseline", "reject"), ("aggregate", "no")),
    "duplicate-rejected": (("duplicate", "reject"),),
    "all-accepted": tuple(
        (kind, "accept")
        for kind in (
            "contained",
            "aggregate",
            "repackaged",
            "baseline",
            "already_provided",
            "already_provided-2",
        )
    ),
}
WORDS = {"accept": Verdict.ACCEPT, "reject": Verdict.REJECT, "rejected": Verdict.REJECT, "no": Verdict.REJECT}
# What the Summary's second line says once the flips are typed in (before a re-upload).
FLAGS = {
    "contained-accepted": "1 decision changed since the report was made",
    "duplicate-rejected": "Figures need a re-upload: a duplicate was rejected",
    "all-accepted": "6 decisions changed since the report was made",
}


def _rates_ledger() -> Ledger:
    return ledger.ledger_from_dict(
        {
            "name": "Rates",
            "sources": [{"id": "S", "publisher": "P", "date": "2011-06-22"}],
            "claims": [
                {"id": "A", "source": "S", "donor": "Japan", "amount": "EUR 10.5m", "period": "2011"},
                {
                    "id": "B",
                    "source": "S",
                    "donor": "France",
                    "amount": "EUR 3.33m",
                    "period": "2011-2013",
                    "qualifiers": "loan",
                },
                {
                    "id": "C",
                    "source": "S",
                    "donor": "United States",
                    "amount": "nearly $2m",
                    "period": "2011",
                },
                {
                    "id": "D",
                    "source": "S",
                    "donor": "US",
                    "amount": "$1.5m",
                    "period": "2011",
                    "qualifiers": "already provided",
                },
            ],
            "rates": [{"currency": "EUR", "rate": "1.4375", "base_currency": "USD"}],
        }
    )


def _hostile_ledger() -> Ledger:
    claims = tuple(
        replace(
            c,
            donor="=1+1",
            quote='=HYPERLINK("http://example.com","x")',
            purpose="@SUM(A1)",
            announced_by="<r>rich</r>",
        )
        for c in EXAMPLE.claims[:2]
    )
    return replace(EXAMPLE, claims=(*claims, *EXAMPLE.claims[2:]), name="-2+3")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ledger.Reconciliation]]:
    """Every report these tests check: written, then (for the flips) decided by editing the Findings sheet."""
    folder = tmp_path_factory.mktemp("written")
    made: dict[str, tuple[Path, ledger.Reconciliation]] = {}
    for name, book in (("example", EXAMPLE), ("rates", _rates_ledger()), ("hostile", _hostile_ledger())):
        result = ledger.reconcile(book)
        write_report(result, folder / f"{name}.xlsx")
        made[name] = (folder / f"{name}.xlsx", result)
    made["tampered"] = (_tampered(made["example"][0], folder / "tampered.xlsx"), made["example"][1])
    for name, flips in FLIPS.items():
        workbook = openpyxl.load_workbook(made["example"][0])
        sheet = workbook["Findings"]
        rows = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}
        decision = [c.value for c in sheet[1]].index("Decision") + 1
        book = EXAMPLE
        for kind, typed in flips:
            finding = FINDINGS[kind]
            sheet.cell(rows[finding], decision).value = typed
            book = book.decide(finding, WORDS[typed.lower()])
        workbook.save(folder / f"{name}.xlsx")
        made[name] = (folder / f"{name}.xlsx", ledger.reconcile(book))
    return made


def _tampered(report: Path, out: Path) -> Path:
    """The report with the Summary's stored values wrong: only a recalculation gives the figures back."""
    with zipfile.ZipFile(report) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</f><v>[0-9.E+-]+</v>", b"</f><v>1</v>", data)
            target.writestr(item, data)
    return out


@pytest.fixture(scope="module")
def recalculated(
    reports: dict[str, tuple[Path, ledger.Reconciliation]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("recalculated")
    names = list(reports)
    converted = convert([reports[n][0] for n in names], out, "xlsx")
    return dict(zip(names, converted, strict=True))


def test_libreoffice_computes_the_engines_summary_figures(
    reports: dict[str, tuple[Path, ledger.Reconciliation]], recalculated: dict[str, Path]
) -> None:
    workbook = openpyxl.load_workbook(recalculated["example"], data_only=True)
    figures = summary_figures(workbook, "USD")
    assert figures == engine_figures(reports["example"][1].totals[0])
    assert figures["Distinct_high"] == 1_520_000_000


def test_libreoffice_recalculates_even_where_a_value_is_stored(
    reports: dict[str, tuple[Path, ledger.Reconciliation]], recalculated: dict[str, Path]
) -> None:
    stored = openpyxl.load_workbook(reports["tampered"][0], data_only=True)
    assert summary_figures(stored, "USD")["Naive"] == 1
    workbook = openpyxl.load_workbook(recalculated["tampered"], data_only=True)
    assert summary_figures(workbook, "USD") == engine_figures(reports["example"][1].totals[0])


@pytest.mark.parametrize("name", list(FLIPS))
def test_a_decision_changed_in_the_sheet_moves_the_totals_as_the_engine_does(
    name: str, reports: dict[str, tuple[Path, ledger.Reconciliation]], recalculated: dict[str, Path]
) -> None:
    workbook = openpyxl.load_workbook(recalculated[name], data_only=True)
    expected = engine_figures(reports[name][1].totals[0])
    assert expected != engine_figures(reports["example"][1].totals[0])  # the flip matters
    assert summary_figures(workbook, "USD") == expected
    summary = workbook["Summary"]
    if name in FLAGS:
        assert str(summary["A5"].value).startswith(FLAGS[name])


def test_rejecting_a_duplicate_in_the_sheet_counts_its_claims_apart(recalculated: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(recalculated["duplicate-rejected"], data_only=True)
    figures = summary_figures(workbook, "USD")
    assert (figures["Distinct_low"], figures["Distinct_high"]) == (
        Decimal("1810000000.00"),
        Decimal("2120000000.00"),
    )
    apart = rows_of(workbook["Claims apart"])
    assert {r["Claim"]: r["Counted nominal"] for r in apart} == {
        "BBC-1": 300_000_000,
        "BBC-3": 300_000_000,
        "CNN-3": 300_000_000,
    }
    # the claim that says "repackaged" keeps that finding; the increases keep their old level
    assert {r["Claim"]: r["New money nominal"] for r in apart} == {
        "BBC-1": 40_000_000,
        "BBC-3": 40_000_000,
        "CNN-3": 300_000_000,
    }
    assert workbook["Summary"]["A4"].value == "8 findings: 0 accepted, 1 rejected, 7 undecided."


@pytest.mark.parametrize("name", ["example", "rates", "hostile"])
def test_every_stored_value_is_what_libreoffice_computes(
    name: str, reports: dict[str, tuple[Path, ledger.Reconciliation]], recalculated: dict[str, Path]
) -> None:
    """The values written beside the formulas are the formulas' values: no spreadsheet needs to recalculate."""
    path = reports[name][0]
    formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    again = openpyxl.load_workbook(recalculated[name], data_only=True)
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                before, after = (
                    stored[sheet.title][cell.coordinate].value,
                    again[sheet.title][cell.coordinate].value,
                )
                assert _same(before, after), (sheet.title, cell.coordinate, before, after, cell.value)
                checked += 1
    assert checked > 50


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 0.005
    return a == b or (a in (None, "") and b in (None, ""))


def test_libreoffice_computes_the_base_currency_figures(
    reports: dict[str, tuple[Path, ledger.Reconciliation]], recalculated: dict[str, Path]
) -> None:
    result = reports["rates"][1]
    assert result.base_totals is not None
    workbook = openpyxl.load_workbook(recalculated["rates"], data_only=True)
    assert summary_figures(workbook, "base") == engine_figures(result.base_totals)
    for totals in result.totals:
        assert summary_figures(workbook, totals.currency) == engine_figures(totals)


def test_libreoffice_keeps_hostile_text_as_text(recalculated: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(recalculated["hostile"])["Claims"]
    assert sheet["C2"].value == "=1+1" and sheet["C2"].data_type == "s"
    assert sheet["M2"].value == '=HYPERLINK("http://example.com","x")'
    assert sheet["D2"].value == "<r>rich</r>"


def test_every_report_opens_and_converts_to_pdf(
    reports: dict[str, tuple[Path, ledger.Reconciliation]], tmp_path: Path
) -> None:
    originals = [path for path, _ in reports.values()]
    pdfs = convert(originals, tmp_path, "pdf")
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF"), pdf
