"""JSON and CSV exports of a reconciliation, beside the Excel report, for people who script.

- `write_json(result, target)`: the JSON contract (ledger.render.jsonform, schema in ledger/render/schema/).
- `write_csv(result, target)`: pledges.csv, findings.csv and totals.csv, into a folder or a .zip file.

Money is a plain decimal string ("300000000.00"), never a float. CSV injection: a spreadsheet opening a
CSV runs a cell that begins with = + - or @ as a formula, so every text cell that begins with one of those
(and tab or carriage return) gets a single quote in front, as OWASP recommends: "=1+1" is written "'=1+1".
Numbers are never prefixed. The JSON export is exact and unprefixed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from ledger.core.model import Reconciliation
from ledger.render.jsonform import money, reconciliation_json

__all__ = [
    "CSV_FILES",
    "FINDING_FIELDS",
    "PLEDGE_FIELDS",
    "TOTAL_FIELDS",
    "csv_safe",
    "csv_tables",
    "write_csv",
    "write_json",
]

PLEDGE_FIELDS = (
    "id",
    "donor",
    "recipient",
    "purpose",
    "currency",
    "instrument",
    "period_start",
    "period_end",
    "period",
    "low",
    "nominal",
    "high",
    "claims",
    "converted_from",
)
FINDING_FIELDS = (
    "id",
    "kind",
    "claims",
    "pledges",
    "message",
    "amount_at_stake",
    "currency",
    "decision",
    "note",
    "rule",
)
TOTAL_FIELDS = (
    "currency",
    "base",
    "naive",
    "distinct_low",
    "distinct_nominal",
    "distinct_high",
    "new_money_low",
    "new_money_nominal",
    "new_money_high",
    "grants_nominal",
    "loans_nominal",
)
CSV_FILES = ("pledges.csv", "findings.csv", "totals.csv")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Text as a CSV cell: prefixed with ' when a spreadsheet would take it for a formula (OWASP)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def write_json(result: Reconciliation, target: str | os.PathLike[str] | TextIO | BinaryIO) -> None:
    """Write the reconciliation's JSON document (UTF-8) to a path or a file."""
    text = json.dumps(reconciliation_json(result), indent=2, ensure_ascii=False) + "\n"
    if isinstance(target, str | os.PathLike):
        Path(target).write_text(text, encoding="utf-8")
    elif isinstance(target, io.TextIOBase):
        target.write(text)
    else:
        target.write(text.encode("utf-8"))  # type: ignore[arg-type]


def csv_tables(result: Reconciliation) -> dict[str, list[list[str]]]:
    """The three CSV tables as rows of text (header first), user text already made safe."""
    pledges = [list(PLEDGE_FIELDS)]
    for p in result.pledges:
        pledges.append(
            [
                csv_safe(p.id),
                csv_safe(p.donor),
                csv_safe(p.recipient),
                csv_safe(p.purpose),
                p.currency,
                p.instrument.value,
                p.period.start.isoformat() if p.period.start else "",
                p.period.end.isoformat() if p.period.end else "",
                csv_safe(str(p.period) if p.period.known or p.period.text else ""),
                money(p.range.low),
                money(p.range.nominal),
                money(p.range.high),
                csv_safe("; ".join(p.claims)),
                "; ".join(p.converted_from),
            ]
        )
    findings = [list(FINDING_FIELDS)]
    for f in result.findings:
        linked = f.pledges()
        findings.append(
            [
                f.id,
                f.kind.value,
                csv_safe("; ".join(f.claims)),
                csv_safe("; ".join(dict.fromkeys(p for p in linked if p))),
                csv_safe(f.message),
                money(f.amount_at_stake),
                f.currency,
                f.decision.value if f.decision else "",
                csv_safe(f.note),
                csv_safe(f.rule),
            ]
        )
    totals = [list(TOTAL_FIELDS)]
    every = [(t, "") for t in result.totals]
    if result.base_totals is not None:
        every.append((result.base_totals, "base"))
    for t, base in every:
        instruments = dict(t.by_instrument)
        grants, loans = instruments.get("grant"), instruments.get("loan")
        totals.append(
            [
                t.currency,
                base,
                money(t.naive),
                money(t.distinct.low),
                money(t.distinct.nominal),
                money(t.distinct.high),
                money(t.new_money.low),
                money(t.new_money.nominal),
                money(t.new_money.high),
                money(grants.nominal) if grants else "0",
                money(loans.nominal) if loans else "0",
            ]
        )
    return {"pledges.csv": pledges, "findings.csv": findings, "totals.csv": totals}


def _csv_text(rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_csv(result: Reconciliation, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write pledges.csv, findings.csv and totals.csv (UTF-8 with a BOM, so Excel reads accents).

    `target` is a folder (created if missing), a path ending in .zip, or a binary file that receives a zip.
    """
    tables = {name: _csv_text(rows) for name, rows in csv_tables(result).items()}
    if isinstance(target, str | os.PathLike) and not os.fspath(target).lower().endswith(".zip"):
        folder = Path(target)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in tables.items():
            (folder / name).write_text(text, encoding="utf-8-sig", newline="")
        return
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in tables.items():
            archive.writestr(name, text.encode("utf-8-sig"))
