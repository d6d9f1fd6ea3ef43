"""Online accounts and server-side web sessions (vigie.accounts)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"  # the chain: 0003 retention, 0004 rights, 0005 consent, 0006 accounts

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), unique=True),
        sa.Column("agent_id", sa.String(32), sa.ForeignKey("agents.id"), unique=True),
        sa.Column("password_hash", sa.Text),
        sa.Column("personal_words", sa.LargeBinary),
        sa.Column("must_change", sa.Boolean, nullable=False),
        sa.Column("totp_secret", sa.LargeBinary),
        sa.Column("totp_last_step", sa.BigInteger),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.BigInteger),
        sa.Column("locked_at", sa.BigInteger),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("account_id", _ID, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("last_seen_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_web_sessions_account", "web_sessions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_account", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("accounts")
