"""Load test, bounded and on localhost only: several gunicorn workers against one database, many clients
uploading versions and deciding findings at once; afterwards the database is checked that no upload or
decision was lost or stored twice, and the figures are printed (requests, errors, latency percentiles).

    python -m benchmarks.load_test --clients 20 --requests 200            # PostgreSQL, then SQLite
    python -m benchmarks.load_test --database postgresql --workers 4 --clients 40 --requests 400

`--requests` is the total across all clients. PostgreSQL is a throwaway cluster in a temporary folder
(benchmarks/postgresql.py); SQLite is a file in WAL mode, where writers take turns (one at a time, each
waiting up to the busy timeout), so it gets fewer workers by default. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.services import accounts
from app.storage.database import Database, upgrade
from app.storage.models import DecisionRow, VersionRow
from ledger import example_ledger
from ledger.workbook.writer import write_ledger

from .postgresql import Cluster, free_port, start_cluster

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 120  # seconds; a request slower than this counts as an error
DEFAULT_WORKERS = {"postgresql": 4, "sqlite": 2}


@dataclass(frozen=True)
class Outcome:
    """One request: what it was, its status (0: no answer), how long it took, and its marker."""

    operation: str  # upload, decide, read
    status: int
    seconds: float
    marker: str = ""

    @property
    def ok(self) -> bool:
        """Whether the server said it was done (2xx)."""
        return 200 <= self.status < 300


@dataclass(frozen=True)
class LoadResult:
    """The figures of one run, and what the database holds afterwards."""

    database: str
    workers: int
    clients: int
    outcomes: tuple[Outcome, ...]
    seconds: float
    lost_uploads: tuple[str, ...]
    duplicated_uploads: tuple[str, ...]
    lost_decisions: tuple[str, ...]
    duplicated_decisions: tuple[str, ...]
    version_numbers_ok: bool
    errors_sample: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> int:
        """Requests that did not succeed."""
        return sum(1 for o in self.outcomes if not o.ok)

    def percentile(self, share: float, operation: str | None = None) -> float:
        """The latency (seconds) below which `share` of the requests (of one operation) finished."""
        times = sorted(o.seconds for o in self.outcomes if operation in (None, o.operation))
        if not times:
            return 0.0
        return times[min(len(times) - 1, max(0, math.ceil(share * len(times)) - 1))]

    def report(self) -> str:
        """The figures, as lines for a person."""
        count = len(self.outcomes)
        by_status = Counter(o.status for o in self.outcomes)
        lines = [
            f"== {self.database}: {self.workers} gunicorn workers, {self.clients} clients",
            f"requests {count} in {self.seconds:.1f} s ({count / self.seconds:.1f}/s), errors {self.errors}"
            f" (statuses: {dict(sorted(by_status.items()))})",
        ]
        for operation in (None, "upload", "decide", "read"):
            times = [o.seconds for o in self.outcomes if operation in (None, o.operation)]
            if not times:
                continue
            lines.append(
                f"  {operation or 'all':>6}: n={len(times):4d}  mean {statistics.fmean(times) * 1000:7.1f} ms"
                f"  p50 {self.percentile(0.50, operation) * 1000:7.1f}"
                f"  p95 {self.percentile(0.95, operation) * 1000:7.1f}"
                f"  p99 {self.percentile(0.99, operation) * 1000:7.1f} ms"
            )
        lines.append(
            f"  stored: uploads lost {len(self.lost_uploads)}, duplicated {len(self.duplicated_uploads)};"
            f" decisions lost {len(self.lost_decisions)}, duplicated {len(self.duplicated_decisions)};"
            f" version numbers {'contiguous and unique' if self.version_numbers_ok else 'BROKEN'}"
        )
        lines.extend(f"  error: {sample}" for sample in self.errors_sample)
        return "\n".join(lines)


# ---- HTTP without dependencies ------------------------------------------------------------------------------


def _call(
    base: str, token: str, method: str, path: str, *, body: bytes | None = None, content_type: str = ""
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:  # refused, reset, timed out: no answer
        return 0, str(error).encode()


def _multipart(file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _upload(base: str, token: str, path: str, file_name: str, content: bytes) -> tuple[int, bytes]:
    body, content_type = _multipart(file_name, content)
    return _call(base, token, "POST", path, body=body, content_type=content_type)


# ---- the server -----------------------------------------------------------------------------------------------


@contextmanager
def gunicorn(url: str, instance: Path, workers: int, threads: int = 2) -> Iterator[str]:
    """gunicorn serving wsgi:app on a free 127.0.0.1 port against `url`; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "MIGRATE_ON_START": "0",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "BACKGROUND_ABOVE_KB": "100000",  # every upload is stored in its request
        "PYTHONUNBUFFERED": "1",
    }
    log = (instance / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(REQUEST_TIMEOUT),
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _call(base, "", "GET", "/api/v1/openapi.json")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "gunicorn did not start:\n"
                    + (instance / "gunicorn.log").read_text(errors="replace")[-3000:]
                )
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


