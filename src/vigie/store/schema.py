"""The tables, written once with SQLAlchemy Core; migrations create them, services query them.

Personal data never sits in clear here: identities and payloads are AES-GCM ciphertexts under per-subject
keys, and the NIR or SIRET is only present as a keyed blind index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    event,
)

metadata = MetaData()

# SQLite only auto-assigns INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for ten-million-row tables.
Id = BigInteger().with_variant(Integer(), "sqlite")

organisations = Table(
    "organisations",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("department", String(8)),
    Column("city", Text),
    Column("director", Text, nullable=False),
    Column("dpo", Text, nullable=False),
)

subjects = Table(
    "subjects",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("organisation_code", String(16), ForeignKey("organisations.code"), nullable=False),
    Column("nir_index", LargeBinary(32)),
    Column("siret_index", LargeBinary(32)),
    Column("wrapped_key", LargeBinary),
    Column("identity", LargeBinary),
    Column("created_on", Date, nullable=False),
    Column("rights_end_on", Date),
    Column("death_on", Date),
    Column("activity_end_on", Date),
    Column("restricted", Boolean, nullable=False, default=False),
    Column("shredded_on", Date),
)
Index("ix_subjects_nir_index", subjects.c.nir_index)
Index("ix_subjects_siret_index", subjects.c.siret_index)
Index("ix_subjects_organisation", subjects.c.organisation_code)

records = Table(
    "records",
    metadata,
    Column("id", Id, primary_key=True),
    Column("subject_id", Id, ForeignKey("subjects.id"), nullable=False),
    Column("processing_id", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("recorded_on", Date, nullable=False),
    Column("event", String(32)),
    Column("event_on", Date),
    # Retention (migration 0003): whose file holds the record (None: the subject's own), its end date, and the
    # index of the rule that set it in `Policy.retention_rules(processing)` (-1: no clock started yet; None:
    # not computed yet).
    Column("file_owner_id", Id),
    Column("end_on", Date),
    Column("end_rule", SmallInteger),
)
Index("ix_records_subject", records.c.subject_id)
Index("ix_records_processing", records.c.processing_id, records.c.category)
Index("ix_records_end_on", records.c.end_on)
Index("ix_records_file_owner", records.c.file_owner_id)
# Records not dated yet (added since the last refresh): a partial index, so that finding them costs no scan.
# Its WHERE goes to the dialect that creates it, when it does: naming a dialect's option here would import
# that dialect's package with this module, and the PostgreSQL one costs 0.025 s on a quiet machine (a tenth of
# `vigie access check` on SQLite).
_undated = Index("ix_records_undated", records.c.id)


@event.listens_for(_undated, "before_create")
def _undated_only(index: Index, connection: Connection, **_: Any) -> None:
    if connection.dialect.name in ("sqlite", "postgresql"):
        index.dialect_options[connection.dialect.name]["where"] = records.c.end_rule.is_(None)


# Record events beyond the one the record's own `event` column holds (an alert, then its closure).
record_events = Table(
    "record_events",
    metadata,
    Column("record_id", Id, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True),
    Column("event", String(32), primary_key=True),
    Column("event_on", Date, nullable=False),
)

# Legal holds: destruction of what they cover waits until they are released.
legal_holds = Table(
    "legal_holds",
    metadata,
    Column("id", Id, primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("subject_id", Id, ForeignKey("subjects.id")),
    Column("processing_id", String(64)),
    Column("record_id", Id),
    Column("placed_on", Date, nullable=False),
    Column("placed_by", String(32), nullable=False),
    Column("released_on", Date),
    Column("released_by", String(32)),
)
Index("ix_legal_holds_active", legal_holds.c.released_on)

# What statistics keep of a record whose period has ended (no payload, no person; month of the record).
retention_statistics = Table(
    "retention_statistics",
    metadata,
    Column("id", Id, primary_key=True),
    Column("processing_id", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("organisation_code", String(16), nullable=False),
    Column("recorded_month", String(7), nullable=False),
    Column("ended_on", Date, nullable=False),
    Column("pseudonym", String(64)),
)

# One row per sweep: its date, progress marker (last record id done), running totals and digest; a resumed
# sweep continues the row it finds unfinished.
retention_sweeps = Table(
    "retention_sweeps",
    metadata,
    Column("id", Id, primary_key=True),
    Column("at", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("journal_seq", BigInteger, nullable=False),
    Column("cursor", BigInteger, nullable=False),
    Column("batches", Integer, nullable=False),
    Column("destroyed", BigInteger, nullable=False),
    Column("reduced", BigInteger, nullable=False),
    Column("erased", BigInteger, nullable=False),
    Column("ends_from", Date),
    Column("ends_to", Date),
    Column("digest", LargeBinary(32), nullable=False),
    Column("counts", Text, nullable=False),
    Column("certificate_seq", BigInteger),
)

# One row (id 1): who sweeps now, until when; so that two processes never sweep at once.
retention_lock = Table(
    "retention_lock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("holder", String(128)),
    Column("expires_at", String(32)),
)

objections = Table(
    "objections",
    metadata,
    Column("subject_id", Id, ForeignKey("subjects.id"), primary_key=True),
    Column("processing_id", String(64), primary_key=True),
    Column("recorded_on", Date, nullable=False),
)

consents = Table(
    "consents",
    metadata,
    Column("subject_id", Id, ForeignKey("subjects.id"), primary_key=True),
    Column("processing_id", String(64), primary_key=True),
    Column("given_on", Date, nullable=False),
    Column("withdrawn_on", Date),
)

agents = Table(
    "agents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("organisation_code", String(16), ForeignKey("organisations.code"), nullable=False),
    Column("display_name", Text, nullable=False),
    Column("secrecy_attested_on", Date),
)

agent_roles = Table(
    "agent_roles",
    metadata,
    Column("agent_id", String(32), ForeignKey("agents.id"), primary_key=True),
    Column("role_id", String(64), primary_key=True),
)

agent_tokens = Table(
    "agent_tokens",
    metadata,
    Column("token_hash", LargeBinary(32), primary_key=True),
    Column("agent_id", String(32), ForeignKey("agents.id"), nullable=False),
    Column("expires_on", Date, nullable=False),
)

settings_table = Table(
    "vigie_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# The audit journal (vigie.audit): entries name subjects by keyed pseudonym and agents by id, never in clear.
# `at` and `categories` are stored in their canonical text so that verification re-hashes exactly what is kept.
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=False),
    Column("at", String(27), nullable=False),
    Column("action", String(16), nullable=False),
    Column("agent_id", String(32)),
    Column("subject_ref", String(32)),
    Column("purpose", Text),
    Column("categories", Text, nullable=False),
    Column("allowed", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recipient", Text),
    Column("source", Text),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
)
# No index on subject_ref on purpose: pseudonyms are random keys, and maintaining that index cost two thirds of
# the append throughput on SQLite (33,000 against 100,000 entries/s). Per-subject look-ups are rare (rights
# requests) and are served by a scan, or later by a lookup table built in batch.

# One row (id 1): the last entry's seq and hash, signed; writers lock it so that the chain never forks.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
    Column("signature", LargeBinary(64)),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Id, primary_key=True),
    Column("tree_size", BigInteger, nullable=False, unique=True),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("chain_hash", LargeBinary(32), nullable=False),
    Column("frontier", LargeBinary, nullable=False),
    Column("signed_at", String(27), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

# One row (id 1) once entries have been purged: where the remaining chain and Merkle tree start, signed.
audit_anchor = Table(
    "audit_anchor",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
    Column("frontier", LargeBinary, nullable=False),
    Column("signed_at", String(27), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

# Online accounts (vigie.accounts): a person's is tied to their subject (found through the NIR or SIRET blind
# index, the number itself never kept), an agent's to the agent. Passwords are argon2id hashes; the TOTP
# secret is sealed under the key-encryption key. Instants are Unix seconds (UTC), compared as integers.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("subject_id", Id, ForeignKey("subjects.id"), unique=True),
    Column("agent_id", String(32), ForeignKey("agents.id"), unique=True),
    Column("password_hash", Text),
    Column("personal_words", LargeBinary),  # sealed under the subject's key: what the password may not contain
    Column("must_change", Boolean, nullable=False, default=False),
    Column("totp_secret", LargeBinary),
    Column("totp_last_step", BigInteger),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_failure_at", BigInteger),
    Column("locked_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
)

# Server-side web sessions: only the SHA-256 of the cookie's random value is kept.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", LargeBinary(32), primary_key=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
)
Index("ix_web_sessions_account", web_sessions.c.account_id)
# Per-person look-up of the journal (rights requests): filled in batch from `audit_entries` at look-up time
# (`vigie.audit.subjects`), never by the writer, so that the append path keeps its throughput. The last seq
# indexed is kept in `vigie_meta` under `audit_subject_index_through`.
audit_subject_index = Table(
    "audit_subject_index",
    metadata,
    Column("seq", Id, primary_key=True, autoincrement=False),
    Column("subject_ref", String(32), nullable=False),
)
Index("ix_audit_subject_index_ref", audit_subject_index.c.subject_ref, audit_subject_index.c.seq)

# Data-subject rights requests (vigie.rights). Ids are assigned by the database. The free text is sealed under
# the subject's data key (crypto-shredding takes it along); everything else is vocabulary, dates and ids.
rights_requests = Table(
    "rights_requests",
    metadata,
    Column("id", Id, primary_key=True),
    Column("subject_id", Id, ForeignKey("subjects.id"), nullable=False),
    Column("organisation_code", String(16), ForeignKey("organisations.code"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("registered_by", String(32), nullable=False),
    Column("processings", Text),  # JSON list of processing ids; NULL: every processing
    Column("details", LargeBinary),  # sealed free text
    Column("status", String(16), nullable=False),
    Column("identity_confirmed_on", Date),
    Column("due_on", Date),
    Column("extended_to", Date),
    Column("extension_reason", Text),
    Column("extension_told_on", Date),
    Column("outcome", String(16)),
    Column("decision", Text),  # JSON: the outcome per processing with its ground
    Column("decided_on", Date),
    Column("decided_by", String(32)),
    Column("answered_on", Date),
    # A limitation lifted (GDPR 18(3)): the person told first.
    Column("lifted_on", Date),
    Column("lifted_by", String(32)),
    Column("lift_told_on", Date),
    Column("lift_reason", Text),
)
Index("ix_rights_requests_organisation", rights_requests.c.organisation_code, rights_requests.c.status)
Index("ix_rights_requests_subject", rights_requests.c.subject_id)

# Individual information (GDPR 14): each notice sent, or the exception that dispensed from it.
rights_notices = Table(
    "rights_notices",
    metadata,
    Column("id", Id, primary_key=True),
    Column("subject_id", Id, ForeignKey("subjects.id"), nullable=False),
    Column("processing_id", String(64), nullable=False),
    Column("situation", String(32), nullable=False),
    Column("exception", String(32)),
    Column("sent_on", Date, nullable=False),
    Column("observations_until", Date),
    Column("sent_by", String(32), nullable=False),
)
Index("ix_rights_notices_subject", rights_notices.c.subject_id)

# Proof of every cookie choice (vigie.consent): when, under which policy version, which screen's text (its
# hash), what was chosen, by which browser (a keyed pseudonym of the random id its cookie holds; no address).
# Append only, no index beyond the key: the insert rate of the banner matters more than look-ups, which are
# the DPO's exports, read in key order.
consent_proofs = Table(
    "consent_proofs",
    metadata,
    Column("id", Id, primary_key=True),
    Column("recorded_at", String(27), nullable=False),
    Column("visitor", String(32), nullable=False),
    Column("policy_version", String(64), nullable=False),
    Column("screen", String(16), nullable=False),
    Column("banner_hash", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("granted", Text, nullable=False),
    Column("refused", Text, nullable=False),
    Column("expires_on", Date, nullable=False),
)
