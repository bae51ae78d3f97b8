"""Every real-world workbook, uploaded as a ledger: read, or refused with clear one-line messages.

None of these files is a ledger, so none may load: the readable budget workbooks must be refused
with a "no Claims sheet found" style message naming what they hold, the broken and hostile ones with
their one-line reason. Each file runs in its own process under time and memory limits.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import pytest

from .test_real_workbooks import REAL_WORKBOOKS, _data_files, run_sandboxed

_CHILD = """
import json, sys
from ledger.workbook.reader import read_ledger
built = read_ledger(sys.argv[1])
print(json.dumps({"unreadable": built.unreadable, "claims": len(built.ledger.claims),
                  "errors": [str(p) for p in built.errors]}))
"""


@cache
def _outcomes() -> dict[str, dict[str, object]]:
    names = _data_files()
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(names, pool.map(lambda name: run_sandboxed(_CHILD, name), names), strict=True))


@pytest.mark.parametrize("name", _data_files() or ["(shared/real-workbooks is missing)"])
def test_a_real_workbook_is_never_taken_for_a_ledger(name: str) -> None:
    if not REAL_WORKBOOKS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{REAL_WORKBOOKS} is missing; CI must have shared/ beside the repository")
        pytest.skip(f"{REAL_WORKBOOKS} is not beside the repository (and CI is not set)")
    outcome = _outcomes()[name]
    assert "outcome" not in outcome, f"{name}: {outcome}"  # no hang, no crash
    errors = outcome["errors"]
    assert isinstance(errors, list) and errors, f"{name} loaded as a ledger: {outcome}"
    for message in errors:
        assert "Traceback" not in message and "\n" not in message, message
    if not outcome["unreadable"]:
        # a readable spreadsheet that holds no ledger says so, and names what it does hold
        assert any(
            "no Claims sheet found; this workbook has sheets:" in m or "expected the headers ID, Source" in m
            for m in errors
        ), errors


def test_the_budget_workbooks_are_refused_as_not_ledgers() -> None:
    if not REAL_WORKBOOKS.is_dir():
        pytest.skip("shared/real-workbooks is not beside the repository")  # the test above fails under CI
    for name in ("il-mof_budget20132014.xlsx", "phl-controller_budget-in-brief_FY15.xlsx"):
        outcome = _outcomes()[name]
        assert "outcome" not in outcome, outcome
        errors = outcome["errors"]
        assert isinstance(errors, list) and len(errors) == 1
        assert "no Claims sheet found" in errors[0]


def test_a_csv_of_something_else_names_the_missing_columns() -> None:
    if not REAL_WORKBOOKS.is_dir():
        pytest.skip("shared/real-workbooks is not beside the repository")  # the test above fails under CI
    outcome = _outcomes()["ocha-fts_incoming_funding_afg.csv"]
    assert "outcome" not in outcome, outcome
    errors = outcome["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    assert "has no Source or Donor or Amount column" in errors[0]
    assert '"amountUSD"' in errors[0]  # it says what it found
