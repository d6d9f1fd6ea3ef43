"""How identifiable an extract still is: k-anonymity, l-diversity and t-closeness over its quasi-identifiers.

Rows that share every quasi-identifier form an equivalence class. k-anonymity is the smallest class; l-diversity
the smallest number of distinct sensitive values in a class; t-closeness the largest distance between a class's
distribution of the sensitive value and the whole extract's (total variation for categories, the ordered Earth
Mover's distance for ordered values). Every measure is a grouped aggregate computed by Polars, so it costs a few
passes over the columns whatever the row order, and a pandas frame's index plays no part (it is dropped).
Missing values form their own group, as a person with an unknown department is still told apart by that.
k-anonymity and l-diversity, checked on every extract, count classes as packed integers (`classes`) when the
quasi-identifiers are integers or text, which gives the same classes without hashing each row's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from vigie.errors import InvalidInput
from vigie.pseudo import classes as packing

_COUNT = "__n"
_CLASS_SIZE = "__class_n"
_LIMIT = 20  # failing classes listed at most (the count says how many there are)


def frame(data: Any) -> pl.DataFrame:
    """A Polars frame of `data` (Polars, pandas, Arrow or a dict of columns); a pandas index is not data."""
    if isinstance(data, pl.DataFrame):
        return data
    if isinstance(data, pl.LazyFrame):
        return data.collect()
    module = type(data).__module__
    if module.startswith("pandas"):
        return pl.from_pandas(data.reset_index(drop=True))
    try:
        return pl.DataFrame(data)
    except (TypeError, ValueError) as error:
        raise InvalidInput("données", type(data).__name__, "tableau attendu (Polars, pandas, Arrow)") from error


def _check_columns(df: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    if not columns:
        raise InvalidInput(what, "", "au moins une colonne attendue")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InvalidInput(
            what, ", ".join(missing)[:120], f"colonne absente du fichier (colonnes : {', '.join(df.columns)[:200]})"
        )


@dataclass(frozen=True)
class FailingClasses:
    """Equivalence classes that miss a threshold: how many, how many rows, and the first few with their value."""

    count: int
    rows: int
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Measure:
    """One measure of an extract: its value, the threshold asked, and the classes that miss it."""

    name: str
    value: float
    threshold: float | None
    failing: FailingClasses

    @property
    def ok(self) -> bool:
        return self.failing.count == 0


def _failing(classes: pl.DataFrame, bad: pl.Expr, qis: Sequence[str], measure: str) -> FailingClasses:
    selected = classes.filter(bad)
    if selected.is_empty():
        return FailingClasses(0, 0)
    rows = int(selected[_CLASS_SIZE].sum())
    shown = (
        selected.sort(measure)
        .head(_LIMIT)
        .select([*qis, _CLASS_SIZE, measure] if measure != _CLASS_SIZE else [*qis, _CLASS_SIZE])
    )
    examples = [
        {
            "classe": {q: row[q] for q in qis},
            "lignes": row[_CLASS_SIZE],
            **({"valeur": row[measure]} if measure != _CLASS_SIZE else {}),
        }
        for row in shown.iter_rows(named=True)
    ]
    return FailingClasses(selected.height, rows, examples)


def _int(value: object) -> int:
    """A Polars scalar aggregate as an int; an empty column's None is 0."""
    return int(value) if isinstance(value, int | float) else 0


def class_sizes(data: Any, qis: Sequence[str]) -> pl.DataFrame:
    """One row per equivalence class: its quasi-identifier values and its size."""
    df = frame(data)
    _check_columns(df, qis, "quasi-identifiants")
    return df.group_by(list(qis)).agg(pl.len().alias(_CLASS_SIZE))


def _failing_packed(
    packed: packing.Packed, found: packing.Sizes, values: NDArray[np.int64], bad: NDArray[np.bool_], shown: bool
) -> FailingClasses:
    """`_failing` over packed classes: the smallest `values` first (then by class), decoded only for those shown."""
    selected = np.flatnonzero(bad)
    if selected.size == 0:
        return FailingClasses(0, 0)
    first = selected[np.lexsort((found.keys[selected], values[selected]))[:_LIMIT]]
    examples = [
        {
            "classe": packed.values(int(found.keys[i])),
            "lignes": int(found.sizes[i]),
            **({"valeur": int(values[i])} if shown else {}),
        }
        for i in first.tolist()
    ]
    return FailingClasses(int(selected.size), int(found.sizes[selected].sum()), examples)


