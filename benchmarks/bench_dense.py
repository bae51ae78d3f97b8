"""Benchmark: the small, dense workbook of issue 14 (a Claims sheet of 160,000 rows x 200 small numbers,
about 3.6 MB, unpacking about 150 times) sent to the web service, and read by a queue worker.

    .venv/bin/python -m benchmarks.bench_dense                    # SQLite, then PostgreSQL
    .venv/bin/python -m benchmarks.bench_dense --database sqlite --rows 160000 --columns 200

Each measurement runs in a fresh process (so its peak memory is its own): the upload through the app
(Flask's test client, the API with a token: refused in the request by the gate's checks, before anything
is stored), and the reading alone as a queue worker would do it (read_ledger). Printed: the seconds, the
peak resident memory of the process and what it was before the upload, and what the upload added to the
database (SQLite: the database, its WAL and the queue's file; PostgreSQL: pg_database_size). It is a
benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _database_bytes(url: str, folder: Path) -> int:
    if url.startswith("sqlite"):
        return sum(p.stat().st_size for p in folder.rglob("*.db*") if p.is_file())
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(size[0]) if size else 0


def measure_upload(url: str, folder: Path, workbook: Path) -> dict[str, Any]:
    """In this process: the app on `url`, the workbook sent through the API; the figures."""
    from app import create_app
    from app.services import accounts

    app = create_app(
        {"TESTING": True}, environ={"INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": url}
    )
    db = app.extensions["ledger.db"]
    account = accounts.create_account(db, "dense@example.org", "a long password here")
    token = accounts.new_token(db, account, "bench")
    client = app.test_client()
    content = workbook.read_bytes()
    with db.engine.connect() as connection:  # let SQLite settle its WAL before measuring
        connection.exec_driver_sql(
            "PRAGMA wal_checkpoint(TRUNCATE)" if url.startswith("sqlite") else "SELECT 1"
        )
    before_bytes = _database_bytes(url, folder)
    before_rss = _rss_mb()
    started = time.perf_counter()
    response = client.post(
        "/api/v1/ledgers",
        data={"workbook": (__import__("io").BytesIO(content), "dense.xlsx")},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    seconds = time.perf_counter() - started
    peak = _rss_mb()
    after_bytes = _database_bytes(url, folder)
    detail = (response.get_json() or {}).get("error", {}).get("detail", "")
    app.extensions["ledger.jobs"].close()
    db.engine.dispose()
    return {
        "status": response.status_code,
        "seconds": seconds,
        "rss_before_mb": before_rss,
        "rss_peak_mb": peak,
        "database_added_kb": (after_bytes - before_bytes) / 1024,
        "detail": detail,
    }


def measure_read(workbook: Path) -> dict[str, Any]:
    """In this process: the workbook read as a queue worker reads it (read_ledger, the gate's defaults)."""
    from ledger.workbook.reader import read_ledger

    content = workbook.read_bytes()
    before = _rss_mb()
    started = time.perf_counter()
    built = read_ledger(content, name="dense.xlsx")
    seconds = time.perf_counter() - started
    return {
        "problems": len(built.problems),
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": _rss_mb(),
        "detail": built.problems[0].message if built.problems else "",
    }


def _in_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dense", "--child", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    """Build the workbook, measure each case in a fresh process, print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=160_000)
    parser.add_argument("--columns", type=int, default=200)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        figures = (
            measure_read(Path(rest[0]))
            if kind == "read"
            else measure_upload(rest[0], Path(rest[1]), Path(rest[2]))
        )
        print(json.dumps(figures))
        return 0
    from .dense import dense_workbook

    folder = Path(tempfile.mkdtemp(prefix="ledger-dense-"))
    workbook = folder / "dense.xlsx"
    workbook.write_bytes(dense_workbook(args.rows, args.columns))
    print(
        f"dense workbook: {args.rows:,} rows x {args.columns} columns, {workbook.stat().st_size / 2**20:.1f} MB"
    )
    rows = [("read by a queue worker (read_ledger)", _in_child("read", str(workbook)))]
    chosen = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    cluster = None
    for database in chosen:
        where = folder / database
        where.mkdir()
        if database == "sqlite":
            url = f"sqlite:///{where / 'ledger.db'}"
        else:
            from .postgresql import start_cluster

            cluster = cluster or start_cluster()
            url = cluster.url(cluster.create_database())
        rows.append(
            (f"uploaded to the API ({database})", _in_child("upload", url, str(where), str(workbook)))
        )
    if cluster is not None:
        cluster.stop()
    print("| case | answer | seconds | peak memory (before) | added to the database |")
    print("| --- | --- | --- | --- | --- |")
    for name, figures in rows:
        answer = f"{int(figures['status'])}" if "status" in figures else f"{int(figures['problems'])} problem"
        added = f"{figures['database_added_kb']:.0f} KB" if "database_added_kb" in figures else "-"
        print(
            f"| {name} | {answer} | {figures['seconds']:.2f} | {figures['rss_peak_mb']:.0f} MB "
            f"({figures['rss_before_mb']:.0f} MB) | {added} |"
        )
    print(f"reason: {rows[-1][1].get('detail', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
