"""Retention: end dates on records (indexed), record events, legal holds, reduced statistics, sweeps and their lock."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.add_column(sa.Column("file_owner_id", _ID))
        batch.add_column(sa.Column("end_on", sa.Date))
        batch.add_column(sa.Column("end_rule", sa.SmallInteger))
    op.create_index("ix_records_end_on", "records", ["end_on"])
    op.create_index("ix_records_file_owner", "records", ["file_owner_id"])
    undated = sa.text("end_rule IS NULL")
    op.create_index("ix_records_undated", "records", ["id"], sqlite_where=undated, postgresql_where=undated)
    op.create_table(
        "record_events",
        sa.Column("record_id", _ID, sa.ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("event", sa.String(32), primary_key=True),
        sa.Column("event_on", sa.Date, nullable=False),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id")),
        sa.Column("processing_id", sa.String(64)),
        sa.Column("record_id", _ID),
        sa.Column("placed_on", sa.Date, nullable=False),
        sa.Column("placed_by", sa.String(32), nullable=False),
        sa.Column("released_on", sa.Date),
        sa.Column("released_by", sa.String(32)),
    )
    op.create_index("ix_legal_holds_active", "legal_holds", ["released_on"])
    op.create_table(
        "retention_statistics",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("processing_id", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("organisation_code", sa.String(16), nullable=False),
        sa.Column("recorded_month", sa.String(7), nullable=False),
        sa.Column("ended_on", sa.Date, nullable=False),
        sa.Column("pseudonym", sa.String(64)),
    )
    op.create_table(
        "retention_sweeps",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("at", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("journal_seq", sa.BigInteger, nullable=False),
        sa.Column("cursor", sa.BigInteger, nullable=False),
        sa.Column("batches", sa.Integer, nullable=False),
        sa.Column("destroyed", sa.BigInteger, nullable=False),
        sa.Column("reduced", sa.BigInteger, nullable=False),
        sa.Column("erased", sa.BigInteger, nullable=False),
        sa.Column("ends_from", sa.Date),
        sa.Column("ends_to", sa.Date),
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("certificate_seq", sa.BigInteger),
    )
    lock = op.create_table(
        "retention_lock",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("holder", sa.String(128)),
        sa.Column("expires_at", sa.String(32)),
    )
    op.bulk_insert(lock, [{"id": 1, "holder": None, "expires_at": None}])


def downgrade() -> None:
    for table in ("retention_lock", "retention_sweeps", "retention_statistics", "legal_holds", "record_events"):
        op.drop_table(table)
    op.drop_index("ix_records_undated", "records")
    op.drop_index("ix_records_file_owner", "records")
    op.drop_index("ix_records_end_on", "records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("end_rule")
        batch.drop_column("end_on")
        batch.drop_column("file_owner_id")
