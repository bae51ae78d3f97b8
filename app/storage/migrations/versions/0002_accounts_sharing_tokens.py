"""Accounts, API tokens, ledger owners and shares; who decided, who uploaded, whose job.

Ledgers stored before accounts keep owner_id NULL here: no account exists yet when this runs. The first
administrator adopts them when created (app/storage/store.py, create_user).

Revision ID: 0002
Revises: 0001
Create Date: 2024-07-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_api_tokens_user"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("hint", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_sha256", name="uq_api_tokens_sha256"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "ledger_shares",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "ledger_id",
            sa.String(64),
            sa.ForeignKey("ledgers.id", ondelete="CASCADE", name="fk_ledger_shares_ledger"),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_ledger_shares_user"),
            nullable=False,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("ledger_id", "user_id", name="uq_ledger_shares_user"),
    )
    op.create_index("ix_ledger_shares_ledger_id", "ledger_shares", ["ledger_id"])
    op.create_index("ix_ledger_shares_user_id", "ledger_shares", ["user_id"])

    # SQLite cannot add a foreign key to an existing table: batch mode copies the table (data kept)
    with op.batch_alter_table("ledgers") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_ledgers_owner", "users", ["owner_id"], ["id"], ondelete="RESTRICT")
        batch.create_index("ix_ledgers_owner_id", ["owner_id"])
    with op.batch_alter_table("ledger_versions") as batch:
        batch.add_column(sa.Column("uploaded_by", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_ledger_versions_uploaded_by", "users", ["uploaded_by"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_decisions_user", "users", ["user_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_jobs_user", "users", ["user_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint("fk_jobs_user", type_="foreignkey")
        batch.drop_column("user_id")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_constraint("fk_decisions_user", type_="foreignkey")
        batch.drop_column("user_id")
    with op.batch_alter_table("ledger_versions") as batch:
        batch.drop_constraint("fk_ledger_versions_uploaded_by", type_="foreignkey")
        batch.drop_column("uploaded_by")
    with op.batch_alter_table("ledgers") as batch:
        batch.drop_index("ix_ledgers_owner_id")
        batch.drop_constraint("fk_ledgers_owner", type_="foreignkey")
        batch.drop_column("owner_id")
    op.drop_index("ix_ledger_shares_user_id", "ledger_shares")
    op.drop_index("ix_ledger_shares_ledger_id", "ledger_shares")
    op.drop_table("ledger_shares")
    op.drop_index("ix_api_tokens_user_id", "api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
