"""Valid French identifiers in bulk: NIR, SIREN/SIRET, RPPS, FINESS, IBAN, telephone numbers.

Check keys are computed on numpy columns (Luhn, modulo 97), so that a million identifiers cost a few
vector operations; only the final formatting is per row. Every number passes the checks vigie applies to
real input (`vigie.identifiers`), so the demo exercises the same paths as production data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]

_LA_POSTE_SIREN_BODY = 35_600_000  # La Poste's SIRETs follow another rule: never drawn


def digits_of(values: Ints, width: int) -> Ints:
    """The decimal digits of each value, most significant first, as an (n, width) array."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return np.asarray((values[:, None] // powers) % 10, dtype=np.int64)


def luhn_check_digit(values: Ints, width: int) -> Ints:
    """The digit that, appended to each `width`-digit value, makes it pass the Luhn check."""
    digits = digits_of(values, width)
    doubled = np.zeros(width, dtype=bool)
    doubled[width - 1 :: -2] = True  # the rightmost payload digit is doubled once the key is appended
    weighted = np.where(doubled, digits * 2, digits)
    weighted = np.where(weighted > 9, weighted - 9, weighted)
    return np.asarray((10 - weighted.sum(axis=1) % 10) % 10, dtype=np.int64)


def nir_numbers(sex: Ints, year: Ints, month: Ints, place: Ints, order: Ints) -> Ints:
    """The 13-digit NIR bodies; `place` is the numeric place code (2A counted as 19, 2B as 18)."""
    return sex * 10**12 + (year % 100) * 10**10 + month * 10**8 + place * 10**3 + order


def nir_strings(body: Ints, place_text: list[str]) -> list[str]:
    """Full NIRs (15 characters, key included), writing Corsica as 2A/2B as people do."""
    keys = (97 - body % 97).tolist()
    heads = (body // 10**8).tolist()
    orders = (body % 1000).tolist()
    return [f"{h:05d}{p}{o:03d}{k:02d}" for h, p, o, k in zip(heads, place_text, orders, keys, strict=True)]


def sirets(rng: np.random.Generator, count: int) -> list[str]:
    """SIRETs whose SIREN and whole number both pass the Luhn check (14 digits)."""
    body = rng.integers(10_000_000, 100_000_000, size=count, dtype=np.int64)
    body = np.where(body == _LA_POSTE_SIREN_BODY, body + 1, body)
    siren = body * 10 + luhn_check_digit(body, 8)
    nic = rng.choice(np.array([1, 1, 1, 2, 3, 4, 5, 9, 12, 21], dtype=np.int64), size=count)
    stem = siren * 10_000 + nic
    number = stem * 10 + luhn_check_digit(stem, 13)
    return [f"{v:014d}" for v in number.tolist()]


def rpps_numbers(rng: np.random.Generator, count: int) -> list[str]:
    """RPPS numbers of health professionals: « 10 » + 8 digits + a Luhn key."""
    stem = 1_000_000_000 + rng.integers(0, 100_000_000, size=count, dtype=np.int64)
    number = stem * 10 + luhn_check_digit(stem, 10)
    return [f"{v:011d}" for v in number.tolist()]


def finess_numbers(rng: np.random.Generator, department: Ints, count: int) -> list[str]:
    """FINESS numbers of establishments: département + category + serial + a Luhn key (9 digits)."""
    stem = (department % 100) * 1_000_000 + rng.integers(0, 1_000_000, size=count, dtype=np.int64)
    number = stem * 10 + luhn_check_digit(stem, 8)
    return [f"{v:09d}" for v in number.tolist()]


def _mod97(parts: list[tuple[Ints, int]]) -> Ints:
    """(Σ part·10^shift) mod 97 without overflowing int64: each part is reduced first."""
    total = np.zeros_like(parts[0][0])
    for values, shift in parts:
        total = (total + (values % 97) * pow(10, shift, 97)) % 97
    return total


def ibans(rng: np.random.Generator, count: int) -> list[str]:
    """French IBANs with a valid RIB key and IBAN check digits, grouped by four as printed."""
    bank = rng.choice(np.array([30004, 30002, 30003, 20041, 10278, 11315, 18206, 16606, 13335, 10107]), count)
    branch = rng.integers(0, 100_000, size=count, dtype=np.int64)
    account = rng.integers(0, 100_000_000_000, size=count, dtype=np.int64)
    rib = 97 - (89 * bank + 15 * branch + 3 * (account % 97)) % 97
    # BBAN digits, then « FR00 » as 152700, moved to the end as ISO 13616 says.
    remainder = _mod97([(bank, 24), (branch, 19), (account, 8), (rib, 6), (np.full(count, 152700), 0)])
    check = 98 - remainder
    out = []
    for c, b, g, a, k in zip(
        check.tolist(), bank.tolist(), branch.tolist(), account.tolist(), rib.tolist(), strict=True
    ):
        raw = f"FR{c:02d}{b:05d}{g:05d}{a:011d}{k:02d}"
        out.append(" ".join(raw[i : i + 4] for i in range(0, 27, 4)))
    return out


def phones(rng: np.random.Generator, count: int, *, mobile: bool = True) -> list[str]:
    """French telephone numbers, mobile (06/07) or landline (01–05), written in pairs."""
    prefix = rng.choice(np.array([6, 7]) if mobile else np.arange(1, 6), size=count)
    rest = rng.integers(0, 100_000_000, size=count, dtype=np.int64)
    out = []
    for p, r in zip(prefix.tolist(), rest.tolist(), strict=True):
        s = f"{r:08d}"
        out.append(f"0{p} {s[0:2]} {s[2:4]} {s[4:6]} {s[6:8]}")
    return out
