"""The store API the services call: accounts and tokens, ledgers and who may see them, versions, decisions
and jobs, each a function of a session.

Nothing here commits: callers open `Database.transaction()` so that everything one request writes is
stored together or not at all. Access is decided here, in `ledger_for`: a ledger the account has no
part in is NotFound, exactly as one that does not exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, undefer

from ledger import Decision, Verdict

from .models import (
    ApiTokenRow,
    DecisionRow,
    IdempotencyRow,
    JobRow,
    LedgerEventRow,
    LedgerRow,
    ShareRow,
    SignInFailureRow,
    UserRow,
    VersionRow,
    now,
)


class NotFound(LookupError):
    """No ledger (or job, or version) has that id, or none the account may see."""


class Forbidden(PermissionError):
    """The account may see the ledger but not do this with it (a viewer deciding, an editor sharing)."""


class Conflict(ValueError):
    """The change clashes with what is stored (an email already in use)."""


class LostJob(RuntimeError):
    """The attempt no longer owns its job (its lease ran out and another attempt took it, or it ended)."""


class Role(StrEnum):
    """What an account may do with a ledger; each role can do what the ones before it can."""

    VIEWER = "viewer"  # read, download
    EDITOR = "editor"  # and upload versions, decide findings
    OWNER = "owner"  # and share


RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}
SHARED_ROLES = (Role.VIEWER, Role.EDITOR)


def utc(moment: datetime) -> datetime:
    """The moment in UTC: SQLite hands back naive datetimes (they were stored in UTC), PostgreSQL hands them
    back in the session's time zone."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class NewVersion:
    """What a read and reconciled upload leaves to store."""

    file_name: str
    content: bytes
    claim_count: int
    finding_ids: tuple[str, ...]
    changes: dict[str, Any]
    uploaded_by: int | None = None


@dataclass(frozen=True)
class LedgerListing:
    """A line of the ledger list: name, when, how many claims, how many findings still undecided."""

    id: str
    name: str
    updated_at: datetime
    versions: int
    claims: int
    findings: int
    undecided: int
    role: Role = Role.OWNER
    owner: str = ""  # the owner's email
    archived: bool = False
    is_example: bool = False


@dataclass(frozen=True)
class ShareListing:
    """Someone a ledger is shared with."""

    user_id: int
    email: str
    role: Role


# ---- ledgers and versions ---------------------------------------------------------------------------------


def _version_row(ledger_id: str, number: int, version: NewVersion) -> VersionRow:
    return VersionRow(
        ledger_id=ledger_id,
        number=number,
        file_name=version.file_name,
        content=version.content,
        sha256=hashlib.sha256(version.content).hexdigest(),
        claim_count=version.claim_count,
        finding_ids=json.dumps(list(version.finding_ids)),
        changes=json.dumps(version.changes),
        created_at=now(),
        uploaded_by=version.uploaded_by,
    )


def create_ledger(
    session: Session, name: str, version: NewVersion, *, owner_id: int | None, is_example: bool = False
) -> LedgerRow:
    """A new ledger with its first version, owned by `owner_id` (`is_example`: the account's worked example)."""
    row = LedgerRow(
        name=name[:300], created_at=now(), updated_at=now(), owner_id=owner_id, is_example=is_example
    )
    session.add(row)
    session.flush()
    session.add(_version_row(row.id, 1, version))
    session.flush()
    return row


def add_version(session: Session, ledger_id: str, name: str, version: NewVersion) -> VersionRow:
    """The next version of a ledger; the ledger's name follows the newest workbook.

    The ledger's row is locked first (PostgreSQL; SQLite has one writer at a time anyway), so that two
    uploads at once get the next two numbers rather than one of them failing on the same number.
    """
    ledger = get_ledger(session, ledger_id, lock=True)
    number = (
        session.scalar(select(func.max(VersionRow.number)).where(VersionRow.ledger_id == ledger_id)) or 0
    ) + 1
    row = _version_row(ledger_id, number, version)
    session.add(row)
    ledger.updated_at = now()
    if name:
        ledger.name = name[:300]
    session.flush()
    return row


