"""The database tables (SQLAlchemy 2): ledgers, their versions, the decision audit trail, background jobs.

Accounts come later (issue 6): an owner column on `ledgers` and a user reference on `decisions` can be
added by a migration without touching what is here.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime


def new_id() -> str:
    """An unguessable id for URLs (128 bits of randomness)."""
    return secrets.token_urlsafe(16)


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class LedgerRow(Base):
    __tablename__ = "ledgers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    versions: Mapped[list[VersionRow]] = relationship(
        back_populates="ledger", order_by="VersionRow.number", cascade="all, delete-orphan"
    )


class VersionRow(Base):
    """One uploaded workbook, kept byte for byte, with what was learnt reading it."""

    __tablename__ = "ledger_versions"
    __table_args__ = (UniqueConstraint("ledger_id", "number", name="uq_ledger_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger_id: Mapped[str] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    claim_count: Mapped[int] = mapped_column(Integer)
    # JSON: the finding ids this version produces (for "undecided" counts without reconciling again)
    finding_ids: Mapped[str] = mapped_column(Text, default="[]")
    # JSON: what changed since the previous version (claims added/removed/edited, findings new/gone)
    changes: Mapped[str] = mapped_column(Text, default="{}")

    ledger: Mapped[LedgerRow] = relationship(back_populates="versions")


class DecisionRow(Base):
    """One decision event; the latest per finding wins, and none is ever overwritten (the audit trail)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger_id: Mapped[str] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    finding: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: taken back, undecided
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    via: Mapped[str] = mapped_column(String(20), default="web")  # web, api, workbook


class JobRow(Base):
    """A large upload read and reconciled in the background; its state lives here so any worker can show it."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    state: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(300))
    target_ledger_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a new version of it
    result_ledger_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failure_status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 400, 422 ...
    failure: Mapped[str] = mapped_column(Text, default="")  # JSON: the reason or the problems
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
