"""Cookie consent: the proof of every choice a visitor made on the banner or the cookie management page."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"  # the chain: 0003 retention, 0004 rights, 0005 consent, 0006 accounts

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "consent_proofs",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("visitor", sa.String(32), nullable=False),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("screen", sa.String(16), nullable=False),
        sa.Column("banner_hash", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("granted", sa.Text, nullable=False),
        sa.Column("refused", sa.Text, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("consent_proofs")
