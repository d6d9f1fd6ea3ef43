"""Départements to regions (INSEE codes of the 2016 regions), for generalising where people live."""

from __future__ import annotations

_REGIONS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",  # Auvergne-Rhône-Alpes
    "27": "21 25 39 58 70 71 89 90",  # Bourgogne-Franche-Comté
    "53": "22 29 35 56",  # Bretagne
    "24": "18 28 36 37 41 45",  # Centre-Val de Loire
    "94": "2A 2B",  # Corse
    "44": "08 10 51 52 54 55 57 67 68 88",  # Grand Est
    "32": "02 59 60 62 80",  # Hauts-de-France
    "11": "75 77 78 91 92 93 94 95",  # Île-de-France
    "28": "14 27 50 61 76",  # Normandie
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",  # Nouvelle-Aquitaine
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",  # Occitanie
    "52": "44 49 53 72 85",  # Pays de la Loire
    "93": "04 05 06 13 83 84",  # Provence-Alpes-Côte d'Azur
    "01": "971",  # Guadeloupe
    "02": "972",  # Martinique
    "03": "973",  # Guyane
    "04": "974",  # La Réunion
    "06": "976",  # Mayotte
}

REGION_OF: dict[str, str] = {dept: region for region, depts in _REGIONS.items() for dept in depts.split()}
"""Région (INSEE code) of each département; births abroad (99) and unknown codes have none."""
