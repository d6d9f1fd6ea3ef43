"""The same spec on Apache Spark (`local[2]`) gives the same rows as the Polars pass, and the same refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from extract_world import SPEC, Population

from vigie.audit import Journal
from vigie.pseudo.extract import PARQUET, KTargetMissed, run_extract
from vigie.pseudo.spec import load_spec

pytest.importorskip("pyspark", reason="pyspark absent : scripts/test.sh installe l'extra « spark »")

# Every rule with a Spark form, on the population's fields.
SPARK_SPEC = SPEC.replace(
    "  - {name: action, source: payload.action}",
    "  - {name: action, source: payload.action, generalise: {rare: 30}}\n"
    "  - {name: mois, source: recorded_on, generalise: month}\n"
    "  - {name: annee, source: birth_year}\n"
    "  - {name: region, source: department, generalise: region}\n"
    "  - {name: cache, source: organisation, generalise: hide}",
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One Spark session for the module (started once: a JVM takes seconds)."""
    from vigie.pseudo.spark import session

    started = session()
    yield started
    started.stop()


def _extract(population: Population, spec_path: Path, out: Path, engine: str) -> pl.DataFrame:
    env = population.env
    spec = load_spec(spec_path, env.register)
    with Journal(env.engine, env.keyring) as journal:
        run_extract(env, journal, spec, "paris-prevention", out, keys=population.keys, engine=engine)
    path = out / PARQUET
    data = pl.read_parquet(path / "*.parquet" if path.is_dir() else path)
    return data.sort(data.columns)


def test_spark_gives_the_same_rows_as_polars(spark: Any, population: Population, tmp_path: Path) -> None:
    if population.env.engine.dialect.name != "sqlite":
        pytest.skip("la passe Spark ne dépend pas de la base : une fois, sur SQLite, suffit")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPARK_SPEC, encoding="utf-8")
    local = _extract(population, spec, tmp_path / "polars", "polars")
    distributed = _extract(population, spec, tmp_path / "spark", "spark")
    assert local.height == 2 * len(population.paris) - 2
    assert set(local["action"]) == {"autre"}  # 24 of each action: under 30, grouped
    assert distributed.columns == local.columns
    assert distributed.cast(local.schema).equals(local)
    strict = tmp_path / "strict.yaml"
    strict.write_text(SPARK_SPEC.replace("max_suppression: 0.2", "max_suppression: 0.01"), encoding="utf-8")
    with pytest.raises(KTargetMissed, match="0-19"):
        _extract(population, strict, tmp_path / "refus", "spark")
    assert not (tmp_path / "refus").exists()
