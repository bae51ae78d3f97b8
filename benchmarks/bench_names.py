"""Benchmark: resolving claims' donors and recipients to entities (`Names.resolve`).

    .venv/bin/python -m benchmarks.bench_names            # 100,000 claims
    .venv/bin/python -m benchmarks.bench_names 1000000

Claims draw their donor and recipient from a few thousand distinct names, spelled as sources write them
(countries with offices, channels and remarks; institutions and their parts; collectives; lists of places;
descriptions). The first pass pays once per distinct name; the second is what the engine pays on every
later call. It prints what it measured and asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import time

from ledger.names import Names
from ledger.names.entities import EntityKind


def distinct_names(names: Names, rnd: random.Random) -> list[str]:
    """A few thousand spellings: every country and region, each in several decorations, and the rest."""
    tables = names.entity_index().tables
    countries = sorted(k for k, e in tables.by_key.items() if e.kind is EntityKind.COUNTRY)
    regions = sorted(k for k, e in tables.by_key.items() if e.kind is EntityKind.REGION)
    institutions = sorted(
        k for k, e in tables.by_key.items() if e.kind not in (EntityKind.COUNTRY, EntityKind.REGION)
    )
    spellings = sorted(tables.by_spelling)
    decorations = (
        "{}",
        "the {} government",
        "{} (via UNICEF)",
        "{} (via World Bank)",
        "Government of {}",
        "{} (humanitarian response)",
        "people of {}",
    )
    found = [d.format(c) for c in countries for d in decorations]
    found += regions + institutions + spellings
    found += [f"{rnd.choice(spellings)} (leaders' statement)" for _ in range(200)]
    found += [", ".join(rnd.sample(countries, 3)) for _ in range(500)]
    found += [f"{c} and the region" for c in rnd.sample(countries, 100)]
    found += [f"a tally of {n} donors" for n in range(20, 80)]
    found += [
        "the poorest countries",
        "developing countries",
        "flood-affected countries",
        "countries hit by the floods",
    ]
    return found


def bench(claims: int) -> None:
    rnd = random.Random(10)
    names = Names.default()
    start = time.perf_counter()
    names.entity_index()
    tables = time.perf_counter() - start
    pool = distinct_names(names, rnd)
    donors = [rnd.choice(pool) for _ in range(claims)]
    recipients = [rnd.choice(pool) for _ in range(claims)]
    distinct = len(set(donors) | set(recipients))
    resolve = names.resolve

    start = time.perf_counter()
    for donor, recipient in zip(donors, recipients, strict=True):
        resolve(donor)
        resolve(recipient)
    first = time.perf_counter() - start

    start = time.perf_counter()
    for donor, recipient in zip(donors, recipients, strict=True):
        resolve(donor)
        resolve(recipient)
    again = time.perf_counter() - start

    ledger_names = Names.default().with_aliases([("Uncle Sam", "United States")])
    start = time.perf_counter()
    ledger_names.entity_index()
    ledger_tables = time.perf_counter() - start
    kinds: dict[str, int] = {}
    for name in set(donors):
        kind = resolve(name).kind.value
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{claims:,} claims, {distinct:,} distinct names (donor and recipient each)")
    print(f"  shipped tables built once per process:   {tables:8.3f} s")
    print(f"  tables for a ledger with its own aliases: {ledger_tables:8.3f} s")
    print(f"  first pass (each distinct name once):     {first:8.3f} s")
    print(f"  every later pass (cached):                {again:8.3f} s")
    print("  kinds among the donors: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each size given (default 100,000 claims)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_names")
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    for size in parser.parse_args(argv).sizes:
        bench(size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
