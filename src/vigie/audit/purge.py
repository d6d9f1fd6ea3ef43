"""Purging old entries while keeping the rest verifiable.

`purge_before(seq)` deletes entries 1 … seq-1 only if the whole journal verifies (a purge must not launder
tampering). It keeps, in a signed anchor, the hash of the last purged entry (where the chain restarts) and the
frontier of the purged leaves (at most log2 n hashes, enough to recompute every later Merkle root). Checkpoints
are never deleted: those after the purge point are still recomputed by `verify`; older ones keep their signature.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from vigie.audit import queries
from vigie.audit.checkpoints import anchor_base, public_key
from vigie.audit.events import AuditAction, AuditEvent, timestamp_text
from vigie.audit.journal import AUDIT_CATEGORIES, AuditSink, Journal
from vigie.audit.merkle import leaf_hash
from vigie.audit.signing import anchor_text, join_hashes
from vigie.audit.verify import check
from vigie.clock import SYSTEM_CLOCK
from vigie.crypto import Keyring
from vigie.errors import InvalidInput, TamperedJournal
from vigie.store import connect


def purge_before(
    engine: Engine,
    keyring: Keyring,
    seq: int,
    *,
    journal: AuditSink | None = None,
    agent_id: str | None = None,
    at: datetime | None = None,
) -> int:
    """Delete the entries numbered below `seq`; return how many were deleted. The purge itself is journaled."""
    if seq < 1:
        raise InvalidInput("numéro d'entrée", str(seq), "entier positif attendu")
    report = check(engine, keyring)
    if not report.ok:
        raise TamperedJournal(f"{report.reason} ; purge refusée")
    through = seq - 1
    key = public_key(keyring)
    with connect(engine) as connection:
        head = queries.lock_head(connection)
        head_seq = head.seq if head is not None else 0
        if through > head_seq:
            raise InvalidInput("numéro d'entrée", str(seq), f"au-delà de la dernière entrée ({head_seq})")
        base, _ = anchor_base(connection, key)
        if through <= base.seq:
            return 0
        tree, last_hash = base.tree.copy(), base.entry_hash
        hashes = queries.entry_hashes(connection, base.seq, through)
        if [s for s, _ in hashes] != list(range(base.seq + 1, through + 1)):
            raise TamperedJournal(f"des entrées manquent avant l'entrée {seq} ; purge refusée")
        for _, entry_hash in hashes:
            tree.append(leaf_hash(entry_hash))
            last_hash = entry_hash
        signed_at = timestamp_text(at or SYSTEM_CLOCK.now())
        text = anchor_text(through, last_hash, tree.hashes, signed_at)
        queries.write_anchor(
            connection,
            {
                "seq": through,
                "entry_hash": last_hash,
                "frontier": join_hashes(tree.hashes),
                "signed_at": signed_at,
                "signature": keyring.signing_key().sign(text),
            },
        )
        removed = queries.delete_through(connection, through)
    event = AuditEvent(
        action=AuditAction.DESTROY,
        allowed=True,
        reason=f"purge du journal d'audit : entrées {base.seq + 1} à {through} supprimées",
        at=at or SYSTEM_CLOCK.now(),
        agent_id=agent_id,
        categories=AUDIT_CATEGORIES,
    )
    if journal is not None:
        journal.append(event)
    else:
        with Journal(engine, keyring) as own:
            own.append(event)
    return removed
