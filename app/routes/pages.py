"""The HTML pages: home (upload, template, example, ledger list), a ledger's page, decisions (one or many),
housekeeping (rename, archive, delete), sharing, downloads, and the progress page of a background upload.
Every form posts with a CSRF token and redirects back to where it came from (the same filters and page).

A decision posted by the page's own script (`X-Requested-With: fetch`) is answered with JSON instead: the
finding cards and totals to put in place, and the change in words, so that nothing reloads. Every page but
the blank template needs a signed-in account, and shows only what it may see."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    current_app,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from ..auth import required_account
from ..context import ledgers
from ..errors import FailedJob, WebError, failure_of
from ..presentation.ledger_page import Links, charts_of, ledger_page, totals_change, totals_line
from ..presentation.queue import QueueFilter, filtered, item
from ..presentation.queue import lookups as queue_lookups
from ..services.jobs import raise_failure
from ..services.ledgers import Decided, Download, LedgerView, blank_template
from ..services.standing import holds_totals

pages = Blueprint("pages", __name__)

# open without signing in: nothing in them belongs to anyone
PUBLIC_ENDPOINTS = frozenset({"pages.template"})
LISTS = {
    "": "Your ledgers and those shared with you",
    "mine": "Yours",
    "shared": "Shared with you",
    "archived": "Archived",
}


@pages.before_request
def signed_in() -> None:
    """Every page but the public ones needs an account (SignInRequired leads to the sign-in page)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        required_account()


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _upload_failed(error: WebError, ledger_id: str | None) -> tuple[str, int]:
    """The failure on the page it came from: every problem at its cell, and the upload form again (for
    a new version: that ledger's)."""
    failure = failure_of(error)
    assert failure is not None
    page = render_template(
        "problems.html" if failure.problems else "error.html",
        status=failure.status,
        title=failure.title,
        detail=failure.detail,
        problems=failure.problems,
        retry_ledger=ledger_id,
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] / 2**20,
    )
    return page, failure.status


def _accept_upload(ledger_id: str | None) -> BaseResponse | tuple[str, int]:
    upload = request.files.get("workbook")
    try:
        accepted = ledgers().upload(
            upload.filename if upload else "",
            upload.read() if upload else b"",
            user_id=required_account().id,
            ledger_id=ledger_id,
        )
    except WebError as error:
        return _upload_failed(error, ledger_id)
    if accepted.job_id is not None:
        return redirect(url_for("pages.job", job_id=accepted.job_id), code=303)
    return redirect(url_for("pages.ledger", ledger_id=accepted.ledger_id), code=303)


def _attachment(made: Download) -> Response:
    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


def _page_query(text: str) -> dict[str, str]:
    """A ledger page's query parameters from a form's "back" field (only plain names; nothing else)."""
    return {
        k: v
        for k, v in parse_qsl(text[:2000])
        if k.replace("_", "").isalnum() and not k.startswith("_") and k != "ledger_id"
    }


def _back(ledger_id: str, anchor: str | None = None, **extra: str) -> BaseResponse:
    """Back to the ledger's page as it was (its filters and pages, from the form's "back" field)."""
    values: dict[str, Any] = {**_page_query(request.form.get("back", "")), **extra}
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor=anchor, **values), code=303)


@pages.get("/")
def home() -> str:
    account = required_account()
    everything = ledgers().listing(account.id)
    which = request.args.get("list", "")
    which = which if which in LISTS else ""
    shown = [
        item
        for item in everything
        if (which == "archived") == item.archived
        and (which != "mine" or item.role.value == "owner")
        and (which != "shared" or item.role.value != "owner")
    ]
    counts = {
        "": sum(1 for i in everything if not i.archived),
        "mine": sum(1 for i in everything if not i.archived and i.role.value == "owner"),
        "shared": sum(1 for i in everything if not i.archived and i.role.value != "owner"),
        "archived": sum(1 for i in everything if i.archived),
    }
    return render_template(
        "home.html",
        ledgers=shown,
        which=which,
        lists=LISTS,
        counts=counts,
        deleted=ledgers().deletions(account.id),
        message=request.args.get("deleted", "") and f"“{request.args['deleted']}” is deleted.",
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] / 2**20,
    )


