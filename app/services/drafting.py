"""Drafting claims from an article, as the pages and the API use it: the text and its source checked, the
text drafted (ledger.drafting), and the drafts the analyst left ticked, as corrected, added to a ledger as
its next version, or as a new ledger, through the path every upload takes: a real ledger workbook is
written and stored (its original file, to download), the decisions in force carry over, and a large
ledger is read and reconciled by the task queue.

Nothing is kept between the drafts page and the add: the form carries the text and the source, and the
text is drafted again when the drafts are added (drafting is a pure function of them). A fingerprint of the
drafts says when that gave other drafts than the page showed.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath

from ledger import Ledger, draft_claims, with_drafts
from ledger.drafting import EDITABLE_FIELDS, Drafts, DraftSource, FieldProblem, edit_drafts, read_article
from ledger.workbook.writer import UnwritableValue, write_ledger

from ..errors import DraftingProblems, DraftsChanged, LedgerChanged, NoDraftChosen, UnsupportedLanguage
from ..storage import store
from ..storage.store import Role
from ..validation import CONTROL
from .idempotency import Keyed
from .ledgers import Accepted, LedgerService, clean_file_name

# A pasted or uploaded article is at most this long once read (about 30,000 words: a long report), so
# drafting and its page stay quick; a saved web page may be larger before its markup is dropped.
MAX_TEXT_CHARS = 200_000
MAX_ARTICLE_BYTES = 5 * 2**20
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_SOURCE_CHARS = 500
MAX_URL_CHARS = 2000
MAX_NAME_CHARS = 300
# a typed field of a draft (a donor, a purpose): far more than any, far less than a workbook cell holds
MAX_FIELD_CHARS = 2000
NEW_LEDGER_NAME = "Drafted claims"


@dataclass(frozen=True)
class ArticleForm:
    """What the analyst gave: the text pasted, or a file (which wins when chosen), and the source's fields
    as typed; `name` names a new ledger."""

    text: str = ""
    file_name: str = ""
    content: bytes | None = None
    publisher: str = ""
    title: str = ""
    date: str = ""
    url: str = ""
    name: str = ""


@dataclass(frozen=True)
class Article:
    """A text ready to draft and its source (what an HTML page says of itself fills the fields left blank)."""

    text: str
    source: DraftSource
    name: str = ""
    file_name: str = ""  # the file the text came from, if any

    @property
    def form(self) -> ArticleForm:
        """The article as the form shows it again (the text to draft, the source's fields)."""
        published = self.source.date.isoformat() if self.source.date else ""
        return ArticleForm(
            text=self.text,
            publisher=self.source.publisher,
            title=self.source.title,
            date=published,
            url=self.source.url,
            name=self.name,
        )


@dataclass(frozen=True)
class Choices:
    """What the analyst decided on the drafts page: the drafts left ticked (None: every one), and the
    fields typed over the drafted ones, by draft id."""

    ticked: tuple[str, ...] | None = None
    edits: Mapping[str, Mapping[str, str]] | None = None


@dataclass(frozen=True)
class Target:
    """Where drafts go: a ledger the account may change (its name, its newest version), or a new ledger."""

    ledger_id: str | None
    name: str = ""
    version: int | None = None


def plain_text(text: str) -> str:
    """Text as drafted and shown: one kind of line break, no control characters, no blank edges (so the
    text carried by a form drafts to the same offsets however the browser sends its line breaks)."""
    return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _one_line(value: str) -> str:
    return " ".join(CONTROL.sub("", value).split())


def read_article_form(form: ArticleForm) -> Article:
    """The article in a form, checked: every problem at once (DraftingProblems, each naming its field)."""
    problems: list[FieldProblem] = []
    statuses: list[int] = []

    def refuse(field: str, message: str, status: int = 400) -> None:
        problems.append(FieldProblem("", field, message))
        statuses.append(status)

    text, found_title, found_publisher, found_date, found_url = plain_text(form.text), "", "", None, ""
    file_name = clean_file_name(PurePath((form.file_name or "").replace("\\", "/")).name)
    if file_name or form.content:
        suffix = PurePath(file_name).suffix.lower()
        content = form.content or b""
        if suffix not in (*TEXT_SUFFIXES, *HTML_SUFFIXES):
            refuse(
                "file",
                f'"{file_name or "the file"}" is not a text file or a web page: choose a .txt or .html file '
                "(a web page saved from the browser), or paste the text",
                415,
            )
        elif not content:
            refuse("file", f'"{file_name}" is empty')
        elif len(content) > MAX_ARTICLE_BYTES:
            refuse(
                "file",
                f'"{file_name}" is {len(content) / 2**20:.1f} MB; an article file may be at most '
                f"{MAX_ARTICLE_BYTES // 2**20} MB",
                413,
            )
        else:
            read = read_article(content, html=suffix in HTML_SUFFIXES)
            text = plain_text(read.text)
            found_title, found_publisher, found_date, found_url = (
                read.title,
                read.publisher,
                read.date,
                read.url,
            )
            if not text:
                refuse("file", f'"{file_name}" holds no text to draft from')
    elif not text:
        refuse("text", "paste the article's text, or choose a .txt or .html file")
    if len(text) > MAX_TEXT_CHARS:
        refuse(
            "text",
            f"the text is {len(text):,} characters long; drafting takes at most {MAX_TEXT_CHARS:,} "
            "(about 30,000 words): split it into parts and add each",
            413,
        )
    published = found_date
    if form.date.strip():
        try:
            published = date.fromisoformat(form.date.strip())
        except ValueError:
            refuse("date", f'"{_one_line(form.date)[:40]}" is not a date; expected e.g. 2011-06-22')
    for field, value, limit in (
        ("publisher", form.publisher, MAX_SOURCE_CHARS),
        ("title", form.title, MAX_SOURCE_CHARS),
        ("url", form.url, MAX_URL_CHARS),
        ("name", form.name, MAX_NAME_CHARS),
    ):
        if len(value) > limit:
            refuse(field, f"is {len(value):,} characters long; at most {limit:,}")
    if problems:
        count = len(problems)
        raise DraftingProblems(
            f"{count} problem{'s' if count != 1 else ''} with the article; nothing was drafted.",
            problems,
            statuses[0],
        )
    source = DraftSource(
        publisher=_one_line(form.publisher) or found_publisher,
        title=_one_line(form.title) or found_title,
        date=published,
        url=_one_line(form.url) or found_url,
    )
    return Article(text=text, source=source, name=_one_line(form.name), file_name=file_name)


def draft_article(article: Article) -> Drafts:
    """The article's drafts; UnsupportedLanguage for a text the drafter does not read (no wrong drafts)."""
    drafts = draft_claims(article.text, article.source)
    if not drafts.supported:
        raise UnsupportedLanguage(
            drafts.notes[0] if drafts.notes else "Drafting reads English only; nothing was drafted."
        )
    return drafts


def fingerprint(drafts: Drafts) -> str:
    """A short digest of which figures were drafted, where and as what: the same text and source give the
    same one."""
    digest = hashlib.sha256()
    for draft in (*drafts.drafts, *drafts.set_aside):
        digest.update(
            f"{draft.id}|{draft.figure.span.start}|{draft.figure.span.end}|{draft.amount}\n".encode()
        )
    return digest.hexdigest()[:20]


def target(service: LedgerService, ledger_id: str | None, *, user_id: int) -> Target:
    """The ledger drafts would be added to, when the account may change it (NotFound, or Forbidden for a
    viewer); a new ledger when `ledger_id` is None."""
    if ledger_id is None:
        return Target(None)
    with service.db.reading() as session:
        row, _ = store.ledger_for(session, ledger_id, user_id, Role.EDITOR)
        return Target(ledger_id, row.name, store.latest_version(session, ledger_id).number)


def _too_long(edits: Mapping[str, Mapping[str, str]]) -> list[FieldProblem]:
    return [
        FieldProblem(draft_id, field, f"is {len(value):,} characters long; at most {MAX_FIELD_CHARS:,}")
        for draft_id, fields in edits.items()
        for field, value in fields.items()
        if field in EDITABLE_FIELDS and len(value) > MAX_FIELD_CHARS
    ]


def chosen_drafts(article: Article, choices: Choices, expected: str | None = None) -> Drafts:
    """The article drafted again, with only the drafts ticked, as corrected; every problem at once
    (DraftingProblems), NoDraftChosen when none is ticked, DraftsChanged when the drafts are not the ones
    `expected` (a fingerprint) describes."""
    drafts = draft_article(article)
    if expected and expected != fingerprint(drafts):
        raise DraftsChanged(
            "The text was drafted again and gave other drafts than the page you edited (the drafter was "
            "updated meanwhile). Nothing was added: check the drafts below and add them again."
        )
    ticked = tuple(d.id for d in drafts.drafts) if choices.ticked is None else choices.ticked
    if not ticked:
        raise NoDraftChosen("Tick at least one draft to add it to the ledger; nothing was added.")
    edits = choices.edits or {}
    edited = edit_drafts(drafts, edits, keep=ticked)
    problems = [*_too_long(edits), *edited.problems]
    if problems:
        count = len(problems)
        raise DraftingProblems(
            f"{count} problem{'s' if count != 1 else ''} in the drafts; nothing was added. Correct "
            f"{'them' if count != 1 else 'it'} and add again.",
            problems,
        )
    return edited.drafts


def _file_name(article: Article) -> str:
    words = re.findall(r"[A-Za-z0-9]+", article.source.publisher or article.source.title or "article")
    stem = "-".join(words[:4])[:60] or "article"
    when = f"-{article.source.date.isoformat()}" if article.source.date else ""
    return clean_file_name(f"drafted-{stem}{when}.xlsx")


def workbook_bytes(book: Ledger) -> bytes:
    """The ledger as a ledger workbook, its decisions left out (they are stored with the ledger, and carry
    over by finding; written into the workbook they would be recorded a second time)."""
    buffer = io.BytesIO()
    try:
        write_ledger(replace(book, decisions=()), buffer)
    except UnwritableValue as refused:
        raise DraftingProblems(
            "The drafts cannot be written as a workbook; nothing was added.",
            [FieldProblem("", "workbook", str(refused))],
        ) from None
    return buffer.getvalue()


def add_drafts(
    service: LedgerService,
    article: Article,
    choices: Choices,
    *,
    user_id: int,
    ledger_id: str | None = None,
    expected: str | None = None,
    keyed: Keyed | None = None,
) -> Accepted:
    """Add the drafts the analyst left ticked, as corrected, to the newest version of `ledger_id` (an editor's
    or the owner's) as its next version, or as a new ledger of `user_id`'s: a new source for the article,
    new claim ids, written as a ledger workbook and stored as an upload of it (stored now, or queued when
    large). Nothing is stored on any problem, nor when another version was stored meanwhile (Conflict)."""
    if ledger_id is not None:
        target(service, ledger_id, user_id=user_id)  # a viewer is refused before any work
    drafts = chosen_drafts(article, choices, expected)
    if ledger_id is None:
        base, number = Ledger(name=article.name or article.source.title or NEW_LEDGER_NAME), None
    else:
        base, number = service.newest_ledger(ledger_id, user_id=user_id)
    content = workbook_bytes(with_drafts(base, drafts))
    try:
        return service.upload(
            _file_name(article), content, user_id=user_id, ledger_id=ledger_id, keyed=keyed, based_on=number
        )
    except store.Conflict as moved:
        raise LedgerChanged(f"{moved}. Add them again: they go to the newest version.") from None


_FIELD_NAME = re.compile(r"(D[0-9]{1,6})-([a-z_]{1,20})")


def edits_from_form(fields: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """The typed fields of a drafts form (`D3-amount`), by draft id and field; other names are not edits."""
    out: dict[str, dict[str, str]] = {}
    for name, value in fields:
        found = _FIELD_NAME.fullmatch(name)
        if found and found[2] in EDITABLE_FIELDS:
            out.setdefault(found[1], {})[found[2]] = value
    return out
