"""The app factory, its settings, the secure headers and the error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import ConfigError, settings_from_environment

from .conftest import close_app, make_account, token_client


def test_settings_have_safe_defaults(tmp_path: Path) -> None:
    settings = settings_from_environment({}, tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'ledger.db'}"
    assert settings["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert settings["SECRET_KEY"] is None


def test_settings_read_the_environment(tmp_path: Path) -> None:
    settings = settings_from_environment(
        {"DATABASE_URL": "postgresql://db/ledger", "MAX_UPLOAD_MB": "5", "SECRET_KEY": "s3cret"}, tmp_path
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/ledger"  # psycopg 3, not psycopg2
    assert settings["MAX_CONTENT_LENGTH"] == 5 * 1024 * 1024
    assert settings["SECRET_KEY"] == "s3cret"


def test_a_bad_setting_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='MAX_UPLOAD_MB is "lots", expected a number'):
        settings_from_environment({"MAX_UPLOAD_MB": "lots"}, tmp_path)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = create_app({"TESTING": True}, environ={"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"TESTING": True}, environ={"INSTANCE_PATH": str(tmp_path)})
    other = create_app({"TESTING": True}, environ={"INSTANCE_PATH": str(tmp_path / "other")})
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.config["SECRET_KEY"] != other.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_database_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    app = create_app({"TESTING": True}, environ={"INSTANCE_PATH": str(tmp_path)})
    with app.extensions["ledger.db"].engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    close_app(app)


def test_pages_carry_secure_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "onclick" not in page
    assert '<script src="/static/upload.js" defer></script>' in page


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_unknown_api_address_is_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json is not None and response.json["error"]["status"] == 404


def test_too_large_upload_is_a_friendly_413(tmp_path: Path) -> None:
    small = create_app(
        {"TESTING": True, "MAX_CONTENT_LENGTH": 2**20}, environ={"INSTANCE_PATH": str(tmp_path)}
    )
    too_much = b"x" * (2**20 + 1)
    response = token_client(small, make_account(small, "ana@example.org", admin=True)).post(
        "/api/v1/ledgers", data=too_much, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert response.json is not None
    assert "Uploads can be at most 1 MB" in response.json["error"]["detail"]
    page = small.test_client().post("/ledgers", data=too_much, content_type="application/octet-stream")
    assert page.status_code == 413
    assert "The file is too large" in page.get_data(as_text=True)
    close_app(small)


def test_a_crash_shows_no_stack_trace(app: Flask) -> None:
    make_account(app, "ana@example.org", admin=True)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in text
    assert "secret internals" not in text and "Traceback" not in text


def test_forms_need_a_csrf_token(client: FlaskClient) -> None:
    response = client.post("/example")
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_migrations_can_be_run_from_the_command_line(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
