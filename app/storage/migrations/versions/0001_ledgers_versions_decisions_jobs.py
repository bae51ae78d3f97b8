"""Ledgers, their versions (workbook bytes kept), the decision audit trail, background jobs.

Revision ID: 0001
Revises:
Create Date: 2024-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledgers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ledger_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "ledger_id", sa.String(64), sa.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claim_count", sa.Integer, nullable=False),
        sa.Column("finding_ids", sa.Text, nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
        sa.UniqueConstraint("ledger_id", "number", name="uq_ledger_versions_number"),
    )
    op.create_index("ix_ledger_versions_ledger_id", "ledger_versions", ["ledger_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "ledger_id", sa.String(64), sa.ForeignKey("ledgers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("finding", sa.String(200), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
    )
    op.create_index("ix_decisions_ledger_id", "decisions", ["ledger_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("target_ledger_id", sa.String(64), nullable=True),
        sa.Column("result_ledger_id", sa.String(64), nullable=True),
        sa.Column("failure_status", sa.Integer, nullable=True),
        sa.Column("failure", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_index("ix_decisions_ledger_id", "decisions")
    op.drop_table("decisions")
    op.drop_index("ix_ledger_versions_ledger_id", "ledger_versions")
    op.drop_table("ledger_versions")
    op.drop_table("ledgers")
