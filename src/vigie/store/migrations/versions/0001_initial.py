"""Initial schema: organisations, subjects, records, objections, consents, agents and their roles, metadata."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("department", sa.String(8)),
        sa.Column("city", sa.Text),
        sa.Column("director", sa.Text, nullable=False),
        sa.Column("dpo", sa.Text, nullable=False),
    )
    op.create_table(
        "subjects",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("organisation_code", sa.String(16), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("nir_index", sa.LargeBinary(32)),
        sa.Column("siret_index", sa.LargeBinary(32)),
        sa.Column("wrapped_key", sa.LargeBinary),
        sa.Column("identity", sa.LargeBinary),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("rights_end_on", sa.Date),
        sa.Column("death_on", sa.Date),
        sa.Column("activity_end_on", sa.Date),
        sa.Column("restricted", sa.Boolean, nullable=False),
        sa.Column("shredded_on", sa.Date),
    )
    op.create_index("ix_subjects_nir_index", "subjects", ["nir_index"])
    op.create_index("ix_subjects_siret_index", "subjects", ["siret_index"])
    op.create_index("ix_subjects_organisation", "subjects", ["organisation_code"])
    op.create_table(
        "records",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), nullable=False),
        sa.Column("processing_id", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("event", sa.String(32)),
        sa.Column("event_on", sa.Date),
    )
    op.create_index("ix_records_subject", "records", ["subject_id"])
    op.create_index("ix_records_processing", "records", ["processing_id", "category"])
    op.create_table(
        "objections",
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), primary_key=True),
        sa.Column("processing_id", sa.String(64), primary_key=True),
        sa.Column("recorded_on", sa.Date, nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("subject_id", _ID, sa.ForeignKey("subjects.id"), primary_key=True),
        sa.Column("processing_id", sa.String(64), primary_key=True),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("withdrawn_on", sa.Date),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("organisation_code", sa.String(16), sa.ForeignKey("organisations.code"), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("secrecy_attested_on", sa.Date),
    )
    op.create_table(
        "agent_roles",
        sa.Column("agent_id", sa.String(32), sa.ForeignKey("agents.id"), primary_key=True),
        sa.Column("role_id", sa.String(64), primary_key=True),
    )
    op.create_table(
        "agent_tokens",
        sa.Column("token_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("agent_id", sa.String(32), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
    )
    op.create_table(
        "vigie_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    tables = (
        "vigie_meta",
        "agent_tokens",
        "agent_roles",
        "agents",
        "consents",
        "objections",
        "records",
        "subjects",
        "organisations",
    )
    for table in tables:
        op.drop_table(table)
