"""The JSON API, /api/v1: upload a workbook and get the reconciliation, read ledgers, record decisions,
download reports, draft claims from an article and add them as a ledger or a new version. Errors are JSON with the same cell-precise messages as the pages (app/errors.py).

Every endpoint but the OpenAPI document acts for an account: an API token (`Authorization: Bearer ...`,
no CSRF token needed) or the browser's signed-in session (with a CSRF token in X-CSRFToken for writes).
A ledger the account has no part in answers 404, as one that does not exist.

Uploads and decisions take an `Idempotency-Key` header: the same key again gets the first answer
(app/services/idempotency.py). The listings of findings, pledges and claims are paged (`page`,
`per_page`), so no answer grows with the ledger.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file, url_for
from sqlalchemy.exc import IntegrityError

from ledger.drafting import FieldProblem
from ledger.render.jsonform import claim_json, finding_json, pledge_json, totals_json

from ..auth import authenticate_api_request, required_account
from ..context import database, ledgers
from ..errors import BadDecision, DownloadQueued, DraftingProblems, WrongContentType
from ..presentation.api_json import (
    decision_json,
    full_json,
    job_json,
    listing_json,
    openapi_document,
)
from ..presentation.drafts import drafts_json
from ..services import idempotency
from ..services.drafting import (
    Article,
    ArticleForm,
    Choices,
    add_drafts,
    draft_article,
    fingerprint,
    read_article_form,
)
from ..services.idempotency import Keyed
from ..services.jobs import Job
from ..services.ledgers import Decided, LedgerView
from ..validation import CONTROL, checked_number

api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@api.before_request
def authenticated() -> None:
    """Who the request acts for (SignInRequired, a 401, when nobody)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        authenticate_api_request(database())


def _version() -> int | None:
    raw = request.args.get("version", "")
    return checked_number(raw, "version") if raw else None


def _view(ledger_id: str) -> LedgerView:
    return ledgers().view(ledger_id, _version(), user_id=required_account().id)


# ---- idempotency --------------------------------------------------------------------------------------------