def get_ledger(session: Session, ledger_id: str, *, lock: bool = False) -> LedgerRow:
    """The ledger with that id, or NotFound; `lock` holds its row until the transaction ends."""
    row = session.get(LedgerRow, ledger_id, with_for_update=lock or None)
    if row is None:
        raise NotFound(f'no ledger has the id "{ledger_id}"')
    return row


def role_of(session: Session, ledger: LedgerRow, user_id: int) -> Role | None:
    """The account's role on the ledger, or None when it has none."""
    if ledger.owner_id == user_id:
        return Role.OWNER
    shared = session.scalar(
        select(ShareRow.role).where(ShareRow.ledger_id == ledger.id, ShareRow.user_id == user_id)
    )
    return Role(shared) if shared else None


def ledger_for(
    session: Session, ledger_id: str, user_id: int, need: Role = Role.VIEWER, *, lock: bool = False
) -> tuple[LedgerRow, Role]:
    """The ledger and the account's role on it.

    NotFound when it does not exist or the account has no part in it (the same answer, so that an id
    guessed or copied from another account tells nothing); Forbidden when the role is below `need`.
    """
    row = session.get(LedgerRow, ledger_id, with_for_update=lock or None)
    role = role_of(session, row, user_id) if row is not None else None
    if row is None or role is None:
        raise NotFound(f'no ledger has the id "{ledger_id}"')
    if RANK[role] < RANK[need]:
        raise Forbidden(
            f"you are a{'n' if role is Role.EDITOR else ''} {role} of this ledger; "
            f"this needs {'the owner' if need is Role.OWNER else 'an editor'}"
        )
    return row, role


def versions(session: Session, ledger_id: str) -> Sequence[VersionRow]:
    """A ledger's versions, oldest first."""
    return session.scalars(
        select(VersionRow).where(VersionRow.ledger_id == ledger_id).order_by(VersionRow.number)
    ).all()


