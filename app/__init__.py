"""The web service: upload a ledger workbook, see and decide the findings, download reports, a JSON API.

`create_app()` builds the Flask app from the environment (see app/config.py); wsgi.py exposes one for
gunicorn. The layers: app/routes/ (blueprints: parse the request, call a service, render),
app/services/ (ledgers and accounts: every database session and store call), app/storage/ (models, store,
database, packaged migrations), app/presentation/ (figures, charts, tables, JSON bodies), and
app/errors.py (the one map from errors to HTTP statuses).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from ledger.workbook.gate import Limits

from .auth import init_accounts
from .commands import register_commands
from .config import secret_key, settings_from_environment
from .errors import register_error_handlers
from .presentation import init_presentation
from .routes import register_blueprints
from .security import init_security
from .services.jobs import JobQueue, JobSettings, create_queue_tables
from .services.ledgers import PREPARE_ABOVE_CLAIMS, LedgerService
from .services.warming import Warmer
from .storage.database import Database, upgrade
from .validation import init_validation

__all__ = ["create_app"]


def job_settings(config: Mapping[str, Any]) -> JobSettings:
    """How the task queue's jobs run, from the app's settings."""
    return JobSettings(
        lease=timedelta(seconds=float(config["JOB_LEASE_SECONDS"])),
        max_attempts=int(config["JOB_ATTEMPTS"]),
        keep_for=timedelta(days=float(config["JOB_KEEP_DAYS"])),
        memory_mb=int(config["JOB_MEMORY_MB"]),
        jobs_per_worker=int(config["JOB_RECYCLE_AFTER"]),
    )


def create_app(
    overrides: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
) -> Flask:
    """The Flask app, configured from `environ` (default: the process environment), then `overrides`.

    The database is migrated to the latest version on start unless MIGRATE_ON_START is off.
    """
    env = os.environ if environ is None else environ
    instance_path = env.get("INSTANCE_PATH") or (overrides or {}).get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.update(settings_from_environment(env, instance))
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(instance)

    init_security(app)
    init_validation(app)
    register_error_handlers(app)

    url = app.config["DATABASE_URL"]
    if app.config.get("MIGRATE_ON_START", True):
        queue = app.config["QUEUE_URL"]
        upgrade(url, lock_folder=instance, then=lambda: create_queue_tables(queue))
    db = Database.connect(url)
    init_accounts(app, db)
    jobs = JobQueue(db, app.config["QUEUE_URL"], job_settings(app.config))
    service = LedgerService(
        db,
        # what one upload may hold: the app's upload limit, the reader's defaults for the rest
        limits=Limits(max_bytes=int(app.config["MAX_CONTENT_LENGTH"])),
        jobs=jobs,
        background_above_bytes=int(app.config["BACKGROUND_ABOVE_BYTES"]),
        background_above_claims=int(app.config["BACKGROUND_ABOVE_CLAIMS"]),
        prepare_above_claims=int(app.config.get("PREPARE_ABOVE_CLAIMS", PREPARE_ABOVE_CLAIMS)),
    )
    app.extensions["ledger.db"] = db
    app.extensions["ledger.ledgers"] = service
    app.extensions["ledger.jobs"] = jobs
    if app.config.get("WARM_FROM_OTHER_WORKERS", not app.testing):
        # each worker prepares the ledgers the other workers changed (app/services/warming.py)
        warmer = Warmer(service)
        warmer.start()
        app.extensions["ledger.warmer"] = warmer

    register_blueprints(app)
    register_commands(app, db)
    init_presentation(app)
    return app
