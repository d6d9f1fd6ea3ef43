"""Classes counted as packed integers give what grouping the columns with Polars gives, for every coded type."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from vigie.pseudo import anonymity, classes
from vigie.pseudo.anonymity import k_anonymity, l_diversity


def _frame(seed: int, n: int = 4000) -> pl.DataFrame:
    """Every coded type, with missing values: small and wide integers, unsigned, booleans, text, categories."""
    rng = np.random.default_rng(seed)

    def holes(values: list[Any], share: float = 0.05) -> list[Any]:
        return [None if rng.random() < share else v for v in values]

    return pl.DataFrame(
        {
            "age": holes([int(v) for v in rng.integers(0, 6, n) * 10]),
            "sexe": pl.Series(rng.integers(1, 3, n), dtype=pl.Int8),
            "dept": holes([str(v) for v in rng.choice(["75", "13", "2A", "971", ""], n)]),
            "cat": pl.Series(rng.choice(["a", "b"], n)).cast(pl.Categorical),
            "enum": pl.Series(rng.choice(["x", "y"], n)).cast(pl.Enum(["y", "x", "z"])),
            "flag": holes([bool(v) for v in rng.integers(0, 2, n)]),
            "wide": [int(v) for v in rng.choice([-(10**12), 0, 7, 10**15], n)],
            "big": pl.Series(rng.choice([2**63 + 5, 2**63 + 6, 3], n).astype(np.uint64), dtype=pl.UInt64),
            "ald": holes([str(v) for v in rng.choice(["diabète", "cancer", "aucune"], n, p=[0.2, 0.1, 0.7])]),
            "code": pl.Series(rng.integers(0, 4, n), dtype=pl.UInt16),
        }
    )


QI_SETS = [
    ["age", "sexe", "dept"],
    ["dept", "cat", "enum", "flag"],
    ["age", "wide", "big"],
    ["age", "sexe", "dept", "flag", "code"],
]


def _reference(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any) -> anonymity.Measure:
    with monkeypatch.context() as patch:
        patch.setattr(classes, "pack", lambda *_: None)
        result: anonymity.Measure = fn(*args)
        return result


def _listed(measure: anonymity.Measure) -> list[tuple[Any, ...]]:
    return sorted(
        (repr(e.get("valeur")), repr(sorted(e["classe"].items())), e["lignes"]) for e in measure.failing.examples
    )


@pytest.mark.parametrize("qis", QI_SETS)
@pytest.mark.parametrize("seed", [1, 2])
def test_packed_classes_give_the_grouped_measures_in_any_row_order(
    qis: list[str], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(anonymity, "_LIMIT", 100_000)  # list every failing class, to compare them all
    df = _frame(seed)
    assert classes.pack(df, qis) is not None  # the packed path is the one measured
    for data in (df, df.sample(fraction=1.0, shuffle=True, seed=seed)):
        for k in (2, 5, 40):
            packed, grouped = k_anonymity(data, qis, k), _reference(monkeypatch, k_anonymity, data, qis, k)
            assert (packed.value, packed.failing.count, packed.failing.rows) == (
                grouped.value, grouped.failing.count, grouped.failing.rows,
            )  # fmt: skip
            assert _listed(packed) == _listed(grouped)
        for sensitive in ("ald", "code", "flag"):
            packed, grouped = l_diversity(data, qis, sensitive, 3), _reference(monkeypatch, l_diversity, data, qis,
                                                                               sensitive, 3)  # fmt: skip
            assert (packed.value, packed.failing.count, packed.failing.rows) == (
                grouped.value, grouped.failing.count, grouped.failing.rows,
            )  # fmt: skip
            assert _listed(packed) == _listed(grouped)


def test_the_smallest_classes_are_shown_first_with_their_values() -> None:
    df = pl.DataFrame({"dept": ["75"] * 5 + ["13"] * 2 + [None] + ["2A"] * 3, "age": [30] * 11})
    measure = k_anonymity(df, ["dept", "age"], k=4)
    assert measure.value == 1
    assert measure.failing.examples == [
        {"classe": {"dept": None, "age": 30}, "lignes": 1},
        {"classe": {"dept": "13", "age": 30}, "lignes": 2},
        {"classe": {"dept": "2A", "age": 30}, "lignes": 3},
    ]


@pytest.mark.parametrize("span", [10, 100_000, 10**9])
def test_many_possible_classes_are_counted_by_sorting(span: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classes, "COUNT_ARRAY", 64)  # force the sorting forms on a small file
    rng = np.random.default_rng(span)
    df = pl.DataFrame({"a": rng.integers(0, span, 3000), "b": rng.integers(0, 50, 3000), "s": rng.integers(0, 9, 3000)})
    for fn, args in ((k_anonymity, (["a", "b"], 2)), (l_diversity, (["a", "b"], "s", 2))):
        packed, grouped = fn(df, *args), _reference(monkeypatch, fn, df, *args)
        assert (packed.value, packed.failing.count, packed.failing.rows) == (
            grouped.value, grouped.failing.count, grouped.failing.rows,
        )  # fmt: skip


def test_uncoded_types_are_grouped_as_before() -> None:
    df = pl.DataFrame({"x": [0.5, 0.5, float("nan"), float("nan"), None], "y": [1, 1, 1, 1, 1]})
    assert classes.pack(df, ["x", "y"]) is None
    assert k_anonymity(df, ["x", "y"]).value == 1
    assert k_anonymity(pl.DataFrame({"a": [], "b": []}, schema={"a": pl.Int64, "b": pl.String}), ["a", "b"]).value == 0
