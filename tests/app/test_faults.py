"""Faults, with the real components: gunicorn, the task queue's worker processes (python -m app.worker)
and the database, on localhost. A queue worker killed (kill -9) in the middle of a background upload, and
the whole service stopped and started again in the middle of one: each time the job ends done after the
retry, the page having said "retrying", with the ledger stored once from the bytes kept with the job.

Kept lean (a few seconds each): one workbook large enough to be caught while it is read, a short lease.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.services import accounts
from app.storage.database import Database
from app.storage.models import JobRow, VersionRow
from benchmarks.load_test import _call, _upload, gunicorn, prepare, queue_worker
from benchmarks.postgresql import Cluster
from benchmarks.synthetic import synthetic_ledger
from ledger.workbook import save_workbook

# a lease this short makes a stopped worker's job come back within seconds
SETTINGS = {"JOB_LEASE_SECONDS": "2", "BACKGROUND_ABOVE_KB": "100"}
CLAIMS = 20_000  # about 1.2 MB: read and reconciled in a few seconds, long enough to be caught at it


@pytest.fixture(scope="module")
def large_workbook() -> bytes:
    buffer = io.BytesIO()
    save_workbook(synthetic_ledger(CLAIMS), buffer)
    return buffer.getvalue()


@contextlib.contextmanager
def _database(url: str) -> Iterator[Database]:
    db = Database.connect(url)
    try:
        yield db
    finally:
        db.engine.dispose()


def _token(db: Database) -> str:
    account = accounts.create_account(db, f"f-{secrets.token_hex(3)}@example.org", secrets.token_urlsafe(16))
    return accounts.new_token(db, account, "faults")


def _wait_until_running(db: Database, job_id: str, timeout: float = 60) -> str:
    """The worker ("host:pid") that took the job, once it is reading it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.reading() as session:
            row = session.get(JobRow, job_id)
            if row is not None and row.state == "running" and row.progress >= 5:
                return row.worker
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} was not taken by a worker in {timeout} s")


def _poll_until_done(
    base: str, token: str, job_id: str, timeout: float = 120
) -> tuple[dict[str, Any], list[tuple[float, str, int]]]:
    """Poll the job's status as a client would; its last state and every (time, state, attempts) seen."""
    seen: list[tuple[float, str, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = _call(base, token, "GET", f"/api/v1/jobs/{job_id}")
        if status == 200:
            job = json.loads(body)["job"]
            seen.append((time.monotonic(), job["state"], job["attempts"]))
            if job["state"] in {"done", "failed"}:
                return job, seen
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end in {timeout} s (seen: {seen[-5:]})")


def _stored_once(db: Database, ledger_id: str, content: bytes) -> None:
    import hashlib

    with db.reading() as session:
        versions = session.execute(
            select(VersionRow.sha256, VersionRow.claim_count).where(VersionRow.ledger_id == ledger_id)
        ).all()
        assert session.scalar(select(func.count()).select_from(VersionRow)) == 1
    assert [(v.sha256, v.claim_count > CLAIMS // 2) for v in versions] == [
        (hashlib.sha256(content).hexdigest(), True)
    ]


def test_a_worker_killed_during_a_background_upload_loses_nothing(
    tmp_path: Path, large_workbook: bytes
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    instance = tmp_path / "instance"
    prepare(url, instance)
    with _database(url) as db:
        token = _token(db)  # before the service starts: this test is about the worker, not startup
        with (
            queue_worker(url, instance, 1, settings=SETTINGS),
            gunicorn(url, instance, 1, settings=SETTINGS) as base,
        ):
            status, body = _upload(base, token, "/api/v1/ledgers", "large.xlsx", large_workbook)
            assert status == 202, body
            job_id = json.loads(body)["job"]["id"]
            worker = _wait_until_running(db, job_id)
            os.kill(int(worker.rsplit(":", 1)[1]), signal.SIGKILL)  # the worker process reading it dies
            lease_over = time.monotonic() + float(SETTINGS["JOB_LEASE_SECONDS"]) + 0.5
            job, seen = _poll_until_done(base, token, job_id)
            assert job["state"] == "done", job
            assert job["attempts"] == 2
            # once the dead attempt's lease is over, its page never says it is still running: it says
            # "retrying" until another worker takes it, then that attempt's progress
            assert not [
                state
                for at, state, attempts in seen
                if at > lease_over and (state, attempts) == ("running", 1)
            ]
            _stored_once(db, str(job["ledger"]), large_workbook)


def test_the_whole_service_restarted_mid_job_finishes_it(
    tmp_path: Path, large_workbook: bytes, postgresql: Cluster
) -> None:
    # PostgreSQL: the database and the queue's broker (huey's PostgreSQL storage) survive the service
    url = postgresql.url(postgresql.create_database())
    instance = tmp_path / "instance"
    prepare(url, instance)
    with _database(url) as db:
        token = _token(db)
        with (
            queue_worker(url, instance, 1, settings=SETTINGS) as consumer,
            gunicorn(url, instance, 1, settings=SETTINGS) as base,
        ):
            status, body = _upload(base, token, "/api/v1/ledgers", "large.xlsx", large_workbook)
            assert status == 202, body
            job_id = json.loads(body)["job"]["id"]
            _wait_until_running(db, job_id)
            os.killpg(consumer.pid, signal.SIGKILL)  # the queue worker, all its processes
        # gunicorn stopped too: nothing of the service is left; then it starts again, as after a reboot,
        # the web server first: the job's page says it will be done again (and sends it to the queue)
        time.sleep(float(SETTINGS["JOB_LEASE_SECONDS"]) + 0.5)
        with gunicorn(url, instance, 1, settings=SETTINGS) as base:
            status, body = _call(base, token, "GET", f"/api/v1/jobs/{job_id}")
            assert status == 200 and json.loads(body)["job"]["state"] == "retrying"
            with queue_worker(url, instance, 1, settings=SETTINGS):
                job, _seen = _poll_until_done(base, token, job_id)
        assert job["state"] == "done", job
        assert job["attempts"] == 2
        _stored_once(db, str(job["ledger"]), large_workbook)
