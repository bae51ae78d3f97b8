"""The task queue's jobs keep their input and a lease; idempotency keys of API writes; failed sign-ins
counted in the database (one limit across every worker); accounts that administrators disable.

Revision ID: 0003_queue
Revises: 0002
Create Date: 2024-07-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_queue"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("jobs") as jobs:
        jobs.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="upload"))
        jobs.add_column(sa.Column("params", sa.Text, nullable=False, server_default="{}"))
        jobs.add_column(sa.Column("content", sa.LargeBinary, nullable=True))
        jobs.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        jobs.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        jobs.add_column(sa.Column("worker", sa.String(200), nullable=False, server_default=""))
        jobs.add_column(sa.Column("result_name", sa.String(300), nullable=False, server_default=""))
        jobs.add_column(sa.Column("result_type", sa.String(200), nullable=False, server_default=""))
        jobs.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        jobs.create_index("ix_jobs_state_lease", ["state", "lease_until"])
    # jobs queued or running before this version ran in the web workers' threads, which are gone, and their
    # bytes were never kept: they can only fail, and say so
    op.execute(
        "UPDATE jobs SET state = 'failed', failure_status = 503, failure = "
        '\'{"detail": "The server was upgraded before this upload was read; upload it again."}\' '
        "WHERE state IN ('queued', 'running')"
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_idempotency_keys_user"),
            nullable=False,
        ),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("outcome", sa.Text, nullable=False, server_default="{}"),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email_key", sa.String(64), nullable=False),
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sign_in_failures_email_at", "sign_in_failures", ["email_key", "at"])
    op.create_index(
        "ix_sign_in_failures_email_address_at", "sign_in_failures", ["email_key", "address_key", "at"]
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("jobs") as jobs:
        jobs.drop_index("ix_jobs_state_lease")
        for column in (
            "finished_at",
            "result_type",
            "result_name",
            "worker",
            "lease_until",
            "attempts",
            "content",
            "params",
            "kind",
        ):
            jobs.drop_column(column)
    with op.batch_alter_table("users") as users:
        users.drop_column("disabled_at")
