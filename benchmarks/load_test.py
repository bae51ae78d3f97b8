"""Load test, bounded and on localhost only: several gunicorn workers and separate task-queue worker
processes (python -m app.worker) against one database, many clients uploading versions (small ones stored
in the request, larger ones through the queue), deciding findings (some sent twice under one
Idempotency-Key, as a client retrying after a timeout would) and reading at once, with one queue worker
process killed (kill -9) halfway; afterwards the database is checked that no upload or decision was lost
or stored twice, that every background upload ended stored, and the figures are printed (requests,
errors, latency percentiles).

    python -m benchmarks.load_test --clients 50 --requests 1000           # PostgreSQL, then SQLite
    python -m benchmarks.load_test --database postgresql --workers 4 --queue-workers 2 --clients 40

`--requests` is the total across all clients. PostgreSQL is a throwaway cluster in a temporary folder
(benchmarks/postgresql.py), and the queue's broker too (huey's PostgreSQL storage); SQLite is a file in
WAL mode, where writers take turns (one at a time, each waiting up to the busy timeout), so it gets fewer
workers by default, and its queue is a SQLite file. Every request goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import secrets
import shutil
import signal
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

import openpyxl
from sqlalchemy import select

from app.services import accounts
from app.services.jobs import create_queue_tables
from app.storage.database import Database, upgrade
from app.storage.models import DecisionRow, JobRow, VersionRow
from ledger import example_ledger
from ledger.workbook.writer import write_ledger

from .postgresql import Cluster, free_port, start_cluster

ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 120  # seconds; a request slower than this counts as an error
DEFAULT_WORKERS = {"postgresql": 4, "sqlite": 2}
# queue workers: separate consumers, as on separate machines, of this many processes each
DEFAULT_QUEUE_WORKERS = {"postgresql": 2, "sqlite": 1}
QUEUE_PROCESSES = 2
# uploads above this go through the queue: the example workbook (22 KB) does not, the larger one does
BACKGROUND_ABOVE_KB = 30
BACKGROUND_NOTE_ROWS = 1000  # rows of notes in the larger workbook (about 50 KB)
JOBS_TIMEOUT = 240  # seconds for every background upload to end once the clients are done


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
    queue_workers: int = 0
    unfinished_jobs: tuple[str, ...] = ()  # background uploads that never ended stored
    killed_worker: bool = False  # whether a queue worker process was killed halfway
    retried_jobs: int = 0  # jobs done by more than one attempt (the killed worker's)
    replays: int = 0  # decisions sent again under the same key that got the first answer

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
            f"== {self.database}: {self.workers} gunicorn workers, {self.queue_workers} queue worker"
            f" consumers x {QUEUE_PROCESSES} processes{' (one process killed halfway)' if self.killed_worker else ''},"
            f" {self.clients} clients",
            f"requests {count} in {self.seconds:.1f} s ({count / self.seconds:.1f}/s), errors {self.errors}"
            f" (statuses: {dict(sorted(by_status.items()))})",
        ]
        for operation in (None, "upload", "background", "decide", "read"):
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
        lines.append(
            f"  queue: background uploads unfinished {len(self.unfinished_jobs)}, retried after the kill"
            f" {self.retried_jobs}; idempotent repeats answered as the first {self.replays}"
        )
        lines.extend(f"  error: {sample}" for sample in self.errors_sample)
        return "\n".join(lines)


# ---- HTTP without dependencies ------------------------------------------------------------------------------


def _call(
    base: str,
    token: str,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    content_type: str = "",
    key: str = "",
) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    if key:
        headers["Idempotency-Key"] = key
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


def _upload(
    base: str, token: str, path: str, file_name: str, content: bytes, key: str = ""
) -> tuple[int, bytes]:
    body, content_type = _multipart(file_name, content)
    return _call(base, token, "POST", path, body=body, content_type=content_type, key=key)


# ---- the server -----------------------------------------------------------------------------------------------


def service_environment(url: str, instance: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the web and queue workers of one run share (the same secret, database, queue)."""
    secret = instance / "load-secret"
    if not secret.exists():
        instance.mkdir(parents=True, exist_ok=True)
        secret.write_text(secrets.token_urlsafe(32))
    return {
        **os.environ,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "MIGRATE_ON_START": "0",
        "SECRET_KEY": secret.read_text(),
        "BACKGROUND_ABOVE_KB": str(BACKGROUND_ABOVE_KB),
        "PYTHONUNBUFFERED": "1",
        **(settings or {}),
    }