# ---- the run ----------------------------------------------------------------------------------------------------


def _example_workbook() -> bytes:
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return buffer.getvalue()


def _client(
    base: str,
    token: str,
    number: int,
    count: int,
    ledger_id: str,
    findings: list[str],
    workbook: bytes,
    out: list[Outcome],
) -> None:
    """One client's requests: of every four, one upload of a new version, two decisions and one read."""
    for i in range(count):
        marker = f"c{number}-r{i}"
        step = (number + i) % 4
        started = time.perf_counter()
        if step == 0:
            operation = "upload"
            status, _ = _upload(
                base, token, f"/api/v1/ledgers/{ledger_id}/versions", f"{marker}.xlsx", workbook
            )
        elif step in {1, 3}:
            operation = "decide"
            decision = {
                "finding": findings[(number + i) % len(findings)],
                "decision": "accept" if i % 2 else "reject",
                "note": marker,
            }
            status, _ = _call(
                base,
                token,
                "POST",
                f"/api/v1/ledgers/{ledger_id}/decisions",
                body=json.dumps(decision).encode(),
                content_type="application/json",
            )
        else:
            operation, marker = "read", ""
            status, _ = _call(base, token, "GET", f"/api/v1/ledgers/{ledger_id}/findings")
        out.append(Outcome(operation, status, time.perf_counter() - started, marker))


def _check_stored(
    db: Database, outcomes: list[Outcome], ledger_ids: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]:
    with db.reading() as session:
        versions = session.execute(
            select(VersionRow.ledger_id, VersionRow.number, VersionRow.file_name).where(
                VersionRow.ledger_id.in_(ledger_ids)
            )
        ).all()
        notes = Counter(
            session.scalars(select(DecisionRow.note).where(DecisionRow.ledger_id.in_(ledger_ids))).all()
        )
    uploads = Counter(name.removesuffix(".xlsx") for _, _, name in versions)
    numbers: dict[str, list[int]] = {}
    for ledger_id, number, _ in versions:
        numbers.setdefault(ledger_id, []).append(number)
    contiguous = all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    done_uploads = {o.marker for o in outcomes if o.operation == "upload" and o.ok}
    done_decisions = {o.marker for o in outcomes if o.operation == "decide" and o.ok}
    return (
        tuple(sorted(m for m in done_uploads if uploads[m] == 0)),
        tuple(sorted(m for m, n in uploads.items() if n > 1 and m.startswith("c"))),
        tuple(sorted(m for m in done_decisions if notes[m] == 0)),
        tuple(sorted(m for m, n in notes.items() if n > 1 and m.startswith("c"))),
        contiguous,
    )


