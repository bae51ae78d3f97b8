"""JSON and CSV exports: the JSON contract, three CSV tables with money as decimal strings, injection-safe."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import ledger
from exports.flat import (
    CSV_FILES,
    FINDING_FIELDS,
    PLEDGE_FIELDS,
    TOTAL_FIELDS,
    csv_safe,
    write_csv,
    write_json,
)
from tests.schema import schema_validator

EXAMPLE = ledger.reconcile(ledger.example_ledger())


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_is_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    write_json(EXAMPLE, path)
    document = json.loads(path.read_text("utf-8"))
    schema_validator().validate(document)
    assert document == ledger.reconciliation_json(EXAMPLE)
    out = io.BytesIO()
    write_json(EXAMPLE, out)
    assert json.loads(out.getvalue()) == document


def test_csv_tables_in_a_folder(tmp_path: Path) -> None:
    write_csv(EXAMPLE, tmp_path / "csv")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(CSV_FILES)
    pledges = _rows((tmp_path / "csv" / "pledges.csv").read_text("utf-8-sig"))
    assert list(pledges[0]) == list(PLEDGE_FIELDS)
    assert len(pledges) == len(EXAMPLE.pledges)
    assert pledges[0]["id"] == "P-BBC-1" and pledges[0]["low"] == "270000000.00"
    findings = _rows((tmp_path / "csv" / "findings.csv").read_text("utf-8-sig"))
    assert list(findings[0]) == list(FINDING_FIELDS) and len(findings) == len(EXAMPLE.findings)
    totals = _rows((tmp_path / "csv" / "totals.csv").read_text("utf-8-sig"))
    assert list(totals[0]) == list(TOTAL_FIELDS)
    assert totals == [
        {
            "currency": "USD",
            "base": "",
            "naive": "3560000000.00",
            "distinct_low": "1270000000.00",
            "distinct_nominal": "1300000000.00",
            "distinct_high": "1520000000.00",
            "new_money_low": "1000000000.00",
            "new_money_nominal": "1040000000.00",
            "new_money_high": "1260000000.00",
            "grants_nominal": "0",
            "loans_nominal": "1000000000.00",
        }
    ]


def test_csv_tables_in_a_zip(tmp_path: Path) -> None:
    write_csv(EXAMPLE, tmp_path / "tables.zip")
    with zipfile.ZipFile(tmp_path / "tables.zip") as archive:
        assert sorted(archive.namelist()) == sorted(CSV_FILES)
    out = io.BytesIO()
    write_csv(EXAMPLE, out)
    with zipfile.ZipFile(out) as archive:
        assert len(_rows(archive.read("pledges.csv").decode("utf-8-sig"))) == len(EXAMPLE.pledges)


def test_text_a_spreadsheet_would_run_gets_a_quote_in_front(tmp_path: Path) -> None:
    book = ledger.example_ledger()
    claims = tuple(replace(c, donor="=HYPERLINK(1)", purpose="+1") for c in book.claims)
    result = ledger.reconcile(replace(book, claims=claims))
    write_csv(result, tmp_path)
    pledges = _rows((tmp_path / "pledges.csv").read_text("utf-8-sig"))
    assert {p["donor"] for p in pledges} >= {"'=HYPERLINK(1)"}
    assert all(not p["purpose"] or p["purpose"] == "'+1" for p in pledges)
    assert all(not p["low"].startswith("'") for p in pledges)


@given(st.text(max_size=20))
def test_csv_safe_never_leaves_a_formula_start(text: str) -> None:
    safe = csv_safe(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)
