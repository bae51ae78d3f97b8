"""The HTML pages: home (upload, template, example, ledger list), a ledger's page, decisions, sharing,
downloads, and the progress page of a background upload. Every form posts with a CSRF token and redirects
back. Every page but the blank template needs a signed-in account, and shows only what it may see."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from ledger import reconciliation_json
from ledger.render.sentences import headline
from ledger.workbook.layout import CLAIMS

from . import ledgers
from .accounts import Account, required_account
from .context import database, job_runner, ledger_cache, limits
from .jobs import job_state, raise_failure
from .presenting import bar_chart, bars_from_amounts, bars_from_ranges, period_label, sorted_filtered
from .storage import store
from .storage.store import Role

pages = Blueprint("pages", __name__)

# open without signing in: nothing in them belongs to anyone
PUBLIC_ENDPOINTS = frozenset({"pages.template"})


@pages.before_request
def signed_in() -> None:
    """Every page but the public ones needs an account (SignInRequired leads to the sign-in page)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        required_account()


def _me() -> Account:
    return required_account()


# packaged with the project (pyproject package-data), so it is found however the app is installed
TEMPLATE_WORKBOOK = resources.files("workbook_templates").joinpath("ledger.xlsx")

# the ledger's own Claims columns, but for the quote (shown with each finding instead)
CLAIM_COLUMNS = tuple(column.field for column in CLAIMS.columns if column.field != "quote")
PLEDGE_COLUMNS = (
    "id",
    "donor",
    "recipient",
    "purpose",
    "instrument",
    "period",
    "low",
    "nominal",
    "high",
    "currency",
    "claims",
)


def _uploaded() -> tuple[str, bytes]:
    upload = request.files.get("workbook")
    content = upload.read() if upload else b""
    file_name = ledgers.checked_file_name(upload.filename if upload else "", content)
    return file_name, content


def _accept_upload(ledger_id: str | None) -> BaseResponse:
    me = _me()
    if ledger_id is not None:
        ledgers.require(database(), ledger_id, me.id, Role.EDITOR)
    file_name, content = _uploaded()
    if len(content) > current_app.config["BACKGROUND_ABOVE_BYTES"]:
        job_id = job_runner().submit(file_name, content, limits=limits(), user_id=me.id, ledger_id=ledger_id)
        return redirect(url_for("pages.job", job_id=job_id), code=303)
    new_id = ledgers.store_upload(
        database(), ledger_cache(), file_name, content, limits=limits(), user_id=me.id, ledger_id=ledger_id
    )
    return redirect(url_for("pages.ledger", ledger_id=new_id), code=303)


@pages.get("/")
def home() -> str:
    with database().reading() as s:
        listing = store.list_ledgers(s, _me().id)
    return render_template(
        "home.html", ledgers=listing, max_mb=current_app.config["MAX_CONTENT_LENGTH"] / 2**20
    )


@pages.get("/template.xlsx")
def template() -> Response:
    return _attachment(TEMPLATE_WORKBOOK.read_bytes(), "ledger-template.xlsx", ledgers.XLSX)


@pages.post("/ledgers")
def upload() -> BaseResponse:
    return _accept_upload(None)


@pages.post("/example")
def example() -> BaseResponse:
    file_name, content = ledgers.example_workbook()
    new_id = ledgers.store_upload(
        database(), ledger_cache(), file_name, content, limits=limits(), user_id=_me().id
    )
    return redirect(url_for("pages.ledger", ledger_id=new_id), code=303)


def _table(
    rows: list[dict[str, Any]], columns: tuple[str, ...], prefix: str, args: Mapping[str, str]
) -> dict[str, Any]:
    sort = args.get(f"{prefix}_sort", "")
    descending = args.get(f"{prefix}_dir", "asc") == "desc"
    query = args.get(f"{prefix}_q", "")
    return {
        "rows": sorted_filtered(rows, columns, sort=sort, descending=descending, query=query),
        "total": len(rows),
        "sort": sort,
        "descending": descending,
        "query": query,
        "prefix": prefix,
    }