@pages.get("/template.xlsx")
def template() -> Response:
    return _attachment(blank_template())


@pages.post("/ledgers")
def upload() -> BaseResponse | tuple[str, int]:
    return _accept_upload(None)


@pages.post("/example")
def example() -> BaseResponse:
    ledger_id = ledgers().open_example(required_account().id)
    return redirect(url_for("pages.ledger", ledger_id=ledger_id), code=303)


def _page(seen: LedgerView, message: str = "") -> str:
    return render_template("ledger.html", message=message, **ledger_page(seen, request.args))


@pages.get("/ledgers/<ledger_id>")
def ledger(ledger_id: str) -> str | tuple[str, int]:
    number = request.args.get("version", type=int)
    account = required_account()
    waiting = ledgers().ready(ledger_id, number, user_id=account.id)
    if (
        waiting is not None
    ):  # a large ledger this worker has not read: prepared meanwhile, the page looks again
        return render_template("preparing.html", claims=waiting, again=request.full_path.rstrip("?")), 202
    seen = ledgers().view(ledger_id, number, user_id=account.id)
    notes = {"note": "A note is kept with a decision: press Accept or Reject to record it."}
    return _page(seen, notes.get(request.args.get("said", ""), ""))


@pages.get("/ledgers/<ledger_id>/ready")
def ready(ledger_id: str) -> Response:
    """Whether this worker can show the ledger's page at once (asked while it reconciles it again)."""
    waiting = ledgers().ready(ledger_id, user_id=required_account().id)
    return jsonify({"ready": waiting is None})


@pages.post("/ledgers/<ledger_id>/versions")
def upload_version(ledger_id: str) -> BaseResponse | tuple[str, int]:
    return _accept_upload(ledger_id)


def _decided_answer(ledger_id: str, decided: Decided, shown: list[str]) -> Response:
    """JSON for the page's script: the cards shown that changed, the totals, the change in words; or, while
    a large ledger is reconciled again, where to ask whether it is done."""
    account = required_account()
    if decided.pending:
        claims = len(decided.result.ledger.claims)
        return jsonify(
            {
                "pending": True,
                "ready": url_for("pages.ready", ledger_id=ledger_id),
                "status": f"Recorded. The claims are regrouped: reconciling all {claims:,} of them again…",
            }
        )
    seen = ledgers().view(ledger_id, user_id=account.id)
    result = seen.result
    lookups = queue_lookups(result, seen.structure)
    by_id = {f.id: f for f in result.findings}
    card = get_template_attribute("_ledger.html", "finding_card")
    bar = get_template_attribute("_ledger.html", "totals_bar")
    section = get_template_attribute("_ledger.html", "totals_section")
    back = request.form.get("back", "")
    with_totals = holds_totals(result.ledger)
    decided_ids = {row.finding for row in decided.recorded}
    # every shown card may say something new ("if accepted" follows the totals), the decided ones first
    wanted = [f for f in shown if f in by_id][:100]
    cards = {
        fid: str(
            card(item(by_id[fid], result, seen.structure, lookups, seen.carried, with_totals), seen, back)
        )
        for fid in wanted
    }
    change = totals_change(decided.before, result)
    undecided = sum(1 for f in result.findings if f.decision is None)
    links = Links(ledger_id, _page_query(back))
    return jsonify(
        {
            "decided": sorted(decided_ids),
            "cards": cards,
            "totals_bar": str(bar(totals_line(result.totals), undecided, change)),
            "totals": str(section(charts_of(result, links), result, links)),
            "change": change or "The totals stay the same.",
            "undecided": undecided,
            "count": f"{len(result.findings)} found, {undecided} undecided",
        }
    )


