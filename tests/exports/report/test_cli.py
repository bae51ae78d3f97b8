"""The command line writes the Excel report with -o."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import ledger
from exports.report.reading import is_report
from ledger.cli import main
from ledger.workbook.writer import write_ledger


def test_reconcile_writes_the_report(tmp_path: Path) -> None:
    source = tmp_path / "ledger.xlsx"
    write_ledger(ledger.example_ledger(), source)
    out = tmp_path / "report.xlsx"
    assert main(["reconcile", str(source), "-o", str(out)]) == 0
    assert is_report(out)
    assert "Findings" in openpyxl.load_workbook(out).sheetnames


def test_a_report_with_decisions_typed_in_reads_back(tmp_path: Path, capsys: object) -> None:
    import json

    result = ledger.reconcile(ledger.example_ledger())
    contained = next(f for f in result.findings if f.kind is ledger.FindingKind.CONTAINED)
    source = tmp_path / "ledger.xlsx"
    write_ledger(ledger.example_ledger(), source)
    report = tmp_path / "report.xlsx"
    assert main(["reconcile", str(source), "-o", str(report)]) == 0
    book = openpyxl.load_workbook(report)
    findings = book["Findings"]
    header = [c.value for c in findings[1]]
    id_col, decision_col = header.index("Finding ID") + 1, header.index("Decision") + 1
    row = next(r for r in range(2, findings.max_row + 1) if findings.cell(r, id_col).value == contained.id)
    findings.cell(row, decision_col).value = "accept"
    book.save(report)

    capsys.readouterr()  # type: ignore[attr-defined]
    assert main(["reconcile", str(report), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    decided = {f["id"]: f["decision"] for f in document["findings"]}
    assert decided[contained.id] == "accept"
    assert document["totals"]["USD"]["distinct"]["high"] == "1300000000.00"
