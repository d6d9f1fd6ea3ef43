"""Lifting a limitation (GDPR 18(3)): when, by whom, when the person was told, and why."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"  # the chain: 0004 rights, 0005 consent, 0006 accounts, 0007 lifting a limitation

_COLUMNS = ("lifted_on", "lifted_by", "lift_told_on", "lift_reason")


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.add_column(sa.Column("lifted_on", sa.Date))
        batch.add_column(sa.Column("lifted_by", sa.String(32)))
        batch.add_column(sa.Column("lift_told_on", sa.Date))
        batch.add_column(sa.Column("lift_reason", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
