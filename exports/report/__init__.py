"""The reconciliation report: an Excel workbook an editor can read and print and a spreadsheet expert can audit.

    write_report(result, "report.xlsx")

Sheets, in reading order: Summary (one printed page: the sentence to quote, the totals, top donors,
charts), Findings (the most at stake first, each with its Decision to type), Evidence (the quotes, one row
per claim), Pledges, Claims (the ledger's own columns), Claims apart (a duplicate's claims, counted apart
when it is rejected), By year, Sources, Rates / Aliases when the ledger has them, Settings, How findings
count (the rules the formulas read), Read me.

Live totals. The Summary's figures are formulas over Pledges and Claims, whose counted figures are
formulas reading each finding's Decision on the Findings sheet through the How findings count table
(exports/report/formulas.py says how): change a Decision in Excel or LibreOffice and the totals follow;
what cannot be a formula is a value, the Read me names it, and the Summary says when a changed decision
needs the report uploaded again. Every formula is written with its value as computed now, so that
programs that do not calculate (pandas, python-calamine) read the figures, and a spreadsheet has no
reason to recalculate the workbook on opening.

Text stays text. Every string (donor, quote, note, URL...) is written as a string cell, never a formula,
whatever it begins with; the only formulas are those the report composes.

Claims, Sources, Rates, Aliases and Settings carry the ledger workbook's own columns first, so that the
ledger reader reads a report back as a ledger, and the Findings sheet's Finding ID, Decision and Note
columns are what it reads as decisions (exports/report/reading.py).

Memory stays bounded: XlsxWriter's constant-memory mode streams each sheet row by row, and the big
tables' rows are written straight into the sheet's XML (exports/report/cells.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from types import MappingProxyType
from typing import BinaryIO

import xlsxwriter  # type: ignore[import-untyped]

from ledger.core.collector import cycle_collection_paused
from ledger.core.model import Reconciliation
from ledger.workbook.layout import ALIASES, RATES, SETTINGS
from ledger.workbook.writer import UnwritableValue

from .apart import write_apart
from .book import DATE_FORMAT, Book, footer_text
from .by_year import write_by_year
from .claims import write_claims
from .evidence import write_evidence
from .findings import write_findings
from .formulas import apart_formulas, base_formulas, finding_formulas, pledge_formulas, spread_formulas
from .ledger_sheets import write_ledger_sheets
from .look import (
    APART,
    BY_YEAR,
    CLAIMS_SHEET,
    COLLECTIVE_COLUMNS,
    DONOR_COLUMNS,
    EVIDENCE,
    FINDINGS,
    PLEDGES,
    READ_ME,
    RULES,
    SHEET_COLUMNS,
    SOURCES_SHEET,
    SUMMARY,
    TOTAL_COLUMNS,
    TRILLION,
    ReportLook,
    read_look,
)
from .plan import Plan
from .pledges import write_pledges
from .read_me import write_read_me
from .rules import write_rules
from .summary import write_summary

__all__ = ["FORMULA_COLUMNS", "UnwritableValue", "write", "write_report", "write_report_plain"]

Target = str | os.PathLike[str] | BinaryIO
CALC_ID = 191029  # Excel 2019 and later: a workbook of this calculation engine is not recalculated on opening


def _formula_columns() -> Mapping[str, frozenset[str]]:
    def letters(sheet: str) -> dict[str, str]:
        return {header: "A" for header, _ in SHEET_COLUMNS[sheet]}

    pledges = letters(PLEDGES)
    return MappingProxyType(
        {
            PLEDGES: frozenset(pledge_formulas(pledges)) | frozenset(base_formulas(pledges, 2)),
            APART: frozenset(apart_formulas(letters(APART))),
            FINDINGS: frozenset(finding_formulas(letters(FINDINGS))),
            BY_YEAR: frozenset(spread_formulas(letters(BY_YEAR))) | {"Distinct nominal"},
            SUMMARY: frozenset(h for h, _ in TOTAL_COLUMNS[1:] + DONOR_COLUMNS[2:] + COLLECTIVE_COLUMNS[2:]),
        }
    )


# The columns (by header) whose cells the report fills with formulas; every other cell is a value.
FORMULA_COLUMNS: Mapping[str, frozenset[str]] = _formula_columns()


def write_report(
    result: Reconciliation,
    target: Target,
    *,
    template: str | os.PathLike[str] | None = None,
    version: str = "",
) -> None:
    """Write the reconciliation workbook for `result` to a path or a binary file.

    `template` is a restyled report template (default: workbook_templates/report.xlsx); only its look is
    used. `version` (the ledger's version, when the caller keeps versions) is printed in every footer.
    Raises UnwritableValue, naming the cell, for text no workbook can hold (see ledger.workbook.writer),
    and ValueError for a result with errors (nothing was reconciled).
    """
    write(result, target, read_look(template), version=version)


def write_report_plain(result: Reconciliation, target: Target) -> None:
    """The same cells as write_report with no formatting at all (no styles, tables or charts): the benchmark's baseline."""
    write(result, target, None)


def write(
    result: Reconciliation,
    target: Target,
    look: ReportLook | None,
    *,
    version: str = "",
    formula_cells: list[str] | None = None,
    written: datetime | None = None,
) -> None:
    """Write the report with `look` (None: plain); `formula_cells`, when given, receives every formula cell."""
    if result.errors:
        raise ValueError(
            f"the ledger has {len(result.errors)} error(s) and was not reconciled; fix them before writing a report"
        )
    written = written or datetime.now(UTC)
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT,
        },
    )
    name = result.ledger.name or "Pledge reconciliation"
    workbook.set_properties({"title": name, "author": "pledge-ledger", "comments": _software()})
    workbook.set_calc_mode("auto", CALC_ID)
    workbook.calc_on_load = False  # the values written are the formulas' values: no full recalculation
    big = frozenset(
        t.currency
        for t in (*result.totals, *((result.base_totals,) if result.base_totals else ()))
        if max(t.naive, t.distinct.high) >= TRILLION
    )
    book = Book(workbook, look, footer_text(name, version, written), formula_cells, big)
    try:
        with cycle_collection_paused():
            plan = Plan.of(result)
            book.add_sheets(sheet_names(result))
            # the ledger's own sheets first: text no workbook can hold is then named at the cell to fix
            write_claims(book, plan)
            write_ledger_sheets(book, plan)
            write_summary(book, plan, written, version)
            write_findings(book, plan)
            write_evidence(book, plan)
            write_pledges(book, plan)
            write_apart(book, plan)
            write_by_year(book, plan)
            write_rules(book)
            write_read_me(book, plan, written)
            workbook.close()
    except BaseException:
        book.discard()
        raise


def sheet_names(result: Reconciliation) -> list[str]:
    """The report's sheets in reading order (Rates and Aliases when the ledger has them)."""
    ledger = result.ledger
    return [
        SUMMARY,
        FINDINGS,
        EVIDENCE,
        PLEDGES,
        CLAIMS_SHEET,
        APART,
        BY_YEAR,
        SOURCES_SHEET,
        *((RATES.name,) if ledger.rates else ()),
        *((ALIASES.name,) if ledger.aliases else ()),
        SETTINGS.name,
        RULES,
        READ_ME,
    ]


def _software() -> str:
    try:
        return f"pledge-ledger {metadata.version('pledge-ledger')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "pledge-ledger"
