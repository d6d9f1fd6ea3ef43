"""The password rules of the policy, made current (Cnil 2022 recommendation, case 2: throttled sign-in).

A password is accepted when it is long enough for its kind, says nothing of its owner, is not a common one
and zxcvbn does not find it easy to guess:

- at least 8 characters mixing at least 3 classes (lower case, upper case, digits, other characters), or a
  passphrase of at least 16 characters made of at least 3 words, whatever their classes;
- it contains neither the person's name nor first name (each part of a compound name of 3 letters or more)
  nor the birth date in a common form (1975, 120375, 12031975, 19750312, 12/03/1975, 12-03-75 …), accents
  and case ignored;
- it is not in the shipped list of common passwords (English and French, `common-passwords.txt`), accents
  and case ignored, nor one that zxcvbn knows;
- zxcvbn scores it at least `MIN_SCORE` (about 10^8 guesses), with the person's own words as its hints.

Every rule broken gives one French message; `check` returns them all, so that a form can show them next to
the field, and the feedback endpoint as the person types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MIN_CLASSES = 3
PASSPHRASE_LENGTH = 16
PASSPHRASE_WORDS = 3
MAX_LENGTH = 128  # argon2 takes any length; a bound keeps the form and the estimator cheap
MIN_SCORE = 3
NAME_PART_MIN = 3  # shorter parts (« Li », « Ba ») would refuse too much
_ZXCVBN_MAX = 72

_WORD_SPLIT = re.compile(r"[\s\-_.,;:!?'’/]+")
_SEPARATORS = ("", "/", "-", ".", " ", "_")

# zxcvbn's English feedback, said in French.
_FRENCH = {
    "Capitalization doesn't help very much.": "Une majuscule au début n'aide guère.",
    "Dates are often easy to guess.": "Les dates sont faciles à deviner.",
    "No need for symbols, digits, or uppercase letters.": "Nul besoin de symboles, de chiffres ni de majuscules.",
    "Recent years are easy to guess.": "Les années récentes sont faciles à deviner.",
    "Reversed words aren't much harder to guess.": "Un mot écrit à l'envers n'est guère plus difficile à deviner.",
    "Use a few words, avoid common phrases.": "Utilisez quelques mots, en évitant les expressions courantes.",
    "A word by itself is easy to guess.": "Un mot seul est facile à deviner.",
    "Add another word or two. Uncommon words are better.": "Ajoutez un ou deux mots, de préférence peu courants.",
    "Avoid dates and years that are associated with you.": "Évitez les dates et les années qui vous concernent.",
    "Avoid recent years.": "Évitez les années récentes.",
    "Avoid repeated words and characters.": "Évitez les mots et les caractères répétés.",
    "Avoid sequences.": "Évitez les suites (abc, 6543).",
    "Avoid years that are associated with you.": "Évitez les années qui vous concernent.",
    "Common names and surnames are easy to guess.": "Les noms et prénoms courants sont faciles à deviner.",
    "Names and surnames by themselves are easy to guess.": "Un nom ou un prénom seul est facile à deviner.",
    'Repeats like "aaa" are easy to guess.': "Les répétitions comme « aaa » sont faciles à deviner.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "Les répétitions comme « abcabcabc » sont à peine plus difficiles à deviner que « abc »."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': "Les suites comme « abc » ou « 6543 » sont faciles à deviner.",
    "Short keyboard patterns are easy to guess.": "Les motifs courts du clavier sont faciles à deviner.",
    "Straight rows of keys are easy to guess.": "Les rangées de touches sont faciles à deviner.",
    "This is a top-10 common password.": "Ce mot de passe fait partie des 10 plus courants.",
    "This is a top-100 common password.": "Ce mot de passe fait partie des 100 plus courants.",
    "This is a very common password.": "Ce mot de passe est très courant.",
    "This is similar to a commonly used password.": "Ce mot de passe ressemble à un mot de passe courant.",
    "Use a longer keyboard pattern with more turns.": "Utilisez un motif de clavier plus long, avec plus de détours.",
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Tout en majuscules est presque aussi facile à deviner que tout en minuscules."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Les substitutions prévisibles comme « @ » pour « a » n'aident guère."
    ),
}


@dataclass(frozen=True)
class Person:
    """What the rules know of the password's owner: typed by them at sign-up, never stored in clear."""

    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of `check`: acceptable or not, each problem in French, zxcvbn's score (0 to 4) and hints."""

    problems: tuple[str, ...]
    score: int
    hints: tuple[str, ...] = field(default=())

    @property
    def acceptable(self) -> bool:
        return not self.problems


