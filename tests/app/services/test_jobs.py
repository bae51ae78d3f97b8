"""Background work on the task queue: a job with progress, a page that refreshes until done, the bytes
kept with the job, a stopped worker's job retried, failures kept small, old jobs purged. The jobs run here
through the real queue (the app's huey storage) and the code a queue worker runs (`run_jobs`); the worker
processes themselves, killed and restarted, are tests/app/test_faults.py's."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from app.services.jobs import MAX_KEPT_PROBLEMS
from app.storage import store
from app.storage.database import Database
from app.storage.models import JobRow, VersionRow, now
from benchmarks.dense import dense_workbook
from benchmarks.load_test import _multipart

from ..conftest import (
    close_app,
    csrf_token,
    ledger_service,
    make_account,
    make_app,
    run_jobs,
    signed_in_client,
    token_client,
    upload,
)


@pytest.fixture
def eager_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app that sends every upload to the background, and every download of more than one claim."""
    flask_app = make_app(
        tmp_path, database_url, BACKGROUND_ABOVE_BYTES=0, BACKGROUND_ABOVE_CLAIMS=1, JOB_LEASE_SECONDS=1
    )
    yield flask_app
    close_app(flask_app)


def _db(app: Flask) -> Database:
    db: Database = app.extensions["ledger.db"]
    return db


def test_large_upload_runs_in_the_background_and_opens_when_done(
    eager_app: Flask, example_xlsx: bytes
) -> None:
    client = signed_in_client(eager_app, "ana@example.org", admin=True)
    response = upload(client, "/ledgers", example_xlsx, "big.xlsx", csrf_token=csrf_token(client))
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    # the bytes are stored with the job before it is queued
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    with _db(eager_app).reading() as session:
        assert store.job_content(session, job_id) == example_xlsx
    waiting = client.get(response.headers["Location"])
    assert waiting.status_code == 202 and "waiting for a worker" in waiting.get_data(as_text=True).lower()
    assert run_jobs(eager_app) == 1
    done = client.get(response.headers["Location"])
    assert done.status_code == 303 and "/ledgers/" in done.headers["Location"]
    assert "Central American Security Conference 2011" in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    with _db(eager_app).reading() as session:
        assert store.job_content(session, job_id) == b""  # the version keeps them now
        assert (
            session.scalar(select(VersionRow.sha256))
            and session.scalar(select(func.count()).select_from(VersionRow)) == 1
        )


def test_a_failed_background_upload_shows_its_problems(eager_app: Flask, broken_xlsx: bytes) -> None:
    client = signed_in_client(eager_app, "ana@example.org", admin=True)
    job_url = upload(client, "/ledgers", broken_xlsx, "broken.xlsx", csrf_token=csrf_token(client)).headers[
        "Location"
    ]
    run_jobs(eager_app)
    page = client.get(job_url)
    assert page.status_code == 422
    assert '<code class="cell">Claims!G3</code>' in page.get_data(as_text=True)
    assert client.get("/api/v1/ledgers").json == {"ledgers": []}
    # the job is the uploader's: another account is told there is no such job
    other = signed_in_client(eager_app, "bea@example.org")
    assert other.get(job_url).status_code == 404


def test_api_upload_returns_202_and_a_job_to_poll(
    eager_app: Flask, example_xlsx: bytes, broken_xlsx: bytes
) -> None:
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    response = upload(client, "/api/v1/ledgers", example_xlsx, "big.xlsx")
    assert response.status_code == 202
    job = response.json["job"]
    assert job["state"] == "queued" and response.headers["Location"] == job["url"]
    run_jobs(eager_app)
    polled = client.get(f"/api/v1/jobs/{job['id']}").json["job"]  # type: ignore[index]
    assert polled["state"] == "done" and polled["progress"] == 100 and polled["attempts"] == 1
    assert client.get(f"/api/v1/ledgers/{polled['ledger']}").status_code == 200
    failed_id = upload(client, "/api/v1/ledgers", broken_xlsx, "broken.xlsx").json["job"]["id"]
    run_jobs(eager_app)
    failed = client.get(f"/api/v1/jobs/{failed_id}").json["job"]  # type: ignore[index]
    assert failed["state"] == "failed" and failed["error"]["status"] == 422
    assert any(p["origin"]["cell"] == "Claims!G3" for p in failed["error"]["problems"])
    assert failed["error"]["problem_count"] == len(failed["error"]["problems"])


