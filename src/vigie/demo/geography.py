"""Where people live and were born: département populations and countries of birth.

Weights follow the INSEE populations (thousands of inhabitants, rounded), so that the CPAM of the Nord
holds far more people than that of the Lozère, as it does in life.
"""

from __future__ import annotations

_POPULATIONS = """
    01:660 02:530 03:335 04:165 05:141 06:1090 07:328 08:270 09:153 10:310 11:375 12:279 13:2040 14:695
    15:144 16:352 17:655 18:302 19:240 2A:160 2B:182 21:535 22:600 23:116 24:413 25:543 26:517 27:600
    28:432 29:915 30:750 31:1415 32:191 33:1640 34:1190 35:1080 36:219 37:610 38:1270 39:259 40:413
    41:330 42:765 43:227 44:1430 45:680 46:174 47:331 48:76 49:820 50:495 51:566 52:172 53:307 54:733
    55:184 56:760 57:1045 58:204 59:2610 60:830 61:280 62:1460 63:660 64:690 65:229 66:480 67:1140
    68:767 69:1880 70:235 71:550 72:566 73:436 74:830 75:2145 76:1255 77:1420 78:1450 79:375 80:570
    81:389 82:260 83:1080 84:562 85:690 86:438 87:373 88:364 89:335 90:141 91:1300 92:1625 93:1650
    94:1410 95:1250 971:384 972:361 973:287 974:870 976:300
"""

POPULATION_THOUSANDS: dict[str, int] = {
    code: int(count) for code, count in (pair.split(":") for pair in _POPULATIONS.split())
}
"""Inhabitants per département, in thousands; a département not listed weighs as a median one."""

MEDIAN_THOUSANDS = 500

COUNTRIES_OF_BIRTH: tuple[str, ...] = (
    "350",  # Maroc
    "352",  # Algérie
    "351",  # Tunisie
    "139",  # Portugal
    "134",  # Espagne
    "127",  # Italie
    "109",  # Allemagne
    "131",  # Belgique
    "341",  # Sénégal
    "132",  # Royaume-Uni
    "216",  # Chine
    "208",  # Turquie
)
"""INSEE country codes, written after « 99 » in the NIR of people born abroad."""


def population_weight(department: str | None) -> float:
    """The relative size of a département (thousands of inhabitants)."""
    if department is None:
        return float(MEDIAN_THOUSANDS)
    return float(POPULATION_THOUSANDS.get(department, MEDIAN_THOUSANDS))


def place_code(department: str, commune: int) -> str:
    """The five-character INSEE place code: 2-character département + 3-digit commune, or 97x + 2 digits."""
    if len(department) == 3:
        return f"{department}{commune % 100:02d}"
    return f"{department}{commune:03d}"


def postal_code(department: str, rank: int) -> str:
    """A plausible postal code in the département (Corsica's are 20xxx, overseas 97xxx)."""
    if department == "2A":
        return f"20{(rank % 20) * 10:03d}"
    if department == "2B":
        return f"20{200 + (rank % 80) * 10:03d}"
    if len(department) == 3:
        return f"{department}{(rank % 10) * 10:02d}"
    return f"{department}{(rank % 100) * 10:03d}"
