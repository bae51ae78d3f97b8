"""Fixtures for the web tests: an app on a fresh SQLite in a temporary folder, workbooks to upload."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from ledger import example_ledger
from ledger.workbook_writing import write_ledger


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The app with CSRF on, as in production, on its own SQLite database."""
    instance = tmp_path / "instance"
    flask_app = create_app({"TESTING": True}, environ={"INSTANCE_PATH": str(instance)})
    yield flask_app
    flask_app.extensions["ledger.jobs"].shutdown()
    flask_app.extensions["ledger.db"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token a page's forms carry (the session cookie is kept by the client)."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the home page has no CSRF token"
    return found.group(1)


@pytest.fixture(scope="session")
def example_xlsx() -> bytes:
    """The worked example as a ledger workbook."""
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return buffer.getvalue()


def edited_workbook(content: bytes, edits: dict[tuple[str, str, str], object]) -> bytes:
    """The workbook with some cells changed: {(sheet, claim id or row number, header): value}."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for (sheet_name, row_key, header), value in edits.items():
        sheet = book[sheet_name]
        headers = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value}
        for row in sheet.iter_rows(min_row=2):
            if str(row[0].value) == row_key or str(row[0].row) == row_key:
                sheet.cell(row=int(row[0].row or 0), column=headers[header], value=value)  # type: ignore[call-overload]
                break
        else:
            raise KeyError(f"no row {row_key} in {sheet_name}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def broken_xlsx(example_xlsx: bytes) -> bytes:
    """The example with an amount that is not a number and a claim citing a source that does not exist."""
    return edited_workbook(
        example_xlsx,
        {("Claims", "BBC-2", "Amount"): "3OOm", ("Claims", "CNN-4", "Source"): "NOPE"},
    )


def upload(client: FlaskClient, path: str, content: bytes, name: str = "ledger.xlsx", **fields: str):  # type: ignore[no-untyped-def]
    """POST a workbook as a multipart form."""
    data: dict[str, object] = {"workbook": (io.BytesIO(content), name), **fields}
    return client.post(path, data=data, content_type="multipart/form-data")
