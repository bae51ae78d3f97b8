"""Read a report back: the decisions an analyst typed into its Findings sheet.

A report uploaded back (to the CLI or the web service) is recognised by its sheets (Summary, Pledges,
Claims, Findings). Its Claims, Sources, Rates, Aliases and Settings sheets carry the ledger workbook's
columns, so the ledger reader reads the claims as from any ledger; `read_report_decisions` reads the
Findings sheet's Finding ID, Decision and Note columns (and Decided by / Decided at), with the same words
the ledger's Decisions sheet takes: accept (accepted, yes), reject (rejected, no), or blank (undecided).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import BinaryIO

from ledger.core.model import Decision
from ledger.core.problems import LedgerError, Origin, Problem
from ledger.parsing.build import decision_from_fields, text
from ledger.workbook.gate import Limits, Sheet, read_workbook
from ledger.workbook.layout import DECISIONS, match_header

from .look import CLAIMS_SHEET, FINDINGS, PLEDGES, SUMMARY

__all__ = ["REPORT_SHEETS", "is_report", "read_report_decisions", "report_decisions"]

REPORT_SHEETS = (SUMMARY, PLEDGES, CLAIMS_SHEET, FINDINGS)
_HEADER_SEARCH_ROWS = 10

Data = bytes | BinaryIO | str | os.PathLike[str]


def is_report(data: Data, *, limits: Limits = Limits()) -> bool:
    """True when the workbook is a reconciliation report (it has the report's Summary, Pledges, Claims, Findings)."""
    book = read_workbook(data, limits=limits, sheets=REPORT_SHEETS)
    return all(book.sheet(name) is not None for name in REPORT_SHEETS)


def report_decisions(
    data: Data,
    *,
    name: str = "",
    limits: Limits = Limits(),
) -> tuple[tuple[Decision, ...], tuple[Problem, ...]]:
    """The decisions in a report's Findings sheet and the problems met (each at its cell), never raising for content.

    Raises ledger.workbook.gate.UnreadableWorkbook for a file that is not a readable workbook.
    """
    if not name and isinstance(data, str | os.PathLike):
        name = os.path.basename(os.fspath(data))
    book = read_workbook(data, name=name, limits=limits, sheets=(FINDINGS,))
    sheet = book.sheet(FINDINGS)
    if sheet is None:
        return (), (Problem("no Findings sheet: this workbook is not a reconciliation report", Origin(name)),)
    return _decisions(sheet, name)


def read_report_decisions(data: Data, *, name: str = "") -> tuple[Decision, ...]:
    """The decisions typed into a report's Findings sheet; LedgerError lists every decision that cannot be read.

    `data` is a path, bytes or a binary file. A blank Decision is undecided and gives no decision.
    """
    decisions, problems = report_decisions(data, name=name)
    if problems:
        raise LedgerError(problems)
    return decisions


def _decisions(sheet: Sheet, workbook: str) -> tuple[tuple[Decision, ...], tuple[Problem, ...]]:
    header_row, columns = _header(sheet)
    if header_row is None or "finding" not in columns or "decision" not in columns:
        return (), (
            Problem(
                "the Findings sheet has no Finding ID and Decision columns in its first rows",
                Origin(workbook, sheet.name),
            ),
        )
    letters = tuple((field, _letters(index)) for field, index in columns.items())
    decisions: list[Decision] = []
    problems: list[Problem] = []
    for index in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[index]
        fields = {field: row[column] if column < len(row) else None for field, column in columns.items()}
        origin = Origin(workbook, sheet.name, index + 1, "", letters)
        decision, found = decision_from_fields(fields, origin)
        problems.extend(found)
        if decision is not None:
            decisions.append(replace(decision, by=text(fields.get("by")), at=text(fields.get("at"))))
    return tuple(decisions), tuple(problems)


def _header(sheet: Sheet) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(sheet.rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, value in enumerate(row):
            field = match_header(text(value), DECISIONS) if value is not None else None
            if field is not None and field not in columns:
                columns[field] = column
        if "finding" in columns and "decision" in columns:
            return index, columns
    return None, {}


def _letters(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