def latest_version(session: Session, ledger_id: str) -> VersionRow:
    """A ledger's newest version, or NotFound."""
    get_ledger(session, ledger_id)
    row = session.scalars(
        select(VersionRow)
        .where(VersionRow.ledger_id == ledger_id)
        .order_by(VersionRow.number.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(f'ledger "{ledger_id}" has no versions')
    return row


def get_version(session: Session, ledger_id: str, number: int) -> VersionRow:
    """Version `number` of a ledger, or NotFound."""
    row = session.scalars(
        select(VersionRow).where(VersionRow.ledger_id == ledger_id, VersionRow.number == number)
    ).first()
    if row is None:
        raise NotFound(f'ledger "{ledger_id}" has no version {number}')
    return row


def list_ledgers(session: Session, user_id: int) -> list[LedgerListing]:
    """The ledgers the account owns or that are shared with it, most recently changed first (a decision is
    a change), with counts, the owner and whether each is archived. A handful of queries, whatever the count."""
    shared: dict[str, str] = {
        ledger_id: role
        for ledger_id, role in session.execute(
            select(ShareRow.ledger_id, ShareRow.role).where(ShareRow.user_id == user_id)
        )
    }
    rows = session.execute(
        select(LedgerRow, UserRow.email)
        .outerjoin(UserRow, UserRow.id == LedgerRow.owner_id)
        .where(or_(LedgerRow.owner_id == user_id, LedgerRow.id.in_(shared)))
    ).all()
    ids = [ledger.id for ledger, _ in rows]
    newest = (
        select(VersionRow.ledger_id, func.max(VersionRow.number).label("number"))
        .where(VersionRow.ledger_id.in_(ids))
        .group_by(VersionRow.ledger_id)
        .subquery()
    )
    latest = {
        ledger_id: (number, claims, json.loads(finding_ids))
        for ledger_id, number, claims, finding_ids in session.execute(
            select(
                VersionRow.ledger_id, VersionRow.number, VersionRow.claim_count, VersionRow.finding_ids
            ).join(
                newest,
                (newest.c.ledger_id == VersionRow.ledger_id) & (newest.c.number == VersionRow.number),
            )
        )
    }
    verdicts: dict[str, dict[str, str | None]] = {ledger_id: {} for ledger_id in ids}
    last_decided: dict[str, datetime] = {}
    for ledger_id, finding, verdict, at in session.execute(
        select(DecisionRow.ledger_id, DecisionRow.finding, DecisionRow.verdict, DecisionRow.at)
        .where(DecisionRow.ledger_id.in_(ids))
        .order_by(DecisionRow.id)
    ):
        verdicts[ledger_id][finding] = verdict
        last_decided[ledger_id] = utc(at)
    listings = []
    for ledger, owner_email in rows:
        if ledger.id not in latest:
            continue
        number, claims, finding_ids = latest[ledger.id]
        decided = {f for f, verdict in verdicts[ledger.id].items() if verdict is not None}
        changed = max(utc(ledger.updated_at), last_decided.get(ledger.id, utc(ledger.updated_at)))
        listings.append(
            LedgerListing(
                id=ledger.id,
                name=ledger.name,
                updated_at=changed,
                versions=number,
                claims=claims,
                findings=len(finding_ids),
                undecided=sum(1 for f in finding_ids if f not in decided),
                role=Role.OWNER if ledger.owner_id == user_id else Role(shared[ledger.id]),
                owner=owner_email or "",
                archived=ledger.archived_at is not None,
                is_example=ledger.is_example,
            )
        )
    listings.sort(key=lambda item: item.updated_at, reverse=True)
    return listings


def newest_ids(session: Session) -> tuple[int, int]:
    """The newest version's and decision's row ids (0 when none): where to look for changes from."""
    return (
        session.scalar(select(func.max(VersionRow.id))) or 0,
        session.scalar(select(func.max(DecisionRow.id))) or 0,
    )


def changed_since(
    session: Session, version_id: int, decision_id: int
) -> tuple[int, int, list[str], list[tuple[str, str, str | None]]]:
    """What was stored after the given row ids: the newest ids now, the ledgers with a new version, and the
    new decisions as (ledger, finding, verdict)."""
    versions = session.execute(
        select(VersionRow.id, VersionRow.ledger_id).where(VersionRow.id > version_id).order_by(VersionRow.id)
    ).all()
    decisions = session.execute(
        select(DecisionRow.id, DecisionRow.ledger_id, DecisionRow.finding, DecisionRow.verdict)
        .where(DecisionRow.id > decision_id)
        .order_by(DecisionRow.id)
    ).all()
    return (
        versions[-1][0] if versions else version_id,
        decisions[-1][0] if decisions else decision_id,
        list(dict.fromkeys(ledger for _, ledger in versions)),
        [(ledger, finding, verdict) for _, ledger, finding, verdict in decisions],
    )


def example_of(session: Session, user_id: int) -> str | None:
    """The id of the account's own worked example, if it has one."""
    return session.scalar(
        select(LedgerRow.id).where(LedgerRow.owner_id == user_id, LedgerRow.is_example.is_(True)).limit(1)
    )


def record_event(
    session: Session, ledger: LedgerRow, action: str, *, detail: str = "", by: str = "", user_id: int | None
) -> LedgerEventRow:
    """Note a change to the ledger itself (renamed, archived, restored, deleted) in its audit trail."""
    row = LedgerEventRow(
        ledger_id=ledger.id,
        ledger_name=ledger.name,
        action=action,
        detail=detail,
        by=by,
        user_id=user_id,
        at=now(),
    )
    session.add(row)
    session.flush()
    return row


def ledger_events(session: Session, ledger_id: str) -> Sequence[LedgerEventRow]:
    """The changes to a ledger itself, newest first."""
    return session.scalars(
        select(LedgerEventRow).where(LedgerEventRow.ledger_id == ledger_id).order_by(LedgerEventRow.id.desc())
    ).all()


def deletions_by(session: Session, user_id: int, limit: int = 5) -> Sequence[LedgerEventRow]:
    """The account's most recent deletions (what is left of a deleted ledger: its name, who, when)."""
    return session.scalars(
        select(LedgerEventRow)
        .where(LedgerEventRow.user_id == user_id, LedgerEventRow.action == "deleted")
        .order_by(LedgerEventRow.id.desc())
        .limit(limit)
    ).all()


def rename_ledger(session: Session, ledger_id: str, name: str, *, by: str, user_id: int) -> LedgerRow:
    """Give a ledger a new name (new versions keep it); the trail records the old one."""
    ledger = get_ledger(session, ledger_id, lock=True)
    old = ledger.name
    ledger.name = name[:300]
    ledger.updated_at = now()
    record_event(session, ledger, "renamed", detail=f"from “{old}”", by=by, user_id=user_id)
    return ledger


def set_archived(session: Session, ledger_id: str, archived: bool, *, by: str, user_id: int) -> LedgerRow:
    """Archive a ledger (kept, read-only in spirit, out of the main list) or bring it back."""
    ledger = get_ledger(session, ledger_id, lock=True)
    if (ledger.archived_at is not None) == archived:
        return ledger
    ledger.archived_at = now() if archived else None
    ledger.updated_at = now()
    record_event(session, ledger, "archived" if archived else "restored", by=by, user_id=user_id)
    return ledger


def delete_ledger(session: Session, ledger_id: str, *, by: str, user_id: int) -> None:
    """Delete a ledger and everything it holds (versions with their workbooks, decisions, shares, jobs and
    its earlier events); what is left is the record that it was deleted, by whom and when."""
    ledger = get_ledger(session, ledger_id, lock=True)
    count = session.scalar(select(func.count()).where(VersionRow.ledger_id == ledger_id)) or 0
    session.execute(delete(DecisionRow).where(DecisionRow.ledger_id == ledger_id))
    session.execute(delete(ShareRow).where(ShareRow.ledger_id == ledger_id))
    session.execute(delete(VersionRow).where(VersionRow.ledger_id == ledger_id))
    session.execute(
        delete(JobRow).where(or_(JobRow.result_ledger_id == ledger_id, JobRow.target_ledger_id == ledger_id))
    )
    session.execute(delete(LedgerEventRow).where(LedgerEventRow.ledger_id == ledger_id))
    detail = f"{count} version{'s' if count != 1 else ''} and every decision"
    record_event(session, ledger, "deleted", detail=detail, by=by, user_id=user_id)
    session.delete(ledger)
    session.flush()


# ---- decisions ----------------------------------------------------------------------------------------------


def record_decision(
    session: Session,
    ledger_id: str,
    finding: str,
    verdict: Verdict | None,
    *,
    note: str = "",
    by: str = "",
    via: str = "web",
    at: datetime | None = None,
    user_id: int | None = None,
    carried_from: str | None = None,
    detail: str = "",
) -> DecisionRow:
    """Add a decision event (None takes a decision back); earlier events are kept as the audit trail. The
    ledger counts it as a change.

    `by` is who, in words (the account's email, or a name typed into a workbook); `user_id` the account;
    `carried_from` the finding a decision was carried from when a new version changed its id (`detail` why).
    """
    ledger = get_ledger(session, ledger_id)
    moment = at or now()
    ledger.updated_at = moment
    row = DecisionRow(
        ledger_id=ledger_id,
        finding=finding,
        verdict=verdict.value if verdict else None,
        note=note,
        by=by,
        via=via,
        at=moment,
        user_id=user_id,
        carried_from=carried_from,
        detail=detail,
    )
    session.add(row)
    session.flush()
    return row


def decision_history(session: Session, ledger_id: str) -> Sequence[DecisionRow]:
    """Every decision event on a ledger, newest first."""
    return session.scalars(
        select(DecisionRow).where(DecisionRow.ledger_id == ledger_id).order_by(DecisionRow.id.desc())
    ).all()


def latest_decisions(session: Session, ledger_id: str) -> tuple[Decision, ...]:
    """The decision in force on each finding (the latest event; a taken-back one is absent)."""
    return decisions_in_force(
        session.scalars(
            select(DecisionRow).where(DecisionRow.ledger_id == ledger_id).order_by(DecisionRow.id)
        )
    )


def decisions_in_force(events: Iterable[DecisionRow]) -> tuple[Decision, ...]:
    """The decision in force on each finding, from a ledger's decision events oldest first (the latest
    event per finding wins; a taken-back one is absent)."""
    latest: dict[str, DecisionRow] = {}
    for row in events:
        latest[row.finding] = row
    return tuple(
        Decision(
            row.finding, Verdict(row.verdict), row.note, row.by, utc(row.at).isoformat(timespec="seconds")
        )
        for row in latest.values()
        if row.verdict is not None
    )


def import_decisions(
    session: Session,
    ledger_id: str,
    decisions: Iterable[Decision],
    *,
    default_by: str,
    user_id: int | None = None,
) -> int:
    """Record a workbook's decisions that differ from those in force; how many were recorded.

    `user_id` is the account that uploaded the workbook.
    """
    current = {d.finding: (d.verdict, d.note) for d in latest_decisions(session, ledger_id)}
    recorded = 0
    for decision in decisions:
        if current.get(decision.finding) == (decision.verdict, decision.note):
            continue
        record_decision(
            session,
            ledger_id,
            decision.finding,
            decision.verdict,
            note=decision.note,
            by=decision.by or default_by,
            via="workbook",
            user_id=user_id,
        )
        current[decision.finding] = (decision.verdict, decision.note)
        recorded += 1
    return recorded


# ---- jobs ---------------------------------------------------------------------------------------------------

# what a job may be doing, and the states in which a worker may take it
JOB_STATES = ("queued", "running", "retrying", "done", "failed")
WAITING = ("queued", "retrying")


def create_job(
    session: Session,
    file_name: str,
    target_ledger_id: str | None,
    user_id: int | None = None,
    *,
    kind: str = "upload",
    content: bytes | None = None,
    params: dict[str, Any] | None = None,
) -> JobRow:
    """A queued background job for `user_id`: an upload (its bytes in `content`, stored with the job) or a
    download (what to build in `params`)."""
    row = JobRow(
        file_name=file_name[:300],
        target_ledger_id=target_ledger_id,
        user_id=user_id,
        kind=kind,
        params=json.dumps(params or {}),
        content=content,
        state="queued",
        progress=0,
        stage="waiting for a worker",
        attempts=0,
        worker="",
        failure="",
        created_at=now(),
        updated_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def claim_job(session: Session, job_id: str, worker: str, lease: timedelta) -> int | None:
    """Take a waiting job for one attempt (the lease runs for `lease`); the attempt's number, or None when
    the job is not waiting (another worker has it, or it ended: a message delivered twice does nothing)."""
    moment = now()
    taken = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state.in_(WAITING))
        .values(
            state="running",
            attempts=JobRow.attempts + 1,
            lease_until=moment + lease,
            worker=worker[:200],
            updated_at=moment,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.scalar(select(JobRow.attempts).where(JobRow.id == job_id))


def renew_lease(session: Session, job_id: str, attempt: int, lease: timedelta) -> bool:
    """Extend the attempt's lease; False when the attempt no longer owns the job."""
    moment = now()
    renewed = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.state == "running", JobRow.attempts == attempt)
        .values(lease_until=moment + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(renewed.rowcount == 1)  # type: ignore[attr-defined]


def owned_job(session: Session, job_id: str, attempt: int, *, with_content: bool = False) -> JobRow:
    """The job, locked until the transaction ends, when `attempt` still owns it; LostJob otherwise."""
    query = select(JobRow).where(JobRow.id == job_id).with_for_update()
    if with_content:
        query = query.options(undefer(JobRow.content))
    row = session.scalars(query).first()
    if row is None or row.state != "running" or row.attempts != attempt:
        raise LostJob(f"job {job_id} is no longer attempt {attempt}'s")
    return row


def job_content(session: Session, job_id: str) -> bytes:
    """The bytes a job works on (an upload), or its built file (a download): b"" when none are kept."""
    return session.scalar(select(JobRow.content).where(JobRow.id == job_id)) or b""


def requeue_stalled(
    session: Session, *, max_attempts: int, queued_for: timedelta, job_id: str | None = None
) -> tuple[list[str], list[str]]:
    """Jobs whose worker stopped (running, lease run out): queued again as "retrying", or failed after
    `max_attempts`; and jobs waiting longer than `queued_for` (their message may be lost: sent again, which
    is harmless, as only one attempt can take a job). Only `job_id` when given.

    Returns (the ids to send to the queue again, the ids failed).
    """
    moment = now()
    scope = [JobRow.id == job_id] if job_id is not None else []
    stalled = session.scalars(
        select(JobRow)
        .where(JobRow.state == "running", JobRow.lease_until < moment, *scope)
        .with_for_update(skip_locked=True)
    ).all()
    again: list[str] = []
    failed: list[str] = []
    for row in stalled:
        row.updated_at = moment
        row.lease_until = None
        if row.attempts >= max_attempts:
            row.state = "failed"
            row.failure_status = 503
            row.failure = json.dumps(
                {
                    "detail": f"The worker doing this stopped {row.attempts} times before it was done (it may "
                    "need more memory than a job may have); nothing was stored."
                }
            )
            row.finished_at = moment
            row.content = None
            failed.append(row.id)
        else:
            row.state = "retrying"
            row.stage = (
                f"retrying (attempt {row.attempts + 1} of {max_attempts}): the worker doing it stopped"
            )
            again.append(row.id)
    forgotten = session.scalars(
        select(JobRow)
        .where(JobRow.state.in_(WAITING), JobRow.updated_at < moment - queued_for, *scope)
        .with_for_update(skip_locked=True)
    ).all()
    for row in forgotten:
        row.updated_at = moment  # sent again at most once per `queued_for`
        again.append(row.id)
    session.flush()
    return again, failed


def purge_jobs(session: Session, finished_before: datetime) -> int:
    """Delete the jobs that ended before `finished_before` (and their files); how many."""
    purged = session.execute(
        delete(JobRow)
        .where(JobRow.state.in_(("done", "failed")), JobRow.finished_at < finished_before)
        .execution_options(synchronize_session=False)
    )
    return int(purged.rowcount or 0)  # type: ignore[attr-defined]


def get_job(session: Session, job_id: str) -> JobRow:
    """The job with that id, or NotFound."""
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFound(f'no upload job has the id "{job_id}"')
    return row


def job_for(session: Session, job_id: str, user_id: int) -> JobRow:
    """The job, when `user_id` asked for it; NotFound otherwise."""
    row = session.get(JobRow, job_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f'no upload job has the id "{job_id}"')
    return row


def update_job(session: Session, job_id: str, **fields: Any) -> None:
    """Set a job's state, progress, stage, result or failure."""
    row = get_job(session, job_id)
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_at = now()


# ---- sharing -------------------------------------------------------------------------------------------------


def share(session: Session, ledger_id: str, user_id: int, role: Role) -> None:
    """Share a ledger with an account as viewer or editor (changing the role when already shared)."""
    if role not in SHARED_ROLES:
        raise Conflict(f'a ledger is shared as viewer or editor, not "{role}"')
    ledger = get_ledger(session, ledger_id)
    if ledger.owner_id == user_id:
        raise Conflict("the owner already has every right on the ledger")
    row = session.scalar(select(ShareRow).where(ShareRow.ledger_id == ledger_id, ShareRow.user_id == user_id))
    if row is None:
        session.add(ShareRow(ledger_id=ledger_id, user_id=user_id, role=role.value, created_at=now()))
    else:
        row.role = role.value
    session.flush()


def unshare(session: Session, ledger_id: str, user_id: int) -> None:
    """Stop sharing a ledger with an account (nothing happens when it was not shared)."""
    row = session.scalar(select(ShareRow).where(ShareRow.ledger_id == ledger_id, ShareRow.user_id == user_id))
    if row is not None:
        session.delete(row)
        session.flush()


def shares_of(session: Session, ledger_id: str) -> tuple[ShareListing, ...]:
    """The accounts a ledger is shared with, by email."""
    rows = session.execute(
        select(ShareRow.user_id, UserRow.email, ShareRow.role)
        .join(UserRow, UserRow.id == ShareRow.user_id)
        .where(ShareRow.ledger_id == ledger_id)
        .order_by(UserRow.email)
    )
    return tuple(ShareListing(user_id, email, Role(role)) for user_id, email, role in rows)


# ---- accounts -----------------------------------------------------------------------------------------------


def user_count(session: Session) -> int:
    """How many accounts exist."""
    return session.scalar(select(func.count()).select_from(UserRow)) or 0


def create_user(session: Session, email: str, password_hash: str, *, is_admin: bool = False) -> UserRow:
    """A new account; Conflict when the email is taken.

    The first administrator adopts the ledgers stored before accounts existed (they have no owner).
    """
    if user_by_email(session, email) is not None:
        raise Conflict(f"an account with the email {email} already exists")
    first_admin = is_admin and not session.scalar(select(func.count()).where(UserRow.is_admin.is_(True)))
    row = UserRow(
        email=email, password_hash=password_hash, is_admin=is_admin, session_version=1, created_at=now()
    )
    session.add(row)
    session.flush()
    if first_admin:
        session.execute(update(LedgerRow).where(LedgerRow.owner_id.is_(None)).values(owner_id=row.id))
    return row


def get_user(session: Session, user_id: int) -> UserRow | None:
    """The account with that id, if any."""
    return session.get(UserRow, user_id)


def user_by_email(session: Session, email: str) -> UserRow | None:
    """The account with that (lower-cased) email, if any."""
    return session.scalar(select(UserRow).where(UserRow.email == email))


def list_users(session: Session) -> Sequence[UserRow]:
    """Every account, by email."""
    return session.scalars(select(UserRow).order_by(UserRow.email)).all()


def _user(session: Session, user_id: int) -> UserRow:
    row = get_user(session, user_id)
    if row is None:
        raise NotFound(f"no account has the id {user_id}")
    return row


def set_password(session: Session, user_id: int, password_hash: str) -> UserRow:
    """A new password hash; the account is signed out of every session it had, and its API tokens are
    revoked (whoever learnt the old password may have made one)."""
    row = _user(session, user_id)
    row.password_hash = password_hash
    row.session_version += 1
    revoke_tokens(session, user_id)
    session.flush()
    return row


def end_sessions(session: Session, user_id: int) -> UserRow:
    """Sign the account out of every session (a cookie replayed afterwards is worth nothing)."""
    row = _user(session, user_id)
    row.session_version += 1
    session.flush()
    return row


def set_disabled(session: Session, user_id: int, disabled: bool) -> UserRow:
    """Disable an account (its sessions end and its tokens stop at once) or enable it again."""
    row = _user(session, user_id)
    if disabled and row.disabled_at is None:
        row.disabled_at = now()
        row.session_version += 1
    elif not disabled:
        row.disabled_at = None
    session.flush()
    return row


def active_administrators(session: Session) -> int:
    """How many administrators are not disabled."""
    return (
        session.scalar(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.is_admin.is_(True), UserRow.disabled_at.is_(None))
        )
        or 0
    )


# ---- API tokens ---------------------------------------------------------------------------------------------

# last_used_at is written at most this often, so that API calls do not all write
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def add_token(session: Session, user_id: int, name: str, token_sha256: str, hint: str) -> ApiTokenRow:
    """Keep a new token's hash for the account."""
    row = ApiTokenRow(
        user_id=user_id, name=name[:200], token_sha256=token_sha256, hint=hint[:20], created_at=now()
    )
    session.add(row)
    session.flush()
    return row


def tokens_of(session: Session, user_id: int) -> Sequence[ApiTokenRow]:
    """The account's tokens, newest first."""
    return session.scalars(
        select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(ApiTokenRow.id.desc())
    ).all()


def revoke_tokens(session: Session, user_id: int) -> int:
    """Delete every token of the account; how many there were."""
    revoked = session.execute(
        delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id).execution_options(synchronize_session=False)
    )
    return int(revoked.rowcount or 0)  # type: ignore[attr-defined]


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    """Delete one of the account's tokens; NotFound when it has no such token."""
    row = session.get(ApiTokenRow, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"you have no API token with the id {token_id}")
    session.delete(row)
    session.flush()


def user_for_token(session: Session, token_sha256: str) -> UserRow | None:
    """The account a token (by its hash) belongs to, noting when it was used; None for an unknown token."""
    token = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_sha256 == token_sha256))
    if token is None:
        return None
    user = get_user(session, token.user_id)
    if user is None or user.disabled_at is not None:
        return None
    moment = now()
    if token.last_used_at is None or moment - utc(token.last_used_at) > TOKEN_USE_RESOLUTION:
        token.last_used_at = moment
    return user


