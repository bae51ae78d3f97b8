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


def rss_mib() -> float:
    """Resident memory of this process now, in MiB (from /proc; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as statm:
            resident_pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return resident_pages * resource.getpagesize() / 2**20


def bench_reconcile(n: int) -> None:
    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    book = synthetic_ledger(n)
    gc.collect()
    ledger_rss = rss_mib()
    print(
        f"\n== {len(book.claims):,} claims, {len(book.sources):,} sources "
        f"(generated in {time.perf_counter() - t0:.1f} s; the ledger holds {ledger_rss - before:,.0f} MiB, "
        f"the process {ledger_rss:,.0f} MiB)"
    )
    # seconds and CPU seconds per stage; the resident memory after it and what it added; the peak so far
    print(f"{'stage':<20}{'seconds':>10}{'cpu s':>8}{'MiB now':>10}{'added':>8}{'peak MiB':>10}")
    marks: list[tuple[str, float, float, float, float, float]] = []
    last, last_cpu, last_rss = time.perf_counter(), time.process_time(), ledger_rss

    def on_stage(name: str) -> None:
        nonlocal last, last_cpu, last_rss
        now, cpu, rss = time.perf_counter(), time.process_time(), rss_mib()
        marks.append((name, now - last, cpu - last_cpu, rss, rss - last_rss, peak_mib()))
        last, last_cpu, last_rss = now, cpu, rss

    start, start_cpu = time.perf_counter(), time.process_time()
    result = reconcile(book, on_stage=on_stage)
    total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    for name, seconds, cpu, rss, added, peak in marks:
        print(f"{name:<20}{seconds:>10.2f}{cpu:>8.2f}{rss:>10.0f}{added:>+8.0f}{peak:>10.0f}")
    rss = rss_mib()
    print(
        f"{'reconcile, total':<20}{total:>10.2f}{total_cpu:>8.2f}{rss:>10.0f}"
        f"{rss - ledger_rss:>+8.0f}{peak_mib():>10.0f}"
    )
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
