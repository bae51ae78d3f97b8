"""Benchmark: read a synthetic ledger workbook, against python-calamine's bare read of the same file.

    .venv/bin/python -m benchmarks.bench_read            # 100,000 claims
    .venv/bin/python -m benchmarks.bench_read 10000 100000

It is a benchmark, not a test: it asserts nothing about speed; it prints what it measured.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import python_calamine
from openpyxl import Workbook

from ledger import Ledger
from ledger.workbook.gate import read_workbook
from ledger.workbook.layout import CLAIMS
from ledger.workbook.reader import read_ledger
from ledger.workbook.writer import claim_row

from .synthetic import synthetic_ledger


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_ledger_xlsx(book: Ledger, path: Path) -> None:
    """Write `book` as a ledger workbook (Sources and Claims sheets), streaming with openpyxl write_only."""
    workbook = Workbook(write_only=True)
    sources = workbook.create_sheet("Sources")
    sources.append(["ID", "Publisher", "Title", "Date", "URL"])
    for source in book.sources:
        sources.append([source.id, source.publisher, source.title, source.date, source.url])
    claims = workbook.create_sheet("Claims")
    claims.append([column.header for column in CLAIMS.columns])
    by_id = {source.id: source for source in book.sources}
    fiscal = book.settings.fiscal_year_start
    for claim in book.claims:
        claims.append(list(claim_row(claim, by_id, fiscal)))
    workbook.save(path)


def bare_calamine_read(path: Path) -> int:
    """python-calamine alone: open the file and turn the Sources and Claims sheets into Python values."""
    cells = 0
    with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
        for sheet in ("Sources", "Claims"):
            rows = workbook.get_sheet_by_name(sheet).to_python()
            cells += sum(len(row) for row in rows)
    return cells


def _timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_read(n: int) -> None:
    """Write an n-claim workbook in a temp dir, then time calamine's bare read, read_workbook and read_ledger."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"synthetic-{n}.xlsx"
        start = time.perf_counter()
        write_ledger_xlsx(synthetic_ledger(n), path)
        print(
            f"\n== {n:,} claims: {path.stat().st_size / 1024 / 1024:.1f} MB xlsx "
            f"(made in {time.perf_counter() - start:.1f} s)"
        )
        print(f"{'stage':<34}{'seconds':>10}{'peak MiB':>12}")
        bare = _timed(lambda: bare_calamine_read(path))
        print(f"{'python-calamine bare read':<34}{bare:>10.2f}{peak_mib():>12.0f}")
        cells = _timed(lambda: read_workbook(path, sheets=("Sources", "Claims")))
        print(f"{'read_workbook (checks + cells)':<34}{cells:>10.2f}{peak_mib():>12.0f}")
        built = None

        def read() -> None:
            nonlocal built
            built = read_ledger(path)

        full = _timed(read)
        print(f"{'read_ledger (to claims)':<34}{full:>10.2f}{peak_mib():>12.0f}")
        assert built is not None
        print(
            f"read_ledger / bare read: {full / bare:.2f}x  "
            f"(of which cells to claims: {full - cells:.2f} s); "
            f"{len(built.ledger.claims):,} claims, {len(built.errors)} errors"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}")
    for n in args.sizes:
        bench_read(n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
