"""The command line of the app (`flask --app wsgi ...`): `db upgrade` (the migrations and the task queue's
tables), and `users create`, `users reset-password`, `users disable`, `users enable`, `users list`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from .errors import AccountProblem
from .services import accounts
from .services.jobs import create_queue_tables
from .storage import store
from .storage.database import Database, upgrade
from .storage.store import Conflict


def register_commands(app: Flask, db: Database) -> None:
    """`flask db upgrade` and the `flask users ...` commands."""
    _register_db_commands(app)
    _register_user_commands(app, db)


def _register_db_commands(app: Flask) -> None:
    @app.cli.group("db")
    def db_group() -> None:
        """The database."""

    @db_group.command("upgrade")
    def db_upgrade() -> None:
        """Bring the database up to the latest migration."""
        queue = app.config["QUEUE_URL"]
        upgrade(
            app.config["DATABASE_URL"],
            lock_folder=Path(app.instance_path),
            then=lambda: create_queue_tables(queue),
        )
        click.echo("database is up to date")


def _register_user_commands(app: Flask, db: Database) -> None:
    """`flask users create EMAIL [--admin] [--password-stdin]`, `flask users reset-password`, `flask users list`."""

    @app.cli.group("users")
    def users() -> None:
        """Accounts."""

    def read_password(from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))

    @users.command("create")
    @click.argument("email")
    @click.option("--admin", is_flag=True, help="The account can create accounts and reset passwords.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create(email: str, admin: bool, password_stdin: bool) -> None:
        """Create an account (the first administrator adopts the ledgers stored before accounts)."""
        try:
            account = accounts.create_account(db, email, read_password(password_stdin), is_admin=admin)
        except (AccountProblem, Conflict) as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"created {'administrator ' if account.is_admin else 'account '}{account.email}")

    @users.command("reset-password")
    @click.argument("email")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def reset_password(email: str, password_stdin: bool) -> None:
        """Give an account a new password (it is signed out everywhere)."""
        try:
            account = accounts.account_by_email(db, email)
            accounts.set_password(db, account.id, read_password(password_stdin))
        except AccountProblem as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"new password set for {account.email}")

    @users.command("disable")
    @click.argument("email")
    def disable(email: str) -> None:
        """Disable an account: its sessions end and its API tokens stop working at once."""
        _set_disabled(email, True)
        click.echo(f"disabled {email}")

    @users.command("enable")
    @click.argument("email")
    def enable(email: str) -> None:
        """Let a disabled account sign in again."""
        _set_disabled(email, False)
        click.echo(f"enabled {email}")

    def _set_disabled(email: str, disabled: bool) -> None:
        try:
            account = accounts.account_by_email(db, email)
        except AccountProblem as problem:
            raise click.ClickException(str(problem)) from None
        with db.transaction() as session:
            store.set_disabled(session, account.id, disabled)

    @users.command("list")
    def list_accounts() -> None:
        """Every account, administrators marked."""
        for row in accounts.list_accounts(db):
            click.echo(
                f"{row.email}{' (administrator)' if row.is_admin else ''}{' (disabled)' if row.disabled_at else ''}"
            )
