"""The command line, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

import ledger


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger", *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_example_prints_the_headline() -> None:
    done = run("example")
    assert done.returncode == 0, done.stderr
    assert "Reports add up to USD 3.56bn; the distinct pledges are USD 1.27bn to USD 1.52bn" in done.stdout
    assert "of which USD 1bn is loans" in done.stdout


def test_example_json_is_the_contract() -> None:
    done = run("example", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, ledger.schema())
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
