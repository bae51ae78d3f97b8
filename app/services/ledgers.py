"""The ledgers, as the routes use them: upload (in the request or in the background), view, decide,
downloads, versions, sharing. Reading and reconciling is ledger/'s and the reports are exports/'; this
module moves values between them and the store, and remembers what it read and reconciled.

`LedgerService` is one app's: it owns the database handle, the task queue's handle (large uploads and
large ledgers' downloads are jobs, app/services/jobs.py) and two bounded caches, parsed ledgers by version
and reconciliations by (version, name, decisions in force), so a page view reconciles only when the
decisions or the version changed, and a decision reconciles once.

Writes are serialised per ledger: a new version is stored only against the version it was compared with
(each diff is against its true predecessor), and a decision is recorded with the ledger's row locked, so
the reconciliation it answers with is the one its own decision led to. Each write can carry an
idempotency key, recorded in the write's own transaction (app/services/idempotency.py).
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import logging
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import PurePath
from typing import Any

from sqlalchemy.orm import Session

from ledger import Decision, Ledger, Problem, Reconciliation, Verdict, example_ledger, reconcile, to_json
from ledger.workbook.gate import Limits
from ledger.workbook.reader import check_ledger_workbook, read_ledger
from ledger.workbook.writer import write_ledger

from ..errors import (
    AccountProblem,
    BadDecision,
    DownloadQueued,
    EmptyWorkbook,
    ExportUnavailable,
    InvalidWorkbook,
    NoFile,
    NotSpreadsheet,
    UnknownDownload,
    UnknownFinding,
    UnreadableUpload,
)
from ..storage import store
from ..storage.database import Database
from ..storage.models import DecisionRow, JobRow, LedgerEventRow, LedgerRow, VersionRow, now
from ..storage.store import LedgerListing, Role, ShareListing
from .accounts import Account, account_by_email
from .caches import Lru, OneAtATime
from .idempotency import Keyed
from .jobs import Attempt, JobQueue, Progress, job_state, lease_over
from .standing import Structure, apply, holds_totals, structural, structure_key, structure_of
from .versions import Carried, carried_decisions, version_changes

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# stored file names are at most this long (the suffix kept); the column holds 300
MAX_FILE_NAME = 200

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# how many reconciliations each app keeps (each worker process has its own), and how many claims' worth of
# parsed ledgers and of structures (the reconciliations before decisions): a few large ledgers or many small
CACHE_SIZE = 16
CACHE_CLAIMS = 300_000
# a ledger page this worker cannot show at once is prepared in the background above this many claims
# (reading and reconciling 20,000 claims takes about 2 s; below, the page simply waits)
PREPARE_ABOVE_CLAIMS = 20_000
ZIP = "application/zip"
log = logging.getLogger(__name__)
CSV = "text/csv"
# packaged with the project (pyproject package-data), so it is found however the app is installed
TEMPLATE_WORKBOOK = resources.files("workbook_templates").joinpath("ledger.xlsx")

# a reconciliation is fully decided by the version's workbook, the ledger's name and the decisions in force;
# its structure (what the engine finds) by the version and the structural decisions alone
ReconciliationKey = tuple[int, str, tuple[Decision, ...]]
StructureKey = tuple[int, frozenset[str]]


def _no_progress(_percent: int, _stage: str) -> None:
    return None


# ---- reading uploads -----------------------------------------------------------------------------------------


def clean_file_name(file_name: str) -> str:
    """The name without control or format characters (a NUL, a newline, a right-to-left override), at most
    MAX_FILE_NAME characters long, its suffix kept."""
    kept = "".join(
        ch for ch in file_name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}
    ).strip()
    if len(kept) <= MAX_FILE_NAME:
        return kept
    suffix = PurePath(kept).suffix[:10]
    return kept[: MAX_FILE_NAME - len(suffix)] + suffix


def checked_file_name(file_name: str | None, content: bytes) -> str:
    """The upload's own file name (cleaned), when it names a spreadsheet; NoFile or NotSpreadsheet otherwise."""
    name = clean_file_name(PurePath((file_name or "").replace("\\", "/")).name)
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
    if not ledger.claims:
        raise EmptyWorkbook(
            f'"{file_name}" has no claims: fill in at least one row of its Claims sheet (a claim id, its '
            "source, donor and amount), then upload it again."
        )
    if not ledger.name:
        ledger = replace(ledger, name=PurePath(file_name).stem)
    return ledger, built.warnings