def _keyed(*body: bytes | str) -> Keyed | None:
    """The request's idempotency key with the fingerprint of what it asks, or None without the header."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    key = idempotency.checked_key(raw)
    return Keyed(required_account().id, key, idempotency.fingerprint(request.method, request.path, *body))


def _idempotent(
    keyed: Keyed | None,
    write: Callable[[Keyed | None], tuple[Response, int]],
    again: Callable[[dict[str, Any]], tuple[Response, int]],
) -> tuple[Response, int]:
    """Do `write` once per key: a key seen before answers as the first time (its kept answer, or `again`
    made from what the write made); a key used at the same moment by another request waits for it."""
    if keyed is None:
        return write(None)
    done = idempotency.earlier(database(), keyed)
    if done is None:
        try:
            response, status = write(keyed)
        except IntegrityError:  # the same key, written a moment earlier by a request that won the race
            done = idempotency.earlier(database(), keyed)
            if done is None:
                raise
        else:
            idempotency.keep(database(), keyed, status, response.get_data())
            return response, status
    if done.body is not None and done.status is not None:
        replay = Response(done.body, status=done.status, mimetype="application/json")
        replay.headers["Idempotent-Replayed"] = "true"
        return replay, done.status
    response, status = again(done.outcome)
    response.headers["Idempotent-Replayed"] = "true"
    return response, status


# ---- uploads -------------------------------------------------------------------------------------------------


def _upload_answer(
    ledger_id: str | None, job_id: str | None, number: int | None = None
) -> tuple[Response, int]:
    me = required_account()
    if job_id is not None:
        body = _job_json(ledgers().job(job_id, user_id=me.id))
        response = jsonify({"job": body})
        response.headers["Location"] = body["url"]
        return response, 202
    assert ledger_id is not None  # stored in this request
    response = jsonify(full_json(ledgers().view(ledger_id, number, user_id=me.id)))
    response.headers["Location"] = url_for("api.get_ledger", ledger_id=ledger_id, _external=True)
    return response, 201


def _accept_upload(ledger_id: str | None) -> tuple[Response, int]:
    me = required_account()
    upload = request.files.get("workbook") or request.files.get("file")
    content = upload.read() if upload else b""
    file_name = upload.filename or "" if upload else ""

    def write(keyed: Keyed | None) -> tuple[Response, int]:
        accepted = ledgers().upload(file_name, content, user_id=me.id, ledger_id=ledger_id, keyed=keyed)
        return _upload_answer(accepted.ledger_id, accepted.job_id)

    def again(outcome: dict[str, Any]) -> tuple[Response, int]:
        return _upload_answer(outcome.get("ledger"), outcome.get("job"), outcome.get("version"))

    return _idempotent(_keyed(file_name, content), write, again)


# ---- paging --------------------------------------------------------------------------------------------------


def _page(name: str, items: Sequence[Any], to_json: Callable[[Any], dict[str, Any]]) -> Response:
    """One page of a listing (`page` from 1, `per_page` up to MAX_PAGE_SIZE), with where the next one is."""
    raw_page, raw_size = request.args.get("page", ""), request.args.get("per_page", "")
    number = checked_number(raw_page, "page") if raw_page else 1
    size = min(checked_number(raw_size, "per_page"), MAX_PAGE_SIZE) if raw_size else PAGE_SIZE
    start = (number - 1) * size
    chosen = items[start : start + size]
    following = None
    if start + size < len(items):
        arguments = {**request.args.to_dict(), "page": str(number + 1), "per_page": str(size)}
        following = url_for(
            request.endpoint or "api.findings", **(request.view_args or {}), **arguments, _external=True
        )
    return jsonify(
        {
            name: [to_json(item) for item in chosen],
            "page": {"number": number, "per_page": size, "total": len(items), "next": following},
        }
    )


# ---- jobs ------------------------------------------------------------------------------------------------------


def _job_json(row: Job) -> dict[str, Any]:
    body = job_json(row)
    body["kind"] = row.kind
    body["attempts"] = row.attempts
    if row.kind == "download" and row.state == "done":
        body["download"] = url_for("api.job_download", job_id=row.id, _external=True)
    return body


# ---- the endpoints -------------------------------------------------------------------------------------------


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@api.get("/ledgers")
def list_ledgers() -> Response:
    return jsonify({"ledgers": [listing_json(item) for item in ledgers().listing(required_account().id)]})


@api.post("/ledgers")
def create_ledger() -> tuple[Response, int]:
    return _accept_upload(None)


@api.post("/ledgers/<ledger_id>/versions")
def add_version(ledger_id: str) -> tuple[Response, int]:
    return _accept_upload(ledger_id)


@api.get("/ledgers/<ledger_id>")
def get_ledger(ledger_id: str) -> Response:
    return jsonify(full_json(_view(ledger_id)))


@api.get("/ledgers/<ledger_id>/findings")
def findings(ledger_id: str) -> Response:
    return _page("findings", _view(ledger_id).result.findings, finding_json)


@api.get("/ledgers/<ledger_id>/pledges")
def pledges(ledger_id: str) -> Response:
    return _page("pledges", _view(ledger_id).result.pledges, pledge_json)


@api.get("/ledgers/<ledger_id>/claims")
def claims(ledger_id: str) -> Response:
    return _page("claims", _view(ledger_id).result.ledger.claims, claim_json)


@api.get("/ledgers/<ledger_id>/totals")
def totals(ledger_id: str) -> Response:
    result = _view(ledger_id).result
    return jsonify(
        {
            "totals": {t.currency: totals_json(t) for t in result.totals},
            "base_totals": totals_json(result.base_totals) if result.base_totals else None,
        }
    )


@api.get("/ledgers/<ledger_id>/decisions")
def decision_history(ledger_id: str) -> Response:
    history = ledgers().history(ledger_id, user_id=required_account().id)
    return jsonify({"decisions": [decision_json(row) for row in history]})


def _decided_json(decided: Decided, finding: str) -> dict[str, Any]:
    """The decision recorded (this request's own event), and the finding and totals it led to."""
    result = decided.result
    shown = next((f for f in result.findings if f.id == finding), None)
    return {
        "decision": decision_json(decided.decision),
        "finding": finding_json(shown) if shown is not None else None,
        "totals": {t.currency: totals_json(t) for t in result.totals},
    }


@api.post("/ledgers/<ledger_id>/decisions")
def decide(ledger_id: str) -> tuple[Response, int]:
    # Only JSON bodies: a cross-site HTML form cannot send application/json, so this needs no CSRF token.
    if request.mimetype != "application/json":
        raise WrongContentType("send the decision as a JSON body with Content-Type: application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadDecision(
            'the body must be a JSON object: {"finding": "...", "decision": "accept", "note": "..."}'
        )
    finding, decision, note = body.get("finding"), body.get("decision"), body.get("note", "")
    if not isinstance(finding, str) or not finding:
        raise BadDecision('"finding" is missing; expected the id of one of the ledger\'s findings')
    if not isinstance(decision, str):
        raise BadDecision('"decision" is missing; expected "accept", "reject" or "undecided"')
    if not isinstance(note, str):
        raise BadDecision('"note" must be text')
    if CONTROL.search(finding) or CONTROL.search(decision):
        raise BadDecision('"finding" and "decision" cannot hold control characters')
    note = CONTROL.sub("", note)
    me = required_account()

    def write(keyed: Keyed | None) -> tuple[Response, int]:
        decided = ledgers().decide(
            ledger_id, finding, decision, account=me, note=note, via="api", keyed=keyed
        )
        return jsonify(_decided_json(decided, finding)), 201

    def again(outcome: dict[str, Any]) -> tuple[Response, int]:
        decided = ledgers().decision(ledger_id, int(outcome["decision"]), user_id=me.id)
        return jsonify(_decided_json(decided, finding)), 201

    payload = json.dumps({"finding": finding, "decision": decision, "note": note}, sort_keys=True)
    return _idempotent(_keyed(payload), write, again)


@api.get("/ledgers/<ledger_id>/downloads/<kind>")
def download(ledger_id: str, kind: str) -> Response | tuple[Response, int]:
    me = required_account()
    try:
        made = ledgers().download(ledger_id, kind, _version(), user_id=me.id)
    except DownloadQueued as queued:  # a large ledger: built by a job, fetched from it when done
        body = _job_json(ledgers().job(queued.job_id, user_id=me.id))
        response = jsonify({"job": body})
        response.headers["Location"] = body["url"]
        return response, 202
    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


@api.get("/jobs/<job_id>")
def job(job_id: str) -> Response:
    return jsonify({"job": _job_json(ledgers().job(job_id, user_id=required_account().id))})


@api.get("/jobs/<job_id>/download")
def job_download(job_id: str) -> Response:
    made = ledgers().job_download(job_id, user_id=required_account().id)
    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


# ---- drafting claims from an article ----------------------------------------------------------------------------


def _json_object(example: str) -> dict[str, Any]:
    """The request's JSON object (only JSON: a cross-site form cannot send it); WrongContentType otherwise."""
    if request.mimetype != "application/json":
        raise WrongContentType(f"send a JSON body with Content-Type: application/json, such as {example}")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise WrongContentType(f"the body must be a JSON object, such as {example}")
    return body


_ARTICLE_EXAMPLE = '{"text": "...", "source": {"publisher": "CNN", "date": "2011-06-22"}}'


def _article(body: dict[str, Any]) -> Article:
    """The article in a drafting request: "text" (plain) or "html" (a saved web page), and "source"."""
    problems: list[FieldProblem] = []
    text, html, source = body.get("text"), body.get("html"), body.get("source", {})
    if source is None:
        source = {}
    if not isinstance(source, dict):
        problems.append(FieldProblem("", "source", "must be an object: {publisher, title, date, url}"))
        source = {}
    for name, value in (("text", text), ("html", html), ("name", body.get("name"))):
        if value is not None and not isinstance(value, str):
            problems.append(FieldProblem("", name, "must be text"))
    for name in ("publisher", "title", "date", "url"):
        if source.get(name) is not None and not isinstance(source.get(name), str):
            problems.append(FieldProblem("", name, "must be text (a date as 2011-06-22)"))
    if isinstance(text, str) and text.strip() and isinstance(html, str) and html.strip():
        problems.append(FieldProblem("", "html", 'send "text" or "html", not both'))
    if problems:
        raise DraftingProblems("The request cannot be drafted; nothing was.", problems, 400)

    def given(value: Any) -> str:
        return value if isinstance(value, str) else ""

    page = given(html)
    return read_article_form(
        ArticleForm(
            text=given(text),
            file_name="page.html" if page.strip() else "",
            content=page.encode("utf-8") if page.strip() else None,
            publisher=given(source.get("publisher")),
            title=given(source.get("title")),
            date=given(source.get("date")),
            url=given(source.get("url")),
            name=given(body.get("name")),
        )
    )


def _choices(body: dict[str, Any]) -> Choices:
    """The drafts to add ("drafts": ids, or objects with an id and the fields typed over the drafted ones;
    absent: every draft as drafted)."""
    chosen = body.get("drafts")
    if chosen is None:
        return Choices()
    problems: list[FieldProblem] = []
    ticked: list[str] = []
    edits: dict[str, dict[str, str]] = {}
    if not isinstance(chosen, list):
        raise DraftingProblems(
            "The request cannot be used; nothing was added.",
            [
                FieldProblem(
                    "", "drafts", 'must be a list of draft ids or objects {"id": "D1", "amount": "..."}'
                )
            ],
            400,
        )
    for number, item in enumerate(chosen, start=1):
        draft_id = item if isinstance(item, str) else item.get("id") if isinstance(item, dict) else None
        if not isinstance(draft_id, str) or not draft_id:
            problems.append(
                FieldProblem("", "drafts", f'item {number} is neither a draft id nor {{"id": ...}}')
            )
            continue
        ticked.append(draft_id)
        if isinstance(item, dict):
            for field, value in item.items():
                if field == "id":
                    continue
                if not isinstance(value, str):
                    problems.append(
                        FieldProblem(draft_id, field, 'must be text, as typed (an amount as "300m")')
                    )
                else:
                    edits.setdefault(draft_id, {})[field] = CONTROL.sub("", value)
    if problems:
        raise DraftingProblems("The request cannot be used; nothing was added.", problems, 400)
    return Choices(tuple(ticked), edits)


@api.post("/drafts")
def draft() -> Response:
    article = _article(_json_object(_ARTICLE_EXAMPLE))
    drafts = draft_article(article)
    return jsonify(drafts_json(drafts, fingerprint(drafts)))


def _add_drafts(ledger_id: str | None) -> tuple[Response, int]:
    body = _json_object(_ARTICLE_EXAMPLE)
    article = _article(body)
    choices = _choices(body)
    expected = body.get("fingerprint")
    me = required_account()

    def write(keyed: Keyed | None) -> tuple[Response, int]:
        accepted = add_drafts(
            ledgers(),
            article,
            choices,
            user_id=me.id,
            ledger_id=ledger_id,
            expected=expected if isinstance(expected, str) else None,
            keyed=keyed,
        )
        return _upload_answer(accepted.ledger_id, accepted.job_id)

    def again(outcome: dict[str, Any]) -> tuple[Response, int]:
        return _upload_answer(outcome.get("ledger"), outcome.get("job"), outcome.get("version"))

    return _idempotent(_keyed(json.dumps(body, sort_keys=True)), write, again)


@api.post("/drafts/ledgers")
def create_ledger_from_drafts() -> tuple[Response, int]:
    return _add_drafts(None)


@api.post("/ledgers/<ledger_id>/drafts")
def add_drafted_version(ledger_id: str) -> tuple[Response, int]:
    return _add_drafts(ledger_id)
