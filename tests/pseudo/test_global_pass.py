"""The part-by-part global pass gives what the whole-frame rules give: `rare` as a look-up equals its window form,
nulls included, across parts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from vigie.pseudo.extract import row_rules
from vigie.pseudo.generalise import rule
from vigie.pseudo.spec import ExtractSpec, Field
from vigie.taxonomy import SubjectKind


def _spec(min_count: int) -> ExtractSpec:
    return ExtractSpec(
        file="t", processing="p", study=None, kind=SubjectKind.INSURED, categories=("health.care",),
        reference_date=None, fields=(Field("acte", "payload.acte", rule({"rare": min_count})),),
        quasi_identifiers=("acte",), k=2, max_suppression=0.0, drop=(),
    )  # fmt: skip


def test_rare_lookup_over_parts_equals_the_window_rule(tmp_path: Path) -> None:
    values = ["a"] * 5 + ["b"] * 2 + [None] * 2 + ["c"] * 3 + ["d"]
    whole = pl.DataFrame({"acte": values}, schema={"acte": pl.String})
    # split across parts so that no part alone sees the counts
    for index, low in enumerate(range(0, len(values), 4)):
        whole.slice(low, 4).write_parquet(tmp_path / f"part-{index}.parquet")
    for min_count in (1, 2, 3, 4, 6):
        spec = _spec(min_count)
        exprs = row_rules(spec, pl.scan_parquet(sorted(tmp_path.glob("*.parquet"))))
        parts = [pl.read_parquet(p).with_columns(exprs) for p in sorted(tmp_path.glob("*.parquet"))]
        expected = whole.select(rule({"rare": min_count}).apply("acte"))
        assert pl.concat(parts)["acte"].to_list() == expected["acte"].to_list(), min_count
