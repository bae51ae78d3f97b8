"""Settings from the environment, with defaults that work on a fresh machine and no fixed secrets."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .storage.database import normalized_url

DEFAULT_MAX_UPLOAD_MB = 20
# Uploads larger than this are read and reconciled in the background (about 5,000 claim rows).
DEFAULT_BACKGROUND_ABOVE_BYTES = 512 * 1024
# Downloads of versions with more claims than this are built by a job (the download waits on its page).
DEFAULT_BACKGROUND_ABOVE_CLAIMS = 5000
# Failed sign-ins allowed per address and email together (successful ones do not count), and per email
# from every address.
DEFAULT_SIGNIN_RATE_LIMIT = "10 per minute; 50 per hour"
DEFAULT_SIGNIN_EMAIL_RATE_LIMIT = "100 per hour"


class ConfigError(ValueError):
    """A setting in the environment cannot be used; the message names it and says what was expected."""


def _positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f'{name} is "{raw}", expected a number') from None
    if value <= 0:
        raise ConfigError(f"{name} is {raw}, expected a number above 0")
    return value


def secret_key(instance_path: Path) -> str:
    """The key kept in the instance folder, generated once (never a fixed default)."""
    path = instance_path / "secret_key"
    if path.exists():
        key = path.read_text("utf-8").strip()
        if key:
            return key
    key = secrets.token_urlsafe(48)
    # Written whole to a file readable by the owner only, then linked into place: workers starting together
    # see no key file or a whole one (never an empty one), and the first to link it wins.
    fd, written = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(key)
        try:
            os.link(written, path)
        except FileExistsError:
            return path.read_text("utf-8").strip() or key
    finally:
        os.unlink(written)
    return key


def _cookie_secure(env: Mapping[str, str]) -> bool | str:
    raw = env.get("SESSION_COOKIE_SECURE", "").strip().lower()
    if raw in {"", "auto"}:
        return "auto"
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f'SESSION_COOKIE_SECURE is "{raw}", expected 1, 0 or auto')


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f'{name} is "{raw}", expected a whole number (0 or more)')
    return int(raw)


def queue_url(env: Mapping[str, str], database_url: str, instance_path: Path) -> str:
    """Where the task queue keeps its messages: QUEUE_URL, else beside the database (a SQLite file in the
    instance folder for SQLite, the same PostgreSQL database for PostgreSQL)."""
    explicit = env.get("QUEUE_URL", "").strip()
    if explicit:
        if not explicit.startswith(("sqlite:///", "postgresql://", "postgres://", "redis://", "rediss://")):
            raise ConfigError(
                f'QUEUE_URL is "{explicit}", expected sqlite:///file, postgresql://... or redis://...'
            )
        return explicit
    if database_url.startswith("postgresql"):
        return database_url
    return f"sqlite:///{instance_path / 'queue.db'}"


def settings_from_environment(env: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """Flask settings from environment variables (DATABASE_URL, MAX_UPLOAD_MB, SECRET_KEY, ...)."""
    max_mb = _positive_number(env, "MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    database_url = normalized_url(
        env.get("DATABASE_URL", "").strip() or f"sqlite:///{instance_path / 'ledger.db'}"
    )
    return {
        "DATABASE_URL": database_url,
        "QUEUE_URL": queue_url(env, database_url, instance_path),
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024),
        "SECRET_KEY": env.get("SECRET_KEY", "").strip() or None,
        "BACKGROUND_ABOVE_BYTES": int(
            _positive_number(env, "BACKGROUND_ABOVE_KB", DEFAULT_BACKGROUND_ABOVE_BYTES / 1024) * 1024
        ),
        "BACKGROUND_ABOVE_CLAIMS": _whole_number(
            env, "BACKGROUND_ABOVE_CLAIMS", DEFAULT_BACKGROUND_ABOVE_CLAIMS
        ),
        # the task queue's workers (python -m app.worker): processes, the lease a job's attempt holds, the
        # attempts a job gets, how long ended jobs are kept, the memory one worker process may use, and
        # after how many jobs a worker process is replaced by a fresh one
        "JOB_WORKERS": int(_positive_number(env, "JOB_WORKERS", 2)),
        "JOB_LEASE_SECONDS": _positive_number(env, "JOB_LEASE_SECONDS", 60),
        "JOB_ATTEMPTS": int(_positive_number(env, "JOB_ATTEMPTS", 3)),
        "JOB_KEEP_DAYS": _positive_number(env, "JOB_KEEP_DAYS", 7),
        "JOB_MEMORY_MB": int(_positive_number(env, "JOB_MEMORY_MB", 3072)),
        "JOB_RECYCLE_AFTER": int(_positive_number(env, "JOB_RECYCLE_AFTER", 50)),
        "MIGRATE_ON_START": env.get("MIGRATE_ON_START", "1").strip() not in {"0", "false", "no"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # "auto": Secure whenever the request came over https (directly, or from a trusted proxy)
        "SESSION_COOKIE_SECURE": _cookie_secure(env),
        "WTF_CSRF_TIME_LIMIT": None,  # a page left open all day can still record a decision
        # how many reverse proxies in front are trusted to say the client's address and scheme
        "PROXIES": _whole_number(env, "PROXIES", 0),
        "SIGNIN_RATE_LIMIT": env.get("SIGNIN_RATE_LIMIT", "").strip() or DEFAULT_SIGNIN_RATE_LIMIT,
        # failed sign-ins for one email from all addresses together: slower, and never blocking a right
        # password from an address that has not failed for that email
        "SIGNIN_EMAIL_RATE_LIMIT": env.get("SIGNIN_EMAIL_RATE_LIMIT", "").strip()
        or DEFAULT_SIGNIN_EMAIL_RATE_LIMIT,
    }
