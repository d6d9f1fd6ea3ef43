"""Reaching a target k: generalise the quasi-identifiers step by step, then suppress the few rows left alone.

Each quasi-identifier has a hierarchy of rules, from the finest (its value) to the coarsest (« * »). Starting
from the finest, the search raises one quasi-identifier a level at a time, choosing the raise that leaves the
fewest rows in classes smaller than k (ties go to the quasi-identifier least generalised so far), until the
rows still in small classes fit in the suppression budget; those rows are then dropped. Every level of every
hierarchy is computed once, as dense integer codes, so each step is one grouped count over integers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from vigie.errors import InvalidInput
from vigie.pseudo.anonymity import frame
from vigie.pseudo.generalise import Rule, hide

_N = "__n"


@dataclass(frozen=True)
class Reached:
    """The generalised extract, the level chosen per quasi-identifier, and what was suppressed."""

    data: pl.DataFrame
    levels: dict[str, str]
    suppressed_rows: int
    k: int
    steps: int

    @property
    def suppressed_share(self) -> float:
        total = self.data.height + self.suppressed_rows
        return self.suppressed_rows / total if total else 0.0


def _codes(df: pl.DataFrame, column: str, rules: Sequence[Rule]) -> list[pl.Series]:
    """One dense integer coding of the column per level (nulls get a code of their own)."""
    out = []
    for level, item in enumerate(rules):
        values = df.select(item.apply(column)).to_series()
        out.append(values.rank("dense").fill_null(0).cast(pl.UInt32).alias(f"{column}#{level}"))
    return out


def _small_rows(codes: list[pl.Series], k: int) -> int:
    grouped = pl.DataFrame(codes).group_by([s.name for s in codes]).agg(pl.len().alias(_N))
    return int(grouped.filter(pl.col(_N) < k)[_N].sum())


def reach_k(
    data: Any,
    hierarchies: Mapping[str, Sequence[Rule]],
    k: int,
    *,
    max_suppression: float = 0.01,
) -> Reached:
    """Generalise and suppress until every class has at least `k` rows, suppressing at most `max_suppression`
    of them. A hierarchy that does not end in « * » gets it added, so that the target is always reachable."""
    df = frame(data)
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 1_000_000:
        raise InvalidInput("k", str(k)[:20], "entier de 2 à 1 000 000 attendu")
    if not 0.0 <= max_suppression <= 0.5:
        raise InvalidInput("taux de suppression", str(max_suppression), "entre 0 et 0,5")
    if not hierarchies:
        raise InvalidInput("quasi-identifiants", "", "au moins un quasi-identifiant attendu")
    missing = [q for q in hierarchies if q not in df.columns]
    if missing:
        raise InvalidInput("quasi-identifiants", ", ".join(missing)[:120], "colonne absente")
    ladders = {
        q: [*rules] if rules and rules[-1].name == "hide" else [*rules, hide()] for q, rules in hierarchies.items()
    }
    codes = {q: _codes(df, q, ladder) for q, ladder in ladders.items()}
    level = dict.fromkeys(ladders, 0)
    budget = int(max_suppression * df.height)
    steps = 0
    current = _small_rows([codes[q][level[q]] for q in ladders], k)
    while current > budget:
        best: tuple[int, int, str] | None = None
        for q in ladders:
            if level[q] + 1 >= len(ladders[q]):
                continue
            trial = _small_rows([codes[o][level[o] + (o == q)] for o in ladders], k)
            candidate = (trial, level[q], q)
            if best is None or candidate < best:
                best = candidate
        if best is None:  # everything hidden: one class holds every row, smaller than k only if the file is
            break
        current, _, chosen = best
        level[chosen] += 1
        steps += 1
    generalised = df.with_columns([ladders[q][level[q]].apply(q) for q in ladders])
    keys = list(ladders)
    sized = generalised.with_columns(pl.len().over(keys).alias(_N))
    kept = sized.filter(pl.col(_N) >= k).drop(_N)
    return Reached(kept, {q: str(ladders[q][level[q]]) for q in ladders}, df.height - kept.height, k, steps)
