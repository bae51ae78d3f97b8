"""Ledger housekeeping: archived ledgers, each account's example, decisions carried across versions, and
the ledger events (renamed, archived, deleted) that outlive a deleted ledger.

Revision ID: 0004
Revises: 0003_queue
Create Date: 2024-07-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledgers") as batch:
        batch.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("is_example", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("carried_from", sa.String(200), nullable=True))
        batch.add_column(sa.Column("detail", sa.Text, nullable=False, server_default=""))
    # no foreign key to ledgers: the record of a deletion stays when the ledger is gone
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ledger_id", sa.String(64), nullable=False),
        sa.Column("ledger_name", sa.String(300), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("by", sa.String(320), nullable=False, server_default=""),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="SET NULL", name="fk_ledger_events_user"),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_events_ledger_id", "ledger_events", ["ledger_id"])
    op.create_index("ix_ledger_events_user_id", "ledger_events", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_ledger_events_user_id", "ledger_events")
    op.drop_index("ix_ledger_events_ledger_id", "ledger_events")
    op.drop_table("ledger_events")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("detail")
        batch.drop_column("carried_from")
    with op.batch_alter_table("ledgers") as batch:
        batch.drop_column("is_example")
        batch.drop_column("archived_at")
