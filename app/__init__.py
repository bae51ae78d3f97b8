"""The web service: upload a ledger workbook, see and decide the findings, download reports, a JSON API.

`create_app()` builds the Flask app from the environment (see app/config.py); wsgi.py exposes one for
gunicorn. Routes stay thin: they parse the request, call ledger/ and exports/ (through app/ledgers.py),
and render.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask

from .accounts import init_accounts, limit_sign_in, register_user_commands
from .config import secret_key, settings_from_environment
from .errors import register_error_handlers
from .jobs import JobRunner
from .ledgers import LedgerCache
from .security import init_security
from .storage.database import Database, upgrade

__all__ = ["create_app"]


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
    register_error_handlers(app)

    url = app.config["DATABASE_URL"]
    if app.config.get("MIGRATE_ON_START", True):
        upgrade(url, lock_folder=instance)
    db = Database.connect(url)
    init_accounts(app, db)
    cache = LedgerCache()
    app.extensions["ledger.db"] = db
    app.extensions["ledger.cache"] = cache
    app.extensions["ledger.jobs"] = JobRunner(db, cache, int(app.config["BACKGROUND_THREADS"]))

    from .account_pages import account_pages
    from .api import api
    from .pages import pages
    from .security import csrf

    # the API checks CSRF itself, for requests signed in by session cookie (a token needs none)
    csrf.exempt(api)
    app.register_blueprint(pages)
    app.register_blueprint(account_pages)
    app.register_blueprint(api)
    limit_sign_in(app)
    _register_commands(app)
    register_user_commands(app, db)
    app.jinja_env.filters.update(_filters())
    return app


def _register_commands(app: Flask) -> None:
    @app.cli.group("db")
    def db_group() -> None:
        """The database."""

    @db_group.command("upgrade")
    def db_upgrade() -> None:
        """Bring the database up to the latest migration."""
        upgrade(app.config["DATABASE_URL"], lock_folder=Path(app.instance_path))
        click.echo("database is up to date")


def _filters() -> dict[str, Any]:
    from . import presenting

    return presenting.FILTERS
