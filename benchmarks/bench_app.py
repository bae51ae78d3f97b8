"""Benchmark: what the web service costs per request, on the worked example and on a synthetic ledger.

    .venv/bin/python -m benchmarks.bench_app              # the 8-claim example and 5,000 claims
    .venv/bin/python -m benchmarks.bench_app --claims 20000 --repeat 3

Through Flask's test client on a fresh SQLite (no network, no gunicorn): upload the ledger, open its page,
read its findings through the API, decide a finding and open the page it leads back to, open the home
page. Each is timed `--repeat` times and the median printed, with how many of the stored workbooks'
bytes each request loaded from the database and how many times it ran the engine (profiled once). It is a benchmark, not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from app import create_app
from app.storage.models import VersionRow
from ledger import Ledger, example_ledger
from ledger.workbook import save_workbook

from .synthetic import synthetic_ledger

EMAIL = "bench@example.org"
PASSWORD = "correct horse battery"


def _workbook(ledger: Ledger) -> bytes:
    buffer = io.BytesIO()
    save_workbook(ledger, buffer)
    return buffer.getvalue()


def _app(folder: Path) -> Flask:
    return create_app(
        # every upload in its own request; forms without CSRF tokens (the benchmark posts them directly)
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "BACKGROUND_ABOVE_BYTES": 10**12},
        environ={"INSTANCE_PATH": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}"},
    )


@contextmanager
def _content_loads() -> Iterator[list[int]]:
    """The size of every version's bytes loaded meanwhile (a stored version read into the ORM with its
    content, or its deferred content loaded afterwards)."""
    sizes: list[int] = []

    def loaded(target: VersionRow, _context: Any) -> None:
        content = target.__dict__.get("content")
        if content is not None:
            sizes.append(len(content))

    def refreshed(target: VersionRow, context: Any, attributes: Any) -> None:
        if attributes is None or "content" in attributes:
            loaded(target, context)

    event.listen(VersionRow, "load", loaded)
    event.listen(VersionRow, "refresh", refreshed)
    try:
        yield sizes
    finally:
        event.remove(VersionRow, "load", loaded)
        event.remove(VersionRow, "refresh", refreshed)


def reconciles(call: Callable[[], object]) -> int:
    """How many times one call runs the engine's reconcile (counted by the profiler, nothing patched)."""
    profiler = cProfile.Profile()
    profiler.runcall(call)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return sum(
        calls
        for (file, _line, function), (_primitive, calls, *_rest) in stats.items()
        if function == "reconcile" and file.endswith(str(Path("engine", "reconcile.py")))
    )


def _timed(repeat: int, call: Callable[[], object]) -> float:
    """The median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ok(response: Any, status: int = 200) -> Any:
    if response.status_code != status:
        raise RuntimeError(
            f"expected {status}, got {response.status_code}: {response.get_data(as_text=True)[:300]}"
        )
    return response


def bench(label: str, ledger: Ledger, repeat: int) -> list[tuple[str, float, float, int]]:
    """(what, median ms, kB of stored versions' bytes loaded per call, reconciles per call)."""
    content = _workbook(ledger)
    rows: list[tuple[str, float, float, int]] = []
    with tempfile.TemporaryDirectory(prefix="ledger-bench-app-") as folder:
        flask_app = _app(Path(folder))
        client: FlaskClient = flask_app.test_client()
        _ok(client.post("/setup", data={"email": EMAIL, "password": PASSWORD, "confirm": PASSWORD}), 303)

        def upload() -> str:
            data = {"workbook": (io.BytesIO(content), f"{label}.xlsx")}
            made = _ok(client.post("/ledgers", data=data, content_type="multipart/form-data"), 303)
            return str(made.headers["Location"])

        start = time.perf_counter()
        ledger_url = upload()
        rows.append(("upload (read, reconcile, store)", (time.perf_counter() - start) * 1000, 0, 1))
        for _ in range(2):  # a few versions, so that a page that loaded every version's bytes would show it
            _ok(
                client.post(f"{ledger_url}/versions", data={"workbook": (io.BytesIO(content), "v.xlsx")}), 303
            )
        page = _ok(client.get(ledger_url)).get_data(as_text=True)
        finding = re.findall(r'id="finding-([^"]+)"', page)[0]
        ledger_id = ledger_url.rsplit("/", 1)[1]
        verdicts = itertools.cycle(["accept", "reject"])
        calls = itertools.count()

        def decide() -> None:
            _ok(
                client.post(
                    f"{ledger_url}/findings/{finding}/decision",
                    data={"decision": next(verdicts), "note": f"call {next(calls)}"},
                    follow_redirects=True,
                )
            )

        cases: list[tuple[str, Callable[[], object]]] = [
            ("ledger page", lambda: _ok(client.get(ledger_url))),
            ("API findings", lambda: _ok(client.get(f"/api/v1/ledgers/{ledger_id}/findings"))),
            ("decide, then the page", decide),
            ("home page", lambda: _ok(client.get("/"))),
        ]
        for what, call in cases:
            with _content_loads() as loads:
                median = _timed(repeat, call)
            rows.append((what, median * 1000, sum(loads) / 1024 / repeat, reconciles(call)))
        flask_app.extensions["ledger.jobs"].close()
        flask_app.extensions["ledger.db"].engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--claims", type=int, nargs="*", default=[5_000], help="synthetic ledger sizes")
    parser.add_argument("--repeat", type=int, default=5, help="calls per measurement (the median is shown)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; median of {args.repeat} calls; SQLite")
    ledgers = [("example", example_ledger())] + [(f"synthetic-{n}", synthetic_ledger(n)) for n in args.claims]
    for label, ledger in ledgers:
        print(f"\n== {label}: {len(ledger.claims):,} claims, 3 versions stored")
        print(f"{'request':<34}{'ms':>10}{'stored bytes loaded, kB':>26}{'reconciles':>12}")
        for what, ms, kilobytes, reconciles in bench(label, ledger, args.repeat):
            print(f"{what:<34}{ms:>10.1f}{kilobytes:>26.1f}{reconciles:>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
