"""Large uploads, read and reconciled on a small thread pool; their state is kept in the database so that
any worker can show the progress page, which refreshes itself until the job is done (no JavaScript)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta

from ledger import Origin, Problem
from ledger.render.jsonform import problem_json

from ..errors import FailedJob, failure_of
from ..storage import store
from ..storage.database import Database
from ..storage.models import JobRow, now

# progress (0-100) and what is happening, for background uploads
Progress = Callable[[int, str], None]

# A job not heard from for this long belongs to a server that stopped: it will never finish.
STALE_AFTER = timedelta(minutes=30)


class JobRunner:
    """One app's background pool for uploads: each job's state is kept in the database as it runs."""

    def __init__(self, db: Database, threads: int) -> None:
        self._db = db
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="upload")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(
        self, file_name: str, work: Callable[[Progress], str], *, user_id: int, ledger_id: str | None = None
    ) -> str:
        """Queue `work` (an upload by `user_id`, which reports its progress and returns the ledger's id);
        returns the job id whose page (theirs only) shows its progress."""
        with self._db.transaction() as session:
            job_id = store.create_job(session, file_name, ledger_id, user_id).id
        future = self._pool.submit(self._run, job_id, work)
        with self._lock:
            self._pending = {f for f in self._pending if not f.done()} | {future}
        return job_id

    def _run(self, job_id: str, work: Callable[[Progress], str]) -> None:
        last = [-1]

        def progress(percent: int, stage: str) -> None:
            if percent == last[0]:
                return
            last[0] = percent
            with self._db.transaction() as session:
                store.update_job(session, job_id, state="running", progress=percent, stage=stage)

        try:
            result_id = work(progress)
        except Exception as error:  # a job must always end
            failure = failure_of(error)
            if failure is None:  # the cause goes to the log, not to the person
                logging.getLogger(__name__).exception("background upload %s failed", job_id)
                self._fail(
                    job_id, 500, {"detail": "Something went wrong reading this upload; nothing was stored."}
                )
                return
            recorded: dict[str, object] = {"detail": failure.detail}
            if failure.problems:
                recorded["problems"] = [problem_json(p) for p in failure.problems]
            self._fail(job_id, failure.status, recorded)
        else:
            with self._db.transaction() as session:
                store.update_job(
                    session, job_id, state="done", progress=100, stage="done", result_ledger_id=result_id
                )

    def _fail(self, job_id: str, status: int, failure: dict[str, object]) -> None:
        with self._db.transaction() as session:
            store.update_job(
                session, job_id, state="failed", failure_status=status, failure=json.dumps(failure)
            )

    def shutdown(self) -> None:
        """Stop taking jobs and wait for those running (tests and clean exits)."""
        self._pool.shutdown(wait=True)

    def wait_for_idle(self) -> None:
        """Block until every submitted job has finished (for tests)."""
        with self._lock:
            pending = set(self._pending)
        wait(pending)


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


def job_state(job: JobRow) -> JobRow:
    """The job, with a stale running job reported as failed (its server stopped)."""
    updated = job.updated_at if job.updated_at.tzinfo else job.updated_at.replace(tzinfo=now().tzinfo)
    if job.state in {"queued", "running"} and now() - updated > STALE_AFTER:
        job.state = "failed"
        job.failure_status = 503
        job.failure = json.dumps(
            {"detail": "The server stopped before this upload was processed; upload it again."}
        )
    return job


def raise_failure(job: JobRow) -> None:
    """FailedJob with the status and problems a failed job ended with."""
    failure = json.loads(job.failure or "{}")
    problems = tuple(_problem(p) for p in failure.get("problems", ()))
    raise FailedJob(str(failure.get("detail", "The upload failed.")), job.failure_status or 500, problems)
