"""Ledgers kept tidy: rename, archive, delete (the owner only, deletion confirmed by the name and leaving
nothing but its record), owners and "shared with you", last changed counting decisions, the example once,
an empty workbook refused, a failed new version back at that ledger's upload form."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.storage.models import DecisionRow, LedgerEventRow, LedgerRow, VersionRow

from ..conftest import csrf_token, database, signed_in_client, upload


def _example(client: FlaskClient) -> str:
    location: str = client.post("/example", data={"csrf_token": csrf_token(client)}).headers["Location"]
    return location


def test_the_example_is_opened_once_per_account(app: Flask, client: FlaskClient) -> None:
    first = _example(client)
    assert _example(client) == first
    other = signed_in_client(app, "bea@example.org")
    assert _example(other) != first
    assert client.get("/").get_data(as_text=True).count('<span class="badge">example</span>') == 1


def test_rename_archive_and_bring_back(client: FlaskClient) -> None:
    url = _example(client)
    token = csrf_token(client)
    assert (
        client.post(f"{url}/rename", data={"csrf_token": token, "name": "  Guatemala  2011 "}).status_code
        == 303
    )
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Guatemala 2011" in page
    assert "was <strong>renamed</strong> from “Central American Security Conference 2011”" in page
    assert client.post(f"{url}/rename", data={"csrf_token": token, "name": "   "}).status_code == 400
    assert client.post(f"{url}/archive", data={"csrf_token": token, "archived": "1"}).status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Guatemala 2011" not in home.split('id="ledgers"')[1] and "Archived (1)" in home
    assert "Guatemala 2011" in client.get("/?list=archived").get_data(as_text=True)
    client.post(f"{url}/archive", data={"csrf_token": token, "archived": "0"})
    assert "Guatemala 2011" in client.get("/").get_data(as_text=True).split('id="ledgers"')[1]


def test_delete_needs_the_name_and_keeps_nothing_but_its_record(app: Flask, client: FlaskClient) -> None:
    url = _example(client)
    ledger_id = url.rsplit("/", 1)[1]
    token = csrf_token(client)
    finding = re.findall(r'id="finding-([^"]+)"', client.get(url).get_data(as_text=True))[0]
    client.post(f"{url}/findings/{finding}/decision", data={"csrf_token": token, "decision": "accept"})
    wrong = client.post(f"{url}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.get_data(as_text=True)
    done = client.post(
        f"{url}/delete", data={"csrf_token": token, "confirm": "central american security conference 2011"}
    )
    assert done.status_code == 303
    assert client.get(url).status_code == 404
    home = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "is deleted" in home and "Deleted by you: “Central American Security Conference 2011”" in home
    with database(app).reading() as session:
        for column in (LedgerRow.id, VersionRow.ledger_id, DecisionRow.ledger_id):
            assert session.scalar(select(func.count()).where(column == ledger_id)) == 0
        events = session.scalars(select(LedgerEventRow).where(LedgerEventRow.ledger_id == ledger_id)).all()
        assert [(e.action, e.by) for e in events] == [("deleted", "ana@example.org")]
    # deleting the example lets the next click open a fresh one
    assert _example(client) != url


def test_only_the_owner_renames_archives_or_deletes(app: Flask, client: FlaskClient) -> None:
    url = _example(client)
    token = csrf_token(client)
    editor = signed_in_client(app, "eve@example.org")
    client.post(f"{url}/shares", data={"csrf_token": token, "email": "eve@example.org", "role": "editor"})
    theirs = csrf_token(editor)
    for action, data in (
        ("rename", {"name": "x"}),
        ("archive", {"archived": "1"}),
        ("delete", {"confirm": "x"}),
    ):
        assert editor.post(f"{url}/{action}", data={"csrf_token": theirs, **data}).status_code == 403
    shared = editor.get("/?list=shared").get_data(as_text=True)
    assert "ana@example.org" in shared and "shared with you as editor" in shared
    assert "Nobody has shared" in client.get("/?list=shared").get_data(as_text=True)


def test_last_changed_counts_decisions(client: FlaskClient) -> None:
    first = _example(client)
    token = csrf_token(client)
    second = upload(
        client, "/ledgers", client.get(f"{first}/download/workbook").data, "second.xlsx", csrf_token=token
    )
    second_url = second.headers["Location"]

    def order() -> list[str]:
        return re.findall(
            r'<th scope="row"><a href="/ledgers/([^"]+)"', client.get("/").get_data(as_text=True)
        )

    assert order()[0] == second_url.rsplit("/", 1)[1]
    finding = re.findall(r'id="finding-([^"]+)"', client.get(first).get_data(as_text=True))[0]
    client.post(f"{first}/findings/{finding}/decision", data={"csrf_token": token, "decision": "accept"})
    assert order()[0] == first.rsplit("/", 1)[1]


def test_an_empty_workbook_is_refused(client: FlaskClient) -> None:
    blank = client.get("/template.xlsx").data
    response = upload(client, "/ledgers", blank, "ledger-template.xlsx", csrf_token=csrf_token(client))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "has no claims" in page and "fill in at least one row of its Claims sheet" in page
    assert "No ledgers yet" in client.get("/").get_data(as_text=True)


def test_a_failed_new_version_returns_to_that_ledgers_upload_form(
    client: FlaskClient, broken_xlsx: bytes
) -> None:
    url = _example(client)
    response = upload(client, f"{url}/versions", broken_xlsx, "v2.xlsx", csrf_token=csrf_token(client))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Claims!G3" in page
    assert f'action="{url}/versions"' in page and "as a new version of the ledger" in page
    assert f'href="{url}"' in page
    wrong_type = upload(client, f"{url}/versions", b"%PDF", "v2.pdf", csrf_token=csrf_token(client))
    assert wrong_type.status_code == 415 and f'action="{url}/versions"' in wrong_type.get_data(as_text=True)
