"""Pseudonyms by the million: messages built column-wise by Polars, digests computed in worker processes.

The digest itself has to be a keyed hash per person (there is no vectorised HMAC), so the work per person is
kept to two C calls and the batch is split across the machine's cores. The result is byte for byte what
`pseudonyms.national` gives for the same people (a test checks it).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from vigie.errors import InvalidInput
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.pseudonyms import MAX_TWIN_RANK, MESSAGE_VERSION
from vigie.pseudo.strategies import DEFAULT_ALGORITHM, DOUBLE

PARALLEL_FROM = 200_000  # below this, one process is faster than starting workers


def messages(people: pl.DataFrame) -> list[bytes]:
    """The canonical message of each row of `people` (columns nir, birth, sex, twin_rank), refusing the file
    if any row is malformed (the first bad row is named)."""
    missing = [c for c in ("nir", "birth", "sex") if c not in people.columns]
    if missing:
        raise InvalidInput("colonnes", ", ".join(missing), "colonnes nir, birth, sex (et twin_rank) attendues")
    nir = pl.col("nir").cast(pl.String).str.strip_chars().str.to_uppercase().str.slice(0, 13)
    rank = pl.col("twin_rank") if "twin_rank" in people.columns else pl.lit(1)
    checked = people.select(
        nir.alias("nir"),
        pl.col("birth").cast(pl.Date).dt.strftime("%Y%m%d").alias("birth"),
        pl.col("sex").cast(pl.Int64, strict=False).alias("sex"),
        rank.cast(pl.Int64, strict=False).alias("rank"),
        pl.col("nir").cast(pl.String).str.strip_chars().str.len_chars().alias("length"),
    )
    valid = (
        checked["nir"].str.contains(r"^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}$")
        & checked["length"].is_in([13, 15])
        & checked["sex"].is_in([1, 2])
        & checked["rank"].is_between(1, MAX_TWIN_RANK)
        & checked["birth"].is_not_null()
    ).fill_null(False)
    if not valid.all():
        row = int(valid.arg_min() or 0)
        raise InvalidInput(
            "personne", f"ligne {row + 1}", "NIR, date de naissance, sexe (1 ou 2) ou rang (1 à 9) invalide"
        )
    text = checked.select(
        pl.concat_str(
            [
                pl.lit(MESSAGE_VERSION.decode()),
                "nir",
                "birth",
                pl.col("sex").cast(pl.String),
                pl.col("rank").cast(pl.String),
            ],
            separator="|",
        )
    ).to_series()
    return text.cast(pl.Binary).to_list()


def _digest_chunk(keys: Mapping[KeyRole, PseudoKey], algorithm_name: str, chunk: Sequence[bytes]) -> list[bytes]:
    return DOUBLE.apply(keys, chunk, algorithm_name)


def national_bulk(
    keys: Mapping[KeyRole, PseudoKey],
    people: pl.DataFrame,
    *,
    algorithm_name: str = DEFAULT_ALGORITHM,
    workers: int | None = None,
) -> pl.Series:
    """The national pseudonyms of every row of `people`, as 64 hex digits, in row order."""
    batch = messages(people)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(batch) < PARALLEL_FROM:
        digests = DOUBLE.apply(keys, batch, algorithm_name)
    else:
        size = -(-len(batch) // workers)
        chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = pool.map(_digest_chunk, [keys] * len(chunks), [algorithm_name] * len(chunks), chunks)
            digests = [d for part in parts for d in part]
    return pl.Series("pseudonyme", digests, dtype=pl.Binary).bin.encode("hex")
