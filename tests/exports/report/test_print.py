"""The report as a person sees it printed: LibreOffice prints it to PDF, poppler reads the pages back.

The worked example's report and a 4,000-claim one (hundreds of pages): no cell shows `###`, the Summary
is one page, every quote the findings rest on is on the Evidence pages in full. The Summary is also rendered to PNG and
kept in the test's folder (and in $REPORT_SCREENSHOTS when set) for a person to look at.

These tests need LibreOffice (`scripts/ensure-libreoffice`) and poppler's pdftotext and pdftoppm
(`scripts/ensure-poppler`, run here when they are missing); without them they fail, never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import ledger
from benchmarks.synthetic import synthetic_ledger
from exports.libreoffice import convert
from exports.report import write_report
from exports.report.plan import Plan

ROOT = Path(__file__).resolve().parents[3]
SIZES = {"example": 0, "synthetic": 4_000}


@pytest.fixture(scope="module")
def poppler() -> None:
    """pdftotext and pdftoppm, installed when missing; the tests fail when they cannot be."""
    if shutil.which("pdftotext") and shutil.which("pdftoppm"):
        return
    done = subprocess.run(
        [str(ROOT / "scripts" / "ensure-poppler")], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail(
            f"poppler-utils (pdftotext, pdftoppm) is needed and could not be installed:\n{done.stderr}"
        )


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, poppler: None) -> dict[str, tuple[Path, Plan]]:
    """Each report written and printed to PDF (one LibreOffice start for both)."""
    folder = tmp_path_factory.mktemp("printed")
    made: dict[str, tuple[Path, Plan]] = {}
    for name, size in SIZES.items():
        book = ledger.example_ledger() if not size else synthetic_ledger(size)
        result = ledger.reconcile(book)
        write_report(result, folder / f"{name}.xlsx")
        made[name] = (folder / f"{name}.xlsx", Plan.of(result))
    pdfs = convert([path for path, _ in made.values()], folder / "pdf", "pdf")
    return {name: (pdf, plan) for (name, (_, plan)), pdf in zip(made.items(), pdfs, strict=True)}


def pages(pdf: Path, *, raw: bool = False) -> list[str]:
    """The text of each page (`raw`: in the order it was drawn, so a wrapped cell's lines follow each other)."""
    mode = "-raw" if raw else "-layout"
    done = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def sheet_of(page: str) -> str:
    """The sheet a printed page belongs to, from its footer ("Summary · page 1 of 13")."""
    found = re.findall(r"([A-Za-z][A-Za-z ]*?) · page \d+ of \d+", page)
    return found[-1].strip() if found else ""


@pytest.mark.parametrize("name", list(SIZES))
def test_no_cell_shows_hashes(name: str, printed: dict[str, tuple[Path, Plan]]) -> None:
    text = pages(printed[name][0])
    assert len(text) > 5
    hashed = [(i + 1, sheet_of(p)) for i, p in enumerate(text) if "###" in p]
    assert hashed == []


@pytest.mark.parametrize("name", list(SIZES))
def test_the_summary_is_one_page(name: str, printed: dict[str, tuple[Path, Plan]]) -> None:
    sheets = [sheet_of(p) for p in pages(printed[name][0])]
    assert sheets[0] == "Summary"
    assert sheets.count("Summary") == 1
    assert "Findings" in sheets and "Evidence" in sheets  # every page has its footer


@pytest.mark.parametrize("name", list(SIZES))
def test_the_evidence_pages_hold_every_quote_in_full(
    name: str, printed: dict[str, tuple[Path, Plan]]
) -> None:
    pdf, plan = printed[name]
    evidence = " ".join(p for p in pages(pdf, raw=True) if sheet_of(p) == "Evidence")
    flat = re.sub(r"\s+", " ", evidence)
    quotes = {re.sub(r"\s+", " ", e.quote).strip() for e in plan.evidence() if e.quote}
    assert quotes
    missing = [q for q in quotes if q not in flat]
    assert missing == []


def test_the_summary_rendered_as_an_image(printed: dict[str, tuple[Path, Plan]], tmp_path: Path) -> None:
    """The Summary page as a PNG, for a person to look at (REPORT_SCREENSHOTS=<folder> keeps a copy)."""
    keep = os.environ.get("REPORT_SCREENSHOTS")
    for name, (pdf, _) in printed.items():
        stem = tmp_path / f"summary-{name}"
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "110", "-png", "-singlefile", str(pdf), str(stem)],
            check=True,
        )
        png = stem.with_suffix(".png")
        header = png.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert width > height > 500  # landscape, at a readable resolution
        assert png.stat().st_size > 20_000  # tables and charts, not a blank page
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(png, Path(keep) / png.name)
