"""Large uploads in the background: a job with progress, a page that refreshes until done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.services.jobs import job_state
from app.storage import store
from app.storage.database import Database
from app.storage.models import now

from ..conftest import (
    close_app,
    csrf_token,
    ledger_service,
    make_account,
    make_app,
    signed_in_client,
    token_client,
    upload,
)


@pytest.fixture
def eager_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app that sends every upload to the background."""
    flask_app = make_app(tmp_path, database_url, BACKGROUND_ABOVE_BYTES=0)
    yield flask_app
    close_app(flask_app)


def _wait(app: Flask) -> None:
    app.extensions["ledger.jobs"].wait_for_idle()


def test_large_upload_runs_in_the_background_and_opens_when_done(
    eager_app: Flask, example_xlsx: bytes
) -> None:
    client = signed_in_client(eager_app, "ana@example.org", admin=True)
    response = upload(client, "/ledgers", example_xlsx, "big.xlsx", csrf_token=csrf_token(client))
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    _wait(eager_app)
    done = client.get(response.headers["Location"])
    assert done.status_code == 303 and "/ledgers/" in done.headers["Location"]
    assert "Central American Security Conference 2011" in client.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_a_failed_background_upload_shows_its_problems(eager_app: Flask, broken_xlsx: bytes) -> None:
    client = signed_in_client(eager_app, "ana@example.org", admin=True)
    job_url = upload(client, "/ledgers", broken_xlsx, "broken.xlsx", csrf_token=csrf_token(client)).headers[
        "Location"
    ]
    _wait(eager_app)
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
    assert job["state"] in {"queued", "running", "done"} and response.headers["Location"] == job["url"]
    _wait(eager_app)
    polled = client.get(f"/api/v1/jobs/{job['id']}").json["job"]  # type: ignore[index]
    assert polled["state"] == "done" and polled["progress"] == 100
    assert client.get(f"/api/v1/ledgers/{polled['ledger']}").status_code == 200
    failed_id = upload(client, "/api/v1/ledgers", broken_xlsx, "broken.xlsx").json["job"]["id"]
    _wait(eager_app)
    failed = client.get(f"/api/v1/jobs/{failed_id}").json["job"]  # type: ignore[index]
    assert failed["state"] == "failed" and failed["error"]["status"] == 422
    assert any(p["origin"]["cell"] == "Claims!G3" for p in failed["error"]["problems"])


def test_running_job_page_shows_progress_and_refreshes(app: Flask, client: FlaskClient) -> None:
    db: Database = app.extensions["ledger.db"]
    ana = make_account(app, "ana@example.org", admin=True)
    with db.transaction() as s:
        job_id = store.create_job(s, "huge.xlsx", None, ana.id).id
        store.update_job(s, job_id, state="running", progress=40, stage="finding the double counting")
    page = client.get(f"/jobs/{job_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 202
    assert '<meta http-equiv="refresh" content="2">' in text
    assert '<progress id="progress" max="100" value="40">' in text
    assert "Finding the double counting" in text


def test_a_job_not_heard_from_for_long_is_failed(app: Flask) -> None:
    db: Database = app.extensions["ledger.db"]
    with db.transaction() as s:
        job = store.create_job(s, "lost.xlsx", None)
        job.updated_at = now() - timedelta(hours=2)
    with db.reading() as s:
        assert job_state(store.get_job(s, job.id)).state == "failed"


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
