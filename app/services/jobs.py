"""Background work on a task queue (huey): large uploads read and reconciled, and large ledgers' downloads
built, by worker processes (`python -m app.worker`; scripts/run starts one beside gunicorn, a team runs any
number on any number of machines). The web workers only store the job and send its id to the queue.

Why huey: it needs nothing to configure and nothing to run but its consumer (the default queue is a
SQLite file in the instance folder), and the same code uses PostgreSQL (LISTEN/NOTIFY, `SKIP LOCKED`) or
Redis as a shared broker for a team. Its consumer runs jobs in forked processes, restarts one that dies,
recycles them after a number of jobs, and runs the periodic upkeep below.

What huey does not do is notice that a worker died in the middle of a job (it takes a message off the
queue before running it). So the job's truth is its row in our database, not the message: the input
(the uploaded bytes) is stored with the job before the message is sent; a worker takes the job for one
attempt with a lease, renews the lease while it works, and stores its result in the same transaction
that checks it still owns the job. A job whose lease ran out is sent again and says "retrying" (found by
the upkeep every minute, or at once by the progress page); two attempts can never both store.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.orm import Session

from ledger import Origin, Problem
from ledger.render.jsonform import problem_json

from ..errors import FailedJob, JobQueueUnavailable, failure_of
from ..storage import store
from ..storage.database import Database
from ..storage.models import JobRow, now

log = logging.getLogger(__name__)

# progress (0-100) and what is happening, for background work
Progress = Callable[[int, str], None]
# a job as the routes see it
Job = JobRow

# A failed job keeps at most this many problems (and how many there were): its status stays small.
MAX_KEPT_PROBLEMS = 100
# Jobs waiting this long may have lost their message (the web worker died right after storing the job):
# the message is sent again (harmless: only one attempt can take a job).
QUEUED_FOR = timedelta(minutes=10)
QUEUE_NAME = "pledge-ledger"


@dataclass(frozen=True)
class JobSettings:
    """How jobs run: their lease, how often a stopped one is tried, how long ended ones are kept, how much
    memory one worker process may use, how many jobs it does before it is replaced by a fresh one."""

    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 3
    keep_for: timedelta = timedelta(days=7)
    memory_mb: int = 3072
    jobs_per_worker: int = 50


def make_huey(url: str) -> Huey:
    """The huey queue at `url`: sqlite:///file, postgresql://... or redis://... (tables made by
    `create_queue_tables`, once, not by every process that opens it)."""
    if url.startswith("sqlite:///"):
        return SqliteHuey(
            QUEUE_NAME, filename=url.removeprefix("sqlite:///"), results=False, create_tables=False
        )
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        dsn = "postgresql://" + url.split("://", 1)[1]
        return PostgresHuey(QUEUE_NAME, dsn=dsn, results=False, create_tables=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    raise ValueError(f'QUEUE_URL is "{url}"; expected sqlite:///file, postgresql://... or redis://...')


def create_queue_tables(url: str) -> None:
    """Create the queue's own tables when missing (SQLite and PostgreSQL; Redis needs none)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    huey = make_huey(url)
    if hasattr(huey.storage, "initialize_schema"):
        huey.storage.initialize_schema()
    huey.storage.close()


# ---- what a failed job keeps ---------------------------------------------------------------------------------


def failure_record(error: Exception, job_id: str) -> tuple[int, dict[str, object]]:
    """The status and the JSON a failed job keeps: why, the first MAX_KEPT_PROBLEMS problems and how many."""
    failure = failure_of(error)
    if failure is None:  # the cause goes to the log, not to the person
        log.error("background job %s failed", job_id, exc_info=error)
        return 500, {"detail": "Something went wrong doing this; nothing was stored."}
    recorded: dict[str, object] = {"detail": failure.detail}
    if failure.problems:
        recorded["problems"] = [problem_json(p) for p in failure.problems[:MAX_KEPT_PROBLEMS]]
        recorded["problem_count"] = len(failure.problems)
        if len(failure.problems) > MAX_KEPT_PROBLEMS:
            recorded["detail"] = f"{failure.detail} The first {MAX_KEPT_PROBLEMS} are listed."
    return failure.status, recorded


def _problem(data: dict[str, object]) -> Problem:
    origin = data.get("origin")
    if not isinstance(origin, dict):
        return Problem(str(data.get("message", "")))
    cell = str(origin.get("cell") or "")
    place = cell.partition("!")[2]
    column = "".join(ch for ch in place if ch.isalpha())
    row = origin.get("row")
    return Problem(
        str(data.get("message", "")),
        Origin(
            str(origin.get("workbook") or ""),
            str(origin.get("sheet") or ""),
            row if isinstance(row, int) else None,
            column,
        ),
    )


