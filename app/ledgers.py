"""What the routes call: read an upload, store it as a ledger or a new version, reconcile with the stored
decisions, record decisions, produce downloads. The reading and reconciling is ledger/'s and exports/';
this module only moves values between them and the store.
"""

from __future__ import annotations

import importlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from ledger import Ledger, Problem, Reconciliation, Verdict, example_ledger, reconcile, to_json
from ledger.render.jsonform import claim_json
from ledger.workbook.gate import Limits
from ledger.workbook.reader import read_ledger
from ledger.workbook.writer import write_ledger

from .accounts import Account, account_by_email
from .errors import (
    AccountProblem,
    BadDecision,
    ExportUnavailable,
    InvalidWorkbook,
    NoFile,
    NotSpreadsheet,
    UnknownFinding,
    UnreadableUpload,
)
from .storage import store
from .storage.database import Database
from .storage.models import DecisionRow, LedgerRow, VersionRow
from .storage.store import Role, ShareListing

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")

# progress (0-100) and what is happening, for background uploads
Progress = Callable[[int, str], None]


def _no_progress(_percent: int, _stage: str) -> None:
    return None


# ---- reading uploads -----------------------------------------------------------------------------------------


def checked_file_name(file_name: str | None, content: bytes) -> str:
    """The upload's own file name, when it names a spreadsheet; NoFile or NotSpreadsheet otherwise."""
    name = PurePath((file_name or "").replace("\\", "/")).name
    if not name and not content:
        raise NoFile("Choose a ledger workbook (.xlsx, .xls, .ods or .csv) to upload.")
    if not name.lower().endswith(SPREADSHEET_SUFFIXES):
        raise NotSpreadsheet(
            f'"{name or "the file"}" is not a spreadsheet: upload a workbook ending in .xlsx, .xlsm, .xls, '
            ".ods or a .csv of claims."
        )
    if not content:
        raise NoFile(f'"{name}" is empty.')
    return name


def read_upload(file_name: str, content: bytes, limits: Limits) -> tuple[Ledger, tuple[Problem, ...]]:
    """The ledger in an upload and its warnings; UnreadableUpload or InvalidWorkbook when it cannot be used."""
    built = read_ledger(content, name=file_name, limits=limits)
    errors = built.errors
    if built.unreadable:
        raise UnreadableUpload(errors[0].message)
    if errors:
        raise InvalidWorkbook(file_name, errors, built.warnings)
    ledger = built.ledger
    if not ledger.name:
        ledger = replace(ledger, name=PurePath(file_name).stem)
    return ledger, built.warnings


def reconciled(
    ledger: Ledger,
    decisions: tuple[Any, ...],
    file_name: str = "",
    on_stage: Progress = _no_progress,
) -> Reconciliation:
    """The reconciliation of `ledger` under the stored `decisions`; InvalidWorkbook when the engine refuses it."""
    stages = iter(range(1, 100))

    def stage(name: str) -> None:
        on_stage(next(stages, 99), name)

    result = reconcile(replace(ledger, decisions=decisions), on_stage=stage)
    if result.errors:
        raise InvalidWorkbook(file_name, result.errors, result.warnings)
    return result


def version_changes(previous: Reconciliation | None, current: Reconciliation) -> dict[str, list[str]]:
    """What changed from one version to the next: claims added, removed, edited; findings new and gone."""
    if previous is None:
        return {}
    before = {c.id: claim_json(c) for c in previous.ledger.claims}
    after = {c.id: claim_json(c) for c in current.ledger.claims}
    old_findings = {f.id for f in previous.findings}
    new_findings = {f.id for f in current.findings}
    return {
        "claims_added": sorted(after.keys() - before.keys()),
        "claims_removed": sorted(before.keys() - after.keys()),
        "claims_edited": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
        "findings_new": sorted(new_findings - old_findings),
        "findings_gone": sorted(old_findings - new_findings),
    }


# ---- the parsed-ledger cache ------------------------------------------------------------------------------


