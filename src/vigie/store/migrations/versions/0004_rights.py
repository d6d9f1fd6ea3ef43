"""Data-subject rights: requests, individual notices, and the per-person look-up of the audit journal."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_subject_index",
        sa.Column("seq", _ID, primary_key=True, autoincrement=False),
        sa.Column("subject_ref", sa.String(32), nullable=False),
    )
    op.create_index("ix_audit_subject_index_ref", "audit_subject_index", ["subject_ref", "seq"])
    meta = sa.table("vigie_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(meta, [{"key": "audit_subject_index_through", "value": "0"}])
    op.create_table(
        "rights_requests",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), nullable=False),
        sa.Column("organisation_code", sa.String(16), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("registered_by", sa.String(32), nullable=False),
        sa.Column("processings", sa.Text),
        sa.Column("details", sa.LargeBinary),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("identity_confirmed_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("extended_to", sa.Date),
        sa.Column("extension_reason", sa.Text),
        sa.Column("extension_told_on", sa.Date),
        sa.Column("outcome", sa.String(16)),
        sa.Column("decision", sa.Text),
        sa.Column("decided_on", sa.Date),
        sa.Column("decided_by", sa.String(32)),
        sa.Column("answered_on", sa.Date),
    )
    op.create_index("ix_rights_requests_organisation", "rights_requests", ["organisation_code", "status"])
    op.create_index("ix_rights_requests_subject", "rights_requests", ["subject_id"])
    op.create_table(
        "rights_notices",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), nullable=False),
        sa.Column("processing_id", sa.String(64), nullable=False),
        sa.Column("situation", sa.String(32), nullable=False),
        sa.Column("exception", sa.String(32)),
        sa.Column("sent_on", sa.Date, nullable=False),
        sa.Column("observations_until", sa.Date),
        sa.Column("sent_by", sa.String(32), nullable=False),
    )
    op.create_index("ix_rights_notices_subject", "rights_notices", ["subject_id"])


def downgrade() -> None:
    for table in ("rights_notices", "rights_requests", "audit_subject_index"):
        op.drop_table(table)
    op.execute("DELETE FROM vigie_meta WHERE key = 'audit_subject_index_through'")
