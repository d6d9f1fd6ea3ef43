"""Shredding a subject leaves nothing that identifies or finds the person: no key, no identity, no index."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select, update
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.crypto import Keyring
from vigie.errors import NotFound
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import subjects
from vigie.taxonomy import SubjectKind

NIR = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")
SHREDDED_ON = date(2026, 11, 28)


def test_shredding_clears_key_identity_and_every_look_up_index_and_dates_it(
    engine: Engine, register: Register, keyring: Keyring
) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        subject, kept = (
            vault.add_subject(
                connection,
                keyring,
                kind=SubjectKind.EMPLOYER,
                organisation="CPAM-75",
                identity={"raison_sociale": name},
                created_on=date(2020, 1, 1),
                nir=nir,
            )
            for name, nir in (("Boulangerie Martin", NIR), ("Garage Roux", None))
        )
        # a SIRET look-up index, as the employers' slice keeps it
        connection.execute(update(subjects).values(siret_index=b"\x01" * 32))
        vault.shred(connection, subject, SHREDDED_ON)
    with connect(engine) as connection:
        rows = {row.id: row for row in connection.execute(select(subjects))}
    shredded = rows[subject]
    assert shredded.wrapped_key is None and shredded.identity is None
    assert shredded.nir_index is None and shredded.siret_index is None
    assert shredded.shredded_on == SHREDDED_ON
    other = rows[kept]  # only the shredded subject is touched
    assert other.wrapped_key is not None and other.identity is not None and other.siret_index is not None
    assert other.shredded_on is None


def test_shredding_nobody_is_not_found(engine: Engine) -> None:
    with connect(engine) as connection, pytest.raises(NotFound) as caught:
        vault.shred(connection, 404, SHREDDED_ON)
    assert str(caught.value) == "personne introuvable : « 404 »"


def test_an_unknown_subject_has_no_state(engine: Engine) -> None:
    with connect(engine) as connection, pytest.raises(NotFound) as caught:
        vault.subject_state(connection, 405, SHREDDED_ON)
    assert str(caught.value) == "personne introuvable : « 405 »"


def test_shredding_where_a_condition_holds_spares_whom_keep_holds_and_redates_no_one_already_erased(
    engine: Engine, register: Register, keyring: Keyring
) -> None:
    """The retention sweep's erasure of the people it left with nothing: one statement, same clearing as `shred`;
    a person under a hold is kept, one erased earlier keeps their day and is not counted again."""
    with connect(engine) as connection:
        sync_organisations(connection, register)
        due, held, erased_before, untouched = (
            vault.add_subject(
                connection, keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
                identity={"nom": name}, created_on=date(2020, 1, 1), nir=nir,
            )
            for name, nir in (
                ("Martin", NIR),
                ("Roux", "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")),
                ("Petit", None),
                ("Durand", "1900175123456" + stdnum_nir.calc_check_digits("1900175123456")),
            )
        )  # fmt: skip
        connection.execute(update(subjects).values(siret_index=b"\x01" * 32))
        vault.shred(connection, erased_before, date(2025, 1, 1))
        chosen = subjects.c.id.in_([due, held, erased_before])
        erased = vault.shred_where(connection, chosen, SHREDDED_ON, subjects.c.id == held)
    assert erased == 1
    with connect(engine) as connection:
        rows = {row.id: row for row in connection.execute(select(subjects))}
    gone = rows[due]
    assert (gone.wrapped_key, gone.identity, gone.nir_index, gone.siret_index) == (None, None, None, None)
    assert gone.shredded_on == SHREDDED_ON
    for kept in (rows[held], rows[untouched]):
        assert None not in (kept.wrapped_key, kept.identity, kept.nir_index, kept.siret_index)
        assert kept.shredded_on is None
    assert rows[erased_before].shredded_on == date(2025, 1, 1)