class LedgerCache:
    """Parsed ledgers by version id, so a page view does not read the workbook again (one per app)."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[int, Ledger] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: VersionRow, limits: Limits) -> Ledger:
        """The ledger stored in `version` (read once, then kept)."""
        with self._lock:
            if version.id in self._items:
                self._items.move_to_end(version.id)
                return self._items[version.id]
        ledger, _ = read_upload(version.file_name, version.content, limits)
        with self._lock:
            self._items[version.id] = ledger
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return ledger

    def put(self, version_id: int, ledger: Ledger) -> None:
        """Remember a ledger just read for a new version."""
        with self._lock:
            self._items[version_id] = ledger
            while len(self._items) > self._size:
                self._items.popitem(last=False)


# ---- storing uploads -----------------------------------------------------------------------------------------


def store_upload(
    db: Database,
    cache: LedgerCache,
    file_name: str,
    content: bytes,
    *,
    limits: Limits,
    user_id: int,
    ledger_id: str | None = None,
    on_progress: Progress = _no_progress,
) -> str:
    """Read, reconcile and store an upload as a new ledger of `user_id`'s, or as the next version of
    `ledger_id` (which `user_id` must be an editor or the owner of).

    Returns the ledger's id. Everything is stored in one transaction: on any error nothing is.
    """
    if ledger_id is not None:
        require(db, ledger_id, user_id, Role.EDITOR)
    on_progress(5, "reading the workbook")
    ledger, _warnings = read_upload(file_name, content, limits)
    on_progress(50, "finding the double counting")
    previous: Reconciliation | None = None
    with db.reading() as session:
        stored: tuple[Any, ...] = ()
        if ledger_id is not None:
            stored = store.latest_decisions(session, ledger_id)
            previous_version = store.latest_version(session, ledger_id)
            previous = reconciled(cache.get(previous_version, limits), stored, previous_version.file_name)
    # the workbook's own decisions apply on top of those stored (they are recorded below)
    in_force = {d.finding: d for d in stored}
    in_force.update({d.finding: d for d in ledger.decisions})
    result = reconciled(
        ledger,
        tuple(in_force.values()),
        file_name,
        on_stage=lambda step, stage: on_progress(50 + step * 4 // 10, stage),
    )
    on_progress(95, "storing")
    version = store.NewVersion(
        file_name=file_name,
        content=content,
        claim_count=len(ledger.claims),
        finding_ids=tuple(f.id for f in result.findings),
        changes=version_changes(previous, result),
        uploaded_by=user_id,
    )
    with db.transaction() as session:
        if ledger_id is None:
            row = store.create_ledger(session, ledger.name, version, owner_id=user_id)
            ledger_id = row.id
            number_one = store.latest_version(session, ledger_id)
            version_id = number_one.id
        else:
            # checked again inside the transaction: the owner may have stopped sharing meanwhile
            store.ledger_for(session, ledger_id, user_id, Role.EDITOR, lock=True)
            version_id = store.add_version(session, ledger_id, ledger.name, version).id
        store.import_decisions(
            session, ledger_id, ledger.decisions, default_by=f"workbook {file_name}", user_id=user_id
        )
    cache.put(version_id, ledger)
    on_progress(100, "done")
    return ledger_id


# ---- who may do what ---------------------------------------------------------------------------------------


def require(db: Database, ledger_id: str, user_id: int, need: Role = Role.VIEWER) -> Role:
    """The account's role on the ledger: NotFound when it has none, Forbidden when it is below `need`."""
    with db.reading() as session:
        return store.ledger_for(session, ledger_id, user_id, need)[1]


def share(db: Database, ledger_id: str, owner: Account, email: str, role: str) -> None:
    """Share the owner's ledger with the account that has `email`, as "viewer" or "editor"."""
    wanted = role.strip().lower()
    if wanted not in {r.value for r in store.SHARED_ROLES}:
        raise AccountProblem(f'the role is "{role}"; expected viewer or editor')
    other = account_by_email(db, email)
    with db.transaction() as session:
        store.ledger_for(session, ledger_id, owner.id, Role.OWNER)
        store.share(session, ledger_id, other.id, Role(wanted))


def unshare(db: Database, ledger_id: str, owner: Account, user_id: int) -> None:
    """Stop sharing the owner's ledger with an account."""
    with db.transaction() as session:
        store.ledger_for(session, ledger_id, owner.id, Role.OWNER)
        store.unshare(session, ledger_id, user_id)


