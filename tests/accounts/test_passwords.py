"""The password rules: length and classes or a passphrase, nothing of the person, no common password, zxcvbn."""

from __future__ import annotations

from datetime import date

import pytest

from vigie.accounts.passwords import Person, check, date_forms, fold

ELODIE = Person("Dupont", "Élodie", date(1975, 3, 12))


def test_a_strong_password_and_a_long_passphrase_are_accepted() -> None:
    assert check("Vx7#kq2Lm", ELODIE).acceptable
    assert check("le chat boit du lait froid", ELODIE).acceptable


def test_a_short_password_is_refused_saying_how_many_characters_it_needs() -> None:
    verdict = check("Ab1!", ELODIE)
    assert not verdict.acceptable
    assert any("au moins 8" in problem for problem in verdict.problems)


def test_eight_characters_of_two_classes_are_refused_but_a_passphrase_of_one_class_is_not() -> None:
    assert any("sortes de caractères" in p for p in check("zqxjvkwpmr", ELODIE).problems)
    assert not any("sortes de caractères" in p for p in check("trefle jaune sous orage", ELODIE).problems)


@pytest.mark.parametrize("password", ["xELODIEk!9Zq", "Dupont#Rv82q", "q9!Zelodie", "JEAN-dupont!7z"])
def test_the_name_or_first_name_is_refused_whatever_the_case_and_accents(password: str) -> None:
    verdict = check(password, ELODIE)
    assert "Il ne doit contenir ni votre nom ni votre prénom." in verdict.problems


@pytest.mark.parametrize(
    "password", ["Kq!z1975vvx", "Kq!z120375v", "Kq!z12031975v", "Kq!z12/03/1975v", "Kq19750312!zv", "Kq!z12-03-75v"]
)
def test_the_birth_date_is_refused_in_every_common_form(password: str) -> None:
    verdict = check(password, ELODIE)
    assert any("date de naissance" in problem for problem in verdict.problems), verdict.problems


def test_the_same_passwords_are_accepted_for_someone_else() -> None:
    other = Person("Martin", "Paul", date(1980, 7, 1))
    assert check("Kq!z12031975v", other).acceptable
    assert check("xELODIEk!9Zq", other).acceptable


def test_date_forms_cover_the_forms_the_policy_names() -> None:
    forms = date_forms(date(1975, 3, 12))
    assert {"1975", "120375", "12031975", "12/03/1975", "19750312"} <= set(forms)


@pytest.mark.parametrize("password", ["MotDePasse1!", "azertyuiop", "Soleil123!", "Jetaime123!", "Marseille13!"])
def test_common_french_passwords_are_refused_from_the_shipped_list(password: str) -> None:
    verdict = check(password)
    assert "Ce mot de passe figure dans la liste des mots de passe les plus courants." in verdict.problems


def test_zxcvbn_refuses_a_guessable_password_with_french_advice() -> None:
    verdict = check("Qwerty2020!")
    assert verdict.score < 3
    assert any(problem.startswith("Il serait trop facile à deviner.") for problem in verdict.problems)
    assert not any("easy" in hint or "guess" in hint for hint in (*verdict.problems, *verdict.hints))


def test_an_over_long_password_is_refused_on_its_length_alone() -> None:
    verdict = check("a" * 129)
    assert verdict.problems == ("Il compte 129 caractères : au plus 128 sont permis.",)


def test_fold_removes_accents_and_case() -> None:
    assert fold("ÉLODIE Ñuñez") == "elodie nunez"


def test_an_empty_password_is_refused_not_a_crash() -> None:
    assert check("").problems == ("Saisissez un mot de passe.",)