def raise_failure(job: JobRow) -> None:
    """FailedJob with the status and problems a failed job ended with."""
    failure = json.loads(job.failure or "{}")
    problems = tuple(_problem(p) for p in failure.get("problems", ()))
    raise FailedJob(str(failure.get("detail", "The job failed.")), job.failure_status or 500, problems)


# ---- one attempt at a job ------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """One worker's attempt at a job: what it works on, its progress, and the one call that stores its
    result (inside the transaction that stores the rest, so that the result and "done" go together)."""

    db: Database
    job_id: str
    number: int
    kind: str
    file_name: str
    user_id: int | None
    ledger_id: str | None
    params: dict[str, Any] = field(default_factory=dict)
    _last: int = -1

    def content(self) -> bytes:
        """The bytes stored with the job (an upload)."""
        with self.db.reading() as session:
            return store.job_content(session, self.job_id)

    def progress(self, percent: int, stage: str) -> None:
        """Say how far the attempt has got (written only when the percentage moves)."""
        if percent == self._last:
            return
        self._last = percent
        with self.db.transaction() as session:
            row = session.get(JobRow, self.job_id)
            if row is not None and row.state == "running" and row.attempts == self.number:
                row.progress, row.stage, row.updated_at = percent, stage[:200], now()

    def complete(self, session: Session, **result: Any) -> None:
        """Mark the job done with `result` (result_ledger_id, or a download's content, name and type),
        inside the caller's transaction; LostJob (and nothing is stored) when this attempt no longer owns
        the job. An upload's own bytes are dropped: the version keeps them."""
        row = store.owned_job(session, self.job_id, self.number)
        moment = now()
        row.state, row.progress, row.stage = "done", 100, "done"
        row.lease_until, row.finished_at, row.updated_at = None, moment, moment
        if self.kind == "upload":
            row.content = None
        for name, value in result.items():
            setattr(row, name, value)


# what a kind of job does: its attempt in, its result stored through attempt.complete(...)
Handler = Callable[[Attempt], None]


# ---- the queue ---------------------------------------------------------------------------------------------------


class JobQueue:
    """One app's handle on the task queue: submit jobs (web workers), run them (queue workers)."""

    def __init__(self, db: Database, url: str, settings: JobSettings = JobSettings()) -> None:
        self.db = db
        self.url = url
        self.settings = settings
        self.huey = make_huey(url)
        self._handlers: dict[str, Handler] = {}
        self._task = self.huey.task(name="ledger.job")(self._run)
        self.huey.periodic_task(crontab(), name="ledger.upkeep")(self.upkeep)
        self.huey.on_startup(name="ledger.worker")(self._worker_started)

    def handle(self, kind: str, handler: Handler) -> None:
        """Do jobs of `kind` with `handler`."""
        self._handlers[kind] = handler

    # -- submitting

    def submit(
        self,
        kind: str,
        file_name: str,
        *,
        user_id: int,
        ledger_id: str | None = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        in_transaction: Callable[[Session, str], None] | None = None,
    ) -> str:
        """Store a job (with its bytes, committed first) and send it to the queue; its id, whose page (the
        account's only) shows its progress. `in_transaction(session, job_id)` runs in the job's transaction
        (an idempotency key). JobQueueUnavailable when the queue cannot be reached (the job is failed)."""
        with self.db.transaction() as session:
            job_id = store.create_job(
                session, file_name, ledger_id, user_id, kind=kind, content=content, params=params
            ).id
            if in_transaction is not None:
                in_transaction(session, job_id)
        self._send(job_id)
        return job_id

    def _send(self, job_id: str) -> None:
        try:
            self._task(job_id)
        except Exception as error:
            log.exception("could not send job %s to the queue", job_id)
            with self.db.transaction() as session:
                store.update_job(
                    session,
                    job_id,
                    state="failed",
                    failure_status=503,
                    failure=json.dumps({"detail": "The task queue could not be reached; try again."}),
                    finished_at=now(),
                    content=None,
                )
            raise JobQueueUnavailable("the task queue could not be reached; try again in a minute") from error

    # -- running (in a queue worker)

    def _worker_started(self) -> None:
        """In each forked worker process: its own database connections, and the memory bound."""
        self.db.engine.dispose(close=False)
        limit = self.settings.memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(
            resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )

    def _run(self, job_id: str) -> None:
        """The queue's task: one attempt at the job, if it is still waiting for one."""
        worker = f"{socket.gethostname()}:{os.getpid()}"
        with self.db.transaction() as session:
            number = store.claim_job(session, job_id, worker, self.settings.lease)
            row = session.get(JobRow, job_id) if number is not None else None
            if row is None or number is None:
                return  # taken by another attempt, or ended: a repeated message does nothing
            attempt = Attempt(
                self.db,
                job_id,
                number,
                row.kind,
                row.file_name,
                row.user_id,
                row.target_ledger_id,
                json.loads(row.params or "{}"),
            )
        handler = self._handlers.get(attempt.kind)
        with self._renewing(attempt):
            try:
                if handler is None:
                    raise RuntimeError(f"no handler for jobs of kind {attempt.kind}")
                handler(attempt)
            except store.LostJob:
                log.warning("job %s attempt %d lost its lease; another attempt has it", job_id, number)
            except Exception as error:  # a job must always end
                self._fail(attempt, error)

    def _fail(self, attempt: Attempt, error: Exception) -> None:
        status, failure = failure_record(error, attempt.job_id)
        try:
            with self.db.transaction() as session:
                row = store.owned_job(session, attempt.job_id, attempt.number)
                moment = now()
                row.state, row.failure_status, row.failure = "failed", status, json.dumps(failure)
                row.lease_until, row.finished_at, row.updated_at = None, moment, moment
                row.content = None  # nothing was stored: the analyst still has the file
        except store.LostJob:
            pass

    @contextmanager
    def _renewing(self, attempt: Attempt) -> Iterator[None]:
        """Renew the attempt's lease while it works (a worker that dies stops renewing it)."""
        stop = threading.Event()
        every = max(self.settings.lease.total_seconds() / 4, 0.2)

        def renew() -> None:
            while not stop.wait(every):
                try:
                    with self.db.transaction() as session:
                        if not store.renew_lease(
                            session, attempt.job_id, attempt.number, self.settings.lease
                        ):
                            return
                except Exception:  # the database may be restarting: try again next time
                    log.warning("could not renew the lease of job %s", attempt.job_id, exc_info=True)

        thread = threading.Thread(target=renew, name=f"lease-{attempt.job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    # -- upkeep

    def requeue_stalled(self, job_id: str | None = None) -> list[str]:
        """Send again the jobs whose worker stopped (or only `job_id`); their ids."""
        with self.db.transaction() as session:
            again, _failed = store.requeue_stalled(
                session, max_attempts=self.settings.max_attempts, queued_for=QUEUED_FOR, job_id=job_id
            )
        for waiting in again:
            self._task(waiting)
        return again

    def upkeep(self) -> None:
        """Every minute, in the queue's scheduler: retry stalled jobs, purge the old ones and the old keys
        and sign-in failures."""
        self.requeue_stalled()
        with self.db.transaction() as session:
            store.purge_jobs(session, now() - self.settings.keep_for)
            store.purge_idempotency_keys(session, now() - IDEMPOTENCY_KEPT_FOR)
            store.forget_sign_in_failures(session, before=now() - SIGN_IN_FAILURES_KEPT_FOR)

    # -- in-process running (tests, `flask jobs run`)

    def run_queued(self, limit: int = 1000) -> int:
        """Run the jobs waiting in the queue in this process, one by one, until none is left (at most
        `limit`); how many messages were handled. The same code a queue worker runs, without forking."""
        handled = 0
        while handled < limit:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task)
            handled += 1
        return handled

    def pending(self) -> int:
        """Messages waiting in the queue."""
        return int(self.huey.pending_count())

    def close(self) -> None:
        """Close the queue's connection (tests and clean exits)."""
        self.huey.storage.close()


# how long idempotency keys and failed sign-ins are kept (the longest sign-in window is an hour)
IDEMPOTENCY_KEPT_FOR = timedelta(days=1)
SIGN_IN_FAILURES_KEPT_FOR = timedelta(days=1)


def job_state(job: JobRow, lease_over: bool) -> JobRow:
    """The job as its page shows it: one whose worker stopped reads "retrying" even before the upkeep has
    sent it again (`lease_over`)."""
    if lease_over and job.state == "running":
        job.state = "retrying"
        job.stage = "retrying: the worker doing it stopped"
    return job


def lease_over(job: JobRow) -> bool:
    """Whether a running job's lease ran out (its worker stopped)."""
    if job.state != "running" or job.lease_until is None:
        return False
    return store.utc(job.lease_until) < now()
