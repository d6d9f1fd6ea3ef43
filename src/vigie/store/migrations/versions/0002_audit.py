"""Audit journal: entries, the signed head of the hash chain, signed checkpoints and the purge anchor."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", _ID, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(27), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(32)),
        sa.Column("subject_ref", sa.String(32)),
        sa.Column("purpose", sa.Text),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("allowed", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("prev_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(32), nullable=False),
    )
    # No index on subject_ref: see the note in vigie.store.schema (append throughput).
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64)),
    )
    # The genesis head: no entry yet, the chain starts from 32 zero bytes.
    op.bulk_insert(head, [{"id": 1, "seq": 0, "entry_hash": bytes(32), "signature": None}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("tree_size", sa.BigInteger, nullable=False, unique=True),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("chain_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("frontier", sa.LargeBinary, nullable=False),
        sa.Column("signed_at", sa.String(27), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("entry_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("frontier", sa.LargeBinary, nullable=False),
        sa.Column("signed_at", sa.String(27), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_anchor", "audit_checkpoints", "audit_head", "audit_entries"):
        op.drop_table(table)
