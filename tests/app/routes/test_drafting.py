"""The drafting pages through the Flask test client, with CSRF on: what an analyst sees when they paste the
CNN report of the worked example (read from ../shared/articles), tick, correct and add, and when they
send what cannot be drafted."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.services.accounts import account_by_email
from app.services.drafting import MAX_TEXT_CHARS
from app.services.ledgers import LedgerView

from ..articles import article
from ..conftest import ADMIN_EMAIL, csrf_token, ledger_service, signed_in_client


def _open_example(client: FlaskClient) -> str:
    response = client.post("/example", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    return response.headers["Location"].split("#")[0].rsplit("/", 1)[1]


def _article_form(client: FlaskClient, **fields: str) -> dict[str, str]:
    cnn = article("cnn")
    return {
        "csrf_token": csrf_token(client),
        "text": cnn["text"],
        "publisher": "CNN",
        "title": cnn["title"],
        "date": cnn["date"],
        "url": "",
        **fields,
    }


def _carried(page: str) -> dict[str, Any]:
    """What the drafts page's form sends back when its add button is pressed: the hidden fields, the text,
    every draft field as shown, and the ticked boxes."""
    form = re.search(r'<form method="post" action="[^"]+" class="drafts-form".*?</form>', page, re.S)
    assert form, "the drafts page has no form"
    body = form.group(0)
    data: dict[str, Any] = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input (?:type="hidden" )?name="([\w-]+)"[^>]*? value="([^"]*)"', body
        )
        if name != "take"
    }
    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', body, re.S)
    assert text, "the drafts page does not carry the text"
    data["text"] = html.unescape(text.group(1))
    for name, value in re.findall(r'<input id="(D\d+-[a-z_]+)" name="\1" type="text" value="([^"]*)"', body):
        data[name] = html.unescape(value)
    for name, options in re.findall(r'<select id="(D\d+-[a-z_]+)" name="\1"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = html.unescape(chosen.group(1)) if chosen else ""
    data["take"] = re.findall(r'name="take" value="(D\d+)" id="take-D\d+" checked', body)
    return data


def _view(app: Flask, ledger_id: str) -> LedgerView:
    """The ledger's newest version as its owner, Ana, sees it."""
    service = ledger_service(app)
    return service.view(ledger_id, user_id=account_by_email(service.db, ADMIN_EMAIL).id)


def _versions(app: Flask, ledger_id: str) -> int:
    return len(_view(app, ledger_id).versions)


def test_home_and_a_ledger_lead_to_the_article_form(client: FlaskClient) -> None:
    home = client.get("/").get_data(as_text=True)
    assert 'href="/draft"' in home and "Start from an article" in home
    ledger_id = _open_example(client)
    page = client.get(f"/ledgers/{ledger_id}").get_data(as_text=True)
    assert f'href="/ledgers/{ledger_id}/draft"' in page and "added as version 2" in page
    form = client.get(f"/ledgers/{ledger_id}/draft").get_data(as_text=True)
    assert "<h1>Add claims from an article</h1>" in form
    for label in ("Paste the article", "or choose a file", "Publisher", "Title", "Date", "Address (URL)"):
        assert label in form
    assert 'name="csrf_token"' in form and 'enctype="multipart/form-data"' in form


def test_the_cnn_report_is_drafted_beside_its_text_with_every_figure_marked(
    app: Flask, client: FlaskClient
) -> None:
    ledger_id = _open_example(client)
    response = client.post(f"/ledgers/{ledger_id}/draft", data=_article_form(client))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Check the drafts</h1>" in page
    assert "4 claims drafted from CNN, 2011-06-22" in page
    assert "as version 2" in page and "Nothing is stored until you add" in page
    # the figures highlighted in the text: each claim leads to its draft, the cocaine market to its row
    assert re.search(
        r'<a class="fig claim" href="#draft-D1" id="figure-D1" title="[^"]+">\$1 billion</a>', page
    )
    market = re.search(
        r'<a class="fig skipped" href="#draft-(D\d)" id="figure-D\d" title="Not a claim: ([^"]+)">\$35 billion</a>',
        page,
    )
    assert market, "the $35 billion cocaine market is not marked as a figure not taken"
    # the claims ticked, the market unticked; each says why and how sure
    ticks = dict(re.findall(r'name="take" value="(D\d+)" id="take-D\d+"( checked)?', page))
    assert ticks == {
        "D1": " checked",
        "D2": " checked",
        "D3": " checked",
        "D4": " checked",
        market.group(1): "",
    }
    assert len(re.findall(r'data-testid="confidence">\d+% sure', page)) == 5
    assert "<strong>not a claim</strong>: a market or economic figure" in page
    # every field editable, as drafted: the World Bank's loan over the next two years
    assert 'id="D1-donor" name="D1-donor" type="text" value="World Bank"' in page
    assert 'id="D1-amount" name="D1-amount" type="text" value="1,000,000,000"' in page
    assert 'id="D1-period" name="D1-period" type="text" value="2011-06-22 to 2013-06-21"' in page
    assert re.search(
        r'<select id="D1-instrument" name="D1-instrument"[^>]*>.*?<option value="loan" selected>', page, re.S
    )
    assert "Add <span data-count>4</span> ticked claim<span data-plural>s</span>" in page
    assert _versions(app, ledger_id) == 1  # nothing stored by drafting


