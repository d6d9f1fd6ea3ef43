"""Accounts side by side with what a developer would otherwise use.

1. Password rules: vigie's `accounts.passwords.check` (length and classes, the person's words, the French
   common-password list, then zxcvbn) against zxcvbn alone, the usual strength filter, on the same passwords.
2. Sign-in: vigie's whole sign-in (throttle check, argon2id verify at RFC 9106's second recommended option,
   failure count reset, session row, journal entry durable on SQLite) against a bare argon2-cffi
   `PasswordHasher().verify` with the same parameters: the hash is the floor, the rest is vigie's overhead.

    .venv/bin/python bench/accounts.py            # full run (a few minutes on a loaded machine)
    .venv/bin/python bench/accounts.py --quick    # smoke run

Run on demand; not part of the test suite. The last line is `RESULT accounts ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's `http` package: look in this folder last, not first.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    sys.path.append(sys.path.pop(0))

import argparse
import os
import random
import statistics
import string
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table
from zxcvbn import zxcvbn

from vigie import vault
from vigie.accounts import Accounts, Credentials, Person, check, parse_sign_up
from vigie.audit import Journal
from vigie.bootstrap import prepare
from vigie.nir import nir_key
from vigie.settings import Settings
from vigie.store import connect
from vigie.taxonomy import SubjectKind

PASSWORD = "Vx7#kq2Lm!trefle"


def _passwords(count: int, rng: random.Random) -> list[str]:
    """A mix like people type: common words with digits, keyboard runs, random strings, passphrases."""
    words = ["soleil", "marseille", "chocolat", "printemps", "bonjour", "dupont", "azerty", "velo", "jardin"]
    out = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(words).capitalize() + str(rng.randint(1950, 2026)) + rng.choice("!?#"))
        elif kind == 1:
            out.append(
                "".join(rng.choice(string.ascii_letters + string.digits + "#!") for _ in range(rng.randint(8, 14)))
            )
        elif kind == 2:
            out.append(" ".join(rng.choice(words) for _ in range(4)))
        else:
            out.append(rng.choice(["azertyuiop", "qwerty123", "12031975", "motdepasse"]) + str(i % 10))
    return out


def _rate(run: Callable[[], None], count: int, repeats: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates), rates


def bench_rules(count: int, repeats: int) -> tuple[float, float]:
    rng = random.Random(7)
    passwords = _passwords(count, rng)
    person = Person("Dupont", "Élodie", date(1975, 3, 12))
    hints = ["dupont", "elodie", "1975", "12031975"]
    vigie_rate, _ = _rate(lambda: [check(p, person) for p in passwords], count, repeats)
    peer_rate, _ = _rate(lambda: [zxcvbn(p[:72], user_inputs=hints) for p in passwords], count, repeats)
    return vigie_rate, peer_rate


def bench_sign_in(count: int, threads: int, repeats: int) -> tuple[float, float, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        env = prepare(Settings(data_dir=Path(folder)), create_keys=True)
        body = "2750375056123"
        nir = body + f"{nir_key(body):02d}"
        with connect(env.engine) as connection:
            vault.add_subject(
                connection,
                env.keyring,
                kind=SubjectKind.INSURED,
                organisation="CPAM-75",
                identity={},
                created_on=date(2020, 1, 1),
                nir=nir,
            )
        with Journal(env.engine, env.keyring) as journal:
            accounts = Accounts(env, journal)
            fields = {
                "profile": "insured",
                "number": nir,
                "last_name": "Dupont",
                "first_name": "Élodie",
                "birth_date": "12/03/1975",
                "password": PASSWORD,
                "confirmation": PASSWORD,
            }
            accounts.sign_up(parse_sign_up(fields))
            credentials = Credentials(nir, PASSWORD)

            def vigie_batch() -> None:
                with ThreadPoolExecutor(threads) as pool:
                    # distinct sources: the per-address guard counts failures only, but keep it realistic
                    list(pool.map(lambda i: accounts.sign_in(credentials, source=f"10.0.{i % 250}.1"), range(count)))

            vigie_rate, vigie_rates = _rate(vigie_batch, count, repeats)
        env.engine.dispose()
    s = env.settings
    hasher = PasswordHasher(time_cost=s.password_time_cost, memory_cost=s.password_memory_kib, parallelism=4)
    stored = hasher.hash(PASSWORD)

    def peer_batch() -> None:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda _: hasher.verify(stored, PASSWORD), range(count)))

    peer_rate, _ = _rate(peer_batch, count, repeats)
    return vigie_rate, peer_rate, vigie_rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    args = parser.parse_args()
    checks, sign_ins, repeats = (200, 8, 1) if args.quick else (600, 24, 3)
    threads = os.cpu_count() or 2
    console = Console()
    load = os.getloadavg()[0]
    rules_vigie, rules_peer = bench_rules(checks, repeats)
    signin_vigie, signin_peer, rates = bench_sign_in(sign_ins, threads, repeats)
    table = Table(title=f"Comptes ({threads} fils, charge {load:.2f})")
    for column in ("mesure", "vigie", "pair", "rapport"):
        table.add_column(column)
    table.add_row("règles du mot de passe /s", f"{rules_vigie:,.0f}", f"{rules_peer:,.0f} (zxcvbn seul)",
                  f"{rules_vigie / rules_peer:.2f}")  # fmt: skip
    table.add_row("connexions /s", f"{signin_vigie:,.1f}", f"{signin_peer:,.1f} (argon2id seul)",
                  f"{signin_vigie / signin_peer:.2f}")  # fmt: skip
    console.print(table)
    console.print(f"connexions /s, chaque répétition : {', '.join(f'{r:.1f}' for r in rates)}")
    print(
        f"RESULT accounts checks_per_s={rules_vigie:.0f} zxcvbn_per_s={rules_peer:.0f} "
        f"signins_per_s={signin_vigie:.1f} argon2_verify_per_s={signin_peer:.1f} "
        f"signin_ratio={signin_vigie / signin_peer:.2f} threads={threads} load={load:.2f}"
    )


if __name__ == "__main__":
    main()
