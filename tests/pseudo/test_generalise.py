"""Generalisation rules give the coarser value the spec asks for, and reaching k really reaches it."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import polars as pl
import pytest

from vigie.errors import InvalidInput
from vigie.pseudo.generalise import keep, rule
from vigie.pseudo.kanon import reach_k


def _one(spec: object, values: list[object]) -> list[object]:
    return pl.DataFrame({"x": values}).select(rule(spec).apply("x")).to_series().to_list()  # type: ignore[arg-type]


def test_each_rule_gives_the_coarser_value() -> None:
    assert _one({"age_band": 5}, [0, 4, 5, 44, None]) == ["0-4", "0-4", "5-9", "40-44", None]
    assert _one("region", ["75", "2A", "971", "99", "13"]) == ["11", "94", "01", "*", "93"]
    assert _one("quarter", [date(2026, 3, 31), date(2026, 4, 1)]) == ["2026-T1", "2026-T2"]
    assert _one("month", [date(2024, 2, 29)]) == ["2024-02"]
    assert _one("birth_year", [date(1975, 3, 12)]) == ["1975"]
    assert _one({"bands": [0, 50, 200]}, [-1.0, 0.0, 49.99, 50.0, 1e6]) == ["<0", "0-50", "0-50", "50-200", ">=200"]
    assert _one({"rare": 2}, ["a", "a", "b", "c", "c"]) == ["a", "a", "autre", "c", "c"]
    assert _one("hide", [1, 2, None]) == ["*", "*", "*"]


@pytest.mark.parametrize(
    "spec", ["sha1", {"age_band": 0}, {"bands": [5, 1]}, {"bands": [1]}, {"age_band": 5, "rare": 3}, 12]
)
def test_an_unknown_rule_or_bad_parameter_is_refused(spec: object) -> None:
    with pytest.raises(InvalidInput):
        rule(spec)  # type: ignore[arg-type]


def _rows(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "age": rng.integers(0, 100, n),
            "sexe": rng.integers(1, 3, n),
            "dept": rng.choice(["75", "13", "69", "2A", "2B", "971", "33"], n),
            "soin": rng.choice([f"acte-{i}" for i in range(40)], n),
        }
    )


@pytest.mark.parametrize(("k", "seed"), [(5, 1), (10, 2), (25, 3)])
def test_reaching_k_leaves_no_class_smaller_than_k(k: int, seed: int) -> None:
    df = _rows(20_000, seed)
    hierarchies = {
        "age": [keep(), rule({"age_band": 5}), rule({"age_band": 20})],
        "sexe": [keep()],
        "dept": [keep(), rule("region")],
        "soin": [keep(), rule({"rare": 200})],
    }
    reached = reach_k(df, hierarchies, k, max_suppression=0.02)
    sizes = Counter(reached.data.select(list(hierarchies)).iter_rows())
    assert min(sizes.values()) >= k  # counted independently of the code under test
    assert reached.suppressed_rows + reached.data.height == df.height
    assert reached.suppressed_share <= 0.02
    assert reached.levels["sexe"] == "keep"


def test_a_target_beyond_the_file_hides_everything_rather_than_lie() -> None:
    reached = reach_k(_rows(30, 4), {"age": [keep()], "dept": [keep()]}, k=50, max_suppression=0.0)
    assert reached.data.height == 0 and reached.suppressed_rows == 30


def test_reaching_k_refuses_a_missing_column_and_an_impossible_k() -> None:
    with pytest.raises(InvalidInput, match="commune"):
        reach_k(_rows(10, 5), {"commune": [keep()]}, 5)
    with pytest.raises(InvalidInput, match="k"):
        reach_k(_rows(10, 5), {"age": [keep()]}, 1)
