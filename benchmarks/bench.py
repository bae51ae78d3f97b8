"""Benchmark: reconcile synthetic ledgers and print time and peak memory per stage.

    .venv/bin/python -m benchmarks.bench              # 10k and 100k claims
    .venv/bin/python -m benchmarks.bench 1000000      # any sizes

It is a benchmark, not a test: it asserts nothing about speed; it prints what it measured.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time

from ledger import reconcile

from .synthetic import synthetic_ledger


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_reconcile(n: int) -> None:
    t0 = time.perf_counter()
    book = synthetic_ledger(n)
    print(
        f"\n== {len(book.claims):,} claims, {len(book.sources):,} sources "
        f"(generated in {time.perf_counter() - t0:.1f} s)"
    )
    print(f"{'stage':<20}{'seconds':>10}{'peak MiB':>12}")
    gc.collect()
    marks: list[tuple[str, float, float]] = []
    last = time.perf_counter()

    def on_stage(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        marks.append((name, now - last, peak_mib()))
        last = now

    start = time.perf_counter()
    result = reconcile(book, on_stage=on_stage)
    total = time.perf_counter() - start
    for name, seconds, peak in marks:
        print(f"{name:<20}{seconds:>10.2f}{peak:>12.0f}")
    print(f"{'reconcile, total':<20}{total:>10.2f}{peak_mib():>12.0f}")
    kinds: dict[str, int] = {}
    for f in result.findings:
        kinds[f.kind.value] = kinds.get(f.kind.value, 0) + 1
    print(
        f"{len(result.pledges):,} pledges; findings: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}")
    for n in args.sizes:
        bench_reconcile(n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