# ---- idempotency keys ------------------------------------------------------------------------------------------


def idempotent_outcome(session: Session, user_id: int, key: str) -> IdempotencyRow | None:
    """What an earlier write by the account under `key` recorded, if any."""
    return session.scalar(
        select(IdempotencyRow).where(IdempotencyRow.user_id == user_id, IdempotencyRow.key == key)
    )


def record_idempotent(
    session: Session, user_id: int, key: str, fingerprint: str, outcome: dict[str, Any]
) -> IdempotencyRow:
    """Keep the key with what the write made, in the write's own transaction (a second write under the same
    key at the same moment fails on the unique key, and its transaction, the write too, is rolled back)."""
    row = IdempotencyRow(
        user_id=user_id, key=key, fingerprint=fingerprint, outcome=json.dumps(outcome), created_at=now()
    )
    session.add(row)
    session.flush()
    return row


def keep_answer(session: Session, user_id: int, key: str, status: int, body: str | None) -> None:
    """The first answer to a keyed write, to send again as it was."""
    session.execute(
        update(IdempotencyRow)
        .where(IdempotencyRow.user_id == user_id, IdempotencyRow.key == key)
        .values(status=status, body=body)
        .execution_options(synchronize_session=False)
    )


def purge_idempotency_keys(session: Session, before: datetime) -> int:
    """Forget the keys recorded before `before`; how many."""
    purged = session.execute(
        delete(IdempotencyRow)
        .where(IdempotencyRow.created_at < before)
        .execution_options(synchronize_session=False)
    )
    return int(purged.rowcount or 0)  # type: ignore[attr-defined]


# ---- failed sign-ins -------------------------------------------------------------------------------------------


def add_sign_in_failure(session: Session, email_key: str, address_key: str) -> None:
    """Count a failed sign-in for the email from the address (both digests)."""
    session.add(SignInFailureRow(email_key=email_key, address_key=address_key, at=now()))
    session.flush()


def sign_in_failures(
    session: Session, email_key: str, since: datetime, address_key: str | None = None
) -> int:
    """Failed sign-ins for the email since `since` (from one address, when given)."""
    query = select(func.count()).where(SignInFailureRow.email_key == email_key, SignInFailureRow.at >= since)
    if address_key is not None:
        query = query.where(SignInFailureRow.address_key == address_key)
    return session.scalar(query) or 0


def forget_sign_in_failures(
    session: Session, *, before: datetime | None = None, email_key: str = "", address_key: str = ""
) -> None:
    """Forget the failures before `before`, or those of one email from one address (after it signed in)."""
    query = delete(SignInFailureRow)
    if before is not None:
        query = query.where(SignInFailureRow.at < before)
    else:
        query = query.where(
            SignInFailureRow.email_key == email_key, SignInFailureRow.address_key == address_key
        )
    session.execute(query.execution_options(synchronize_session=False))
