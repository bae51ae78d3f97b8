"""The load test, small enough for the normal suite (the bigger run: python -m benchmarks.load_test).

Several gunicorn workers and separate queue worker processes, one database, clients uploading versions of
one ledger (some through the queue) and deciding its findings at once, a queue worker killed halfway:
nothing the server said it stored may be missing or stored twice, version numbers stay 1..n, every
background upload ends stored, and no request fails. Deselect with `-m "not load"`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.load_test import LoadResult, run_postgresql, run_sqlite
from benchmarks.postgresql import Cluster

pytestmark = pytest.mark.load


def _holds(result: LoadResult, requests: int) -> None:
    print(result.report())
    assert len(result.outcomes) == requests
    assert result.errors == 0, result.errors_sample
    assert result.lost_uploads == () and result.duplicated_uploads == ()
    assert result.lost_decisions == () and result.duplicated_decisions == ()
    assert result.version_numbers_ok
    assert {o.operation for o in result.outcomes} == {"upload", "background", "decide", "read"}
    # a queue worker process was killed halfway, and every upload sent through the queue was still stored
    assert result.killed_worker and result.unfinished_jobs == ()
    assert result.replays > 0  # decisions sent twice under one key were answered as the first time
    assert 0 < result.percentile(0.5) <= result.percentile(0.95) <= result.percentile(0.99)


def test_concurrent_uploads_and_decisions_on_postgresql(tmp_path: Path, postgresql: Cluster) -> None:
    # eight requests a client: each client makes every kind of request once round (see load_test._client)
    result = run_postgresql(tmp_path, workers=3, clients=12, requests=96, ledgers=1, cluster=postgresql)
    _holds(result, 96)


def test_concurrent_uploads_and_decisions_on_sqlite(tmp_path: Path) -> None:
    # SQLite: one writer at a time (WAL; writers begin IMMEDIATE and wait up to the busy timeout)
    result = run_sqlite(tmp_path, workers=2, clients=8, requests=64, ledgers=1)
    _holds(result, 64)
