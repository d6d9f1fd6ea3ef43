"""The NIR rules of `vigie.nir` on whole columns at once: numpy over a character matrix, no loop per value.

Every value gets the verdict `check_nir` would give it, reason included (a test compares them element by
element). Values are read as a (n, 15) matrix of code points; each rule is a few vector operations on its
columns, and the first rule broken wins, as in the single form. A list of strings is read with one join
and one encode (lengths taken by `len` beforehand, so that a NUL at the end of a value is not lost as numpy
would lose it); values with spaces are compacted by a stable sort of their rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np
import numpy.typing as npt

from vigie.nir import MAX_INPUT, REASONS, Kind, Month, NirCheck, Reason

U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]

_ORD = {c: np.uint8(ord(c)) for c in "0125678AB ab"}
BLOCK = 1 << 16
"""Values read at once by `check_nirs`."""
_MESSAGES = np.array([REASONS.get(Reason(code)) for code in range(len(Reason))], dtype=object)


@dataclass(frozen=True)
class NirChecks:
    """Verdicts on a column of values: one entry per value in each array (codes of `vigie.nir`'s enums)."""

    reason: U8
    kind: U8
    month: U8
    keyless: Bools

    @property
    def valid(self) -> Bools:
        return np.asarray(self.reason == Reason.OK)

    def messages(self) -> npt.NDArray[np.object_]:
        """The French reason of each value (None where valid), the same text as the single form's."""
        return np.asarray(_MESSAGES[self.reason])

    def at(self, index: int) -> NirCheck:
        """One verdict as the single form states it, less the compact value (the caller holds the input)."""
        return NirCheck(
            Reason(int(self.reason[index])),
            Kind(int(self.kind[index])),
            Month(int(self.month[index])),
            bool(self.keyless[index]),
        )


def _squeeze(wide: U8) -> tuple[U8, npt.NDArray[np.int64]]:
    """Rows with their spaces moved to the end (a stable sort keeps the other characters in order)."""
    spaces = wide == _ORD[" "]
    order = np.argsort(spaces, axis=1, kind="stable")
    return np.take_along_axis(wide, order, axis=1), spaces.sum(axis=1).astype(np.int64)


def _from_array(text: npt.NDArray[np.str_]) -> tuple[U8, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """First 15 characters (column-major, non-ASCII as 255), raw lengths and space counts of a unicode array."""
    n = len(text)
    width = max(text.dtype.itemsize // 4, 1)
    points = np.ascontiguousarray(text).view(np.uint32).reshape(n, width)[:, :MAX_INPUT]
    chars = np.zeros((n, 15), dtype=np.uint8, order="F")
    for column in range(min(points.shape[1], 15)):
        chars[:, column] = np.minimum(points[:, column], 255)
    spaces = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero((points == ord(" ")).any(axis=1))
    if len(rows):
        squeezed, spaces[rows] = _squeeze(np.minimum(points[rows], 255).astype(np.uint8))
        chars[rows] = np.pad(squeezed, ((0, 0), (0, 15)))[:, :15]
    return chars, np.strings.str_len(text).astype(np.int64), spaces


def _from_list(items: list[str]) -> tuple[U8, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The same from Python strings: one join, one encode, then one gather per column.

    Values longer than MAX_INPUT are left out of the join (they are refused on their length anyway); the
    few values with spaces are read to their full width and squeezed.
    """
    n = len(items)
    if not all(map(str.__instancecheck__, items)):
        position = next(i for i, item in enumerate(items) if not isinstance(item, str))
        raise TypeError(f"check_nirs reads strings only: value {position} is a {type(items[position]).__name__}")
    length = np.fromiter(map(len, items), dtype=np.int64, count=n)
    kept = length <= MAX_INPUT
    if not kept.all():
        items = list(compress(items, kept.tolist()))
    joined = "".join(items)
    try:
        flat = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:
        wide = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        flat = np.minimum(wide, 255).astype(np.uint8)
    stored = np.where(kept, length, 0)
    chars = np.zeros((n, 15), dtype=np.uint8, order="F")
    spaces = np.zeros(n, dtype=np.int64)
    if n == 0:
        return chars, length, spaces
    if (stored == stored[0]).all():
        table = flat.reshape(n, int(stored[0]))
        for column in range(min(table.shape[1], 15)):
            chars[:, column] = table[:, column]
        starts = np.arange(n, dtype=np.int64) * int(stored[0])
    else:
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(stored[:-1], out=starts[1:])
        padded = np.concatenate([flat, np.zeros(15, dtype=np.uint8)])
        index, column_chars = starts.copy(), np.empty(n, dtype=np.uint8)
        for column in range(15):
            np.take(padded, index, out=column_chars)
            column_chars[stored <= column] = 0  # past the end of a shorter value: its neighbour's characters
            chars[:, column] = column_chars
            index += 1
    rows = np.unique(np.searchsorted(starts, np.flatnonzero(flat == _ORD[" "]), side="right") - 1)
    if len(rows):
        padded = np.concatenate([flat, np.zeros(MAX_INPUT, dtype=np.uint8)])
        offsets = np.arange(MAX_INPUT)
        wide_rows = padded[starts[rows, None] + offsets] * (offsets < stored[rows, None])
        squeezed, spaces[rows] = _squeeze(wide_rows.astype(np.uint8))
        chars[rows] = squeezed[:, :15]
    return chars, length, spaces


def _matrix(values: Sequence[str] | npt.NDArray[np.str_]) -> tuple[U8, npt.NDArray[np.int64]]:
    """The first 15 characters of each value once spaces are removed (column-major), and its length then."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        chars, raw_length, spaces = _from_array(values.reshape(-1))
    else:
        chars, raw_length, spaces = _from_list(values if isinstance(values, list) else list(values))
    length = np.where(raw_length > MAX_INPUT, -1, raw_length - spaces)
    corsica_lower = (chars[:, 5] == _ORD["2"]) & ((chars[:, 6] == _ORD["a"]) | (chars[:, 6] == _ORD["b"]))
    chars[corsica_lower, 6] -= np.uint8(32)
    return chars, length


def _place(chars: U8, digit: U8, is_digit: Bools) -> tuple[Bools, Bools, Bools, Bools]:
    """Département ok, born abroad, country ok, commune ok: the rules of `vigie.nir._place`."""
    c5, c6 = chars[:, 5], chars[:, 6]
    corsica = (c5 == _ORD["2"]) & ((c6 == _ORD["A"]) | (c6 == _ORD["B"]))
    department_digits = is_digit[:, 5] & is_digit[:, 6]
    department = digit[:, 5] * np.uint8(10) + digit[:, 6]
    third = digit[:, 7]
    overseas = department_digits & ((department == 97) | (department == 98))
    third_ok = is_digit[:, 7] & np.where(department == 97, (third >= 1) & (third <= 8), (third >= 4) & (third <= 8))
    abroad = department_digits & (department == 99)
    metropolitan = department_digits & (department != 0) & (department != 96) & (department < 97)
    department_ok = corsica | metropolitan | abroad | (overseas & third_ok)
    three = digit[:, 7].astype(np.uint16) * 100 + digit[:, 8] * np.uint8(10) + digit[:, 9]
    three_digits = is_digit[:, 7] & is_digit[:, 8] & is_digit[:, 9]
    country_ok = three_digits & (three >= 101) & (three <= 599)
    two_ok = is_digit[:, 8] & is_digit[:, 9] & ((digit[:, 8] | digit[:, 9]) != 0)
    commune_ok = np.where(overseas, two_ok, three_digits & (three != 0))
    return department_ok, abroad, country_ok, commune_ok


def _key_matches(chars: U8, digit: U8) -> Bools:
    """The typed key equals 97 − (body mod 97), 2A read as 19 and 2B as 18 (Horner's rule, mod 97 each step)."""
    corsica = (chars[:, 5] == _ORD["2"]) & ((chars[:, 6] == _ORD["A"]) | (chars[:, 6] == _ORD["B"]))
    sixth = np.where(corsica, 1, digit[:, 5]).astype(np.int32)
    seventh = np.where(corsica, np.where(chars[:, 6] == _ORD["A"], 9, 8), digit[:, 6]).astype(np.int32)
    remainder = np.zeros(len(chars), dtype=np.int32)
    for column in range(13):
        value = sixth if column == 5 else seventh if column == 6 else digit[:, column]
        remainder *= 10
        remainder += value
        remainder %= 97
    key = digit[:, 13].astype(np.int32) * 10 + digit[:, 14]
    return np.asarray(key == 97 - remainder)


def check_nirs(values: Sequence[str] | npt.NDArray[np.str_], *, block: int = BLOCK) -> NirChecks:
    """The verdict on every value, the same as `check_nir` gives each one, computed column-wise.

    Long columns are read in blocks of `block` values, so that memory stays bounded (a few hundred bytes per
    value of the block) and each block's columns stay in the processor's cache.
    """
    if len(values) <= block:
        return _check_block(values)
    parts = [_check_block(values[start : start + block]) for start in range(0, len(values), block)]
    return NirChecks(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("reason", "kind", "month", "keyless")))


def _check_block(values: Sequence[str] | npt.NDArray[np.str_]) -> NirChecks:
    chars, length = _matrix(values)
    digit = chars - _ORD["0"]
    is_digit = digit < 10
    length_ok = (length == 13) | (length == 15)
    long_form = length == 15
    first = chars[:, 0]
    nir_like = (first == _ORD["1"]) | (first == _ORD["2"])
    temporary = (first == _ORD["7"]) | (first == _ORD["8"])
    migrant = (first == _ORD["5"]) | (first == _ORD["6"])
    short_shape = (
        (length == 13) & ((chars[:, 1] == _ORD["1"]) | (chars[:, 1] == _ORD["2"])) & is_digit[:, 2:13].all(axis=1)
    )

    month_code = digit[:, 3] * np.uint8(10) + digit[:, 4]
    month_digits = is_digit[:, 3] & is_digit[:, 4]
    known = month_digits & (month_code >= 1) & (month_code <= 12)
    not_in_record = month_digits & (((month_code >= 20) & (month_code <= 30)) | (month_code >= 50))
    incomplete = month_digits & (month_code >= 31) & (month_code <= 42)
    department_ok, abroad, country_ok, commune_ok = _place(chars, digit, is_digit)
    order = digit[:, 10].astype(np.uint16) * 100 + digit[:, 11] * np.uint8(10) + digit[:, 12]
    order_ok = is_digit[:, 10] & is_digit[:, 11] & is_digit[:, 12] & (order != 0)
    key = digit[:, 13] * np.uint8(10) + digit[:, 14]
    key_range_ok = is_digit[:, 13] & is_digit[:, 14] & (key >= 1) & (key <= 97)
    structure = np.select(
        [
            ~(is_digit[:, 1] & is_digit[:, 2]),
            ~(known | not_in_record | incomplete),
            ~department_ok,
            abroad & ~country_ok,
            ~abroad & ~commune_ok,
            ~order_ok,
            long_form & ~key_range_ok,
            long_form & ~_key_matches(chars, digit),
        ],
        [
            Reason.YEAR,
            Reason.MONTH,
            Reason.DEPARTMENT,
            Reason.COUNTRY,
            Reason.COMMUNE,
            Reason.ORDER,
            Reason.KEY_RANGE,
            Reason.KEY,
        ],
        Reason.OK,
    ).astype(np.uint8)
    structured = structure == Reason.OK
    rescued = temporary & ~structured & short_shape
    reason = np.select(
        [~length_ok, migrant & ~short_shape, migrant, ~(nir_like | temporary), rescued],
        [Reason.LENGTH, Reason.MIGRANT, Reason.OK, Reason.FIRST_DIGIT, Reason.OK],
        structure,
    ).astype(np.uint8)
    valid = reason == Reason.OK
    kind = np.select(
        [valid & nir_like, valid & temporary, valid & migrant], [Kind.NIR, Kind.TEMPORARY, Kind.MIGRANT], Kind.NONE
    ).astype(np.uint8)
    month = np.select(
        [~valid | migrant | rescued, known, not_in_record, incomplete],
        [Month.NONE, Month.KNOWN, Month.NOT_IN_RECORD, Month.INCOMPLETE_RECORD],
        Month.NONE,
    ).astype(np.uint8)
    return NirChecks(reason, kind, month, np.asarray(valid & (length == 13)))
