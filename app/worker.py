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
    app = create_app()
    jobs: JobQueue = app.extensions["ledger.jobs"]
    workers = args.workers or int(app.config["JOB_WORKERS"])
    consumer(jobs, workers).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
