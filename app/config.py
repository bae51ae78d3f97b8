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
DEFAULT_BACKGROUND_THREADS = 2
# Failed sign-ins allowed, per address and per email (successful ones do not count).
DEFAULT_SIGNIN_RATE_LIMIT = "10 per minute; 50 per hour"


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


def settings_from_environment(env: Mapping[str, str], instance_path: Path) -> dict[str, Any]:
    """Flask settings from environment variables (DATABASE_URL, MAX_UPLOAD_MB, SECRET_KEY, ...)."""
    max_mb = _positive_number(env, "MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)
    database_url = normalized_url(
        env.get("DATABASE_URL", "").strip() or f"sqlite:///{instance_path / 'ledger.db'}"
    )
    return {
        "DATABASE_URL": database_url,
        "MAX_CONTENT_LENGTH": int(max_mb * 1024 * 1024),
        "SECRET_KEY": env.get("SECRET_KEY", "").strip() or None,
        "BACKGROUND_ABOVE_BYTES": int(
            _positive_number(env, "BACKGROUND_ABOVE_KB", DEFAULT_BACKGROUND_ABOVE_BYTES / 1024) * 1024
        ),
        "BACKGROUND_THREADS": int(_positive_number(env, "BACKGROUND_THREADS", DEFAULT_BACKGROUND_THREADS)),
        "MIGRATE_ON_START": env.get("MIGRATE_ON_START", "1").strip() not in {"0", "false", "no"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # "auto": Secure whenever the request came over https (directly, or from a trusted proxy)
        "SESSION_COOKIE_SECURE": _cookie_secure(env),
        "WTF_CSRF_TIME_LIMIT": None,  # a page left open all day can still record a decision
        # how many reverse proxies in front are trusted to say the client's address and scheme
        "PROXIES": _whole_number(env, "PROXIES", 0),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://",
        "SIGNIN_RATE_LIMIT": env.get("SIGNIN_RATE_LIMIT", "").strip() or DEFAULT_SIGNIN_RATE_LIMIT,
    }