@pages.get("/ledgers/<ledger_id>")
def ledger(ledger_id: str) -> str:
    number = request.args.get("version", type=int)
    seen = ledgers.view(database(), ledger_cache(), ledger_id, limits(), number, user_id=_me().id)
    result = seen.result
    data = reconciliation_json(result)
    claims = {c["id"]: c for c in data["claims"]}
    sources = {s["id"]: s for s in data["sources"]}
    pledges = [
        {**p, "period": period_label(pledge.period), "claims": ", ".join(p["claims"])}
        for p, pledge in zip(data["pledges"], result.pledges, strict=True)
    ]
    claim_rows = [
        {**c, "period": period_label(claim.period), "qualifiers": "; ".join(c["qualifiers"])}
        for c, claim in zip(data["claims"], result.ledger.claims, strict=True)
    ]
    charts = [
        {
            "currency": t.currency,
            "headline": headline(t),
            "totals": t,
            "by_donor": bar_chart(
                f"Distinct pledges by donor, {t.currency}", bars_from_ranges(t.by_donor), t.currency
            ),
            "by_year": bar_chart(f"Pledges by year, {t.currency}", bars_from_amounts(t.by_year), t.currency),
        }
        for t in result.totals
    ]
    return render_template(
        "ledger.html",
        view=seen,
        result=result,
        claims=claims,
        sources=sources,
        charts=charts,
        claims_table=_table(claim_rows, CLAIM_COLUMNS, "claims", request.args),
        pledges_table=_table(pledges, PLEDGE_COLUMNS, "pledges", request.args),
        undecided=sum(1 for f in result.findings if f.decision is None),
        latest=seen.version.number == seen.versions[-1].number,
    )


@pages.post("/ledgers/<ledger_id>/versions")
def upload_version(ledger_id: str) -> BaseResponse:
    return _accept_upload(ledger_id)


@pages.post("/ledgers/<ledger_id>/findings/<finding_id>/decision")
def decide(ledger_id: str, finding_id: str) -> BaseResponse:
    ledgers.decide(
        database(),
        ledger_cache(),
        ledger_id,
        finding_id,
        request.form.get("decision", ""),
        account=_me(),
        note=request.form.get("note", ""),
        limits=limits(),
    )
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor=f"finding-{finding_id}"), code=303)


@pages.post("/ledgers/<ledger_id>/shares")
def share(ledger_id: str) -> BaseResponse:
    ledgers.share(
        database(), ledger_id, _me(), request.form.get("email", ""), request.form.get("role", "viewer")
    )
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor="sharing"), code=303)


@pages.post("/ledgers/<ledger_id>/shares/<int:user_id>/remove")
def unshare(ledger_id: str, user_id: int) -> BaseResponse:
    ledgers.unshare(database(), ledger_id, _me(), user_id)
    return redirect(url_for("pages.ledger", ledger_id=ledger_id, _anchor="sharing"), code=303)


@pages.get("/ledgers/<ledger_id>/download/<kind>")
def download(ledger_id: str, kind: str) -> Response:
    number = request.args.get("version", type=int)
    seen = ledgers.view(database(), ledger_cache(), ledger_id, limits(), number, user_id=_me().id)
    made = ledgers.download(seen.result, kind)
    return _attachment(made.content, made.file_name, made.mimetype)


@pages.get("/ledgers/<ledger_id>/versions/<int:number>/original")
def original(ledger_id: str, number: int) -> Response:
    ledgers.require(database(), ledger_id, _me().id)
    with database().reading() as s:
        version = store.get_version(s, ledger_id, number)
    return _attachment(version.content, version.file_name, "application/octet-stream")


def _attachment(content: bytes, file_name: str, mimetype: str) -> Response:
    import io

    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=file_name)


@pages.get("/jobs/<job_id>")
def job(job_id: str) -> BaseResponse | tuple[str, int]:
    with database().reading() as s:
        row = job_state(store.job_for(s, job_id, _me().id))
    if row.state == "done" and row.result_ledger_id:
        return redirect(url_for("pages.ledger", ledger_id=row.result_ledger_id), code=303)
    if row.state == "failed":
        raise_failure(row)
    return render_template("job.html", job=row), 202


@pages.app_template_global()
def sort_link(prefix: str, column: str) -> str:
    """The current page's address, sorted by `column` (flipping the direction when it already is)."""
    args = request.args.to_dict()
    same = args.get(f"{prefix}_sort") == column and args.get(f"{prefix}_dir", "asc") == "asc"
    args[f"{prefix}_sort"] = column
    args[f"{prefix}_dir"] = "desc" if same else "asc"
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "pages.home", _anchor=prefix, **values)


FINDING_KIND_LABELS = {
    "duplicate": "Duplicate reports",
    "contained": "Inside a larger pledge",
    "aggregate": "A total that holds other pledges",
    "aggregate_too_small": "A total too small for its parts",
    "repackaged": "Possibly repackaged money",
    "baseline": "Only the increase is new",
    "already_provided": "Money already provided",
    "unit_error": "Possible unit error",
    "other_currency": "Another currency",
}


@pages.app_template_filter()
def kind_label(kind: object) -> str:
    """A finding kind in words."""
    value = getattr(kind, "value", kind)
    return FINDING_KIND_LABELS.get(str(value), str(value).replace("_", " "))
