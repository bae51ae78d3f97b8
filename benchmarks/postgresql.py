"""A throwaway PostgreSQL cluster on a free localhost port in a temporary folder, for the load test
(benchmarks/load_test.py) and the tests (tests/app/conftest.py).

Debian's server programs are installed by scripts/ensure-postgresql when missing. PostgreSQL refuses to
run as root, so as root the cluster runs as the `postgres` user (created by the package; a system user is
made with useradd when it is missing). Any failure raises ClusterError with what went wrong: the tests
turn it into a failure, never a skip.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER_USER = "postgres"


class ClusterError(RuntimeError):
    """The throwaway PostgreSQL could not be installed, created or started; the message says why."""


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def server_programs() -> Path:
    """The folder holding initdb and pg_ctl, installing Debian's postgresql package when missing."""
    done = subprocess.run(
        [str(ROOT / "scripts" / "ensure-postgresql")], capture_output=True, text=True, check=False
    )
    folder = Path(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else None
    if done.returncode != 0 or folder is None or not (folder / "initdb").exists():
        raise ClusterError(f"PostgreSQL is needed and could not be installed:\n{done.stderr.strip()}")
    return folder


def _server_account() -> pwd.struct_passwd | None:
    """Whom the server runs as: None (ourselves) unless we are root, who may not run it."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        if made.returncode != 0:
            raise ClusterError(
                f"could not create the {SERVER_USER} user to run PostgreSQL: {made.stderr}"
            ) from None
        return pwd.getpwnam(SERVER_USER)


@dataclass
class Cluster:
    """A running throwaway cluster; `stop()` ends it and deletes its folder."""

    programs: Path
    folder: Path
    port: int
    account: pwd.struct_passwd | None

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one of its databases (psycopg 3; local trust authentication)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); its name."""
        name = f"t_{secrets.token_hex(6)}"
        with self._connect() as connection:
            copy = f' TEMPLATE "{template}"' if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{copy}'.encode())
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections are left on it."""
        with self._connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        _run(
            self.account,
            [str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            self.folder,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(
    account: pwd.struct_passwd | None, command: list[str], cwd: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    as_user: dict[str, object] = (
        {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, **as_user)  # type: ignore[call-overload]
    if check and done.returncode != 0:
        raise ClusterError(
            f"{Path(command[0]).name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    result: subprocess.CompletedProcess[str] = done
    return result


def start_cluster(max_connections: int = 300) -> Cluster:
    """initdb a cluster in a new temporary folder and start it on a free 127.0.0.1 port.

    Durability is traded for speed (fsync off): the cluster is thrown away at the end.
    """
    programs = server_programs()
    account = _server_account()
    folder = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
    try:
        if account is not None:
            os.chown(folder, account.pw_uid, account.pw_gid)
        folder.chmod(0o700)
        _run(
            account,
            [
                str(programs / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            folder,
        )
        port = free_port()
        options = " ".join(
            (
                f"-p {port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={folder}",
                f"-c max_connections={max_connections}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
            )
        )
        _run(
            account,
            [
                str(programs / "pg_ctl"),
                "-D",
                str(folder / "data"),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            folder,
        )
    except (ClusterError, OSError) as error:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise ClusterError(f"the throwaway PostgreSQL did not start: {error}\n{detail}") from error
    return Cluster(programs, folder, port, account)
