"""Benchmark: write the Excel report of a synthetic ledger, styled and plain, and print time and peak memory.

    .venv/bin/python -m benchmarks.bench_report            # 100,000 claims
    .venv/bin/python -m benchmarks.bench_report 10000 100000

The plain run writes the same cells with the same writer and no formatting at all (no styles, tables,
drop-downs, conditional formats or charts); the target is a styled report within 1.3 times its time.
It is a benchmark, not a test: it prints what it measured.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from exports.report import write_report, write_report_plain
from ledger import Reconciliation, reconcile

from .bench import peak_mib
from .synthetic import synthetic_ledger


def _timed(
    write: Callable[[Reconciliation, str], None], result: Reconciliation, path: str
) -> tuple[float, float]:
    """Seconds to write, and the peak memory the write itself allocated (MiB, tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    write(result, path)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def _untraced(write: Callable[[Reconciliation, str], None], result: Reconciliation, path: str) -> float:
    gc.collect()
    start = time.perf_counter()
    write(result, path)
    return time.perf_counter() - start


def bench_report(n: int) -> None:
    book = synthetic_ledger(n)
    result = reconcile(book)
    print(
        f"\n== {len(book.claims):,} claims, {len(result.pledges):,} pledges, {len(result.findings):,} findings"
    )
    with tempfile.TemporaryDirectory() as folder:
        styled_path, plain_path = os.path.join(folder, "styled.xlsx"), os.path.join(folder, "plain.xlsx")
        styled = _untraced(write_report, result, styled_path)
        plain = _untraced(write_report_plain, result, plain_path)
        _, styled_peak = _timed(write_report, result, styled_path)
        _, plain_peak = _timed(write_report_plain, result, plain_path)
        size = os.path.getsize(styled_path) / 2**20
    print(f"{'write':<22}{'seconds':>10}{'peak MiB (write)':>20}")
    print(f"{'report, styled':<22}{styled:>10.2f}{styled_peak:>20.1f}")
    print(f"{'same cells, plain':<22}{plain:>10.2f}{plain_peak:>20.1f}")
    print(f"ratio styled / plain: {styled / plain:.2f} (target 1.3 or less); report {size:.1f} MiB")
    print(f"process peak resident memory: {peak_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_report", description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000], help="numbers of claims")
    args = parser.parse_args(argv)
    for n in args.sizes:
        bench_report(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