def reconciled(
    ledger: Ledger,
    decisions: tuple[Decision, ...],
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


def checked_name(name: str) -> str:
    """A ledger's new name, trimmed; AccountProblem when nothing is left."""
    cleaned = " ".join(name.split())[:300]
    if not cleaned:
        raise AccountProblem("a ledger needs a name: type at least one letter")
    return cleaned


def checked_verdict(decision: str) -> Verdict | None:
    """The verdict named ("accept", "reject"; None for "undecided"); BadDecision for anything else."""
    wanted = decision.strip().lower()
    if wanted not in {"accept", "reject", "undecided"}:
        raise BadDecision(f'decision is "{decision}"; expected accept, reject or undecided')
    return None if wanted == "undecided" else Verdict(wanted)


# ---- what the service answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """An upload taken: stored in the request (`ledger_id`), or queued in the background (`job_id`)."""

    ledger_id: str | None = None
    job_id: str | None = None


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
    structure: Structure | None = (
        None  # what the engine found, the decisions apart (not exact: it applied them)
    )
    events: tuple[LedgerEventRow, ...] = ()  # renamed, archived, restored

    @property
    def can_edit(self) -> bool:
        """Whether the account may upload versions and decide findings."""
        return store.RANK[self.role] >= store.RANK[Role.EDITOR]

    @property
    def is_owner(self) -> bool:
        """Whether the account owns the ledger (and may rename, archive, delete and share it)."""
        return self.role is Role.OWNER

    @property
    def latest(self) -> bool:
        """Whether the version shown is the newest (only it can be decided on)."""
        return self.version.number == self.versions[-1].number

    @property
    def changes(self) -> dict[str, Any]:
        """What changed since the previous version (claims added, removed, edited field by field; findings new
        and gone; decisions carried over; the totals before and after)."""
        loaded: dict[str, Any] = json.loads(self.version.changes or "{}")
        return loaded

    @property
    def carried(self) -> dict[str, DecisionRow]:
        """The decisions in force that were carried over from a finding whose id changed, by finding."""
        latest: dict[str, DecisionRow] = {}
        for row in self.history:  # newest first: the first event per finding is the one in force
            latest.setdefault(row.finding, row)
        return {f: row for f, row in latest.items() if row.carried_from and row.verdict}


@dataclass(frozen=True)
class Decided:
    """Decisions recorded: the events (`decision` the last of them), and the reconciliations of the newest
    version before and after them."""

    decision: DecisionRow
    result: Reconciliation
    before: Reconciliation | None = None
    recorded: tuple[DecisionRow, ...] = ()
    # the engine is reconciling a large ledger again in the background (a rejected duplicate): `result` is
    # the reconciliation before, and the ledger's page says so until it is done
    pending: bool = False


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, its name and its media type."""

    content: bytes
    file_name: str
    mimetype: str


# ---- the service -----------------------------------------------------------------------------------------------


# what runs in a write's transaction, after the write: (session, ledger id, version number)
OnStored = Callable[[Session, str, int], None]


class LedgerService:
    """One app's ledgers: every read and write goes through here (routes never open a session)."""

    def __init__(
        self,
        db: Database,
        *,
        limits: Limits,
        jobs: JobQueue,
        background_above_bytes: int,
        background_above_claims: int,
        cache_size: int = CACHE_SIZE,
        cache_claims: int = CACHE_CLAIMS,
        prepare_above_claims: int = PREPARE_ABOVE_CLAIMS,
    ) -> None:
        self.db = db
        self.limits = limits
        self.jobs = jobs
        self._background_above_bytes = background_above_bytes
        self._background_above_claims = background_above_claims
        self.parsed: Lru[int, Ledger] = Lru(cache_claims, weigh=lambda ledger: len(ledger.claims))
        self.structures: Lru[StructureKey, Structure] = Lru(cache_claims, weigh=lambda s: s.claims)
        self.reconciliations: Lru[ReconciliationKey, Reconciliation] = Lru(cache_size)
        self._making: OneAtATime[tuple[str, int, frozenset[str]]] = OneAtATime()
        # a page of a ledger this large that this worker has not read is prepared in the background
        self._prepare_above = prepare_above_claims
        self._preparing: set[tuple[str, int]] = set()
        self._preparing_lock = threading.Lock()
        jobs.handle("upload", self._upload_job)
        jobs.handle("download", self._download_job)

    # -- remembering what was read and reconciled

    def _remembered_or_content(self, version: VersionRow) -> Ledger | bytes:
        """Inside a session: the version's parsed ledger when remembered, else its bytes to read."""
        remembered = self.parsed.get(version.id)
        return version.content if remembered is None else remembered

    def _ledger(self, version: VersionRow, remembered_or_content: Ledger | bytes) -> Ledger:
        """The version's parsed ledger (read from its bytes, once)."""
        if isinstance(remembered_or_content, Ledger):
            return remembered_or_content
        with self._making.holding(("read", version.id, frozenset())):
            remembered = self.parsed.get(version.id)  # read meanwhile by another thread
            if remembered is not None:
                return remembered
            ledger, _ = read_upload(version.file_name, remembered_or_content, self.limits)
            self.parsed.put(version.id, ledger)
            return ledger

    def _structure(
        self,
        version_id: int | None,
        decisions: tuple[Decision, ...],
        ledger: Ledger,
        file_name: str,
        on_stage: Progress = _no_progress,
    ) -> Structure:
        """What the engine finds in the version under the structural ones of `decisions` (once per version
        and structural decisions; `version_id` None: not stored yet, not remembered)."""
        kept = structural(decisions, holds_totals(ledger))
        key: StructureKey | None = (
            None if version_id is None else (version_id, structure_key(decisions, holds_totals(ledger)))
        )
        if key is None:
            return structure_of(reconciled(ledger, kept, file_name, on_stage))
        found = self.structures.get(key)
        if found is not None:
            return found
        with self._making.holding(("structure", *key)):
            found = self.structures.get(key)  # made meanwhile by another thread
            if found is None:
                found = structure_of(reconciled(ledger, kept, file_name, on_stage))
                self.structures.put(key, found)
            return found

    def _applied(
        self, structure: Structure, ledger: Ledger, name: str, decisions: tuple[Decision, ...], file_name: str
    ) -> Reconciliation:
        """`decisions` applied to the structure, or by the engine where the structure cannot take them."""
        if structure.exact:
            return apply(structure, decisions, name)
        return reconciled(replace(ledger, name=name), decisions, file_name)

    def _reconciliation(
        self, version: VersionRow, name: str, decisions: tuple[Decision, ...], ledger: Ledger
    ) -> tuple[Reconciliation, Structure]:
        """The version's ledger, named `name`, under `decisions` (once per such triple), and its structure.

        The engine runs only when the structural decisions change; other decisions are applied."""
        structure = self._structure(version.id, decisions, ledger, version.file_name)
        key: ReconciliationKey = (version.id, name, decisions)
        result = self.reconciliations.get(key)
        if result is None:
            result = self._applied(structure, ledger, name, decisions, version.file_name)
            self.reconciliations.put(key, result)
        return result, structure

    # -- who may do what

    def require(self, ledger_id: str, user_id: int, need: Role = Role.VIEWER) -> Role:
        """The account's role on the ledger: NotFound when it has none, Forbidden when it is below `need`."""
        with self.db.reading() as session:
            return store.ledger_for(session, ledger_id, user_id, need)[1]

    def share(self, ledger_id: str, owner: Account, email: str, role: str) -> None:
        """Share the owner's ledger with the account that has `email`, as "viewer" or "editor"."""
        wanted = role.strip().lower()
        if wanted not in {r.value for r in store.SHARED_ROLES}:
            raise AccountProblem(f'the role is "{role}"; expected viewer or editor')
        other = account_by_email(self.db, email)
        with self.db.transaction() as session:
            store.ledger_for(session, ledger_id, owner.id, Role.OWNER)
            store.share(session, ledger_id, other.id, Role(wanted))

    def unshare(self, ledger_id: str, owner: Account, user_id: int) -> None:
        """Stop sharing the owner's ledger with an account."""
        with self.db.transaction() as session:
            store.ledger_for(session, ledger_id, owner.id, Role.OWNER)
            store.unshare(session, ledger_id, user_id)

    # -- housekeeping (the owner's)

    def rename(self, ledger_id: str, owner: Account, name: str) -> None:
        """Give the owner's ledger a new name; the trail keeps the old one."""
        wanted = checked_name(name)
        with self.db.transaction() as session:
            row, _ = store.ledger_for(session, ledger_id, owner.id, Role.OWNER, lock=True)
            if row.name != wanted:
                store.rename_ledger(session, ledger_id, wanted, by=owner.email, user_id=owner.id)

    def archive(self, ledger_id: str, owner: Account, archived: bool = True) -> None:
        """Archive the owner's ledger (kept whole, out of the main list), or bring it back."""
        with self.db.transaction() as session:
            store.ledger_for(session, ledger_id, owner.id, Role.OWNER, lock=True)
            store.set_archived(session, ledger_id, archived, by=owner.email, user_id=owner.id)

    def delete(self, ledger_id: str, owner: Account, confirm: str) -> str:
        """Delete the owner's ledger and all it holds, when `confirm` is its name; the name deleted.

        Only the record that it was deleted stays (its name, by whom, when)."""
        with self.db.transaction() as session:
            row, _ = store.ledger_for(session, ledger_id, owner.id, Role.OWNER, lock=True)
            name = row.name
            if " ".join(confirm.split()).casefold() != " ".join(name.split()).casefold():
                raise AccountProblem(f'to delete it, type the ledger\'s name, "{name}", in the box')
            store.delete_ledger(session, ledger_id, by=owner.email, user_id=owner.id)
        return name

    def deletions(self, user_id: int) -> tuple[LedgerEventRow, ...]:
        """The account's most recent deletions."""
        with self.db.reading() as session:
            return tuple(store.deletions_by(session, user_id))

    # -- uploads

    def upload(
        self,
        file_name: str | None,
        content: bytes,
        *,
        user_id: int,
        ledger_id: str | None = None,
        keyed: Keyed | None = None,
        based_on: int | None = None,
    ) -> Accepted:
        """Take `user_id`'s upload as a new ledger, or as the next version of `ledger_id` (which they must
        edit or own): stored now, or, when larger than the background threshold, checked (the gate's
        checks, without reading the cells), stored with a job and queued. `keyed`: its idempotency key,
        recorded with the ledger's version or with the job. `based_on`: the version the upload was made
        from (drafts added to it); Conflict, and nothing stored, when another was stored since."""
        if ledger_id is not None:
            self.require(ledger_id, user_id, Role.EDITOR)
        name = checked_file_name(file_name, content)
        if len(content) > self._background_above_bytes:
            refused = check_ledger_workbook(content, name=name, limits=self.limits)
            if refused is not None:  # refused here: nothing stored, not even for a moment
                raise UnreadableUpload(refused.message)
            job_id = self.jobs.submit(
                "upload",
                name,
                user_id=user_id,
                ledger_id=ledger_id,
                content=content,
                params=None if based_on is None else {"based_on": based_on},
                in_transaction=(
                    None if keyed is None else lambda session, job: keyed.record(session, {"job": job})
                ),
            )
            return Accepted(job_id=job_id)

        def stored(session: Session, ledger: str, number: int) -> None:
            if keyed is not None:
                keyed.record(session, {"ledger": ledger, "version": number})

        return Accepted(
            ledger_id=self.store_upload(
                name, content, user_id=user_id, ledger_id=ledger_id, in_transaction=stored, based_on=based_on
            )
        )

    def _upload_job(self, attempt: Attempt) -> None:
        """An upload job's attempt: read, reconcile and store the bytes kept with the job, and mark the job
        done in the same transaction."""
        assert attempt.user_id is not None  # uploads always have an account
        self.store_upload(
            attempt.file_name,
            attempt.content(),
            user_id=attempt.user_id,
            ledger_id=attempt.ledger_id,
            on_progress=attempt.progress,
            in_transaction=lambda session, ledger, _number: attempt.complete(
                session, result_ledger_id=ledger
            ),
            based_on=attempt.params.get("based_on"),
        )

    def open_example(self, user_id: int) -> str:
        """The account's worked example: the one it opened before, or stored now as a new ledger; its id."""
        with self.db.reading() as session:
            known = store.example_of(session, user_id)
        if known is not None:
            return known
        file_name, content = example_workbook()
        return self.store_upload(file_name, content, user_id=user_id, is_example=True)

    def store_upload(
        self,
        file_name: str,
        content: bytes,
        *,
        user_id: int,
        ledger_id: str | None = None,
        on_progress: Progress = _no_progress,
        in_transaction: OnStored | None = None,
        is_example: bool = False,
        based_on: int | None = None,
    ) -> str:
        """Read, reconcile and store an upload as a new ledger of `user_id`'s, or as the next version of
        `ledger_id` (which `user_id` must be an editor or the owner of; the ledger keeps its name).

        Decisions in force carry over by finding id; a decided finding whose id changed (one of its claims
        was edited) passes its decision to the new finding of its kind with the most claims in common.
        Returns the ledger's id. Everything is stored in one transaction, `in_transaction(session, ledger
        id, version number)` too: on any error nothing is. A version is compared with the newest version,
        and stored with the ledger's row locked; when another version was stored meanwhile, it is compared
        again with that one under the lock, so each version's changes are against its true predecessor.
        `based_on`: the version number the workbook was made from; Conflict when it is no longer the newest.
        """
        if ledger_id is not None:
            self.require(ledger_id, user_id, Role.EDITOR)
        on_progress(5, "reading the workbook")
        ledger, _warnings = read_upload(file_name, content, self.limits)
        on_progress(50, "finding the double counting")
        previous, stored, predecessor, kept_name = self._predecessor(ledger_id)
        name = kept_name or ledger.name
        # the workbook's own decisions apply on top of those stored (they are recorded below)
        in_force = {d.finding: d for d in stored}
        in_force.update({d.finding: d for d in ledger.decisions})
        decisions = tuple(in_force.values())

        def stage(step: int, what: str) -> None:
            on_progress(50 + step * 4 // 10, what)

        structure = self._structure(None, decisions, ledger, file_name, stage)
        result = self._applied(structure, ledger, name, decisions, file_name)
        carried: tuple[Carried, ...] = ()
        if previous is not None:
            carried = carried_decisions(previous.findings, result.findings, decisions)
            if carried:
                decisions = (*decisions, *(c.decision for c in carried))
                structure = self._structure(None, decisions, ledger, file_name)
                result = self._applied(structure, ledger, name, decisions, file_name)
        on_progress(95, "storing")
        with self.db.transaction() as session:
            if ledger_id is not None:
                # checked again inside the transaction: the owner may have stopped sharing meanwhile; the
                # lock makes versions of one ledger take turns
                store.ledger_for(session, ledger_id, user_id, Role.EDITOR, lock=True)
                newest = store.latest_version(session, ledger_id)
                if based_on is not None and newest.number != based_on:
                    # made from an older version: storing it would undo what the newer ones changed
                    raise store.Conflict(
                        f"version {newest.number} was stored after version {based_on}, which this was made "
                        "from; nothing was stored: add the claims again to the newest version"
                    )
                if newest.id != predecessor:
                    # another version was stored since this one was compared: compare it with that one
                    # (while holding the lock, so that no third one comes in between)
                    previous, _, predecessor, _ = self._predecessor(ledger_id)
            version = store.NewVersion(
                file_name=file_name,
                content=content,
                claim_count=len(ledger.claims),
                finding_ids=tuple(f.id for f in result.findings),
                changes=version_changes(previous, result, carried),
                uploaded_by=user_id,
            )
            if ledger_id is None:
                new = store.create_ledger(session, name, version, owner_id=user_id, is_example=is_example)
                ledger_id = new.id
                stored_version = store.latest_version(session, ledger_id)
            else:
                stored_version = store.add_version(session, ledger_id, "", version)
            store.import_decisions(
                session, ledger_id, ledger.decisions, default_by=f"workbook {file_name}", user_id=user_id
            )
            uploader = store.get_user(session, user_id)
            for c in carried:
                store.record_decision(
                    session,
                    ledger_id,
                    c.decision.finding,
                    c.decision.verdict,
                    note=c.decision.note,
                    by=uploader.email if uploader else c.decision.by,
                    via="carried",
                    user_id=user_id,
                    carried_from=c.source,
                    detail=c.detail,
                )
            if in_transaction is not None:
                in_transaction(session, ledger_id, stored_version.number)
            stored_name = store.get_ledger(session, ledger_id).name
            stored_decisions = store.latest_decisions(session, ledger_id)
            version_id = stored_version.id
        self.parsed.put(version_id, ledger)
        key = structure_key(stored_decisions, holds_totals(ledger))
        if key == structure_key(decisions, holds_totals(ledger)):
            # what the ledger's page asks for next: the same structure, the decisions as stored
            self.structures.put((version_id, key), structure)
            if structure.exact:
                final = apply(structure, stored_decisions, stored_name)
                self.reconciliations.put((version_id, stored_name, stored_decisions), final)
        on_progress(100, "done")
        return ledger_id

    def _predecessor(
        self, ledger_id: str | None
    ) -> tuple[Reconciliation | None, tuple[Decision, ...], int | None, str]:
        """The newest version of a ledger, reconciled under the decisions in force; those decisions; the
        version's id; the ledger's name (kept by every new version). (None, (), None, "") for a new ledger."""
        if ledger_id is None:
            return None, (), None, ""
        with self.db.reading() as session:
            row = store.get_ledger(session, ledger_id)
            history = tuple(store.decision_history(session, ledger_id))
            previous_version = store.latest_version(session, ledger_id)
            source = self._remembered_or_content(previous_version)
        stored = store.decisions_in_force(reversed(history))
        previous_ledger = self._ledger(previous_version, source)
        previous, _ = self._reconciliation(previous_version, row.name, stored, previous_ledger)
        return previous, stored, previous_version.id, row.name

    def newest_ledger(self, ledger_id: str, *, user_id: int) -> tuple[Ledger, int]:
        """The newest version of a ledger `user_id` may change (an editor or the owner: Forbidden for a
        viewer), as read from its workbook, and its number: what claims are added to."""
        with self.db.reading() as session:
            store.ledger_for(session, ledger_id, user_id, Role.EDITOR)
            version = store.latest_version(session, ledger_id)
            source = self._remembered_or_content(version)
        return self._ledger(version, source), version.number

    def job(self, job_id: str, *, user_id: int) -> JobRow:
        """A background job of `user_id`'s (NotFound for anyone else's). One whose worker stopped is sent
        to the queue again at once, and reads "retrying"."""
        with self.db.reading() as session:
            row = store.job_for(session, job_id, user_id)
        if lease_over(row):
            self.jobs.requeue_stalled(job_id)
            with self.db.reading() as session:
                row = store.job_for(session, job_id, user_id)
        return job_state(row, lease_over(row))

    def job_download(self, job_id: str, *, user_id: int) -> Download:
        """The file a download job of `user_id`'s built (NotFound until it is built, and for anyone else)."""
        with self.db.reading() as session:
            row = store.job_for(session, job_id, user_id)
            if row.kind != "download" or row.state != "done":
                raise store.NotFound(f'job "{job_id}" has no file to download')
            return Download(store.job_content(session, job_id), row.result_name, row.result_type)

    # -- reading

    def listing(self, user_id: int) -> list[LedgerListing]:
        """The ledgers the account owns or that are shared with it, most recently changed first."""
        with self.db.reading() as session:
            return store.list_ledgers(session, user_id)

    def view(self, ledger_id: str, number: int | None = None, *, user_id: int) -> LedgerView:
        """A ledger's newest (or numbered) version, reconciled under the decisions in force now, as `user_id`
        sees it (NotFound when that account has no part in the ledger)."""
        with self.db.reading() as session:
            row, role = store.ledger_for(session, ledger_id, user_id)
            shares = store.shares_of(session, ledger_id)
            all_versions = tuple(store.versions(session, ledger_id))
            version = (
                store.get_version(session, ledger_id, number)
                if number
                else store.latest_version(session, ledger_id)
            )
            history = tuple(store.decision_history(session, ledger_id))
            events = tuple(store.ledger_events(session, ledger_id))
            source = self._remembered_or_content(version)
        decisions = store.decisions_in_force(reversed(history))
        result, structure = self._reconciliation(version, row.name, decisions, self._ledger(version, source))
        return LedgerView(
            row,
            all_versions,
            version,
            result,
            history,
            role,
            shares,
            structure,
            events,
        )

    def prepare(self, ledger_id: str, number: int | None = None) -> None:
        """Read and reconcile a ledger's newest (or numbered) version under the decisions in force, as its
        page will ask (for the warmer: another worker stored a version or a decision that changes what the
        engine finds; or for a page asked of this worker before it had read the ledger)."""
        with self.db.reading() as session:
            row = store.get_ledger(session, ledger_id)
            version = (
                store.get_version(session, ledger_id, number)
                if number
                else store.latest_version(session, ledger_id)
            )
            history = tuple(store.decision_history(session, ledger_id))
            source = self._remembered_or_content(version)
        decisions = store.decisions_in_force(reversed(history))
        self._reconciliation(version, row.name, decisions, self._ledger(version, source))

    def ready(self, ledger_id: str, number: int | None = None, *, user_id: int) -> int | None:
        """None when the ledger's page can be shown at once; else its claim count, and it is being prepared
        in the background (a large ledger this worker has not read yet, or whose structural decisions
        changed elsewhere): the page says so and looks again, and may meanwhile be served by a worker that
        has it. NotFound when the account has no part in the ledger."""
        with self.db.reading() as session:
            store.ledger_for(session, ledger_id, user_id)
            version = (
                store.get_version(session, ledger_id, number)
                if number
                else store.latest_version(session, ledger_id)
            )
            if version.claim_count < self._prepare_above:
                return None
            history = tuple(store.decision_history(session, ledger_id))
        ledger = self.parsed.get(version.id)
        if ledger is not None:
            decisions = store.decisions_in_force(reversed(history))
            if self.structures.get((version.id, structure_key(decisions, holds_totals(ledger)))) is not None:
                return None
        self._prepare_in_background(ledger_id, number)
        return version.claim_count

    def _prepare_in_background(self, ledger_id: str, number: int | None) -> None:
        key = (ledger_id, number or 0)
        with self._preparing_lock:
            if key in self._preparing:
                return
            self._preparing.add(key)

        def work() -> None:
            try:
                self.prepare(ledger_id, number)
            except Exception:
                log.exception("preparing ledger %s", ledger_id)
            finally:
                with self._preparing_lock:
                    self._preparing.discard(key)

        threading.Thread(target=work, name=f"prepare-{ledger_id}", daemon=True).start()

    def history(self, ledger_id: str, *, user_id: int) -> tuple[DecisionRow, ...]:
        """Every decision event on a ledger `user_id` may see, newest first."""
        with self.db.reading() as session:
            store.ledger_for(session, ledger_id, user_id)
            return tuple(store.decision_history(session, ledger_id))

    # -- deciding

    def decide(
        self,
        ledger_id: str,
        finding: str,
        decision: str,
        *,
        account: Account,
        note: str = "",
        via: str = "web",
        keyed: Keyed | None = None,
    ) -> Decided:
        """Record `account`'s decision on a finding of the ledger's newest version ("accept", "reject" or
        "undecided"); the account must be an editor or the owner. The audit trail names the account.

        The finding must be one of those the ledger has now. Only a rejected duplicate (or containment, in a
        ledger with totals over donors) runs the engine again; any other decision is applied to what the
        engine found (`standing.apply`), and remembered for the page shown next.
        """
        return self.decide_many(
            ledger_id, (finding,), decision, account=account, note=note, via=via, keyed=keyed
        )

    def decide_many(
        self,
        ledger_id: str,
        findings: tuple[str, ...],
        decision: str,
        *,
        account: Account,
        note: str = "",
        via: str = "web",
        keep_verdict: bool = False,
        wait: bool = True,
        keyed: Keyed | None = None,
    ) -> Decided:
        """`decide` for several findings at once, in one transaction (all recorded or none).

        `wait` False: when the decisions change what the engine finds in a large ledger, record them and
        reconcile in the background (`Decided.pending`), rather than keep the request that long.

        `keep_verdict`: record only the note, each finding keeping the verdict in force (an undecided one is
        left alone: a note is kept with a decision)."""
        wanted = tuple(dict.fromkeys(findings))
        if not wanted:
            raise BadDecision("choose at least one finding to decide")
        verdict = None if keep_verdict else checked_verdict(decision)
        with self.db.reading() as session:
            row, _role = store.ledger_for(session, ledger_id, account.id, Role.EDITOR)
            version = store.latest_version(session, ledger_id)
            history = tuple(store.decision_history(session, ledger_id))
            source = self._remembered_or_content(version)
        ledger = self._ledger(version, source)
        in_force = store.decisions_in_force(reversed(history))
        before, _ = self._reconciliation(version, row.name, in_force, ledger)
        known = {f.id for f in before.findings}
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise UnknownFinding(f'this ledger has no finding "{unknown[0]}"')
        current = {d.finding: d.verdict for d in in_force}
        text = note.strip()[:2000]
        recorded: list[DecisionRow] = []
        with self.db.transaction() as session:
            # the ledger's row locked: decisions take turns, so `after` below holds these decisions and those
            # before them, never one recorded a moment later by someone else
            store.ledger_for(session, ledger_id, account.id, Role.EDITOR, lock=True)
            moment = now()
            for finding in wanted:
                chosen = current.get(finding) if keep_verdict else verdict
                if keep_verdict and chosen is None:
                    continue
                recorded.append(
                    store.record_decision(
                        session,
                        ledger_id,
                        finding,
                        chosen,
                        note=text,
                        by=account.email,
                        via=via,
                        at=moment,
                        user_id=account.id,
                    )
                )
            if keyed is not None and recorded:
                keyed.record(session, {"decision": recorded[-1].id})
            newest = store.latest_version(session, ledger_id)
            name = store.get_ledger(session, ledger_id).name
            after = store.decisions_in_force(reversed(store.decision_history(session, ledger_id)))
        if not recorded:
            raise BadDecision("a note is kept with a decision: accept or reject the finding to record it")
        if newest.id != version.id:  # a new version was stored meanwhile: the decisions apply to it
            with self.db.reading() as session:
                current_version = session.get(VersionRow, newest.id) or newest
                source = self._remembered_or_content(current_version)
            now_result, _ = self._reconciliation(
                current_version, name, after, self._ledger(current_version, source)
            )
            return Decided(recorded[-1], now_result, None, tuple(recorded))
        key = (version.id, structure_key(after, holds_totals(ledger)))
        if not wait and len(ledger.claims) >= self._prepare_above and self.structures.get(key) is None:
            self._prepare_in_background(ledger_id, None)
            return Decided(recorded[-1], before, before, tuple(recorded), pending=True)
        result, _ = self._reconciliation(version, name, after, ledger)
        return Decided(recorded[-1], result, before, tuple(recorded))

    def decision(self, ledger_id: str, decision_id: int, *, user_id: int) -> Decided:
        """A decision recorded earlier (an idempotent call made again), with the ledger as it is now."""
        with self.db.reading() as session:
            store.ledger_for(session, ledger_id, user_id)
            row = session.get(DecisionRow, decision_id)
        if row is None or row.ledger_id != ledger_id:
            raise store.NotFound(f"ledger {ledger_id} has no decision {decision_id}")
        return Decided(row, self.view(ledger_id, user_id=user_id).result)

    # -- files

    def download(self, ledger_id: str, kind: str, number: int | None = None, *, user_id: int) -> Download:
        """A ledger's version (the newest by default) as `kind` (see `export`). A large ledger's file is built
        by a job instead (DownloadQueued names it): not inside a request."""
        if kind not in DOWNLOAD_KINDS:
            raise UnknownDownload(
                f'there is no "{kind}" download; choose one of {", ".join(sorted(DOWNLOAD_KINDS))}'
            )
        with self.db.reading() as session:
            row, _role = store.ledger_for(session, ledger_id, user_id)
            version = (
                store.get_version(session, ledger_id, number)
                if number
                else store.latest_version(session, ledger_id)
            )
        if version.claim_count > self._background_above_claims:
            job_id = self.jobs.submit(
                "download",
                f"{kind} of {row.name}",
                user_id=user_id,
                ledger_id=ledger_id,
                params={"kind": kind, "number": version.number},
            )
            raise DownloadQueued(job_id)
        seen = self.view(ledger_id, number, user_id=user_id)
        return export(seen.result, kind, version=str(seen.version.number))

    def _download_job(self, attempt: Attempt) -> None:
        """A download job's attempt: reconcile the version and build its file, kept with the job."""
        assert attempt.user_id is not None and attempt.ledger_id is not None
        attempt.progress(10, "finding the double counting")
        seen = self.view(attempt.ledger_id, int(attempt.params["number"]), user_id=attempt.user_id)
        attempt.progress(60, "writing the file")
        made = export(seen.result, str(attempt.params["kind"]), version=str(seen.version.number))
        with self.db.transaction() as session:
            attempt.complete(
                session, content=made.content, result_name=made.file_name, result_type=made.mimetype
            )

    def original(self, ledger_id: str, number: int, *, user_id: int) -> Download:
        """The workbook uploaded as version `number` of a ledger, byte for byte."""
        self.require(ledger_id, user_id)
        with self.db.reading() as session:
            version = store.get_version(session, ledger_id, number)
            return Download(version.content, version.file_name, "application/octet-stream")


# ---- downloads ----------------------------------------------------------------------------------------------


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


# what can be downloaded: the ledger workbook, the Excel report, JSON, the CSV tables zipped, each table alone
DOWNLOAD_KINDS = frozenset({"workbook", "report", "json", "csv", "pledges.csv", "findings.csv", "totals.csv"})


def export(result: Reconciliation, kind: str, *, version: str = "") -> Download:
    """The ledger workbook (with decisions), the Excel report, the JSON, the CSV tables as a .zip ("csv"),
    or one CSV table ("pledges.csv", "findings.csv", "totals.csv") of a reconciliation. `version` (its
    number) is printed in the report's footers."""
    stem = _file_stem(result.ledger.name)
    buffer = io.BytesIO()
    if kind == "workbook":
        write_ledger(result.ledger, buffer)
        return Download(buffer.getvalue(), f"{stem}-ledger.xlsx", XLSX)
    if kind == "report":
        _exporter("exports.report", "write_report")(result, buffer, version=version)
        return Download(buffer.getvalue(), f"{stem}-report.xlsx", XLSX)
    if kind == "json":
        return Download(to_json(result).encode("utf-8"), f"{stem}.json", "application/json")
    if kind == "csv":
        _exporter("exports.flat", "write_csv")(result, buffer)
        return Download(buffer.getvalue(), f"{stem}-csv.zip", ZIP)
    if kind in DOWNLOAD_KINDS and kind.endswith(".csv"):
        rows = _exporter("exports.flat", "csv_tables")(result)[kind]
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(rows)
        # UTF-8 with a BOM, as in the zip, so that Excel reads accents
        return Download(text.getvalue().encode("utf-8-sig"), f"{stem}-{kind}", f"{CSV}; charset=utf-8")
    raise UnknownDownload(f'there is no "{kind}" download; choose one of {", ".join(sorted(DOWNLOAD_KINDS))}')


def blank_template() -> Download:
    """The blank ledger template, to fill in."""
    return Download(TEMPLATE_WORKBOOK.read_bytes(), "ledger-template.xlsx", XLSX)


def example_workbook() -> tuple[str, bytes]:
    """The worked example as a ledger workbook: its file name and bytes."""
    buffer = io.BytesIO()
    write_ledger(example_ledger(), buffer)
    return "central-america-2011.xlsx", buffer.getvalue()
