"""The Python API as a notebook user meets it: documented, and convertible to DataFrames."""

from __future__ import annotations

import inspect
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import ledger


def test_every_public_name_of_the_api_is_documented() -> None:
    undocumented = [
        name
        for name in ledger.__all__
        if (inspect.isfunction(value := getattr(ledger, name)) or inspect.isclass(value))
        and not inspect.getdoc(value)
    ]
    assert undocumented == []
    for name in ("Ledger", "Reconciliation"):
        cls = getattr(ledger, name)
        methods = [m for m, f in vars(cls).items() if inspect.isfunction(f) and not m.startswith("_")]
        assert [m for m in methods if not inspect.getdoc(getattr(cls, m))] == [], name


def test_the_reference_pages_are_generated_from_the_docstrings(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pdoc", "ledger", "--docformat", "markdown", "-o", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    page = (tmp_path / "ledger.html").read_text("utf-8")
    for words in ("reconcile", "load_workbook", "Reconcile a ledger: its pledges, the findings"):
        assert words in page


def test_a_result_converts_to_dataframes_with_money_kept_exact() -> None:
    result = ledger.reconcile(ledger.example_ledger())
    frames = result.frames()
    assert len(frames.pledges) == len(result.pledges)
    assert len(frames.claims) == len(result.ledger.claims)
    assert len(frames.findings) == len(result.findings)
    us = frames.pledges.set_index("id").loc[next(p.id for p in result.pledges if "BBC-1" in p.claims)]
    assert us["donor"] == "United States" and us["claims"] == ["BBC-1", "BBC-3", "CNN-3"]
    # money stays Decimal, and the pledges' distinct figures add up to the published total
    assert sum(frames.pledges["distinct_nominal"], Decimal(0)) == result.totals[0].distinct.nominal
    assert isinstance(frames.totals["naive"].iloc[0], Decimal)
    assert frames.claims.set_index("id").loc["CNN-1", "instrument"] == "loan"
    assert set(frames.findings["kind"]) == {f.kind.value for f in result.findings}
