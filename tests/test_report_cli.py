"""The command line writes the Excel report with -o."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import ledger
from exports.report_reading import is_report
from ledger.cli import main
from ledger.workbook_writing import write_ledger


def test_reconcile_writes_the_report(tmp_path: Path) -> None:
    source = tmp_path / "ledger.xlsx"
    write_ledger(ledger.example_ledger(), source)
    out = tmp_path / "report.xlsx"
    assert main(["reconcile", str(source), "-o", str(out)]) == 0
    assert is_report(out)
    assert "Findings" in openpyxl.load_workbook(out).sheetnames
