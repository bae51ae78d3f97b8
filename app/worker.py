"""The task queue's worker: `python -m app.worker` runs huey's consumer for this app's jobs (large uploads,
large ledgers' downloads) and its upkeep (stalled jobs retried, old jobs purged), configured from the same
environment as the web service (DATABASE_URL, QUEUE_URL, JOB_*; see README.md, Background work).

Each job runs in a forked worker process with a memory bound (JOB_MEMORY_MB); a worker process that dies
is replaced within a second or two, and each is replaced by a fresh one after JOB_RECYCLE_AFTER jobs, so
that memory a large job took is given back. Run as many as you like, on as many machines as share the
database and the queue.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping

from flask import Flask
from huey.consumer import Consumer

from . import create_app
from .services.jobs import JobQueue


def consumer(jobs: JobQueue, workers: int) -> Consumer:
    """huey's consumer for `jobs`: `workers` forked processes, the scheduler for the upkeep."""
    return Consumer(
        jobs.huey,
        workers=workers,
        worker_type="process",
        periodic=True,
        check_worker_health=True,
        health_check_interval=1,
        max_tasks=jobs.settings.jobs_per_worker,
        # an idle worker asks the queue at most every 2 s (PostgreSQL and Redis wake it at once)
        initial_delay=0.1,
        max_delay=2.0,
    )


def worker_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The app as a queue worker runs it: configured from the environment, with no thread of its own.

    The consumer forks its worker processes from this one. A thread inside SQLite at the moment of a fork
    leaves the locks it holds held for ever in the child (SQLite: never carry a connection across a fork),
    and the child then keeps the database's write lock; so no warmer thread here (a worker serves no pages,
    there is nothing to warm), and the connections the start-up opened are closed before the fork.
    """
    app = create_app({"WARM_FROM_OTHER_WORKERS": False}, environ=environ)
    app.extensions["ledger.db"].engine.dispose()
    return app


def main(argv: list[str] | None = None) -> int:
    """Run the consumer until it is stopped (SIGINT or SIGTERM: the jobs running are finished first)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: JOB_WORKERS, 2)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    app = worker_app()
    jobs: JobQueue = app.extensions["ledger.jobs"]
    workers = args.workers or int(app.config["JOB_WORKERS"])
    consumer(jobs, workers).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
