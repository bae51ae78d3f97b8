"""The errors the services and routes raise, and the ONE place that maps each (and the store's) to an HTTP
status and a page or JSON; background uploads record the same status (`failure_of`).

Pages get a friendly HTML page; anything under /api/ gets JSON: {"error": {"status", "title", "detail",
"problems"}}, where problems carry the same cell-precise messages as the page (`Claims!G12: ...`).
No stack trace ever reaches a person: unexpected errors are logged and shown as a plain 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from ledger import Problem
from ledger.drafting import FieldProblem
from ledger.render.jsonform import problem_json

from .storage.store import Conflict, Forbidden, NotFound


class WebError(Exception):
    """An error with a status, a title and a one-line detail for the person who caused it."""

    status = 400
    title = "That did not work"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NoFile(WebError):
    status = 400
    title = "No file was chosen"


class NotSpreadsheet(WebError):
    status = 415
    title = "Only spreadsheets can be uploaded"


class UnreadableUpload(WebError):
    status = 400
    title = "The file could not be read"


class InvalidWorkbook(WebError):
    """The workbook was read, but some cells cannot be understood: every problem, each at its cell."""

    status = 422
    title = "The workbook has problems"

    def __init__(self, file_name: str, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        count = len(problems)
        super().__init__(
            f"{file_name or 'The workbook'} has {count} problem{'s' if count != 1 else ''}; "
            "nothing was stored. Fix them and upload again."
        )
        self.file_name = file_name
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)


class BadDecision(WebError):
    status = 400
    title = "The decision could not be recorded"


class UnknownFinding(WebError):
    status = 404
    title = "No such finding"


class WrongContentType(WebError):
    status = 415
    title = "Send JSON"


class ExportUnavailable(WebError):
    status = 503
    title = "That download is not available"


class UnknownDownload(WebError):
    status = 404
    title = "No such download"


class EmptyWorkbook(WebError):
    """A workbook that was read but holds no claims (the blank template, say): nothing to reconcile."""

    status = 422
    title = "The workbook has no claims"


class SignInRequired(WebError):
    """Nobody is signed in (pages go to the sign-in page; the API answers 401)."""

    status = 401
    title = "Sign in first"


class NotAdministrator(WebError):
    status = 403
    title = "For administrators only"


class AccountProblem(WebError):
    """An email, password, role or token that cannot be used; the detail says what was expected."""

    status = 400
    title = "That did not work"


class JobQueueUnavailable(WebError):
    status = 503
    title = "The task queue is not available"


class BadIdempotencyKey(WebError):
    """An Idempotency-Key that cannot be used: malformed (400), or reused for another request (422)."""

    title = "The Idempotency-Key cannot be used"

    def __init__(self, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.status = status


class BadAddress(WebError):
    """An id or number in the address that cannot be one (too long, not a number, out of range)."""

    status = 404
    title = "Not found"


class DownloadQueued(WebError):
    """A large ledger's download is built by a job: the page to wait on (202 for the API)."""

    status = 202
    title = "The file is being built"

    def __init__(self, job_id: str) -> None:
        super().__init__("The file is being built by a background job; its page says when it is ready.")
        self.job_id = job_id


class TooManySignIns(WebError):
    status = 429
    title = "Too many attempts"


