"""Equivalence classes as one packed integer per row, so that counting them costs a few passes over integers.

Grouping rows by several columns, one of them text, hashes every row's values. Instead each quasi-identifier is
coded as a small integer (an integer column as its offset from the column's minimum, any other column by the
position of its value in the column's dictionary of distinct values, built once), code 0 standing for a missing
value, which forms its own class as elsewhere. The codes are packed mixed-radix into one integer per row, so a
class is an integer and its size one entry of a count array (`np.bincount`), or of `np.unique` when there are
too many possible classes. Columns of other types (floats, dates, nested values) are not coded: the caller then
groups with Polars as before. Decoding a class back to its values is only done for the few classes shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from numpy.typing import NDArray

DENSE_SPAN = 1 << 16  # an integer column spanning at most this many values (or rows) is coded by offset
MAX_CLASSES = 1 << 62  # packed keys must fit a signed 64-bit integer
COUNT_ARRAY = 1 << 23  # up to this many possible classes, sizes are counted in one array; beyond, by sorting
INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


@dataclass(frozen=True)
class Code:
    """One column's coding: how many codes, and how to turn a code back into the column's value."""

    cardinality: int
    low: int | None  # integer columns: the value of code 1
    dictionary: Any  # other columns: the distinct values (an Arrow array), code i + 1 standing for the i-th
    boolean: bool = False

    def value(self, code: int) -> Any:
        if code == 0:
            return None
        if self.low is not None:
            return bool(self.low + code - 1) if self.boolean else self.low + code - 1
        return self.dictionary[code - 1].as_py()


def code(series: pl.Series) -> tuple[NDArray[np.int64], Code] | None:
    """The column's codes (0 for a missing value) and how to read them back, or None for a type not coded."""
    dtype = series.dtype
    boolean = dtype == pl.Boolean
    if dtype in INTEGER or boolean:
        low, high = series.min(), series.max()
        if low is None or high is None:  # every value missing
            return np.zeros(series.len(), dtype=np.int64), Code(1, 0, None, boolean)
        low, high = int(low), int(high)  # type: ignore[arg-type]
        if high - low < max(DENSE_SPAN, series.len()) and high < 1 << 62:
            shifted = series.cast(pl.Int64) - (low - 1)
            codes = (shifted.fill_null(0) if shifted.null_count() else shifted).to_numpy()
            return codes.astype(np.int64, copy=False), Code(high - low + 2, low, None, boolean)
    elif dtype not in (pl.String, pl.Categorical) and not isinstance(dtype, pl.Enum):
        return None
    array = (series.cast(pl.String) if dtype in (pl.Categorical,) or isinstance(dtype, pl.Enum) else series).to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    encoded = array.dictionary_encode()
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int64)
    codes += 1
    return codes, Code(len(encoded.dictionary) + 1, None, encoded.dictionary)


@dataclass(frozen=True)
class Packed:
    """Every row's class as one integer, and the columns' codings to read a class back."""

    keys: NDArray[np.int64]
    cardinality: int  # the number of possible classes (keys lie in 0..cardinality-1)
    columns: list[str]
    codes: list[Code]

    def values(self, key: int) -> dict[str, Any]:
        """The quasi-identifier values of the class `key`."""
        out: dict[str, Any] = {}
        for name, item in zip(reversed(self.columns), reversed(self.codes), strict=True):
            key, digit = divmod(key, item.cardinality)
            out[name] = item.value(digit)
        return {name: out[name] for name in self.columns}


def pack(df: pl.DataFrame, columns: Sequence[str]) -> Packed | None:
    """The packed classes of `df` over `columns`, or None if a column's type is not coded or there would be too
    many possible classes to pack."""
    keys = np.zeros(df.height, dtype=np.int64)
    cardinality = 1
    codings: list[Code] = []
    for name in columns:
        found = code(df[name])
        if found is None:
            return None
        codes, coding = found
        cardinality *= coding.cardinality
        if cardinality >= MAX_CLASSES:
            return None
        keys *= coding.cardinality
        keys += codes
        codings.append(coding)
    return Packed(keys, cardinality, list(columns), codings)


@dataclass(frozen=True)
class Sizes:
    """The classes present (their keys, ascending) and their sizes."""

    keys: NDArray[np.int64]
    sizes: NDArray[np.int64]


def sizes(packed: Packed) -> Sizes:
    """The size of every class present."""
    if packed.cardinality <= COUNT_ARRAY:
        counts = np.bincount(packed.keys, minlength=packed.cardinality)
        present = np.flatnonzero(counts)
        return Sizes(present.astype(np.int64), counts[present].astype(np.int64))
    keys, counts = np.unique(packed.keys, return_counts=True)
    return Sizes(keys.astype(np.int64), counts.astype(np.int64))


def distinct(packed: Packed, classes: Sizes, sensitive: NDArray[np.int64], cardinality: int) -> NDArray[np.int64]:
    """For each class of `classes`, how many distinct codes of `sensitive` (a coded column) its rows hold."""
    total = packed.cardinality * cardinality
    if total <= 4 * COUNT_ARRAY:  # one byte per (class, value) pair: at most 32 MB
        seen = np.zeros(total, dtype=np.bool_)
        seen[packed.keys * cardinality + sensitive] = True
        per_class = seen.reshape(packed.cardinality, cardinality).sum(axis=1, dtype=np.int64)
        return np.asarray(per_class[classes.keys], dtype=np.int64)
    if total < MAX_CLASSES:
        pairs = np.unique(packed.keys * cardinality + sensitive) // cardinality
    else:  # pairs that do not fit one integer: sort on both
        order = np.lexsort((sensitive, packed.keys))
        keys, values = packed.keys[order], sensitive[order]
        first = np.ones(keys.size, dtype=np.bool_)
        first[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
        pairs = keys[first]
    owners, counts = np.unique(pairs, return_counts=True)
    return np.asarray(counts[np.searchsorted(owners, classes.keys)], dtype=np.int64)