@pages.post("/ledgers/<ledger_id>/findings/<finding_id>/decision")
def decide(ledger_id: str, finding_id: str) -> BaseResponse:
    decision = request.form.get("decision", "")
    account = required_account()
    keep = decision == "note"  # Enter in the note: keep the decision, save the note
    try:
        decided = ledgers().decide_many(
            ledger_id,
            (finding_id,),
            decision,
            account=account,
            note=request.form.get("note", ""),
            keep_verdict=keep,
            wait=False,
        )
    except WebError as error:
        if keep and error.status == 400:  # an undecided finding: nothing recorded, and the page says why
            if _wants_json():
                return jsonify({"error": {"status": 400, "detail": error.detail}}), 400  # type: ignore[return-value]
            return _back(ledger_id, f"finding-{finding_id}", said="note")
        raise
    if _wants_json():
        return _decided_answer(ledger_id, decided, request.form.getlist("shown") or [finding_id])
    return _back(ledger_id, f"finding-{finding_id}")


@pages.post("/ledgers/<ledger_id>/decisions")
def decide_many(ledger_id: str) -> BaseResponse:
    """Decide the findings ticked ("finding", many), or every finding the queue's filter keeps
    ("scope=shown", with the filter's fields)."""
    account = required_account()
    if request.form.get("scope") == "shown":
        seen = ledgers().view(ledger_id, user_id=account.id)
        wanted = QueueFilter.from_args(request.form)
        chosen = tuple(
            f.id for f in filtered(seen.result, wanted, queue_lookups(seen.result, seen.structure))
        )
    else:
        chosen = tuple(request.form.getlist("finding"))
    decided = ledgers().decide_many(
        ledger_id,
        chosen,
        request.form.get("decision", ""),
        account=account,
        note=request.form.get("note", ""),
    )
    if _wants_json():
        return _decided_answer(ledger_id, decided, request.form.getlist("shown"))
    return _back(ledger_id, "findings")


@pages.post("/ledgers/<ledger_id>/rename")
def rename(ledger_id: str) -> BaseResponse:
    ledgers().rename(ledger_id, required_account(), request.form.get("name", ""))
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor="manage"), code=303)


@pages.post("/ledgers/<ledger_id>/archive")
def archive(ledger_id: str) -> BaseResponse:
    archived = request.form.get("archived", "1") != "0"
    ledgers().archive(ledger_id, required_account(), archived)
    if archived:
        return redirect(url_for("pages.home"), code=303)
    return redirect(url_for("pages.ledger", ledger_id=ledger_id), code=303)


@pages.post("/ledgers/<ledger_id>/delete")
def delete(ledger_id: str) -> BaseResponse | tuple[str, int]:
    account = required_account()
    try:
        name = ledgers().delete(ledger_id, account, request.form.get("confirm", ""))
    except WebError as error:
        if error.status != 400:
            raise
        seen = ledgers().view(ledger_id, user_id=account.id)
        return _page(seen, f"Nothing was deleted: {error.detail}."), 400
    return redirect(url_for("pages.home", deleted=name), code=303)


@pages.post("/ledgers/<ledger_id>/shares")
def share(ledger_id: str) -> BaseResponse:
    ledgers().share(
        ledger_id, required_account(), request.form.get("email", ""), request.form.get("role", "viewer")
    )
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor="sharing"), code=303)


@pages.post("/ledgers/<ledger_id>/shares/<int:user_id>/remove")
def unshare(ledger_id: str, user_id: int) -> BaseResponse:
    ledgers().unshare(ledger_id, required_account(), user_id)
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor="sharing"), code=303)


@pages.get("/ledgers/<ledger_id>/download/<kind>")
def download(ledger_id: str, kind: str) -> Response:
    number = request.args.get("version", type=int)
    return _attachment(ledgers().download(ledger_id, kind, number, user_id=required_account().id))


@pages.get("/ledgers/<ledger_id>/versions/<int:number>/original")
def original(ledger_id: str, number: int) -> Response:
    return _attachment(ledgers().original(ledger_id, number, user_id=required_account().id))


@pages.get("/jobs/<job_id>")
def job(job_id: str) -> BaseResponse | tuple[str, int]:
    row = ledgers().job(job_id, user_id=required_account().id)
    if row.state == "done" and row.result_ledger_id:
        return redirect(url_for("pages.ledger", ledger_id=row.result_ledger_id), code=303)
    if row.state == "failed":
        try:
            raise_failure(row)
        except FailedJob as failed:  # back to the upload form it came from (a new version: that ledger's)
            return _upload_failed(failed, row.target_ledger_id)
    return render_template("job.html", job=row), 202
