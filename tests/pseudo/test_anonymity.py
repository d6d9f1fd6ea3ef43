"""k-anonymity, l-diversity and t-closeness checked against a plain-Python computation of the same definitions,
whatever the row order or the pandas index."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

from vigie.errors import InvalidInput
from vigie.pseudo.anonymity import k_anonymity, l_diversity, t_closeness

QIS = ["age", "sexe", "dept", "annee"]


def _rows(seed: int, n: int = 3000) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    return [
        {
            "age": int(rng.integers(0, 8)) * 10,
            "sexe": int(rng.integers(1, 3)),
            "dept": rng.choice(["75", "13", "2A", None]),
            "annee": int(rng.integers(2019, 2022)),
            "ald": rng.choice(["diabète", "cancer", "aucune", "asthme"], p=[0.2, 0.1, 0.6, 0.1]),
            "montant": int(rng.integers(0, 6)),
        }
        for _ in range(n)
    ]


def _classes(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    classes: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        classes[tuple(row[q] for q in QIS)].append(row)
    return classes


def _naive_t(rows: list[dict[str, Any]], sensitive: str, ordered: bool) -> float:
    overall = Counter(r[sensitive] for r in rows)
    values = sorted(overall)
    q = [overall[v] / len(rows) for v in values]
    worst = 0.0
    for members in _classes(rows).values():
        counts = Counter(r[sensitive] for r in members)
        p = [counts[v] / len(members) for v in values]
        if ordered:
            cumulative, distance = 0.0, 0.0
            for pi, qi in zip(p[:-1], q[:-1], strict=True):
                cumulative += pi - qi
                distance += abs(cumulative)
            distance /= len(values) - 1
        else:
            distance = 0.5 * sum(abs(pi - qi) for pi, qi in zip(p, q, strict=True))
        worst = max(worst, distance)
    return worst


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_measures_equal_the_definitions_computed_by_hand(seed: int) -> None:
    rows = _rows(seed)
    classes = _classes(rows)
    sizes = {key: len(members) for key, members in classes.items()}
    df = pl.DataFrame(rows)
    k = k_anonymity(df, QIS, k=5)
    assert k.value == min(sizes.values())
    assert k.failing.count == sum(1 for s in sizes.values() if s < 5)
    assert k.failing.rows == sum(s for s in sizes.values() if s < 5)
    distinct = {key: len({r["ald"] for r in members}) for key, members in classes.items()}
    l_measure = l_diversity(df, QIS, "ald", l=3)
    assert l_measure.value == min(distinct.values())
    assert l_measure.failing.count == sum(1 for d in distinct.values() if d < 3)
    assert t_closeness(df, QIS, "ald").value == pytest.approx(_naive_t(rows, "ald", ordered=False))
    assert t_closeness(df, QIS, "montant").value == pytest.approx(_naive_t(rows, "montant", ordered=True))


def test_row_order_and_pandas_index_change_nothing() -> None:
    rows = _rows(7)
    ordered = pd.DataFrame(rows)
    shuffled = ordered.sample(frac=1.0, random_state=3)  # same rows, shuffled, index no longer 0..n-1
    shuffled.index = shuffled.index * 7 + 1_000
    for data in (ordered, shuffled, pl.DataFrame(rows).reverse()):
        assert k_anonymity(data, QIS, k=4).failing.count == k_anonymity(ordered, QIS, k=4).failing.count
        assert l_diversity(data, QIS, "ald", l=2).value == l_diversity(ordered, QIS, "ald").value
        assert t_closeness(data, QIS, "montant").value == pytest.approx(t_closeness(ordered, QIS, "montant").value)


def test_failing_classes_are_listed_with_their_values() -> None:
    df = pl.DataFrame({"age": [30, 30, 30, 40], "sexe": [1, 1, 1, 2], "ald": ["a", "b", "a", "a"]})
    measure = k_anonymity(df, ["age", "sexe"], k=2)
    assert measure.value == 1 and not measure.ok
    assert measure.failing.examples == [{"classe": {"age": 40, "sexe": 2}, "lignes": 1}]
    assert l_diversity(df, ["age", "sexe"], "ald", l=2).failing.examples[0]["classe"] == {"age": 40, "sexe": 2}


def test_a_missing_quasi_identifier_is_bad_input_naming_it() -> None:
    with pytest.raises(InvalidInput, match="commune"):
        k_anonymity(pl.DataFrame({"age": [1]}), ["age", "commune"])