def prepare(url: str, instance: Path) -> None:
    """Migrate the database and make the queue's tables (as `flask db upgrade` does)."""
    upgrade(url)
    instance.mkdir(parents=True, exist_ok=True)
    queue = url if url.startswith("postgresql") else f"sqlite:///{instance / 'queue.db'}"
    create_queue_tables(queue)


def _stop(process: subprocess.Popen[bytes], *, group: bool = False) -> None:
    if process.poll() is None:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()


@contextmanager
def gunicorn(
    url: str,
    instance: Path,
    workers: int,
    threads: int = 2,
    *,
    log_name: str = "gunicorn.log",
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """gunicorn serving wsgi:app on a free 127.0.0.1 port against `url` (workers recycled as scripts/run
    does); its base URL."""
    port = free_port()
    env = service_environment(url, instance, settings)
    log = (instance / log_name).open("ab")
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
            "--max-requests",
            "1000",
            "--max-requests-jitter",
            "100",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _call(base, "", "GET", "/api/v1/openapi.json")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "gunicorn did not start:\n" + (instance / log_name).read_text(errors="replace")[-3000:]
                )
            time.sleep(0.2)
        yield base
    finally:
        _stop(process, group=True)
        log.close()


@contextmanager
def queue_worker(
    url: str,
    instance: Path,
    processes: int = QUEUE_PROCESSES,
    *,
    log_name: str = "worker.log",
    settings: dict[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """One task-queue consumer (python -m app.worker) with `processes` worker processes, in its own
    process group; the consumer's process."""
    env = service_environment(url, instance, settings)
    log = (instance / log_name).open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.worker", "--workers", str(processes)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(0.5)
        if process.poll() is not None:
            log.flush()
            raise RuntimeError(
                "the queue worker did not start:\n"
                + (instance / log_name).read_text(errors="replace")[-3000:]
            )
        yield process
    finally:
        _stop(process, group=True)
        log.close()


def worker_processes(consumer: subprocess.Popen[bytes]) -> list[int]:
    """The process ids of a consumer's children (its worker processes and its scheduler)."""
    found = Path(f"/proc/{consumer.pid}/task/{consumer.pid}/children")
    return [int(pid) for pid in found.read_text().split()] if found.exists() else []


# ---- the run ----------------------------------------------------------------------------------------------------


def _example_workbook() -> bytes:
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return buffer.getvalue()


def _larger_workbook() -> bytes:
    """The example ledger above the background threshold (a sheet of notes the reader does not read makes
    it larger), so that its uploads go through the queue and keep the same findings to decide."""
    book = openpyxl.load_workbook(io.BytesIO(_example_workbook()))
    notes = book.create_sheet("Notes")
    for row in range(1, BACKGROUND_NOTE_ROWS + 1):
        notes.append([f"note {row}: {secrets.token_hex(16)}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class _Shared:
    """What the clients share: the outcomes, the background jobs made, the repeats answered as the first."""

    outcomes: list[Outcome] = field(default_factory=list)
    jobs: dict[str, str] = field(default_factory=dict)  # job id -> the upload's marker
    replays: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _client(
    base: str,
    token: str,
    number: int,
    count: int,
    ledger_id: str,
    findings: list[str],
    workbooks: tuple[bytes, bytes],
    shared: _Shared,
) -> None:
    """One client's requests: of every eight, one upload stored in the request, one through the queue,
    four decisions (every other one sent twice under one Idempotency-Key, the second counted apart) and
    two reads."""
    small, larger = workbooks
    for i in range(count):
        marker = f"c{number}-r{i}"
        step = (number + i) % 8
        started = time.perf_counter()
        operation = "read"
        if step in {0, 4}:
            operation = "upload" if step == 0 else "background"
            status, body = _upload(
                base,
                token,
                f"/api/v1/ledgers/{ledger_id}/versions",
                f"{marker}.xlsx",
                small if step == 0 else larger,
                key=f"upload-{marker}",
            )
            if status == 202:
                with shared.lock:
                    shared.jobs[json.loads(body)["job"]["id"]] = marker
        elif step in {1, 3, 5, 7}:
            operation = "decide"
            decision = {
                "finding": findings[(number + i) % len(findings)],
                "decision": "accept" if i % 2 else "reject",
                "note": marker,
            }
            path = f"/api/v1/ledgers/{ledger_id}/decisions"
            payload = json.dumps(decision).encode()
            key = f"decide-{marker}"
            status, body = _call(
                base, token, "POST", path, body=payload, content_type="application/json", key=key
            )
            if status == 201 and step in {3, 7}:  # a client that did not hear the answer sends it again
                again, repeated = _call(
                    base, token, "POST", path, body=payload, content_type="application/json", key=key
                )
                if again == 201 and json.loads(repeated)["decision"] == json.loads(body)["decision"]:
                    with shared.lock:
                        shared.replays.append(marker)
                elif again != 201:
                    status = again
        else:
            marker = ""
            status, _ = _call(base, token, "GET", f"/api/v1/ledgers/{ledger_id}/findings?per_page=50")
        with shared.lock:
            shared.outcomes.append(Outcome(operation, status, time.perf_counter() - started, marker))


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
    done_uploads |= {o.marker for o in outcomes if o.operation == "background" and o.ok}
    done_decisions = {o.marker for o in outcomes if o.operation == "decide" and o.ok}
    return (
        tuple(sorted(m for m in done_uploads if uploads[m] == 0)),
        tuple(sorted(m for m, n in uploads.items() if n > 1 and m.startswith("c"))),
        tuple(sorted(m for m in done_decisions if notes[m] == 0)),
        tuple(sorted(m for m, n in notes.items() if n > 1 and m.startswith("c"))),
        contiguous,
    )


def _kill_a_busy_worker(db: Database, consumers: list[subprocess.Popen[bytes]]) -> bool:
    """kill -9 a queue worker process: one running a job when there is one (so that a job must be retried),
    else any of them; whether one was killed."""
    ours = {pid for consumer in consumers for pid in worker_processes(consumer)}
    with db.reading() as session:
        running = session.scalars(select(JobRow.worker).where(JobRow.state == "running")).all()
    busy = [int(w.rsplit(":", 1)[1]) for w in running if w.rsplit(":", 1)[-1].isdigit()]
    chosen = next((pid for pid in busy if pid in ours), None) or next(iter(sorted(ours)), None)
    if chosen is None:
        return False
    try:
        os.kill(chosen, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _wait_for_jobs(base: str, token: str, db: Database, jobs: dict[str, str]) -> tuple[tuple[str, ...], int]:
    """Wait for every background upload to end, polling each job's URL as the client that got its 202 does
    (a poll finds a job whose worker stopped and sends it again at once; unpolled, the minute's upkeep
    would); (the markers of those that did not end stored, how many were done by more than one attempt)."""
    deadline = time.monotonic() + JOBS_TIMEOUT
    while True:
        with db.reading() as session:
            rows = session.execute(
                select(JobRow.id, JobRow.state, JobRow.attempts).where(JobRow.id.in_(list(jobs)))
            ).all()
        waiting = [row for row in rows if row.state not in {"done", "failed"}]
        if not waiting or time.monotonic() > deadline:
            break
        for row in waiting:
            _call(base, token, "GET", f"/api/v1/jobs/{row.id}")
        time.sleep(0.5)
    unfinished = tuple(sorted(jobs[row.id] for row in rows if row.state != "done"))
    return unfinished, sum(1 for row in rows if row.attempts > 1)


def run_load(
    url: str,
    folder: Path,
    *,
    database: str,
    workers: int,
    clients: int,
    requests: int,
    ledgers: int = 3,
    queue_workers: int = 1,
    kill_worker: bool = True,
) -> LoadResult:
    """Migrate `url`, serve it with gunicorn and `queue_workers` queue consumers, run the clients (killing
    a queue worker process halfway when `kill_worker`), and check what was stored."""
    instance = folder / f"instance-{database}"
    prepare(url, instance)
    db = Database.connect(url)
    try:
        account = accounts.create_account(
            db, f"load-{secrets.token_hex(3)}@example.org", secrets.token_urlsafe(16)
        )
        token = accounts.new_token(db, account, "load test")
        workbooks = (_example_workbook(), _larger_workbook())
        settings = {"JOB_LEASE_SECONDS": "5"}
        with contextlib.ExitStack() as stack:
            consumers = [
                stack.enter_context(
                    queue_worker(url, instance, log_name=f"worker-{n}.log", settings=settings)
                )
                for n in range(queue_workers)
            ]
            base = stack.enter_context(gunicorn(url, instance, workers, settings=settings))
            ledger_ids, findings = [], []
            for n in range(ledgers):
                status, body = _upload(base, token, "/api/v1/ledgers", f"seed-{n}.xlsx", workbooks[0])
                if status != 201:
                    raise RuntimeError(f"could not create a ledger to load ({status}): {body[:500]!r}")
                created = json.loads(body)
                ledger_ids.append(created["ledger"]["id"])
                findings = [f["id"] for f in created["reconciliation"]["findings"]]
            per_client = max(1, math.ceil(requests / clients))
            shared = _Shared()
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=_client,
                    args=(base, token, n, per_client, ledger_ids[n % ledgers], findings, workbooks, shared),
                )
                for n in range(clients)
            ]
            for thread in threads:
                thread.start()
            killed = False
            if kill_worker:
                while len(shared.outcomes) < per_client * clients // 2 and any(t.is_alive() for t in threads):
                    time.sleep(0.05)
                killed = _kill_a_busy_worker(db, consumers)
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            unfinished, retried = _wait_for_jobs(base, token, db, shared.jobs)
        outcomes = shared.outcomes
        lost_up, dup_up, lost_dec, dup_dec, contiguous = _check_stored(db, outcomes, ledger_ids)
        samples = tuple(sorted({f"{o.operation} -> {o.status}" for o in outcomes if not o.ok})[:5])
        if samples or unfinished:
            for log_file in sorted(instance.glob("*.log")):
                log = log_file.read_text(errors="replace")
                tail = [line for line in log.splitlines() if "Error" in line or "error" in line][-3:]
                samples = samples + tuple(f"{log_file.name}: {line}" for line in tail)
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
            queue_workers=queue_workers,
            unfinished_jobs=unfinished,
            killed_worker=killed,
            retried_jobs=retried,
            replays=len(shared.replays),
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
    queue_workers: int = DEFAULT_QUEUE_WORKERS["postgresql"],
    kill_worker: bool = True,
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
            queue_workers=queue_workers,
            kill_worker=kill_worker,
        )
    finally:
        if own:
            server.stop()


def run_sqlite(
    folder: Path,
    *,
    workers: int,
    clients: int,
    requests: int,
    ledgers: int = 3,
    queue_workers: int = DEFAULT_QUEUE_WORKERS["sqlite"],
    kill_worker: bool = True,
) -> LoadResult:
    """The load against a SQLite file in WAL mode (and its queue in a SQLite file)."""
    url = f"sqlite:///{folder / 'load.db'}"
    return run_load(
        url,
        folder,
        database="sqlite",
        workers=workers,
        clients=clients,
        requests=requests,
        ledgers=ledgers,
        queue_workers=queue_workers,
        kill_worker=kill_worker,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the load test and print its figures; exit 1 when anything was lost, duplicated or failed."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=int, default=1000, help="requests in all, across the clients")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: 4 PostgreSQL, 2 SQLite)"
    )
    parser.add_argument(
        "--ledgers", type=int, default=3, help="ledgers the clients share (fewer: more contention)"
    )
    parser.add_argument(
        "--queue-workers",
        type=int,
        default=0,
        help=f"queue consumers of {QUEUE_PROCESSES} processes each (default: 2 PostgreSQL, 1 SQLite)",
    )
    parser.add_argument("--no-kill", action="store_true", help="do not kill a queue worker halfway")
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
                folder,
                workers=workers,
                clients=args.clients,
                requests=args.requests,
                ledgers=args.ledgers,
                queue_workers=args.queue_workers or DEFAULT_QUEUE_WORKERS[database],
                kill_worker=not args.no_kill,
            )
            print(result.report(), flush=True)
            failed |= bool(
                result.errors
                or result.lost_uploads
                or result.duplicated_uploads
                or result.lost_decisions
                or result.duplicated_decisions
                or not result.version_numbers_ok
                or result.unfinished_jobs
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