def run_load(
    url: str,
    folder: Path,
    *,
    database: str,
    workers: int,
    clients: int,
    requests: int,
    ledgers: int = 3,
) -> LoadResult:
    """Migrate `url`, serve it with gunicorn, run the clients, and check what was stored."""
    upgrade(url)
    db = Database.connect(url)
    try:
        account = accounts.create_account(
            db, f"load-{secrets.token_hex(3)}@example.org", secrets.token_urlsafe(16)
        )
        token = accounts.new_token(db, account, "load test")
        workbook = _example_workbook()
        instance = folder / f"instance-{database}"
        instance.mkdir(parents=True, exist_ok=True)
        with gunicorn(url, instance, workers) as base:
            ledger_ids, findings = [], []
            for n in range(ledgers):
                status, body = _upload(base, token, "/api/v1/ledgers", f"seed-{n}.xlsx", workbook)
                if status != 201:
                    raise RuntimeError(f"could not create a ledger to load ({status}): {body[:500]!r}")
                created = json.loads(body)
                ledger_ids.append(created["ledger"]["id"])
                findings = [f["id"] for f in created["reconciliation"]["findings"]]
            per_client = max(1, math.ceil(requests / clients))
            outcomes: list[Outcome] = []
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=_client,
                    args=(base, token, n, per_client, ledger_ids[n % ledgers], findings, workbook, outcomes),
                )
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
        lost_up, dup_up, lost_dec, dup_dec, contiguous = _check_stored(db, outcomes, ledger_ids)
        samples = tuple(sorted({f"{o.operation} -> {o.status}" for o in outcomes if not o.ok})[:5])
        if samples:
            log = (instance / "gunicorn.log").read_text(errors="replace")
            tail = [line for line in log.splitlines() if "Error" in line or "error" in line][-3:]
            samples = samples + tuple(tail)
        return LoadResult(
            database,
            workers,
            clients,
            tuple(outcomes),
            seconds,
            lost_up,
            dup_up,
            lost_dec,
            dup_dec,
            contiguous,
            samples,
        )
    finally:
        db.engine.dispose()


def run_postgresql(
    folder: Path,
    *,
    workers: int,
    clients: int,
    requests: int,
    ledgers: int = 3,
    cluster: Cluster | None = None,
) -> LoadResult:
    """The load against a PostgreSQL cluster: `cluster`, or a throwaway one started and stopped here."""
    own = cluster is None
    server = start_cluster() if cluster is None else cluster
    try:
        url = server.url(server.create_database())
        return run_load(
            url,
            folder,
            database="postgresql",
            workers=workers,
            clients=clients,
            requests=requests,
            ledgers=ledgers,
        )
    finally:
        if own:
            server.stop()


def run_sqlite(folder: Path, *, workers: int, clients: int, requests: int, ledgers: int = 3) -> LoadResult:
    """The load against a SQLite file in WAL mode."""
    url = f"sqlite:///{folder / 'load.db'}"
    return run_load(
        url, folder, database="sqlite", workers=workers, clients=clients, requests=requests, ledgers=ledgers
    )


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its figures; exit 1 when anything was lost, duplicated or failed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=int, default=200, help="requests in all, across the clients")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: 4 PostgreSQL, 2 SQLite)"
    )
    parser.add_argument(
        "--ledgers", type=int, default=3, help="ledgers the clients share (fewer: more contention)"
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.requests > 100_000 or args.clients > 500:
        parser.error("use 1-500 clients and 1-100000 requests: the load stays bounded")
    chosen = ("postgresql", "sqlite") if args.database == "both" else (args.database,)
    failed = False
    folder = Path(tempfile.mkdtemp(prefix="ledger-load-"))
    try:
        for database in chosen:
            workers = args.workers or DEFAULT_WORKERS[database]
            runner = run_postgresql if database == "postgresql" else run_sqlite
            result = runner(
                folder, workers=workers, clients=args.clients, requests=args.requests, ledgers=args.ledgers
            )
            print(result.report(), flush=True)
            failed |= bool(
                result.errors
                or result.lost_uploads
                or result.duplicated_uploads
                or result.lost_decisions
                or result.duplicated_decisions
                or not result.version_numbers_ok
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
