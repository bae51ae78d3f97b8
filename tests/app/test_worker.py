"""The queue worker's app: the process huey's consumer forks its worker processes from."""

from __future__ import annotations

import threading
from pathlib import Path

from app import create_app
from app.worker import worker_app


def test_a_queue_worker_starts_no_thread_before_it_forks(tmp_path: Path) -> None:
    # a thread inside SQLite at a fork leaves its locks held in the child, which then keeps the write lock
    environ = {"INSTANCE_PATH": str(tmp_path)}
    before = threading.active_count()
    worker = worker_app(environ)
    assert threading.active_count() == before
    assert "ledger.warmer" not in worker.extensions
    web = create_app(environ=environ)  # a web worker does warm: the pages it serves are made ready
    try:
        assert "ledger.warmer" in web.extensions
    finally:
        web.extensions["ledger.warmer"].stop()
