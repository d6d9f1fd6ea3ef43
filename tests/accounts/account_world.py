"""What the accounts tests share: cheap argon2 settings, a NIR and a SIRET that check, a good password and
the fields of a sign-up that succeeds."""

from __future__ import annotations

from vigie.nir import nir_key

# Cheap but real argon2id: the tests check the rules, bench/accounts.py the cost of RFC 9106's profile.
FAST_HASH = {"password_time_cost": 1, "password_memory_kib": 64, "password_parallelism": 1}
NIR_BODY = "2750375056123"  # a woman born in March 1975 in Paris
NIR = NIR_BODY + f"{nir_key(NIR_BODY):02d}"
OTHER_BODY = "1800775056123"  # nobody in the tests' vault has it
OTHER_NIR = OTHER_BODY + f"{nir_key(OTHER_BODY):02d}"
SIRET = "73282932000074"
GOOD_PASSWORD = "Vx7#kq2Lm!trefle"


def sign_up_form(**changes: str) -> dict[str, str]:
    """The fields of a sign-up that succeeds, with `changes`."""
    fields = {
        "profile": "insured",
        "number": NIR,
        "last_name": "Dupont",
        "first_name": "Élodie",
        "birth_date": "12/03/1975",
        "password": GOOD_PASSWORD,
        "confirmation": GOOD_PASSWORD,
    }
    fields.update(changes)
    if "password" in changes and "confirmation" not in changes:
        fields["confirmation"] = changes["password"]
    return fields
