"""The database tables (SQLAlchemy 2): accounts and their API tokens, ledgers (each with an owner and the
people it is shared with), their versions, the decision audit trail, background jobs (with the uploaded
bytes they read), idempotency keys of API writes, and failed sign-ins (the shared rate limit).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
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


class UserRow(Base):
    """An account: an email, a password hash, whether it administers the others."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))  # kept lower-cased
    password_hash: Mapped[str] = mapped_column(String(300))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # part of the session's user id: bumping it (a password reset, signing out, disabling) signs the account
    # out of every session at once, whichever worker serves it
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # set by an administrator: the account's sessions and tokens stop working until it is enabled again
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiTokenRow(Base):
    """A per-user API token; only its SHA-256 is kept (the token itself is shown once)."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_api_tokens_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_sha256: Mapped[str] = mapped_column(String(64))
    hint: Mapped[str] = mapped_column(String(20))  # the first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LedgerRow(Base):
    __tablename__ = "ledgers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(300))
    # None only for ledgers stored before accounts existed, until the first administrator adopts them
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # the last change of any kind: a version, a decision, a rename
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # the worked example, opened once per account (a second "open the example" goes to it)
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)

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
    # the workbook's bytes, loaded only when asked for: lists and pages need none of them
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    claim_count: Mapped[int] = mapped_column(Integer)
    # JSON: the finding ids this version produces (for "undecided" counts without reconciling again)
    finding_ids: Mapped[str] = mapped_column(Text, default="[]")
    # JSON: what changed since the previous version (claims added/removed/edited, findings new/gone)
    changes: Mapped[str] = mapped_column(Text, default="{}")

    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )

    ledger: Mapped[LedgerRow] = relationship(back_populates="versions")


class ShareRow(Base):
    """A ledger shared with another account, as viewer (read, download) or editor (upload, decide)."""

    __tablename__ = "ledger_shares"
    __table_args__ = (UniqueConstraint("ledger_id", "user_id", name="uq_ledger_shares_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger_id: Mapped[str] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # viewer, editor
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


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
    via: Mapped[str] = mapped_column(String(20), default="web")  # web, api, workbook, carried
    # a decision carried from a finding whose id changed in a new version: that finding, and why
    carried_from: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    # the account that decided (or uploaded the workbook the decision was typed into); None before accounts
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class LedgerEventRow(Base):
    """A change to a ledger itself (renamed, archived, restored, deleted): the audit trail beside the
    decisions. No foreign key to the ledger, so that the record of a deletion outlives it."""

    __tablename__ = "ledger_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ledger_id: Mapped[str] = mapped_column(String(64), index=True)
    ledger_name: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(20))  # renamed, archived, restored, deleted
    detail: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(320), default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class JobRow(Base):
    """Background work (a large upload read and reconciled, or a large ledger's download built) done by the
    task queue's workers; its state lives here so any web worker can show it, and so does its input: the
    uploaded bytes are stored before the job is queued, so a worker that dies loses nothing.

    A worker owns a running job while its lease lasts (it renews the lease as it works); a job whose lease
    ran out is queued again ("retrying"), and the attempt that finishes first, alone, stores its result.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_lease", "state", "lease_until"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_id)
    # queued, running, retrying, done, failed
    state: Mapped[str] = mapped_column(String(20), default="queued")
    kind: Mapped[str] = mapped_column(String(20), default="upload")  # upload, download
    # JSON: what the job works on beyond the bytes (a download's ledger, version and kind)
    params: Mapped[str] = mapped_column(Text, default="{}")
    # the upload's bytes until the job ends; a download's file once it is built
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    worker: Mapped[str] = mapped_column(String(200), default="")  # host and process of the attempt
    result_name: Mapped[str] = mapped_column(String(300), default="")  # a download's file name
    result_type: Mapped[str] = mapped_column(String(200), default="")  # and media type
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    file_name: Mapped[str] = mapped_column(String(300))
    target_ledger_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # a new version of it
    result_ledger_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # only the account that uploaded sees the job
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    failure_status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 400, 422 ...
    # JSON: the reason, the first problems (at most 100) and how many there were
    failure: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class IdempotencyRow(Base):
    """An API write done under an `Idempotency-Key`: the same key again (from the same account) gets the
    first answer. Kept in the write's own transaction, so a write is recorded with its key or not at all."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of what was asked (method, path, body): the same key for another request is refused
    fingerprint: Mapped[str] = mapped_column(String(64))
    # JSON: what the write made (a ledger and version, a decision event, a job), to answer again from
    outcome: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the first answer's status
    body: Mapped[str | None] = mapped_column(Text, nullable=True)  # and its JSON, when kept
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class SignInFailureRow(Base):
    """A failed sign-in, counted by every web worker alike (the rate limit). Only digests of the email and
    of the address are kept: what people type into a sign-in form is not worth keeping."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_at", "email_key", "at"),
        Index("ix_sign_in_failures_email_address_at", "email_key", "address_key", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
