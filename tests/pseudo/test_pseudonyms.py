"""Pseudonyms: the same person always gets the same one within a key period, two keys are needed to make one,
twins are told apart, and two studies cannot be joined."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from vigie.errors import ConfigurationError, InvalidInput
from vigie.pseudo.keys import KeyRole, PseudoKey, create_key_file, load_key_file
from vigie.pseudo.pseudonyms import Person, message, national, study
from vigie.pseudo.strategies import CENTRAL, DOUBLE, SOURCE, strategy, strategy_names

ALICE = Person("2850578006084", date(1985, 5, 12), 2)


def _keys(period: str = "2026-2027") -> dict[KeyRole, PseudoKey]:
    return {
        KeyRole.SOURCE: PseudoKey(KeyRole.SOURCE, period, os.urandom(32)),
        KeyRole.CENTRAL: PseudoKey(KeyRole.CENTRAL, period, os.urandom(32)),
    }


def test_the_same_person_gets_the_same_pseudonym_within_a_period() -> None:
    keys = _keys()
    again = Person("285057800608436", date(1985, 5, 12), 2)  # with its key: the same person
    first, second = national(keys, [ALICE, again])
    assert first == second and len(first) == 64


def test_the_pseudonym_is_the_two_keyed_passes_and_nothing_else() -> None:
    """Recomputed independently: HMAC-SHA-256 under the source key, then under the central key."""
    keys = _keys()
    inner = hmac.new(keys[KeyRole.SOURCE].secret, b"v1|2850578006084|19850512|2|1", hashlib.sha256).digest()
    outer = hmac.new(keys[KeyRole.CENTRAL].secret, b"vigie/central/v1|" + inner, hashlib.sha256).hexdigest()
    assert national(keys, [ALICE], "hmac-sha256") == [outer]


@pytest.mark.parametrize("algorithm", ["blake2b", "hmac-sha256"])
def test_changing_either_key_changes_every_pseudonym(algorithm: str) -> None:
    keys = _keys()
    base = national(keys, [ALICE], algorithm)
    for role in KeyRole:
        other = {**keys, role: PseudoKey(role, "2028-2029", os.urandom(32))}
        assert national(other, [ALICE], algorithm) != base


def test_twins_are_told_apart_by_their_rank() -> None:
    keys = _keys()
    first, second = national(keys, [ALICE, Person(ALICE.nir, ALICE.birth, ALICE.sex, twin_rank=2)])
    assert first != second


def test_each_identifying_part_counts() -> None:
    keys = _keys()
    variants = [
        ALICE,
        Person("2850578006085", ALICE.birth, 2),
        Person(ALICE.nir, date(1985, 5, 13), 2),
        Person(ALICE.nir, ALICE.birth, 1),
    ]
    assert len(set(national(keys, variants))) == 4


def test_two_studies_get_unrelated_pseudonyms_of_the_same_people() -> None:
    keys = _keys()
    people = [ALICE, Person("1750131055123", date(1975, 1, 3), 1)]
    pseudonyms = national(keys, people)
    a = study(keys[KeyRole.CENTRAL], "etude-diabete-2026", pseudonyms)
    b = study(keys[KeyRole.CENTRAL], "etude-cancer-2026", pseudonyms)
    assert a == study(keys[KeyRole.CENTRAL], "etude-diabete-2026", pseudonyms)
    assert not set(a) & set(b) and not set(a) & set(pseudonyms)


def test_a_study_is_derived_under_the_central_key_only() -> None:
    keys = _keys()
    with pytest.raises(InvalidInput, match="clé centrale"):
        study(keys[KeyRole.SOURCE], "etude", national(keys, [ALICE]))


def test_each_strategy_gets_only_the_keys_it_declares() -> None:
    keys = _keys()
    assert SOURCE.secrets == (KeyRole.SOURCE,) and CENTRAL.secrets == (KeyRole.CENTRAL,)
    assert DOUBLE.secrets == (KeyRole.SOURCE, KeyRole.CENTRAL)
    with pytest.raises(ConfigurationError, match="clé centrale"):
        DOUBLE.apply({KeyRole.SOURCE: keys[KeyRole.SOURCE]}, [message(ALICE)])
    # The two passes made by two parties (the source, then the platform) equal the double strategy.
    split = CENTRAL.apply({KeyRole.CENTRAL: keys[KeyRole.CENTRAL]}, SOURCE.apply(keys, [message(ALICE)]))
    assert split == DOUBLE.apply(keys, [message(ALICE)])
    assert strategy_names() == ["central", "double", "source"]
    with pytest.raises(InvalidInput, match="stratégies connues"):
        strategy("sha1")


@pytest.mark.parametrize(
    ("person", "field"),
    [
        (Person("28505780060", date(1985, 5, 12), 2), "NIR"),
        (Person("2850578006084", date(1985, 5, 12), 3), "sexe"),
        (Person("2850578006084", date(1985, 5, 12), 2, twin_rank=0), "rang"),
        (Person("28505780X6084", date(1985, 5, 12), 2), "NIR"),
    ],
)
def test_a_malformed_person_is_refused_not_hashed(person: Person, field: str) -> None:
    with pytest.raises(InvalidInput, match=field):
        message(person)


def test_corsica_is_accepted_in_the_message() -> None:
    assert message(Person("185052A006084", date(1985, 5, 12), 1)).startswith(b"v1|185052A006084|")


def test_key_files_are_private_never_replaced_and_checked_for_their_role(tmp_path: Path) -> None:
    path = tmp_path / "cles" / "source.key"
    made = create_key_file(path, KeyRole.SOURCE, "2026-2027")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key_file(path, KeyRole.SOURCE) == made
    assert "secret" not in repr(made) and made.secret.hex() not in repr(made)
    with pytest.raises(ConfigurationError, match="existe déjà"):
        create_key_file(path, KeyRole.SOURCE, "2028-2029")
    with pytest.raises(ConfigurationError, match="pas une clé centrale"):
        load_key_file(path, KeyRole.CENTRAL)
    path.chmod(0o640)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_key_file(path, KeyRole.SOURCE)
    with pytest.raises(ConfigurationError, match="absente"):
        load_key_file(tmp_path / "nulle-part.key", KeyRole.CENTRAL)
    with pytest.raises(ConfigurationError, match="période"):
        create_key_file(tmp_path / "x.key", KeyRole.CENTRAL, "../../etc")