def fold(text: str) -> str:
    """`text` in lower case without accents (« Élodie » → « elodie »), for comparisons that ignore both."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, folded."""
    text = resources.files("vigie.accounts").joinpath("common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _classes(password: str) -> int:
    kinds = (str.islower, str.isupper, str.isdigit)
    found = {i for c in password for i, test in enumerate(kinds) if test(c)}
    if any(not (c.islower() or c.isupper() or c.isdigit()) for c in password):
        found.add(3)
    return len(found)


def _is_passphrase(password: str) -> bool:
    words = [w for w in _WORD_SPLIT.split(password) if w]
    return len(password) >= PASSPHRASE_LENGTH and len(words) >= PASSPHRASE_WORDS


def name_parts(person: Person) -> list[str]:
    """The parts of the person's names that a password may not contain: each name whole (without spaces or
    hyphens) and each of its parts of at least `NAME_PART_MIN` letters, folded."""
    parts: list[str] = []
    for name in (person.last_name, person.first_name):
        folded = fold(name.strip())
        pieces = [p for p in _WORD_SPLIT.split(folded) if p]
        whole = "".join(pieces)
        for part in [whole, *pieces]:
            if len(part) >= NAME_PART_MIN and part not in parts:
                parts.append(part)
    return parts


def date_forms(day: date) -> list[str]:
    """The common ways of writing `day`: the year alone, then day-month-year and year-month-day, with
    two- or four-digit years and each usual separator (1975, 120375, 12031975, 12/03/1975, 1975-03-12 …)."""
    d, m, y4 = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    y2 = y4[2:]
    forms = [y4]
    for sep in _SEPARATORS:
        for parts in ((d, m, y4), (d, m, y2), (y4, m, d), (y2, m, d), (m, d, y4)):
            forms.append(sep.join(parts))
        forms.append(sep.join((d, m)))
    return list(dict.fromkeys(forms))


def _personal(folded: str, person: Person) -> list[str]:
    problems = []
    if any(part in folded for part in name_parts(person)):
        problems.append("Il ne doit contenir ni votre nom ni votre prénom.")
    if person.birth_date is not None and any(form in folded for form in date_forms(person.birth_date)):
        problems.append("Il ne doit contenir votre date de naissance sous aucune forme (1975, 120375 …).")
    return problems


def _french(messages: list[str]) -> list[str]:
    return [_FRENCH.get(m, "Choisissez un mot de passe moins prévisible.") for m in messages if m]


def check(password: str, person: Person | None = None) -> Verdict:
    """Every rule `password` breaks for `person`, in French; an empty list means it is accepted."""
    person = person or Person()
    if not password:  # zxcvbn fails on an empty string
        return Verdict(("Saisissez un mot de passe.",), 0)
    if len(password) > MAX_LENGTH:
        return Verdict((f"Il compte {len(password)} caractères : au plus {MAX_LENGTH} sont permis.",), 0)
    problems: list[str] = []
    passphrase = _is_passphrase(password)
    if len(password) < MIN_LENGTH:
        problems.append(
            f"Il compte {len(password)} caractère{'s' if len(password) > 1 else ''} : il en faut au moins "
            f"{MIN_LENGTH}, ou une phrase de passe d'au moins {PASSPHRASE_LENGTH} caractères."
        )
    elif not passphrase and _classes(password) < MIN_CLASSES:
        problems.append(
            f"Mélangez au moins {MIN_CLASSES} sortes de caractères parmi minuscules, majuscules, chiffres et "
            f"caractères spéciaux, ou choisissez une phrase de passe d'au moins {PASSPHRASE_LENGTH} caractères "
            f"et {PASSPHRASE_WORDS} mots."
        )
    folded = fold(password)
    problems += _personal(folded, person)
    if folded in common_passwords():
        problems.append("Ce mot de passe figure dans la liste des mots de passe les plus courants.")
    hints = [fold(w) for w in (person.last_name, person.first_name) if w]
    if person.birth_date is not None:
        hints += date_forms(person.birth_date)[:4]
    estimate = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=hints)
    score = int(estimate["score"])
    feedback = estimate["feedback"]
    advice = _french([feedback.get("warning", ""), *feedback.get("suggestions", [])])
    if score < MIN_SCORE:
        problems.append("Il serait trop facile à deviner." + (f" {advice[0]}" if advice else ""))
    return Verdict(tuple(dict.fromkeys(problems)), score, tuple(dict.fromkeys(advice)))


__all__ = ["MAX_LENGTH", "MIN_LENGTH", "PASSPHRASE_LENGTH", "Person", "Verdict", "check", "date_forms", "fold"]
