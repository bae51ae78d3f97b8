"""The HTML pages: home (upload, template, example, ledger list), a ledger's page, decisions, sharing,
downloads, and the progress page of a background upload. Every form posts with a CSRF token and redirects
back. Every page but the blank template needs a signed-in account, and shows only what it may see."""

from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response as BaseResponse

from ..auth import required_account
from ..context import ledgers
from ..presentation.ledger_page import ledger_page
from ..services.jobs import raise_failure
from ..services.ledgers import Download, blank_template

pages = Blueprint("pages", __name__)

# open without signing in: nothing in them belongs to anyone
PUBLIC_ENDPOINTS = frozenset({"pages.template"})


@pages.before_request
def signed_in() -> None:
    """Every page but the public ones needs an account (SignInRequired leads to the sign-in page)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        required_account()


def _accept_upload(ledger_id: str | None) -> BaseResponse:
    upload = request.files.get("workbook")
    accepted = ledgers().upload(
        upload.filename if upload else "",
        upload.read() if upload else b"",
        user_id=required_account().id,
        ledger_id=ledger_id,
    )
    if accepted.job_id is not None:
        return redirect(url_for("pages.job", job_id=accepted.job_id), code=303)
    return redirect(url_for("pages.ledger", ledger_id=accepted.ledger_id), code=303)


def _attachment(made: Download) -> Response:
    return send_file(
        io.BytesIO(made.content), mimetype=made.mimetype, as_attachment=True, download_name=made.file_name
    )


@pages.get("/")
def home() -> str:
    return render_template(
        "home.html",
        ledgers=ledgers().listing(required_account().id),
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] / 2**20,
    )


@pages.get("/template.xlsx")
def template() -> Response:
    return _attachment(blank_template())


@pages.post("/ledgers")
def upload() -> BaseResponse:
    return _accept_upload(None)


@pages.post("/example")
def example() -> BaseResponse:
    new_id = ledgers().open_example(required_account().id)
    return redirect(url_for("pages.ledger", ledger_id=new_id), code=303)


@pages.get("/ledgers/<ledger_id>")
def ledger(ledger_id: str) -> str:
    number = request.args.get("version", type=int)
    seen = ledgers().view(ledger_id, number, user_id=required_account().id)
    return render_template("ledger.html", **ledger_page(seen, request.args))


@pages.post("/ledgers/<ledger_id>/versions")
def upload_version(ledger_id: str) -> BaseResponse:
    return _accept_upload(ledger_id)


@pages.post("/ledgers/<ledger_id>/findings/<finding_id>/decision")
def decide(ledger_id: str, finding_id: str) -> BaseResponse:
    ledgers().decide(
        ledger_id,
        finding_id,
        request.form.get("decision", ""),
        account=required_account(),
        note=request.form.get("note", ""),
    )
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor=f"finding-{finding_id}"), code=303)


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
        raise_failure(row)
    return render_template("job.html", job=row), 202
