"""Bad input never gives a 500: ids and numbers in addresses, control characters in forms and file names,
links that only ever go to web or mail addresses."""

from __future__ import annotations

import io

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.presentation.figures import safe_url

from ..conftest import csrf_token, upload


def _ledger(client: FlaskClient, content: bytes, name: str = "e.xlsx") -> str:
    response = upload(client, "/ledgers", content, name, csrf_token=csrf_token(client))
    assert response.status_code == 303
    return str(response.headers["Location"]).rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "query",
    ["version=99999999999999999999", "version=0", "version=-1", "version=abc", "version=1e3", "version=٣"],
)
def test_a_version_that_cannot_be_one_is_a_404(client: FlaskClient, example_xlsx: bytes, query: str) -> None:
    ledger_id = _ledger(client, example_xlsx)
    for path in (
        f"/ledgers/{ledger_id}",
        f"/api/v1/ledgers/{ledger_id}",
        f"/ledgers/{ledger_id}/download/json",
    ):
        assert client.get(f"{path}?{query}").status_code == 404, path
    assert client.get(f"/ledgers/{ledger_id}?version=1").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/ledgers/%00abc",
        "/ledgers/" + "a" * 500,
        "/ledgers/abc%0Adef",
        "/jobs/%00",
        "/api/v1/jobs/" + "j" * 300,
        "/api/v1/ledgers/x%00y/findings",
        "/ledgers/abc/versions/99999999999999999999/original",
        "/ledgers/abc/versions/0/original",
    ],
)
def test_ids_and_numbers_in_addresses_that_cannot_be_are_a_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, response.get_data(as_text=True)[:300]


def test_numbers_past_the_databases_integers_in_form_addresses_are_a_404(client: FlaskClient) -> None:
    token = csrf_token(client)
    for path in (
        "/settings/tokens/99999999999999999999/revoke",
        "/admin/users/99999999999999999999/password",
    ):
        assert client.post(path, data={"csrf_token": token, "password": "x" * 12}).status_code == 404


def test_control_characters_in_forms_and_queries_are_a_400(client: FlaskClient) -> None:
    token = csrf_token(client)
    refused = client.post("/settings/tokens", data={"csrf_token": token, "name": "night\x00ly"})
    assert refused.status_code == 400 and "control characters" in refused.get_data(as_text=True)
    assert client.get("/signin?next=/x%00y").status_code == 400
    assert (
        client.post(
            "/signin", data={"csrf_token": token, "email": "a\x00@example.org", "password": "p"}
        ).status_code
        == 400
    )


def test_control_characters_are_stripped_from_stored_file_names(
    client: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_id = _ledger(client, example_xlsx, "led\x00ger\u202e\x072011.xlsx")
    page = client.get(f"/ledgers/{ledger_id}").get_data(as_text=True)
    assert "ledger2011.xlsx" in page and "\x00" not in page
    original = client.get(f"/ledgers/{ledger_id}/versions/1/original")
    assert original.status_code == 200 and original.data == example_xlsx
    assert "ledger2011.xlsx" in original.headers["Content-Disposition"]
    assert original.headers["X-Content-Type-Options"] == "nosniff"  # our headers, not a bare server error


def test_a_very_long_file_name_is_shortened_keeping_its_suffix(
    client: FlaskClient, example_xlsx: bytes
) -> None:
    ledger_id = _ledger(client, example_xlsx, "x" * 400 + ".xlsx")
    original = client.get(f"/ledgers/{ledger_id}/versions/1/original")
    assert original.status_code == 200 and ".xlsx" in original.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.bbc.co.uk/news/world-13858366", True),
        ("HTTP://example.org/a?b=c#d", True),
        ("mailto:press@example.org", True),
        ("javascript:alert(document.cookie)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
        ("//evil.example/x", False),
        ("https://exa\tmple.org/", False),
        ("https://", False),
    ],
)
def test_only_web_and_mail_addresses_become_links(url: str, linked: bool) -> None:
    assert (safe_url(url) is not None) is linked


def test_a_javascript_source_url_is_shown_as_text_not_a_link(
    app: Flask, client: FlaskClient, example_xlsx: bytes
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(example_xlsx))
    sources = book["Sources"]
    headers = [cell.value for cell in sources[1]]
    url_column = headers.index("URL") + 1
    sources.cell(row=2, column=url_column, value="javascript:alert(document.cookie)")
    sources.cell(row=3, column=url_column, value="https://example.org/story")
    buffer = io.BytesIO()
    book.save(buffer)
    page = client.get(f"/ledgers/{_ledger(client, buffer.getvalue())}").get_data(as_text=True)
    # not a link: the title, with the address beside it as text for the analyst to see
    assert 'href="javascript:' not in page.lower() and "(javascript:alert(document.cookie))" in page
    assert 'href="https://example.org/story"' in page
