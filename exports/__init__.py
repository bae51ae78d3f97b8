"""Exports of a reconciliation: the Excel report, its decisions read back, and JSON / CSV for scripts.

from exports import write_report, read_report_decisions, write_json, write_csv
write_report(result, "report.xlsx")                 # Summary, Pledges, Claims, Findings, By year, ...
decisions = read_report_decisions("report.xlsx")    # what the analyst typed in Findings!Decision
"""

from __future__ import annotations

from .flat import write_csv, write_json
from .report import write_report
from .report.reading import is_report, read_report_decisions, report_decisions

__all__ = [
    "is_report",
    "read_report_decisions",
    "report_decisions",
    "write_csv",
    "write_json",
    "write_report",
]