def test_adding_the_ticked_drafts_makes_the_next_version_through_the_upload_path(
    app: Flask, client: FlaskClient
) -> None:
    ledger_id = _open_example(client)
    page = client.post(f"/ledgers/{ledger_id}/draft", data=_article_form(client)).get_data(as_text=True)
    sent = _carried(page)
    sent["take"] = [t for t in sent["take"] if t != "D4"]  # Obama's $200m left out
    sent["D3-amount"] = "290m"  # corrected
    response = client.post(f"/ledgers/{ledger_id}/draft/add", data=sent)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ledgers/{ledger_id}#changes"
    ledger = client.get(f"/ledgers/{ledger_id}").get_data(as_text=True)
    assert "Version 2 of 2" in ledger
    added = re.search(r"<strong>Claims added \((\d+)\):</strong> ([^<]*)</li>", ledger)
    assert added, "the ledger page does not say which claims were added"
    assert added.group(2) == "CNN-2-1, CNN-2-2, CNN-2-3"  # a new source beside the example's CNN
    stored = {c.id: c for c in _view(app, ledger_id).result.ledger.claims}
    assert stored["CNN-2-1"].donor == "World Bank" and stored["CNN-2-1"].instrument.value == "loan"
    assert stored["CNN-2-3"].amount.amount == Decimal("290000000")  # as corrected
    assert "CNN-2-4" not in stored  # left unticked
    assert "The World Bank will support Central American security efforts with $1 billion in loans" in ledger
    # the stored version is a real ledger workbook, downloadable as the original upload
    original = client.get(f"/ledgers/{ledger_id}/versions/2/original")
    assert original.status_code == 200 and original.data[:2] == b"PK"
    assert "drafted-CNN-2011-06-22.xlsx" in original.headers["Content-Disposition"]


def test_a_new_ledger_from_an_article(client: FlaskClient) -> None:
    page = client.post("/draft", data=_article_form(client, name="Guatemala conference")).get_data(
        as_text=True
    )
    assert "as a new ledger" in page
    response = client.post("/draft/add", data=_carried(page))
    assert response.status_code == 303
    ledger = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "<h1>Guatemala conference</h1>" in ledger
    assert "4 claims from 1 sources" in ledger


@pytest.mark.parametrize(
    ("fields", "field_id", "words"),
    [
        ({"text": "   "}, "article-text", "paste the article&#39;s text, or choose a .txt or .html file"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "article-text", "drafting takes at most 200,000"),
        (
            {"date": "22/06/2011"},
            "source-date",
            "&#34;22/06/2011&#34; is not a date; expected e.g. 2011-06-22",
        ),
    ],
    ids=["empty", "too long", "bad date"],
)
def test_bad_input_is_named_at_its_field_and_the_input_kept(
    client: FlaskClient, fields: dict[str, str], field_id: str, words: str
) -> None:
    response = client.post("/draft", data=_article_form(client, publisher="CNN wire", **fields))
    assert response.status_code in {400, 413}
    page = response.get_data(as_text=True)
    assert "A new ledger from an article" in page  # the form again
    assert words in page
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', page)
    assert 'value="CNN wire"' in page  # what was typed is kept
    if "text" not in fields:
        assert "The World Bank will support Central American security" in page


def test_a_wrong_field_is_shown_at_its_draft_and_nothing_is_stored(app: Flask, client: FlaskClient) -> None:
    ledger_id = _open_example(client)
    page = client.post(f"/ledgers/{ledger_id}/draft", data=_article_form(client)).get_data(as_text=True)
    sent = {**_carried(page), "D2-amount": "2OOm", "D2-donor": "Bank of Guatemala"}
    response = client.post(f"/ledgers/{ledger_id}/draft/add", data=sent)
    assert response.status_code == 422
    again = response.get_data(as_text=True)
    assert "1 problem; nothing was added" in again
    assert '<a href="#D2-amount">draft D2, amount: &#34;2OOm&#34; is not a number' in again
    assert 'id="D2-amount" name="D2-amount" type="text" value="2OOm"' in again  # kept as typed
    assert 'value="Bank of Guatemala"' in again
    assert _versions(app, ledger_id) == 1


def test_nothing_ticked_adds_nothing(app: Flask, client: FlaskClient) -> None:
    ledger_id = _open_example(client)
    page = client.post(f"/ledgers/{ledger_id}/draft", data=_article_form(client)).get_data(as_text=True)
    response = client.post(f"/ledgers/{ledger_id}/draft/add", data={**_carried(page), "take": []})
    assert response.status_code == 400
    assert "Tick at least one draft" in response.get_data(as_text=True)
    assert _versions(app, ledger_id) == 1


def test_a_viewer_cannot_draft_into_the_ledger_and_a_form_without_its_token_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    ledger_id = _open_example(client)
    viewer = signed_in_client(app, "vic@example.org")
    owner_page = client.get(f"/ledgers/{ledger_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', owner_page)
    assert token
    client.post(
        f"/ledgers/{ledger_id}/shares",
        data={"csrf_token": token.group(1), "email": "vic@example.org", "role": "viewer"},
    )
    assert "Add claims from an article" not in viewer.get(f"/ledgers/{ledger_id}").get_data(as_text=True)
    assert viewer.get(f"/ledgers/{ledger_id}/draft").status_code == 403
    assert viewer.post(f"/ledgers/{ledger_id}/draft", data=_article_form(viewer)).status_code == 403
    forged: TestResponse = client.post(
        f"/ledgers/{ledger_id}/draft", data={**_article_form(client), "csrf_token": ""}
    )
    assert forged.status_code == 400 and "The form expired" in forged.get_data(as_text=True)
