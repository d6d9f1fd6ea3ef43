"""Keyed BLAKE2b-256 over whole columns, compiled to machine code (Numba), for pseudonyms by the million.

`strategies.blake2b` hashes one message per Python call: a few hundred nanoseconds of interpreter work per
digest, twice per pseudonym, after building a Python bytes object per person. Here each person's canonical
message is written from the columns (the NIR's Arrow buffers, the birth date's day number, sex and rank) into a
block and both passes of the `double` strategy run in one compiled loop that holds no interpreter lock, so the
threads of a pool share the rows. It is RFC 7693's BLAKE2b with the parameter block `hashlib.blake2b` builds
(digest size, key length, fan-out and depth 1, personalisation), so every digest is byte for byte `hashlib`'s:
the tests compare the two on random keys, prefixes, tags and people. A message and the second pass's input each
fit one block after the key block (at most 128 bytes).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

BLOCK = 128
MASK = np.uint64(0xFFFFFFFFFFFFFFFF)

_IV = np.array(
    [
        0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
        0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
    ],
    dtype=np.uint64,
)  # fmt: skip

# Each byte's two lowercase hex digits as one little-endian 16-bit word, so a digest is written 32 stores a row.
_HEX_PAIRS = np.array([int.from_bytes(b"%02x" % byte, "little") for byte in range(256)], dtype=np.uint16)


@njit(cache=True)
def _rotr(x: np.uint64, n: int) -> np.uint64:
    return (x >> np.uint64(n)) | (x << np.uint64(64 - n))


@njit(cache=True)
def _g(
    a: np.uint64, b: np.uint64, c: np.uint64, d: np.uint64, x: np.uint64, y: np.uint64
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    a = a + b + x
    d = _rotr(d ^ a, 32)
    c = c + d
    b = _rotr(b ^ c, 24)
    a = a + b + y
    d = _rotr(d ^ a, 16)
    c = c + d
    b = _rotr(b ^ c, 63)
    return a, b, c, d


@njit(cache=True, nogil=True)
def _compress(h: NDArray[np.uint64], m: NDArray[np.uint64], t: int, last: bool, out: NDArray[np.uint64]) -> None:
    """One BLAKE2b compression of the block `m` into the chained value `h`, written to `out` (may be `h`)."""
    v0, v1, v2, v3, v4, v5, v6, v7 = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    v8, v9, v10, v11 = _IV[0], _IV[1], _IV[2], _IV[3]
    v12 = _IV[4] ^ np.uint64(t)
    v13 = _IV[5]
    v14 = _IV[6] ^ MASK if last else _IV[6]
    v15 = _IV[7]
    m0, m1, m2, m3, m4, m5, m6, m7 = m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]
    m8, m9, m10, m11, m12, m13, m14, m15 = m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15]
    # The twelve rounds unrolled, message words in the order of RFC 7693's SIGMA (2.7): about 1.6 times
    # faster than a loop reading the schedule from a table.
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m0, m1)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m2, m3)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m4, m5)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m6, m7)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m8, m9)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m10, m11)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m12, m13)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m14, m15)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m14, m10)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m4, m8)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m9, m15)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m13, m6)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m1, m12)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m0, m2)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m11, m7)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m5, m3)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m11, m8)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m12, m0)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m5, m2)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m15, m13)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m10, m14)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m3, m6)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m7, m1)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m9, m4)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m7, m9)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m3, m1)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m13, m12)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m11, m14)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m2, m6)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m5, m10)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m4, m0)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m15, m8)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m9, m0)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m5, m7)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m2, m4)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m10, m15)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m14, m1)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m11, m12)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m6, m8)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m3, m13)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m2, m12)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m6, m10)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m0, m11)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m8, m3)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m4, m13)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m7, m5)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m15, m14)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m1, m9)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m12, m5)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m1, m15)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m14, m13)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m4, m10)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m0, m7)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m6, m3)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m9, m2)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m8, m11)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m13, m11)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m7, m14)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m12, m1)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m3, m9)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m5, m0)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m15, m4)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m8, m6)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m2, m10)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m6, m15)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m14, m9)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m11, m3)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m0, m8)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m12, m2)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m13, m7)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m1, m4)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m10, m5)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m10, m2)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m8, m4)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m7, m6)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m1, m5)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m15, m11)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m9, m14)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m3, m12)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m13, m0)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m0, m1)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m2, m3)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m4, m5)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m6, m7)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m8, m9)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m10, m11)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m12, m13)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m14, m15)
    v0, v4, v8, v12 = _g(v0, v4, v8, v12, m14, m10)
    v1, v5, v9, v13 = _g(v1, v5, v9, v13, m4, m8)
    v2, v6, v10, v14 = _g(v2, v6, v10, v14, m9, m15)
    v3, v7, v11, v15 = _g(v3, v7, v11, v15, m13, m6)
    v0, v5, v10, v15 = _g(v0, v5, v10, v15, m1, m12)
    v1, v6, v11, v12 = _g(v1, v6, v11, v12, m0, m2)
    v2, v7, v8, v13 = _g(v2, v7, v8, v13, m11, m7)
    v3, v4, v9, v14 = _g(v3, v4, v9, v14, m5, m3)
    out[0] = h[0] ^ v0 ^ v8
    out[1] = h[1] ^ v1 ^ v9
    out[2] = h[2] ^ v2 ^ v10
    out[3] = h[3] ^ v3 ^ v11
    out[4] = h[4] ^ v4 ^ v12
    out[5] = h[5] ^ v5 ^ v13
    out[6] = h[6] ^ v6 ^ v14
    out[7] = h[7] ^ v7 ^ v15


def keyed_state(key: bytes, person: bytes, digest_size: int = 32) -> NDArray[np.uint64]:
    """The chained value after the key block: what every message under `key` starts from (as `hashlib` does)."""
    if not 1 <= len(key) <= 64 or len(person) > 16 or not 1 <= digest_size <= 64:
        raise ValueError("paramètres BLAKE2b hors limites")
    params = np.zeros(8, dtype=np.uint64)
    params[0] = digest_size | (len(key) << 8) | (1 << 16) | (1 << 24)
    params[6:8] = np.frombuffer(person.ljust(16, b"\0"), dtype="<u8")
    h = _IV ^ params
    block = np.frombuffer(key.ljust(BLOCK, b"\0"), dtype="<u8").copy()
    _compress(h, block, BLOCK, False, h)
    return h


@njit(cache=True)
def _second_pass(
    h: NDArray[np.uint64], second: NDArray[np.uint64], inner: NDArray[np.uint64], base: NDArray[np.uint64],
    n_tag: int, row: NDArray[np.uint16],
) -> None:  # fmt: skip
    """BLAKE2b(second, tag ‖ h's 32 bytes) into `row` as hex. `inner` holds the tag, `base` a copy of it: the
    digest is shifted in word by word after the tag's last byte."""
    first_word, shift = n_tag // 8, np.uint64(8 * (n_tag % 8))
    for q in range(first_word, min(first_word + 5, 16)):
        inner[q] = base[q]
    for j in range(4):
        if shift == 0:
            inner[first_word + j] = h[j]
        else:
            inner[first_word + j] |= h[j] << shift
            inner[first_word + j + 1] |= h[j] >> (np.uint64(64) - shift)
    _compress(second, inner, BLOCK + n_tag + 32, True, h)
    for j in range(4):
        w = h[j]
        for b in range(8):
            row[8 * j + b] = _HEX_PAIRS[(w >> np.uint64(8 * b)) & np.uint64(0xFF)]


@njit(cache=True)
def _digits(block: NDArray[np.uint8], at: int, value: int | np.int64, width: int) -> None:
    for k in range(width - 1, -1, -1):
        block[at + k] = 48 + value % 10
        value //= 10


@njit(cache=True)
def _is_space(byte: int) -> bool:
    return byte == 32 or 9 <= byte <= 13


@njit(cache=True, nogil=True)
def _people(
    nir_data: NDArray[np.uint8],
    nir_offsets: NDArray[np.int64],
    days: NDArray[np.int32],
    sex: NDArray[np.int64],
    rank: NDArray[np.int64],
    prefix: NDArray[np.uint8],
    first: NDArray[np.uint64],
    second: NDArray[np.uint64],
    tag: NDArray[np.uint8],
    start: int,
    stop: int,
    out: NDArray[np.uint16],
) -> int:
    """Build each person's canonical message in place and hash it twice; stop at the first row this strict ASCII
    reading does not accept and return it (-1 when every row was done)."""
    block = np.zeros(BLOCK, dtype=np.uint8)
    words = block.view(np.uint64)
    n = prefix.shape[0]
    block[:n] = prefix
    block[n + 13] = 124  # |
    block[n + 22] = 124
    block[n + 24] = 124
    length = n + 26
    inner_bytes = np.zeros(BLOCK, dtype=np.uint8)
    inner_bytes[: tag.shape[0]] = tag
    inner = inner_bytes.view(np.uint64)
    base = inner.copy()
    h = np.empty(8, dtype=np.uint64)
    for i in range(start, stop):
        begin, end = nir_offsets[i], nir_offsets[i + 1]
        while begin < end and _is_space(nir_data[begin]):
            begin += 1
        while end > begin and _is_space(nir_data[end - 1]):
            end -= 1
        if end - begin != 13 and not (end - begin == 15 and nir_data[end - 2] < 128 and nir_data[end - 1] < 128):
            return i
        for k in range(13):
            byte = nir_data[begin + k]
            if 48 <= byte <= 57:
                block[n + k] = byte
            elif k == 6 and block[n + 5] == 50 and (byte | 32) in (97, 98):  # Corsica: 2A, 2B in any case
                block[n + k] = byte & 0xDF
            else:
                return i
        if not (1 <= sex[i] <= 2 and 1 <= rank[i] <= 9):
            return i
        z = np.int64(days[i]) + 719468  # civil date from days since 1970-01-01 (H. Hinnant's algorithm)
        era = z // 146097
        doe = z - era * 146097
        yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
        doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
        mp = (5 * doy + 2) // 153
        day = doy - (153 * mp + 2) // 5 + 1
        month = mp + 3 if mp < 10 else mp - 9
        year = yoe + era * 400 + (1 if month <= 2 else 0)
        if not 1000 <= year <= 9999:
            return i
        _digits(block, n + 14, year, 4)
        _digits(block, n + 18, month, 2)
        _digits(block, n + 20, day, 2)
        block[n + 23] = 48 + sex[i]
        block[n + 25] = 48 + rank[i]
        _compress(first, words, BLOCK + length, True, h)
        _second_pass(h, second, inner, base, tag.shape[0], out[i])
    return -1


def people_hex(
    nir_data: NDArray[np.uint8],
    nir_offsets: NDArray[np.int64],
    days: NDArray[np.int32],
    sex: NDArray[np.int64],
    rank: NDArray[np.int64],
    prefix: bytes,
    first: NDArray[np.uint64],
    second: NDArray[np.uint64],
    tag: bytes,
    start: int,
    stop: int,
    out: NDArray[np.uint8],
) -> int:
    """Fill `out[start:stop]` with the lowercase hex of BLAKE2b(second, tag ‖ BLAKE2b(first, message)) for the
    canonical messages `prefix ‖ NIR|YYYYMMDD|sex|rank` built from the columns of rows `start`..`stop`.

    `first` and `second` are `keyed_state`s. The NIR is read strictly (ASCII blanks trimmed, 13 characters or 15
    with the key, digits, 2A/2B); the first row read otherwise is returned, -1 if none, and the caller takes the
    reference path. Holds no interpreter lock, so threads may fill disjoint row ranges of one `out` at once."""
    if len(tag) + 32 > BLOCK or len(prefix) + 26 > BLOCK:
        raise ValueError("étiquette trop longue pour un bloc")
    p, t = np.frombuffer(prefix, dtype=np.uint8), np.frombuffer(tag, dtype=np.uint8)
    found: int = _people(nir_data, nir_offsets, days, sex, rank, p, first, second, t, start, stop, out.view(np.uint16))
    return found
