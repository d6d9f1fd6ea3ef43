"""Stored entries and the walk that checks them: hash chain, contiguity, and the Merkle roots on the way.

The walk reads columns as the database returns them and trusts nothing: a value the journal never writes
(a timestamp out of the canonical form, a non-canonical categories array, `allowed` set to 2 on SQLite) makes
the entry count as modified, so every change to a stored field is seen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vigie.audit.events import categories_text, chain_hash, encode
from vigie.audit.merkle import CompactRange, leaf_hash

_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
MAX_PROBLEMS = 100


def _text_or_none(*values: Any) -> bool:
    return all(value is None or type(value) is str for value in values)


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of `audit_entries`, exactly as read: possibly tampered, so nothing is assumed about it."""

    seq: int
    at: str
    action: str
    agent_id: str | None
    subject_ref: str | None
    purpose: str | None
    categories: str
    allowed: Any
    reason: str
    recipient: str | None
    source: str | None
    prev_hash: bytes
    entry_hash: bytes

    def canonical(self) -> bytes | None:
        """The canonical bytes of this row, or None when a column holds something the journal never writes."""
        if not (type(self.at) is str and _AT.fullmatch(self.at)):
            return None
        if type(self.action) is not str or type(self.reason) is not str or type(self.categories) is not str:
            return None
        if not _text_or_none(self.agent_id, self.subject_ref, self.purpose, self.recipient, self.source):
            return None
        if type(self.allowed) not in (int, bool) or self.allowed not in (0, 1):
            return None
        if self.category_list() is None:
            return None
        return encode(
            self.seq, self.at, self.action, self.agent_id, self.subject_ref, self.purpose, self.categories,
            bool(self.allowed), self.reason, self.recipient, self.source,
        )  # fmt: skip

    def computed_hash(self) -> bytes | None:
        """The hash this row's content and `prev_hash` give, None when the row is malformed."""
        canonical = self.canonical()
        if canonical is None or type(self.prev_hash) is not bytes or len(self.prev_hash) != 32:
            return None
        return chain_hash(self.prev_hash, canonical)

    def category_list(self) -> tuple[str, ...] | None:
        """The categories, or None when the stored array is not in its canonical form."""
        try:
            parsed = json.loads(self.categories)
        except (TypeError, ValueError):
            return None
        if type(parsed) is not list or not all(type(c) is str for c in parsed):
            return None
        result = tuple(parsed)
        return result if categories_text(result) == self.categories else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view, hashes in hex."""
        categories = self.category_list()
        return {
            "seq": self.seq,
            "at": self.at,
            "action": self.action,
            "agent_id": self.agent_id,
            "subject_ref": self.subject_ref,
            "purpose": self.purpose,
            "categories": list(categories) if categories is not None else self.categories,
            "allowed": bool(self.allowed),
            "reason": self.reason,
            "recipient": self.recipient,
            "source": self.source,
            "prev_hash": self.prev_hash.hex() if isinstance(self.prev_hash, bytes) else None,
            "entry_hash": self.entry_hash.hex() if isinstance(self.entry_hash, bytes) else None,
        }


@dataclass(frozen=True)
class AuditProblem:
    """One thing found wrong, located by entry number when it concerns an entry."""

    seq: int | None
    message: str


@dataclass(frozen=True)
class RootCheck:
    """A signed root to compare with the recomputed tree once it reaches `tree_size` leaves."""

    label: str
    tree_size: int
    root_hash: bytes


class ChainChecker:
    """Consumes entries in seq order from a starting point (genesis or purge anchor) and records problems.

    A row is « déplacée ou insérée » when it does not link to its predecessor, « modifiée » when it links but
    its content no longer gives its hash; after a gap or a displaced row the next link is not judged, so that
    one tampering gives one report instead of a cascade.
    """

    def __init__(self, start_seq: int, start_hash: bytes, tree: CompactRange | None, head_seq: int | None) -> None:
        self.start_seq = start_seq
        self.expected = start_seq + 1
        self.links: tuple[bytes, ...] = (start_hash,)
        self.tree = tree
        self.head_seq = head_seq
        self.last_seq = start_seq
        self.last_hash = start_hash
        self.checked = 0
        self.problems: list[AuditProblem] = []
        self.roots_checked = 0
        self._roots: list[RootCheck] = []

    def expect_roots(self, checks: Sequence[RootCheck]) -> None:
        """Signed roots to compare on the way (those past the start)."""
        self._roots = sorted((c for c in checks if c.tree_size > self.start_seq), key=lambda c: -c.tree_size)

    def report(self, seq: int | None, message: str) -> None:
        if seq is not None and any(p.seq == seq for p in self.problems[-3:]):
            return
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(AuditProblem(seq, message))

    def _missing(self, first: int, last: int) -> None:
        if first == last:
            self.report(first, f"entrée {first} manquante")
        else:
            self.report(first, f"entrées {first} à {last} manquantes")

    def feed(self, entry: Entry) -> None:
        seq = entry.seq
        self.checked += 1
        if seq < self.expected:
            self.report(seq, f"entrée {seq} déplacée ou insérée : elle précède le début du journal")
            return
        if self.head_seq is not None and seq > self.head_seq:
            self.report(seq, f"entrée {seq} déplacée ou insérée : elle suit la tête signée du journal")
            return
        if seq > self.expected:
            self._missing(self.expected, seq - 1)
            self.links = ()
            self.tree = None
        computed = entry.computed_hash()
        linked = not self.links or entry.prev_hash in self.links
        intact = computed is not None and computed == entry.entry_hash
        if not linked:
            self.report(seq, f"entrée {seq} déplacée ou insérée : elle ne suit pas l'entrée {seq - 1}")
            self.links = ()
        elif not intact:
            self.report(seq, f"entrée {seq} modifiée : son empreinte ne correspond plus")
            self.links = tuple(h for h in (entry.entry_hash, computed) if isinstance(h, bytes))
        else:
            self.links = (entry.entry_hash,)
        self.expected = seq + 1
        self.last_seq, self.last_hash = seq, entry.entry_hash
        if self.tree is not None:
            self.tree.append(leaf_hash(computed if computed is not None else b""))
            self._compare_roots()

    def _compare_roots(self) -> None:
        assert self.tree is not None
        while self._roots and self._roots[-1].tree_size <= self.tree.size:
            check = self._roots.pop()
            if check.tree_size == self.tree.size:
                self.roots_checked += 1
                if self.tree.root() != check.root_hash:
                    self.report(
                        None,
                        f"{check.label} ({check.tree_size} entrées) : sa racine signée ne correspond plus aux "
                        "entrées (une entrée a été modifiée, insérée ou supprimée)",
                    )

    def finish(self, head_seq: int | None, head_hash: bytes | None) -> None:
        """Compare the end of the walk with the signed head, and report roots the walk never reached."""
        if head_seq is not None and head_hash is not None:
            if self.last_seq < head_seq:
                self._missing(max(self.last_seq, self.start_seq) + 1, head_seq)
            elif self.last_seq == head_seq and self.last_hash != head_hash:
                self.report(head_seq, f"entrée {head_seq} modifiée : la tête signée du journal ne la reconnaît plus")
        for check in self._roots:
            if head_seq is not None and check.tree_size > head_seq:
                self.report(
                    None, f"{check.label} couvre {check.tree_size} entrées, au-delà de la tête du journal ({head_seq})"
                )
        self._roots = []
