"""The command line, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ledger
from benchmarks.synthetic import synthetic_ledger
from ledger.workbook import save_workbook
from tests.schema import schema_validator


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_example_prints_the_headline() -> None:
    done = run("example")
    assert done.returncode == 0, done.stderr
    assert (
        "Reports add up to USD 3.56bn; the distinct pledges are USD 1.27bn to 1.52bn (nominal 1.3bn), "
        "of which loans USD 1bn; new money USD 1.04bn." in done.stdout
    )


def test_example_json_is_the_contract() -> None:
    done = run("example", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    schema_validator().validate(document)
    assert document["totals"]["USD"]["naive"] == "3560000000.00"


def test_bad_usage_exits_2() -> None:
    done = run("frobnicate")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_exits_2_with_a_reason(tmp_path: Path) -> None:
    done = run("reconcile", str(tmp_path / "nope.xlsx"))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_template_then_reconcile_a_filled_ledger(tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    done = run("template", "-o", str(blank))
    assert done.returncode == 0, done.stderr
    empty = run("reconcile", str(blank))
    assert empty.returncode == 0, empty.stderr  # a blank ledger reconciles to nothing

    filled = tmp_path / "example.xlsx"
    save_workbook(ledger.example_ledger(), filled)
    done = run("reconcile", str(filled), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    schema_validator().validate(document)
    assert document["totals"]["USD"]["distinct"] == {
        "low": "1270000000.00",
        "nominal": "1300000000.00",
        "high": "1520000000.00",
    }


def test_a_ledger_with_errors_exits_1_and_names_every_cell(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "broken.xlsx"
    save_workbook(ledger.example_ledger(), path)
    book = openpyxl.load_workbook(path)
    claims = book["Claims"]
    claims["G2"] = "3OOm"
    claims["H3"] = "XYZ"
    book.save(path)
    done = run("reconcile", str(path), "--json")
    assert done.returncode == 1
    assert 'Claims!G2: amount "3OOm"' in done.stderr
    assert "Claims!H3" in done.stderr and "XYZ" in done.stderr
    assert "Traceback" not in done.stderr
    errors = json.loads(done.stdout)["errors"]
    assert {e["origin"]["cell"] for e in errors} >= {"Claims!G2", "Claims!H3"}


def test_a_file_that_is_not_a_spreadsheet_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"BM" + bytes(200))
    done = run("reconcile", str(path))
    assert done.returncode == 2
    assert "not a spreadsheet" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_large_workbook_shows_a_progress_bar(tmp_path: Path) -> None:
    from benchmarks.synthetic import synthetic_ledger

    path = tmp_path / "large.xlsx"
    save_workbook(synthetic_ledger(6000), path)
    done = run("reconcile", str(path), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "reading claims" in done.stderr
    assert "/6000" in done.stderr


def test_output_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # `python -m ledger reconcile X --json | head -c 10`: head stops reading long before the JSON ends (it is
    # far larger than a pipe's buffer, so the writer meets the closed pipe)
    path = tmp_path / "big.xlsx"
    save_workbook(synthetic_ledger(300), path)
    done = subprocess.run(
        f"'{sys.executable}' -m ledger reconcile '{path}' --json | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert len(done.stdout) == 10
    assert done.stderr == ""