class FailedJob(WebError):
    """A background upload that failed: the status and problems it failed with."""

    title = "The upload failed"

    def __init__(self, detail: str, status: int, problems: Sequence[Problem] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.problems = tuple(problems)


class DraftingProblems(WebError):
    """An article, its source or the analyst's drafts that cannot be used: every problem at once, each
    naming its field (and draft). Nothing was drafted or stored."""

    title = "The drafts cannot be used yet"

    def __init__(self, detail: str, fields: Sequence[FieldProblem], status: int = 422) -> None:
        super().__init__(detail)
        self.fields = tuple(fields)
        self.status = status


class UnsupportedLanguage(WebError):
    """A text in a language the drafter does not read: no drafts rather than wrong ones."""

    status = 422
    title = "The drafter does not read this language"


class NoDraftChosen(WebError):
    status = 400
    title = "No draft was ticked"


class DraftsChanged(WebError):
    """The text drafted again gave other drafts than the page the analyst edited (the drafter changed)."""

    status = 409
    title = "The drafts changed"


class LedgerChanged(WebError):
    """Another version of the ledger was stored while drafts were being added to the one before it."""

    status = 409
    title = "The ledger changed meanwhile"


def field_problem_json(problem: FieldProblem) -> dict[str, Any]:
    """A drafting problem in the API's Problem shape, with its draft and field."""
    place = f"draft {problem.draft}, {problem.field}" if problem.draft else problem.field
    return {
        "message": problem.message,
        "text": f"{place}: {problem.message}",
        "origin": {"cell": place},
        "draft": problem.draft or None,
        "field": problem.field,
    }


# A store lookup that finds nothing (or nothing this account may see) is a 404, wherever it happens.
STATUS_OF_DOMAIN_ERRORS: dict[type[Exception], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    Forbidden: (403, "Not allowed"),
    Conflict: (409, "That clashes with what is stored"),
}


@dataclass(frozen=True)
class Failure:
    """What an error answers with: its status, title, one-line detail and problems (each at its cell)."""

    status: int
    title: str
    detail: str
    problems: tuple[Problem, ...] = ()


def failure_of(error: Exception) -> Failure | None:
    """The status, title, detail and problems an error answers with; None for an unexpected one (a 500)."""
    if isinstance(error, WebError):
        problems: tuple[Problem, ...] = getattr(error, "problems", ())
        return Failure(error.status, error.title, error.detail, problems)
    for kind, (status, title) in STATUS_OF_DOMAIN_ERRORS.items():
        if isinstance(error, kind):
            return Failure(status, title, str(error))
    return None


FRIENDLY_HTTP: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The request could not be understood."),
    404: (
        "Not found",
        "There is nothing at this address. Ledger links are long and exact: check it was copied whole.",
    ),
    405: ("Not allowed", "That address does not accept this kind of request."),
    413: ("The file is too large", "The upload is larger than this service accepts."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a minute, then try again."),
    500: ("Something went wrong", "The error was logged. Nothing you uploaded was half stored: try again."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(status: int, title: str, detail: str, problems: Sequence[Problem] = (), **extra: Any) -> Response:
    if _wants_json():
        body: dict[str, Any] = {"status": status, "title": title, "detail": detail}
        if problems:
            body["problems"] = [problem_json(p) for p in problems]
        body.update(extra)
        response = jsonify({"error": body})
    else:
        template = "problems.html" if problems else "error.html"
        response = Response(
            render_template(template, status=status, title=title, detail=detail, problems=problems, **extra)
        )
    response.status_code = status
    return response


def _drafting_response(error: DraftingProblems) -> Response:
    """Drafting problems as JSON, each with its draft and field; on a page (the drafting pages show them on
    their own form, so only elsewhere) every problem in words."""
    if not _wants_json():
        lines = "; ".join(field_problem_json(p)["text"] for p in error.fields[:20])
        return _render(error.status, error.title, f"{error.detail} {lines}".strip())
    body = {
        "status": error.status,
        "title": error.title,
        "detail": error.detail,
        "problems": [field_problem_json(p) for p in error.fields],
    }
    response = jsonify({"error": body})
    response.status_code = error.status
    return response


def register_error_handlers(app: Flask) -> None:
    """Map every error to its status and render it as a page or as JSON."""

    @app.errorhandler(InvalidWorkbook)
    def invalid_workbook(error: InvalidWorkbook) -> Response:
        return _render(error.status, error.title, error.detail, error.problems, file_name=error.file_name)

    app.register_error_handler(DraftingProblems, _drafting_response)

    @app.errorhandler(FailedJob)
    def failed_job(error: FailedJob) -> Response:
        return _render(error.status, error.title, error.detail, error.problems)

    @app.errorhandler(DownloadQueued)
    def download_queued(error: DownloadQueued) -> BaseResponse:
        if _wants_json():
            response = _render(error.status, error.title, error.detail, job=error.job_id)
            response.headers["Location"] = url_for("api.job", job_id=error.job_id, _external=True)
            return response
        return redirect(url_for("pages.job", job_id=error.job_id), code=303)

    @app.errorhandler(SignInRequired)
    def sign_in_required(error: SignInRequired) -> BaseResponse:
        if _wants_json():
            response = _render(error.status, error.title, error.detail)
            response.headers["WWW-Authenticate"] = 'Bearer realm="pledge-ledger"'
            return response
        wanted = request.full_path if request.method == "GET" else None
        target = url_for("accounts.signin", next=wanted.rstrip("?")) if wanted else url_for("accounts.signin")
        return redirect(target, code=303 if request.method != "GET" else 302)

    @app.errorhandler(WebError)
    def web_error(error: WebError) -> Response:
        return _render(error.status, error.title, error.detail)

    for domain_error in STATUS_OF_DOMAIN_ERRORS:

        @app.errorhandler(domain_error)
        def domain(error: Exception) -> Response:
            failure = failure_of(error)
            assert failure is not None  # registered for the domain errors only
            return _render(failure.status, failure.title, failure.detail)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return _render(
            400,
            "The form expired",
            "The page was open too long or came from elsewhere: reload it and try again.",
        )

    @app.errorhandler(413)
    def too_large(error: HTTPException) -> Response:
        limit_mb = (app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
        return _render(
            413,
            "The file is too large",
            f"Uploads can be at most {limit_mb:g} MB. Remove unused sheets or split the ledger, then try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        title, detail = FRIENDLY_HTTP.get(status, (error.name, error.description or ""))
        return _render(status, title, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        title, detail = FRIENDLY_HTTP[500]
        return _render(500, title, detail)