def k_anonymity(data: Any, qis: Sequence[str], k: int | None = None) -> Measure:
    """The size of the smallest class (0 for an empty extract), and the classes smaller than `k`."""
    df = frame(data)
    _check_columns(df, qis, "quasi-identifiants")
    packed = packing.pack(df, qis)
    if packed is not None:
        found = packing.sizes(packed)
        value = int(found.sizes.min()) if found.sizes.size else 0
        failing = (
            _failing_packed(packed, found, found.sizes, found.sizes < k, False)
            if k is not None
            else FailingClasses(0, 0)
        )
        return Measure("k-anonymat", value, k, failing)
    classes = class_sizes(df, qis)
    value = _int(classes[_CLASS_SIZE].min())
    failing = _failing(classes, pl.col(_CLASS_SIZE) < k, qis, _CLASS_SIZE) if k is not None else FailingClasses(0, 0)
    return Measure("k-anonymat", value, k, failing)


def l_diversity(data: Any, qis: Sequence[str], sensitive: str, l: int | None = None) -> Measure:  # noqa: E741
    """The smallest number of distinct sensitive values in a class, and the classes with fewer than `l`."""
    df = frame(data)
    _check_columns(df, qis, "quasi-identifiants")
    _check_columns(df, [sensitive], "attribut sensible")
    packed = packing.pack(df, qis)
    coded = packing.code(df[sensitive]) if packed is not None else None
    if packed is not None and coded is not None:
        found = packing.sizes(packed)
        per_class = packing.distinct(packed, found, coded[0], coded[1].cardinality)
        value = int(per_class.min()) if per_class.size else 0
        failing = (
            _failing_packed(packed, found, per_class, per_class < l, True) if l is not None else FailingClasses(0, 0)
        )
        return Measure("l-diversité", value, l, failing)
    classes = df.group_by(list(qis)).agg(pl.len().alias(_CLASS_SIZE), pl.col(sensitive).n_unique().alias("l"))
    value = _int(classes["l"].min())
    failing = _failing(classes, pl.col("l") < l, qis, "l") if l is not None else FailingClasses(0, 0)
    return Measure("l-diversité", value, l, failing)


def t_closeness(
    data: Any, qis: Sequence[str], sensitive: str, t: float | None = None, *, ordered: bool | None = None
) -> Measure:
    """The largest distance between a class's sensitive distribution and the extract's, and the classes above `t`.

    Categories use the total variation distance (the Earth Mover's distance with equal ground distances); ordered
    values (numbers, dates, or `ordered=True`) the ordered Earth Mover's distance over the sorted distinct values,
    normalised by their count minus one, as Li, Li and Venkatasubramanian define it."""
    df = frame(data)
    _check_columns(df, qis, "quasi-identifiants")
    _check_columns(df, [sensitive], "attribut sensible")
    if df.is_empty():
        return Measure("t-proximité", 0.0, t, FailingClasses(0, 0))
    if ordered is None:
        ordered = df.schema[sensitive].is_numeric() or df.schema[sensitive].is_temporal()
    keys = list(qis)
    total = df.height
    cells = df.group_by([*keys, sensitive]).agg(pl.len().alias(_COUNT))
    overall = df.group_by(sensitive).agg((pl.len() / total).alias("q"))
    if not ordered:
        distances = (
            cells.with_columns((pl.col(_COUNT) / pl.col(_COUNT).sum().over(keys)).alias("p"))
            .join(overall, on=sensitive, how="left", nulls_equal=True)
            .group_by(keys)
            .agg(
                pl.col(_COUNT).sum().alias(_CLASS_SIZE),
                (0.5 * (1 + ((pl.col("p") - pl.col("q")).abs() - pl.col("q")).sum())).alias("t"),
            )
        )
    else:
        distances = _ordered_emd(cells, overall, keys, sensitive)
    top = distances["t"].max() if not distances.is_empty() else 0.0
    value = float(top) if isinstance(top, int | float) else 0.0
    failing = _failing(distances, pl.col("t") > t, keys, "t") if t is not None else FailingClasses(0, 0)
    return Measure("t-proximité", value, t, failing)


def _ordered_emd(cells: pl.DataFrame, overall: pl.DataFrame, keys: list[str], sensitive: str) -> pl.DataFrame:
    """Ordered EMD per class: the mean absolute difference of the cumulative distributions over the sorted values."""
    values = overall.sort(sensitive, nulls_last=True)
    m = values.height
    rank = values.with_columns(pl.int_range(0, m).alias("__rank")).select(sensitive, "__rank")
    q = values["q"].to_numpy()
    classes = cells.group_by(keys).agg(pl.col(_COUNT).sum().alias(_CLASS_SIZE)).with_row_index("__class")
    located = cells.join(rank, on=sensitive, nulls_equal=True).join(classes, on=keys, nulls_equal=True)
    import numpy as np

    p = np.zeros((classes.height, m))
    np.add.at(p, (located["__class"].to_numpy(), located["__rank"].to_numpy()), located[_COUNT].to_numpy())
    p /= classes[_CLASS_SIZE].to_numpy()[:, None]
    emd = np.abs(np.cumsum(p - q[None, :], axis=1)[:, :-1]).sum(axis=1) / (m - 1) if m > 1 else np.zeros(classes.height)
    return classes.with_columns(pl.Series("t", emd)).drop("__class")
