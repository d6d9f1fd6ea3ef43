"""Pseudonyms by the million: messages built column-wise by Polars, digests computed over the whole column.

With the default algorithm (keyed BLAKE2b) both passes run in compiled code (`blake2`) straight over the Arrow
buffers of the message column, split across threads: no Python object per person. Other algorithms (HMAC-SHA-256)
hash one message per C call, the batch split across worker processes. Either way the result is byte for byte what
`pseudonyms.national` gives for the same people (tests check both paths, both key passes, in any row order).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from vigie.errors import InvalidInput
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.pseudonyms import MAX_TWIN_RANK, MESSAGE_VERSION
from vigie.pseudo.strategies import CENTRAL_TAG, DEFAULT_ALGORITHM, DIGEST_BYTES, DOUBLE, PERSON

PARALLEL_FROM = 200_000  # below this, one process is faster than starting workers
THREADS_FROM = 20_000  # below this, the compiled path runs in the calling thread
COMPILED = frozenset({"blake2b"})  # algorithms with a compiled column-wide form
HEX_DIGITS = 2 * DIGEST_BYTES


def messages(people: pl.DataFrame) -> list[bytes]:
    """The canonical message of each row of `people` (columns nir, birth, sex, twin_rank), refusing the file
    if any row is malformed (the first bad row is named)."""
    return canonical(people).cast(pl.Binary).to_list()


def canonical(people: pl.DataFrame) -> pl.Series:
    """`messages` as a column of text (the canonical messages are ASCII), checked the same way."""
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
    return checked.select(
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
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if algorithm_name in COMPILED:
        compiled = _compiled(keys, people, workers)
        if compiled is not None:
            return compiled
    batch = messages(people)
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


def _compiled(keys: Mapping[KeyRole, PseudoKey], people: pl.DataFrame, workers: int) -> pl.Series | None:
    """Both keyed BLAKE2b passes, messages built from the columns, in compiled code over `workers` threads; None
    when a row is not one the compiled form reads strictly (the caller then takes the reference path, which gives
    the same pseudonyms or names the bad row)."""
    from vigie.pseudo import blake2  # Numba is loaded on first use only (its compiled code is cached on disk)

    granted = DOUBLE.granted(keys)
    if any(c not in people.columns for c in ("nir", "birth", "sex")):
        return None
    schema = people.schema
    if schema["nir"] != pl.String or not (schema["birth"] == pl.Date or isinstance(schema["birth"], pl.Datetime)):
        return None
    rows = people.height
    if rows == 0:
        return pl.Series("pseudonyme", [], dtype=pl.String)
    nir = people["nir"].rechunk().to_arrow(compat_level=pl.CompatLevel.oldest())
    _, offset_buffer, data_buffer = nir.buffers()
    if nir.null_count or data_buffer is None:
        return None
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[nir.offset : nir.offset + rows + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    days = people["birth"].cast(pl.Date).to_physical().fill_null(np.iinfo(np.int32).min).to_numpy()
    sex = people["sex"].cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    rank = (
        people["twin_rank"].cast(pl.Int64, strict=False).fill_null(0).to_numpy()
        if "twin_rank" in people.columns
        else np.ones(rows, dtype=np.int64)
    )
    first = blake2.keyed_state(granted[KeyRole.SOURCE].secret, PERSON, DIGEST_BYTES)
    second = blake2.keyed_state(granted[KeyRole.CENTRAL].secret, PERSON, DIGEST_BYTES)
    prefix = MESSAGE_VERSION + b"|"
    out = np.empty((rows, HEX_DIGITS), dtype=np.uint8)

    def run(bounds: tuple[int, int]) -> int:
        return blake2.people_hex(
            data, offsets, days, sex, rank, prefix, first, second, CENTRAL_TAG, bounds[0], bounds[1], out
        )

    threads = max(1, min(workers, rows // THREADS_FROM))
    cuts = np.linspace(0, rows, threads + 1).astype(int).tolist()
    ranges = list(itertools.pairwise(cuts))
    if threads == 1:
        refused = [run(ranges[0])]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            refused = list(pool.map(run, ranges))
    if any(r >= 0 for r in refused):
        return None
    hex_offsets = pa.py_buffer(np.arange(0, (rows + 1) * HEX_DIGITS, HEX_DIGITS, dtype=np.int64))
    column = pa.LargeStringArray.from_buffers(rows, hex_offsets, pa.py_buffer(out))
    return pl.Series("pseudonyme", column)