def test_a_failed_job_keeps_the_first_hundred_problems_and_how_many(
    eager_app: Flask, example_xlsx: bytes
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(example_xlsx))
    claims = book["Claims"]
    for row in range(2, 1_300):
        claims.cell(row=row, column=1, value=f"X{row}")
        claims.cell(row=row, column=7, value="lots")
    buffer = io.BytesIO()
    book.save(buffer)
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    job_id = upload(client, "/api/v1/ledgers", buffer.getvalue(), "many.xlsx").json["job"]["id"]
    run_jobs(eager_app)
    response = client.get(f"/api/v1/jobs/{job_id}")
    error = response.json["job"]["error"]  # type: ignore[index]
    assert len(error["problems"]) == MAX_KEPT_PROBLEMS
    # reading stopped at a thousand (and said so): the count says how many were collected
    assert error["problem_count"] == 1001 and "The first 100 are listed" in error["detail"]
    assert len(response.get_data()) < 64 * 1024  # the status stays small however broken the upload
    with _db(eager_app).reading() as session:
        assert store.job_content(session, job_id) == b""  # nothing of a refused upload is kept


def test_a_job_whose_worker_stopped_is_retried_and_says_so(eager_app: Flask, example_xlsx: bytes) -> None:
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    job_id = upload(client, "/api/v1/ledgers", example_xlsx, "big.xlsx").json["job"]["id"]
    jobs = eager_app.extensions["ledger.jobs"]
    # a worker takes the job, then dies: its message is gone, its lease runs out
    assert jobs.huey.dequeue() is not None
    with _db(eager_app).transaction() as session:
        assert store.claim_job(session, job_id, "dead-worker:1", timedelta(seconds=1)) == 1
        session.get(JobRow, job_id).lease_until = now() - timedelta(seconds=1)  # type: ignore[union-attr]
    assert jobs.pending() == 0
    polled = client.get(f"/api/v1/jobs/{job_id}").json["job"]  # type: ignore[index]
    assert polled["state"] == "retrying" and "retrying" in polled["stage"]
    # the page sent it to the queue again: a worker finishes it, from the bytes kept with the job
    assert run_jobs(eager_app) == 1
    polled = client.get(f"/api/v1/jobs/{job_id}").json["job"]  # type: ignore[index]
    assert polled["state"] == "done" and polled["attempts"] == 2


def test_the_late_attempt_of_a_stopped_worker_stores_nothing(eager_app: Flask, example_xlsx: bytes) -> None:
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    job_id = upload(client, "/api/v1/ledgers", example_xlsx, "big.xlsx").json["job"]["id"]
    db = _db(eager_app)
    with db.transaction() as session:
        slow = store.claim_job(session, job_id, "slow:1", timedelta(seconds=-1))  # its lease is over at once
    eager_app.extensions["ledger.jobs"].requeue_stalled()
    assert run_jobs(eager_app) >= 1  # the second attempt stores the ledger
    with db.transaction() as session, pytest.raises(store.LostJob):
        store.owned_job(session, job_id, slow or 0)  # the first one, waking up, cannot
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(VersionRow)) == 1


def test_a_job_stopped_too_often_fails_and_says_why(eager_app: Flask, example_xlsx: bytes) -> None:
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    job_id = upload(client, "/api/v1/ledgers", example_xlsx, "big.xlsx").json["job"]["id"]
    jobs = eager_app.extensions["ledger.jobs"]
    db = _db(eager_app)
    for _ in range(jobs.settings.max_attempts):
        while jobs.huey.dequeue() is not None:
            pass
        with db.transaction() as session:
            assert store.claim_job(session, job_id, "dies:1", timedelta(seconds=-1))
        jobs.requeue_stalled()
    failed = client.get(f"/api/v1/jobs/{job_id}").json["job"]  # type: ignore[index]
    assert failed["state"] == "failed" and failed["error"]["status"] == 503
    assert "stopped 3 times" in failed["error"]["detail"]


