"""Generalisation: each field of an extract made coarser by a named rule, and hierarchies of such rules for
reaching a target k automatically.

A rule turns a column into a Polars expression (vectorised: no Python call per row). Rules are registered by
name with their parameters, so that extract specs name them:

    age_band(width)   exact age -> « 40-44 »         birth_year        date -> year
    region            département -> région (INSEE)  month, quarter, year   date -> « 2026-03 », « 2026-T1 », « 2026 »
    bands(edges)      amount -> « 50-200 »           rare(min_count)   values seen fewer times -> « autre »
    hide              everything -> « * »            keep              unchanged
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import polars as pl

from vigie.errors import InvalidInput
from vigie.pseudo.regions import REGION_OF

HIDDEN = "*"
OTHER = "autre"


@dataclass(frozen=True)
class Rule:
    """A named generalisation with its parameters, and the expression it makes of a column."""

    name: str
    params: tuple[Any, ...]
    make: Callable[[pl.Expr], pl.Expr]

    def apply(self, column: str) -> pl.Expr:
        return self.make(pl.col(column)).alias(column)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(str, self.params))})" if self.params else self.name


def _positive(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise InvalidInput(what, str(value)[:20], "entier positif attendu")
    return value


def keep() -> Rule:
    return Rule("keep", (), lambda e: e)


def hide() -> Rule:
    # when/then on the column itself keeps one value per row (a bare literal would be a single row)
    return Rule("hide", (), lambda e: pl.when(e.is_null() | e.is_not_null()).then(pl.lit(HIDDEN, pl.String)))


def age_band(width: int) -> Rule:
    w = _positive(width, "largeur de tranche d'âge")

    def make(e: pl.Expr) -> pl.Expr:
        low = (e // w) * w
        return pl.when(e.is_null()).then(None).otherwise(low.cast(pl.String) + "-" + (low + w - 1).cast(pl.String))

    return Rule("age_band", (w,), make)


def birth_year() -> Rule:
    return Rule("birth_year", (), lambda e: e.dt.year().cast(pl.String))


def month() -> Rule:
    return Rule("month", (), lambda e: e.dt.strftime("%Y-%m"))


def quarter() -> Rule:
    return Rule("quarter", (), lambda e: e.dt.year().cast(pl.String) + "-T" + e.dt.quarter().cast(pl.String))


def year() -> Rule:
    return Rule("year", (), lambda e: e.dt.year().cast(pl.String))


def region() -> Rule:
    return Rule(
        "region", (), lambda e: e.cast(pl.String).replace_strict(REGION_OF, default=HIDDEN, return_dtype=pl.String)
    )


def bands(edges: Sequence[float]) -> Rule:
    if (
        not isinstance(edges, list | tuple)
        or len(edges) < 2
        or any(not isinstance(x, int | float) or isinstance(x, bool) for x in edges)
    ):
        raise InvalidInput("tranches", str(edges)[:60], "au moins deux bornes numériques attendues")
    if list(edges) != sorted(set(edges)):
        raise InvalidInput("tranches", str(edges)[:60], "bornes strictement croissantes attendues")
    bounds = [float(x) for x in edges]
    labels = band_labels(bounds)

    def make(e: pl.Expr) -> pl.Expr:
        value = e.cast(pl.Float64)
        index = pl.sum_horizontal([(value >= b).cast(pl.UInt8) for b in bounds])  # bounds passed: the band's index
        band = index.replace_strict(dict(enumerate(labels)), return_dtype=pl.String)
        return pl.when(value.is_null()).then(None).otherwise(band)

    return Rule("bands", tuple(edges), make)


def band_labels(bounds: Sequence[float]) -> list[str]:
    """The label of each band, below the first bound to at or above the last (shared with the Spark engine)."""
    labels = [f"<{_fmt(bounds[0])}"] + [f"{_fmt(a)}-{_fmt(b)}" for a, b in pairwise(bounds)]
    labels.append(f">={_fmt(bounds[-1])}")
    return labels


def rare(min_count: int) -> Rule:
    n = _positive(min_count, "effectif minimal")

    def make(e: pl.Expr) -> pl.Expr:
        return pl.when(pl.len().over(e) < n).then(pl.lit(OTHER)).otherwise(e.cast(pl.String))

    return Rule("rare", (n,), make)


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


RULES: dict[str, Callable[..., Rule]] = {
    "keep": keep,
    "hide": hide,
    "age_band": age_band,
    "birth_year": birth_year,
    "month": month,
    "quarter": quarter,
    "year": year,
    "region": region,
    "bands": bands,
    "rare": rare,
}


def rule(spec: str | Mapping[str, Any]) -> Rule:
    """A rule from its spec form: `"region"`, `{"age_band": 5}` or `{"bands": [0, 50, 200]}`."""
    args: tuple[Any, ...]
    if isinstance(spec, str):
        name, args = spec, ()
    elif isinstance(spec, Mapping) and len(spec) == 1:
        name, value = next(iter(spec.items()))
        args = (value,)
    else:
        raise InvalidInput("généralisation", str(spec)[:60], "un nom de règle, ou une règle et son paramètre")
    factory = RULES.get(name) if isinstance(name, str) else None
    if factory is None:
        raise InvalidInput("généralisation", str(name)[:40], f"règles connues : {', '.join(sorted(RULES))}")
    try:
        return factory(*args)
    except TypeError as error:
        raise InvalidInput("généralisation", str(spec)[:60], "paramètre manquant ou en trop") from error
