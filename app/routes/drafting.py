"""The pages that add claims from an article: the form (paste the text or choose a file, and the source), the
drafts side by side with the text (edit any field, untick what is wrong), and the add, which stores the
drafts as the ledger's next version (or, from home, as a new ledger) and goes to the ledger's page, where
the reconciliation shows. Nothing is kept on the server between the pages: the forms carry the text.

For a ledger, only its editors and owner (a viewer gets 403); every problem is shown on the page it came
from, each at its field, and nothing is stored when there is any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from ledger.drafting import Drafts, FieldProblem

from ..auth import required_account
from ..context import ledgers
from ..errors import DraftingProblems, DraftsChanged, LedgerChanged, NoDraftChosen, UnsupportedLanguage
from ..presentation.drafts import draft_cards, problem_lines, skipped_views, source_words, text_runs
from ..services.drafting import (
    MAX_ARTICLE_BYTES,
    MAX_TEXT_CHARS,
    Article,
    ArticleForm,
    Choices,
    Target,
    add_drafts,
    draft_article,
    edits_from_form,
    fingerprint,
    read_article_form,
    target,
)

drafting = Blueprint("drafting", __name__)
Page = tuple[str, int]


@drafting.before_request
def signed_in() -> None:
    """Every drafting page needs an account."""
    required_account()


def _target(ledger_id: str | None) -> Target:
    return target(ledgers(), ledger_id, user_id=required_account().id)


def _posted_article() -> ArticleForm:
    """The article the form posted: its text (or file, when one was chosen) and the source's fields."""
    upload = request.files.get("file")
    chosen = upload is not None and bool(upload.filename)
    return ArticleForm(
        text=request.form.get("text", ""),
        file_name=(upload.filename or "") if upload is not None and chosen else "",
        content=upload.read() if upload is not None and chosen else None,
        publisher=request.form.get("publisher", ""),
        title=request.form.get("title", ""),
        date=request.form.get("date", ""),
        url=request.form.get("url", ""),
        name=request.form.get("name", ""),
    )


def _form_page(
    where: Target,
    form: ArticleForm,
    problems: Sequence[FieldProblem] = (),
    message: str = "",
    status: int = 200,
) -> Page:
    """The article form, filled in as it was sent, with every problem at its field."""
    page = render_template(
        "draft_form.html",
        target=where,
        form=form,
        message=message,
        problems=problem_lines(problems),
        invalid={p.field: p.message for p in problems if not p.draft},
        max_chars=MAX_TEXT_CHARS,
        max_mb=MAX_ARTICLE_BYTES // 2**20,
    )
    return page, status


def _drafts_page(
    where: Target,
    article: Article,
    drafts: Drafts,
    *,
    ticked: Iterable[str] | None = None,
    typed: Mapping[str, Mapping[str, str]] | None = None,
    problems: Sequence[FieldProblem] = (),
    message: str = "",
    status: int = 200,
) -> Page:
    """The drafts beside the text, with what the analyst ticked and typed, and every problem at its field."""
    cards = draft_cards(drafts, ticked=ticked, typed=typed, problems=problems)
    page = render_template(
        "drafts.html",
        target=where,
        article=article,
        drafts=drafts,
        fingerprint=fingerprint(drafts),
        runs=text_runs(drafts),
        cards=cards,
        skipped=skipped_views(drafts),
        source=source_words(drafts),
        problems=problem_lines(problems),
        message=message,
    )
    return page, status


def _posted(ledger_id: str | None) -> tuple[Target, Article | Page]:
    """Where the drafts go, and the article the form posted (or the form again, with its problems)."""
    where = _target(ledger_id)
    sent = _posted_article()
    try:
        return where, read_article_form(sent)
    except DraftingProblems as refused:
        return where, _form_page(where, sent, refused.fields, refused.detail, refused.status)


def _draft(ledger_id: str | None) -> Page:
    where, article = _posted(ledger_id)
    if isinstance(article, tuple):
        return article
    try:
        drafts = draft_article(article)
    except UnsupportedLanguage as unread:
        return _form_page(where, article.form, (), unread.detail, unread.status)
    return _drafts_page(where, article, drafts)


def _add(ledger_id: str | None) -> BaseResponse | Page:
    where, article = _posted(ledger_id)
    if isinstance(article, tuple):
        return article
    choices = Choices(
        ticked=tuple(request.form.getlist("take")), edits=edits_from_form(request.form.items(multi=True))
    )
    try:
        accepted = add_drafts(
            ledgers(),
            article,
            choices,
            user_id=required_account().id,
            ledger_id=ledger_id,
            expected=request.form.get("fingerprint", ""),
        )
    except UnsupportedLanguage as unread:
        return _form_page(where, article.form, (), unread.detail, unread.status)
    except (DraftingProblems, NoDraftChosen, LedgerChanged) as refused:
        problems = refused.fields if isinstance(refused, DraftingProblems) else ()
        return _drafts_page(
            where,
            article,
            draft_article(article),
            ticked=choices.ticked,
            typed=choices.edits,
            problems=problems,
            message=refused.detail,
            status=refused.status,
        )
    except DraftsChanged as changed:  # the drafts are others now: shown as drafted, to check again
        return _drafts_page(
            _target(ledger_id), article, draft_article(article), message=changed.detail, status=changed.status
        )
    if accepted.job_id is not None:
        return redirect(url_for("pages.job", job_id=accepted.job_id), code=303)
    return redirect(url_for("pages.ledger", ledger_id=accepted.ledger_id, _anchor="changes"), code=303)


def _edit(ledger_id: str | None) -> Page:
    """The article form again, filled in with the text and source the drafts page carried."""
    where, article = _posted(ledger_id)
    if isinstance(article, tuple):
        return article
    return _form_page(where, article.form)


# ---- a new ledger, from home ------------------------------------------------------------------------------------


@drafting.get("/draft")
def new_form() -> Page:
    return _form_page(_target(None), ArticleForm())


@drafting.post("/draft")
def new_drafts() -> Page:
    return _draft(None)


@drafting.post("/draft/add")
def new_add() -> BaseResponse | Page:
    return _add(None)


@drafting.post("/draft/edit")
def new_edit() -> Page:
    return _edit(None)


# ---- a new version of a ledger ------------------------------------------------------------------------------


@drafting.get("/ledgers/<ledger_id>/draft")
def ledger_form(ledger_id: str) -> Page:
    return _form_page(_target(ledger_id), ArticleForm())


@drafting.post("/ledgers/<ledger_id>/draft")
def ledger_drafts(ledger_id: str) -> Page:
    return _draft(ledger_id)


@drafting.post("/ledgers/<ledger_id>/draft/add")
def ledger_add(ledger_id: str) -> BaseResponse | Page:
    return _add(ledger_id)


@drafting.post("/ledgers/<ledger_id>/draft/edit")
def ledger_edit(ledger_id: str) -> Page:
    return _edit(ledger_id)