def test_running_job_page_shows_progress_and_refreshes(app: Flask, client: FlaskClient) -> None:
    ana = make_account(app, "ana@example.org", admin=True)
    with _db(app).transaction() as s:
        job_id = store.create_job(s, "huge.xlsx", None, ana.id).id
        store.update_job(
            s,
            job_id,
            state="running",
            progress=40,
            stage="finding the double counting",
            lease_until=now() + timedelta(minutes=1),
        )
    page = client.get(f"/jobs/{job_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 202
    assert '<meta http-equiv="refresh" content="2">' in text
    assert '<progress id="progress" max="100" value="40">' in text
    assert "Finding the double counting" in text


def test_old_jobs_are_purged_with_their_files(eager_app: Flask, example_xlsx: bytes) -> None:
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    old = upload(client, "/api/v1/ledgers", example_xlsx, "old.xlsx").json["job"]["id"]
    run_jobs(eager_app)
    new = upload(client, "/api/v1/ledgers", example_xlsx, "new.xlsx").json["job"]["id"]
    run_jobs(eager_app)
    db = _db(eager_app)
    with db.transaction() as session:
        session.get(JobRow, old).finished_at = now() - timedelta(days=30)  # type: ignore[union-attr]
    eager_app.extensions["ledger.jobs"].upkeep()
    assert client.get(f"/api/v1/jobs/{old}").status_code == 404
    assert client.get(f"/api/v1/jobs/{new}").json["job"]["state"] == "done"  # type: ignore[index]


def test_a_large_ledgers_download_is_built_by_a_job(eager_app: Flask, example_xlsx: bytes) -> None:
    client = signed_in_client(eager_app, "ana@example.org", admin=True)
    api = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    upload(api, "/api/v1/ledgers", example_xlsx, "e.xlsx")
    run_jobs(eager_app)
    ledger_id = api.get("/api/v1/ledgers").json["ledgers"][0]["id"]  # type: ignore[index]
    page = client.get(f"/ledgers/{ledger_id}/download/json")
    assert page.status_code == 303 and "/jobs/" in page.headers["Location"]
    queued = api.get(f"/api/v1/ledgers/{ledger_id}/downloads/json")
    assert queued.status_code == 202 and queued.json["job"]["kind"] == "download"  # type: ignore[index]
    assert run_jobs(eager_app) == 2
    ready = client.get(page.headers["Location"])
    assert "The file is ready" in ready.get_data(as_text=True)
    job = api.get(queued.headers["Location"]).json["job"]  # type: ignore[index]
    made = api.get(job["download"])
    assert made.status_code == 200 and json.loads(made.get_data())["ledger"].startswith("Central American")
    # another account cannot fetch it
    assert signed_in_client(eager_app, "bea@example.org").get(job["download"]).status_code == 404


def test_progress_only_goes_forward(app: Flask, example_xlsx: bytes) -> None:
    seen: list[int] = []
    ledger_service(app).store_upload(
        "e.xlsx",
        example_xlsx,
        user_id=make_account(app, "ana@example.org", admin=True).id,
        on_progress=lambda percent, _stage: seen.append(percent),
    )
    assert seen[0] == 5 and seen[-1] == 100
    assert seen == sorted(seen)


@pytest.fixture(scope="session")
def dense_xlsx() -> bytes:
    """Issue 14's workbook: 160,000 rows x 200 small numbers, about 3.5 MB, unpacking 130 times."""
    return dense_workbook()


def _stored_bytes(app: Flask, tmp_path: Path) -> int:
    db = _db(app)
    if db.dialect == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in tmp_path.rglob("*.db*") if p.is_file())
    with db.reading() as session:
        return int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)


def test_the_dense_workbook_is_refused_before_anything_is_stored(
    eager_app: Flask, dense_xlsx: bytes, tmp_path: Path
) -> None:
    # (its time and memory are measured by python -m benchmarks.bench_dense)
    client = token_client(eager_app, make_account(eager_app, "ana@example.org", admin=True))
    before = _stored_bytes(eager_app, tmp_path)
    # the body encoded here: the test client would spool a body this large to a file it never closes
    body, content_type = _multipart("dense.xlsx", dense_xlsx)
    response = client.post("/api/v1/ledgers", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "more than 4,000,000 cells" in response.json["error"]["detail"]  # type: ignore[index]
    with _db(eager_app).reading() as session:
        assert session.scalar(select(func.count()).select_from(JobRow)) == 0
    assert _stored_bytes(eager_app, tmp_path) - before < 1024 * 1024
