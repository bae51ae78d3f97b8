"""The drafting service: an article's form checked (every problem at once), a saved web page read, the
ticked drafts written as a real ledger workbook and stored through the upload path, and nothing stored
when the ledger moved on meanwhile or a field is wrong."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask

from app.errors import DraftingProblems, DraftsChanged, NoDraftChosen, UnsupportedLanguage
from app.services.drafting import (
    MAX_TEXT_CHARS,
    ArticleForm,
    Choices,
    add_drafts,
    chosen_drafts,
    draft_article,
    edits_from_form,
    read_article_form,
    workbook_bytes,
)
from app.services.ledgers import LedgerService
from app.storage import store
from ledger import example_ledger
from ledger.workbook import load_workbook

from ..articles import article
from ..conftest import ledger_service, make_account


def _cnn(**fields: str) -> ArticleForm:
    cnn = article("cnn")
    given = {"text": cnn["text"], "publisher": "CNN", "title": cnn["title"], "date": cnn["date"], **fields}
    return ArticleForm(**given)


def test_every_problem_with_the_article_is_named_at_once() -> None:
    with pytest.raises(DraftingProblems) as raised:
        read_article_form(ArticleForm(text=" \r\n ", date="June 22", url="u" * 3000))
    assert [(p.field, p.message) for p in raised.value.fields] == [
        ("text", "paste the article's text, or choose a .txt or .html file"),
        ("date", '"June 22" is not a date; expected e.g. 2011-06-22'),
        ("url", "is 3,000 characters long; at most 2,000"),
    ]
    with pytest.raises(DraftingProblems) as too_long:
        read_article_form(ArticleForm(text="a" * (MAX_TEXT_CHARS + 1)))
    assert too_long.value.status == 413
    with pytest.raises(DraftingProblems) as not_text:
        read_article_form(ArticleForm(file_name="cnn.pdf", content=b"%PDF-1.4"))
    assert not_text.value.status == 415 and "choose a .txt or .html file" in not_text.value.fields[0].message


def test_a_saved_web_page_gives_its_text_title_and_date() -> None:
    page = (
        "<html><head><title>World Bank pledges $1 billion</title>"
        '<meta property="og:site_name" content="CNN">'
        '<meta property="article:published_time" content="2011-06-22T10:00:00Z"></head>'
        "<body><script>var x = '$5 billion';</script><p>The World Bank will support Central American "
        "security efforts with $1 billion in loans for the next two years.</p></body></html>"
    )
    read = read_article_form(ArticleForm(file_name="cnn.html", content=page.encode(), publisher=""))
    assert read.source.publisher == "CNN" and read.source.date == date(2011, 6, 22)
    assert "$5 billion" not in read.text and read.text.startswith("The World Bank will support")
    assert [d.amount for d in draft_article(read).drafts] == [1_000_000_000]


def test_line_breaks_from_a_browser_draft_to_the_same_figures() -> None:
    plain = read_article_form(_cnn())
    windows = read_article_form(_cnn(text=article("cnn")["text"].replace("\n", "\r\n")))
    assert plain.text == windows.text
    assert [d.figure.span for d in draft_article(plain).drafts] == [
        d.figure.span for d in draft_article(windows).drafts
    ]


def test_a_text_not_in_english_is_refused_rather_than_drafted() -> None:
    german = (
        "Die Weltbank wird die Sicherheit in Mittelamerika in den nächsten zwei Jahren mit Krediten über "
        "eine Milliarde Dollar unterstützen, berichteten die staatlichen Medien am Mittwoch. Das Geld kommt "
        "zu den 200 Millionen Dollar hinzu, die die Bank bereits bereitgestellt hat."
    )
    with pytest.raises(UnsupportedLanguage) as raised:
        draft_article(read_article_form(ArticleForm(text=german)))
    assert "English" in raised.value.detail


def test_the_choices_read_from_a_form_and_checked() -> None:
    assert edits_from_form(
        [("D3-amount", "290m"), ("D3-colour", "red"), ("csrf_token", "x"), ("D1-donor", "IDB")]
    ) == {
        "D3": {"amount": "290m"},
        "D1": {"donor": "IDB"},
    }
    cnn = read_article_form(_cnn())
    with pytest.raises(NoDraftChosen):
        chosen_drafts(cnn, Choices(ticked=()))
    with pytest.raises(DraftsChanged):
        chosen_drafts(cnn, Choices(), expected="not-these-drafts")
    with pytest.raises(DraftingProblems) as raised:
        chosen_drafts(cnn, Choices(edits={"D1": {"donor": "x" * 2001, "currency": "dollars"}}))
    assert {(p.draft, p.field) for p in raised.value.fields} >= {("D1", "donor"), ("D1", "currency")}


def _example(app: Flask) -> tuple[LedgerService, int, str]:
    service = ledger_service(app)
    owner = make_account(app, "ana@example.org", admin=True)
    return (
        service,
        owner.id,
        service.store_upload("example.xlsx", workbook_bytes(example_ledger()), user_id=owner.id),
    )


def test_drafts_are_stored_as_a_real_workbook_through_the_upload_path(app: Flask) -> None:
    service, owner, ledger_id = _example(app)
    accepted = add_drafts(
        service, read_article_form(_cnn()), Choices(ticked=("D1", "D5")), user_id=owner, ledger_id=ledger_id
    )
    assert accepted.ledger_id == ledger_id and accepted.job_id is None
    original = service.original(ledger_id, 2, user_id=owner)
    stored = load_workbook(io.BytesIO(original.content)).unwrap()
    added = [c for c in stored.claims if c.source == "CNN-2"]
    # the loan, and the cocaine market the analyst ticked against the drafter's advice
    assert [(c.donor, c.amount.amount) for c in added] == [
        ("World Bank", Decimal(1_000_000_000)),
        (added[1].donor, Decimal(35_000_000_000)),
    ]
    assert len(stored.claims) == len(example_ledger().claims) + 2
    assert len(service.view(ledger_id, user_id=owner).result.findings) >= 8  # reconciled as any upload


def test_nothing_is_stored_when_another_version_came_in_meanwhile(app: Flask) -> None:
    service, owner, ledger_id = _example(app)
    cnn = read_article_form(_cnn())
    newest, number = service.newest_ledger(ledger_id, user_id=owner)
    assert number == 1 and len(newest.claims) == 8
    # the analyst drafted against version 1; someone stores version 2 before they add
    service.store_upload("v2.xlsx", workbook_bytes(newest), user_id=owner, ledger_id=ledger_id)
    with pytest.raises(store.Conflict) as raised:
        service.store_upload(
            "late.xlsx", workbook_bytes(newest), user_id=owner, ledger_id=ledger_id, based_on=1
        )
    assert "version 2 was stored after version 1" in str(raised.value)
    assert len(service.view(ledger_id, user_id=owner).versions) == 2
    # add_drafts itself always builds on the newest version, so it goes through
    assert (
        add_drafts(service, cnn, Choices(ticked=("D1",)), user_id=owner, ledger_id=ledger_id).ledger_id
        == ledger_id
    )
