"""The store API the routes call: ledgers, versions, decisions and jobs, each a function of a session.

Nothing here commits: callers open `Database.transaction()` so that everything one request writes is
stored together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import Decision, Verdict

from .models import DecisionRow, JobRow, LedgerRow, VersionRow, now


class NotFound(LookupError):
    """No ledger (or job, or version) has that id."""


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class NewVersion:
    """What a read and reconciled upload leaves to store."""

    file_name: str
    content: bytes
    claim_count: int
    finding_ids: tuple[str, ...]
    changes: dict[str, Any]


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
    )


def create_ledger(session: Session, name: str, version: NewVersion) -> LedgerRow:
    """A new ledger with its first version."""
    row = LedgerRow(name=name[:300], created_at=now(), updated_at=now())
    session.add(row)
    session.flush()
    session.add(_version_row(row.id, 1, version))
    session.flush()
    return row


def add_version(session: Session, ledger_id: str, name: str, version: NewVersion) -> VersionRow:
    """The next version of a ledger; the ledger's name follows the newest workbook."""
    ledger = get_ledger(session, ledger_id)
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


def get_ledger(session: Session, ledger_id: str) -> LedgerRow:
    """The ledger with that id, or NotFound."""
    row = session.get(LedgerRow, ledger_id)
    if row is None:
        raise NotFound(f'no ledger has the id "{ledger_id}"')
    return row


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


def list_ledgers(session: Session) -> list[LedgerListing]:
    """Every ledger, most recently changed first, with its counts."""
    listings = []
    for ledger in session.scalars(select(LedgerRow).order_by(LedgerRow.updated_at.desc())).all():
        version = latest_version(session, ledger.id)
        finding_ids = json.loads(version.finding_ids)
        decided = {d.finding for d in latest_decisions(session, ledger.id)}
        listings.append(
            LedgerListing(
                id=ledger.id,
                name=ledger.name,
                updated_at=utc(ledger.updated_at),
                versions=version.number,
                claims=version.claim_count,
                findings=len(finding_ids),
                undecided=sum(1 for f in finding_ids if f not in decided),
            )
        )
    return listings


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
) -> DecisionRow:
    """Add a decision event (None takes a decision back); earlier events are kept as the audit trail."""
    get_ledger(session, ledger_id)
    row = DecisionRow(
        ledger_id=ledger_id,
        finding=finding,
        verdict=verdict.value if verdict else None,
        note=note,
        by=by,
        via=via,
        at=at or now(),
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
    latest: dict[str, DecisionRow] = {}
    for row in session.scalars(
        select(DecisionRow).where(DecisionRow.ledger_id == ledger_id).order_by(DecisionRow.id)
    ):
        latest[row.finding] = row
    return tuple(
        Decision(
            row.finding, Verdict(row.verdict), row.note, row.by, utc(row.at).isoformat(timespec="seconds")
        )
        for row in latest.values()
        if row.verdict is not None
    )


def import_decisions(
    session: Session, ledger_id: str, decisions: Iterable[Decision], *, default_by: str
) -> int:
    """Record a workbook's decisions that differ from those in force; how many were recorded."""
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
        )
        current[decision.finding] = (decision.verdict, decision.note)
        recorded += 1
    return recorded


# ---- jobs ---------------------------------------------------------------------------------------------------


def create_job(session: Session, file_name: str, target_ledger_id: str | None) -> JobRow:
    """A queued background job for an upload."""
    row = JobRow(
        file_name=file_name[:300],
        target_ledger_id=target_ledger_id,
        state="queued",
        progress=0,
        stage="waiting to start",
        failure="",
        created_at=now(),
        updated_at=now(),
    )
    session.add(row)
    session.flush()
    return row


def get_job(session: Session, job_id: str) -> JobRow:
    """The job with that id, or NotFound."""
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFound(f'no upload job has the id "{job_id}"')
    return row


def update_job(session: Session, job_id: str, **fields: Any) -> None:
    """Set a job's state, progress, stage, result or failure."""
    row = get_job(session, job_id)
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_at = now()