# ---- reading stored ledgers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerView:
    """Everything a ledger's page shows, and what the account looking may do with it."""

    ledger: LedgerRow
    versions: tuple[VersionRow, ...]
    version: VersionRow
    result: Reconciliation
    history: tuple[DecisionRow, ...]
    role: Role = Role.OWNER
    shares: tuple[ShareListing, ...] = ()

    @property
    def can_edit(self) -> bool:
        """Whether the account may upload versions and decide findings."""
        return store.RANK[self.role] >= store.RANK[Role.EDITOR]

    @property
    def changes(self) -> dict[str, list[str]]:
        loaded: dict[str, list[str]] = json.loads(self.version.changes or "{}")
        return loaded


def view(
    db: Database,
    cache: LedgerCache,
    ledger_id: str,
    limits: Limits,
    number: int | None = None,
    *,
    user_id: int,
) -> LedgerView:
    """A ledger's newest (or numbered) version, reconciled under the decisions in force now, as `user_id`
    sees it (NotFound when that account has no part in the ledger)."""
    with db.reading() as session:
        row, role = store.ledger_for(session, ledger_id, user_id)
        shares = store.shares_of(session, ledger_id)
        all_versions = tuple(store.versions(session, ledger_id))
        version = (
            store.get_version(session, ledger_id, number)
            if number
            else store.latest_version(session, ledger_id)
        )
        decisions = store.latest_decisions(session, ledger_id)
        history = tuple(store.decision_history(session, ledger_id))
    ledger = replace(cache.get(version, limits), name=row.name)
    result = reconciled(ledger, decisions, version.file_name)
    return LedgerView(row, all_versions, version, result, history, role, shares)


def decide(
    db: Database,
    cache: LedgerCache,
    ledger_id: str,
    finding: str,
    decision: str,
    *,
    account: Account,
    note: str = "",
    via: str = "web",
    limits: Limits,
) -> LedgerView:
    """Record `account`'s decision on a finding of the ledger's newest version ("accept", "reject" or
    "undecided"); the account must be an editor or the owner. The audit trail names the account."""
    require(db, ledger_id, account.id, Role.EDITOR)
    wanted = decision.strip().lower()
    if wanted not in {"accept", "reject", "undecided"}:
        raise BadDecision(f'decision is "{decision}"; expected accept, reject or undecided')
    before = view(db, cache, ledger_id, limits, user_id=account.id)
    if finding not in {f.id for f in before.result.findings}:
        raise UnknownFinding(f'this ledger has no finding "{finding}"')
    verdict = None if wanted == "undecided" else Verdict(wanted)
    with db.transaction() as session:
        store.ledger_for(session, ledger_id, account.id, Role.EDITOR)
        store.record_decision(
            session,
            ledger_id,
            finding,
            verdict,
            note=note.strip()[:2000],
            by=account.email,
            via=via,
            user_id=account.id,
        )
    return view(db, cache, ledger_id, limits, user_id=account.id)


# ---- downloads ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    content: bytes
    file_name: str
    mimetype: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_stem(name: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")
    return (safe or "ledger")[:80]


def _exporter(module: str, function: str) -> Callable[..., Any]:
    """A writer from exports/, or ExportUnavailable when that module is not installed."""
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    except ModuleNotFoundError as missing:
        if missing.name and module.startswith(missing.name):
            raise ExportUnavailable(f"the {module} download is not installed on this server yet") from None
        raise
    return found


def download(result: Reconciliation, kind: str) -> Download:
    """The ledger workbook (with decisions), the Excel report, the JSON or the CSV of a reconciliation."""
    stem = _file_stem(result.ledger.name)
    buffer = io.BytesIO()
    if kind == "workbook":
        write_ledger(result.ledger, buffer)
        return Download(buffer.getvalue(), f"{stem}-ledger.xlsx", XLSX)
    if kind == "report":
        _exporter("exports.report", "write_report")(result, buffer)
        return Download(buffer.getvalue(), f"{stem}-report.xlsx", XLSX)
    if kind == "json":
        return Download(to_json(result).encode("utf-8"), f"{stem}.json", "application/json")
    if kind == "csv":
        _exporter("exports.flat", "write_csv")(result, buffer)
        return Download(buffer.getvalue(), f"{stem}.csv", "text/csv")
    raise ExportUnavailable(f'there is no "{kind}" download; choose report, workbook, json or csv')


def example_workbook() -> tuple[str, bytes]:
    """The worked example as a ledger workbook: its file name and bytes."""
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return "central-america-2011.xlsx", buffer.getvalue()
