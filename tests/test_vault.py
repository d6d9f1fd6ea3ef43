"""The vault keeps identities and records encrypted, finds people by blind index, and shreds keys."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, Engine, select, update
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.crypto import Keyring
from vigie.errors import DecryptionError, InvalidIdentifier, NotFound
from vigie.ids import SubjectId
from vigie.model import SubjectState
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import consents, record_events, records, subjects
from vigie.taxonomy import SubjectKind

NIR = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")


@pytest.fixture
def stored(engine: Engine, register: Register, keyring: Keyring) -> tuple[int, int]:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        subject = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"last_name": "Martinez", "first_name": "Lucie"},
            created_on=date(2020, 1, 1),
            nir=NIR,
        )
        record = vault.add_record(
            connection,
            keyring,
            subject,
            processing="rights_benefits",
            category="health.care",
            payload={"acte": "HBQK002", "montant": 23.5},
            recorded_on=date(2024, 5, 2),
        )
    return subject, record


def test_identity_and_records_decrypt_for_their_subject(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    subject, _ = stored
    with connect(engine) as connection:
        assert vault.read_identity(connection, keyring, subject)["last_name"] == "Martinez"
        (record,) = vault.read_records(connection, keyring, subject, "rights_benefits", ("health.care",))
    assert record.payload == {"acte": "HBQK002", "montant": 23.5}


def test_nothing_is_stored_in_clear(engine: Engine, stored: tuple[int, int]) -> None:
    with connect(engine) as connection:
        row = connection.execute(select(subjects.c.identity, subjects.c.nir_index)).one()
        payload = connection.scalar(select(records.c.payload))
    for blob in (bytes(row.identity), bytes(payload), bytes(row.nir_index)):
        for secret in (b"Martinez", NIR.encode(), b"HBQK002"):
            assert secret not in blob


def test_subject_is_found_by_nir_through_its_blind_index(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    subject, _ = stored
    with connect(engine) as connection:
        assert vault.find_by_nir(connection, keyring, NIR) == subject
        other = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")
        assert vault.find_by_nir(connection, keyring, other) is None
        with pytest.raises(InvalidIdentifier):
            vault.find_by_nir(connection, keyring, "123")


def test_a_nir_without_its_key_finds_the_same_person_but_is_never_stored(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    """Look-ups complete a keyless NIR (same blind index); creation wants the key and a NIR proper."""
    subject, _ = stored
    with connect(engine) as connection:
        assert vault.find_by_nir(connection, keyring, "1 85 05 78 006 084") == subject
        impossible = "1851378006084" + stdnum_nir.calc_check_digits("1851378006084")  # month 13, right key
        with pytest.raises(InvalidIdentifier, match="mois de naissance impossible"):
            vault.find_by_nir(connection, keyring, impossible)
        waiting = "7850599352084" + stdnum_nir.calc_check_digits("7850599352084")
        for nir, reason in ((NIR[:13], "clé absente"), (waiting, "ce n'est pas un NIR"), (impossible, "mois")):
            with pytest.raises(InvalidIdentifier, match=reason):
                vault.add_subject(
                    connection,
                    keyring,
                    kind=SubjectKind.INSURED,
                    organisation="CPAM-75",
                    identity={"last_name": "Durand"},
                    created_on=date(2020, 1, 1),
                    nir=nir,
                )
        assert connection.scalar(select(subjects.c.id).where(subjects.c.id != subject)) is None


def test_record_ciphertext_copied_to_another_row_does_not_open(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    subject, record = stored
    with connect(engine) as connection:
        second = vault.add_record(
            connection,
            keyring,
            subject,
            processing="rights_benefits",
            category="health.care",
            payload={"acte": "autre"},
            recorded_on=date(2024, 6, 1),
        )
        first_payload = connection.scalar(select(records.c.payload).where(records.c.id == record))
        connection.execute(update(records).where(records.c.id == second).values(payload=first_payload))
    with connect(engine) as connection, pytest.raises(DecryptionError):
        vault.read_records(connection, keyring, subject, "rights_benefits", ("health.care",))


def test_shredding_makes_every_copy_unreadable(engine: Engine, keyring: Keyring, stored: tuple[int, int]) -> None:
    subject, _ = stored
    with connect(engine) as connection:
        backup = connection.scalar(select(records.c.payload))  # a copy taken before, as in a backup
        vault.shred(connection, subject, date(2026, 11, 28))
    with connect(engine) as connection:
        with pytest.raises(DecryptionError, match="détruite"):
            vault.read_records(connection, keyring, subject, "rights_benefits", ("health.care",))
        assert vault.find_by_nir(connection, keyring, NIR) is None
        assert connection.scalar(select(subjects.c.wrapped_key)) is None
    assert backup is not None  # the backup still exists, but no key opens it any more


def test_subject_state_reflects_restriction_objections_and_consents_in_force(
    engine: Engine, stored: tuple[int, int]
) -> None:
    from vigie.store.schema import objections

    subject, _ = stored
    with connect(engine) as connection:
        connection.execute(update(subjects).values(restricted=True))
        connection.execute(
            objections.insert().values(subject_id=subject, processing_id="service_offers", recorded_on=date(2025, 1, 1))
        )
        connection.execute(
            consents.insert(),
            [
                {
                    "subject_id": subject,
                    "processing_id": "service_offers",
                    "given_on": date(2024, 1, 1),
                    "withdrawn_on": None,
                },
                {
                    "subject_id": subject,
                    "processing_id": "studies_evaluations",
                    "given_on": date(2024, 1, 1),
                    "withdrawn_on": date(2025, 1, 1),
                },
            ],
        )
        state = vault.subject_state(connection, subject, date(2026, 1, 1))
    assert state.restricted
    assert state.objections == {"service_offers"}
    assert state.consents == {"service_offers"}  # the withdrawn consent is no longer in force


def test_unknown_subject_is_not_found(engine: Engine) -> None:
    with connect(engine) as connection, pytest.raises(NotFound):
        vault.subject_state(connection, 404, date(2026, 1, 1))


def test_records_of_one_day_keep_their_order_after_a_rectification(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    """Oldest first, then by number: on PostgreSQL a rewritten row moves to the end of the table, and without
    the number a corrected record would jump behind the others of its day."""
    subject, first = stored
    with connect(engine) as connection:
        later = [
            vault.add_record(
                connection,
                keyring,
                subject,
                processing="rights_benefits",
                category=category,
                payload={"acte": "suivant"},
                recorded_on=date(2024, 5, 2),
            )
            for category in ("rights", "health.care")
        ]
    with connect(engine) as connection:
        vault.replace_record(connection, keyring, subject, first, {"acte": "corrigé"})
    with connect(engine) as connection:
        found = vault.read_records(connection, keyring, subject, "rights_benefits", ("rights", "health.care"))
    assert [r.id for r in found] == [first, *later]


def test_a_limitation_of_nobody_is_not_found(engine: Engine) -> None:
    with connect(engine) as connection, pytest.raises(NotFound) as caught:
        vault.set_restricted(connection, 404, True)
    assert str(caught.value) == "personne introuvable : « 404 »"


def test_everything_about_nobody_is_unreadable_as_their_identity_is(engine: Engine, keyring: Keyring) -> None:
    """No row at all reads as a destroyed key (what `read_identity` says too), never as a crash."""
    with connect(engine) as connection:
        for read in (vault.read_identity, vault.read_everything):
            with pytest.raises(DecryptionError, match="détruite"):
                read(connection, keyring, 404)


# -- what retention reads and records ------------------------------------------------------------------------


def test_a_persons_three_dates_and_their_records_are_read_each_in_its_place(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    subject, record = stored
    with connect(engine) as connection:
        dmp = vault.add_record(
            connection, keyring, subject, processing="dmp", category="rights",
            payload={"acte": "consultation"}, recorded_on=date(2024, 6, 1),
        )  # fmt: skip
        vault.set_person_event(connection, subject, "rights_end", date(2025, 1, 1))
        vault.set_person_event(connection, subject, "death", date(2025, 2, 2))
        vault.set_person_event(connection, subject, "activity_end", date(2025, 3, 3))
        vault.set_record_event(connection, dmp, "dmp_closure", date(2025, 2, 2))
        life = vault.lifecycle(connection, subject)
    assert life == vault.Lifecycle(
        date(2025, 1, 1),
        date(2025, 2, 2),
        date(2025, 3, 3),
        [
            (record, "rights_benefits", "health.care", None, None),
            (dmp, "dmp", "rights", "dmp_closure", date(2025, 2, 2)),
        ],
    )


def test_an_unknown_person_has_no_lifecycle_and_takes_no_event(engine: Engine) -> None:
    with connect(engine) as connection:
        with pytest.raises(NotFound) as read:
            vault.lifecycle(connection, 404)
        with pytest.raises(NotFound) as dated:
            vault.set_person_event(connection, 405, "death", date(2025, 1, 1))
    assert str(read.value) == "personne introuvable : « 404 »"
    assert str(dated.value) == "personne introuvable : « 405 »"


def test_each_event_beside_a_records_own_is_kept_and_re_dated_alone(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    subject, _ = stored
    with connect(engine) as connection:
        case = vault.add_record(
            connection, keyring, subject, processing="fraud_control", category="fraud_case",
            payload={"signalement": "double facturation"}, recorded_on=date(2024, 5, 1),
        )  # fmt: skip
        vault.set_record_event(connection, case, "alert_recorded", date(2024, 6, 1))  # in the record's own slot
        vault.set_record_event(connection, case, "final_decision", date(2024, 7, 1))  # beside it
        vault.set_record_event(connection, case, "case_closed_without_action", date(2024, 8, 1))  # beside too
        vault.set_record_event(connection, case, "final_decision", date(2024, 9, 1))  # re-dated, the other kept
        beside = {(r.event, r.event_on) for r in connection.execute(select(record_events))}
    assert beside == {("final_decision", date(2024, 9, 1)), ("case_closed_without_action", date(2024, 8, 1))}


def test_a_record_of_another_processing_in_someone_elses_file_holds_no_file_open(
    engine: Engine, keyring: Keyring, stored: tuple[int, int]
) -> None:
    """The person's DMP is closed; their social-support record kept in another person's file has no say in it."""
    subject, _ = stored
    with connect(engine) as connection:
        holder = vault.add_subject(
            connection, keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
            identity={"last_name": "Roux"}, created_on=date(2020, 1, 1),
        )  # fmt: skip
        dmp, social = (
            vault.add_record(
                connection, keyring, subject, processing=processing, category=category,
                payload={"of": processing}, recorded_on=date(2024, 6, 1),
            )
            for processing, category in (("dmp", "rights"), ("social_support", "social_situation"))
        )  # fmt: skip
        connection.execute(update(records).where(records.c.id == social).values(file_owner_id=holder))
        vault.set_record_event(connection, dmp, "dmp_closure", date(2026, 1, 15))
        assert vault.archived_on(connection, subject, "dmp", "dmp_closure", date(2026, 6, 15)) == date(2026, 1, 15)


# The set-based forms behind the statistics gate (`access.extracts`): many people in a handful of queries.

DAY = date(2026, 6, 15)
CARE = ("health.care",)


def _person(connection: Connection, keyring: Keyring, name: str, kind: SubjectKind = SubjectKind.INSURED) -> int:
    return vault.add_subject(
        connection, keyring, kind=kind, organisation="CPAM-75", identity={"nom": name}, created_on=date(2020, 1, 1)
    )


def _record(connection: Connection, keyring: Keyring, subject: int, processing: str, category: str, on: date) -> int:
    return vault.add_record(
        connection, keyring, subject, processing=processing, category=category, payload={"le": str(on)}, recorded_on=on
    )


def test_a_statistics_population_is_the_unshredded_people_of_its_kind_with_a_record_of_the_processing_in_its_categories(
    engine: Engine, register: Register, keyring: Keyring
) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        first, category, processing, _nothing, shredded, last = (
            _person(connection, keyring, name) for name in ("un", "catégorie", "traitement", "rien", "effacé", "fin")
        )
        professional = _person(connection, keyring, "médecin", SubjectKind.HEALTH_PROFESSIONAL)
        for held in (first, last, shredded, professional):
            _record(connection, keyring, held, "prevention_campaigns", "health.care", DAY)
        _record(connection, keyring, category, "prevention_campaigns", "contact", DAY)
        _record(connection, keyring, processing, "rights_benefits", "health.care", DAY)
        vault.shred(connection, shredded, DAY)
        vault.set_restricted(connection, first, False)  # a rewritten row: on PostgreSQL it moves behind the others
    insured = SubjectKind.INSURED
    with connect(engine) as connection:
        assert vault.population_batch(connection, "prevention_campaigns", insured, CARE, 0, 10) == [first, last]
        assert vault.population_batch(connection, "prevention_campaigns", insured, CARE, 0, 1) == [first]
        assert vault.population_batch(connection, "prevention_campaigns", insured, CARE, first, 1) == [last]
        assert vault.population_batch(connection, "prevention_campaigns", insured, CARE, last, 10) == []
        assert vault.population_count(connection, "prevention_campaigns", insured, CARE) == 2
        assert vault.population_count(connection, "studies_evaluations", insured, CARE) == 0


def test_subject_states_read_the_restriction_objections_and_consents_in_force_of_each_person(
    engine: Engine, register: Register, keyring: Keyring
) -> None:
    before, after = date(2026, 1, 1), date(2026, 6, 16)
    with connect(engine) as connection:
        sync_organisations(connection, register)
        objecting, consenting, plain, outside = (_person(connection, keyring, n) for n in ("o", "c", "p", "x"))
        vault.set_restricted(connection, objecting, True)
        vault.add_objection(connection, objecting, "service_offers", DAY)
        vault.add_objection(connection, outside, "studies_evaluations", DAY)
        connection.execute(
            consents.insert(),
            [
                {"subject_id": consenting, "processing_id": p, "given_on": given, "withdrawn_on": withdrawn}
                for p, given, withdrawn in (
                    ("given_today", DAY, None),
                    ("given_tomorrow", after, None),
                    ("never_withdrawn", before, None),
                    ("withdrawn_today", before, DAY),
                    ("withdrawn_tomorrow", before, after),
                    ("withdrawn_before", before, date(2026, 3, 1)),
                )
            ]
            + [{"subject_id": outside, "processing_id": "service_offers", "given_on": before, "withdrawn_on": None}],
        )
        states = vault.subject_states(connection, [plain, consenting, objecting, 404], DAY)
        one_by_one = [vault.subject_state(connection, s, DAY) for s in (objecting, consenting, plain)]
    insured = SubjectKind.INSURED
    assert states == one_by_one == [
        SubjectState(SubjectId(objecting), insured, "CPAM-75", True, frozenset({"service_offers"})),
        SubjectState(
            SubjectId(consenting), insured, "CPAM-75", False, frozenset(),
            frozenset({"given_today", "never_withdrawn", "withdrawn_tomorrow"}),
        ),
        SubjectState(SubjectId(plain), insured, "CPAM-75"),
    ]  # fmt: skip


@pytest.fixture
def two_files(engine: Engine, register: Register, keyring: Keyring) -> tuple[int, int, list[int]]:
    """Two people with records of prevention campaigns; the first's also in another category and processing, one
    entered after an older one (its id is higher, its date earlier) and two of the same day."""
    with connect(engine) as connection:
        sync_organisations(connection, register)
        one, two = _person(connection, keyring, "Un"), _person(connection, keyring, "Deux")
        march = _record(connection, keyring, one, "prevention_campaigns", "health.care", date(2026, 3, 1))
        _record(connection, keyring, one, "prevention_campaigns", "contact", date(2026, 2, 1))
        _record(connection, keyring, one, "rights_benefits", "health.care", date(2026, 2, 1))
        january = _record(connection, keyring, one, "prevention_campaigns", "health.care", date(2026, 1, 1))
        same_day = _record(connection, keyring, one, "prevention_campaigns", "health.care", date(2026, 3, 1))
        april = _record(connection, keyring, two, "prevention_campaigns", "health.care", date(2026, 4, 1))
        # rewritten rows: on PostgreSQL they move behind the others, so only an ORDER BY keeps them in order
        vault.set_restricted(connection, one, False)
        vault.set_record_event(connection, march, "prevention_action", DAY)
    return one, two, [january, march, same_day, april]


def test_a_batch_read_opens_the_identity_and_the_records_of_the_processing_in_the_categories_oldest_first(
    engine: Engine, keyring: Keyring, two_files: tuple[int, int, list[int]]
) -> None:
    one, two, (january, march, same_day, april) = two_files
    with connect(engine) as connection:
        read = vault.read_batch(connection, keyring, [one, two], "prevention_campaigns", CARE, identity=True)
    assert [(s.subject_id, s.organisation, s.identity) for s in read] == [
        (one, "CPAM-75", {"nom": "Un"}), (two, "CPAM-75", {"nom": "Deux"})
    ]  # fmt: skip
    assert [[(r.id, r.processing, r.category, r.recorded_on, r.payload) for r in s.records] for s in read] == [
        [
            (january, "prevention_campaigns", "health.care", date(2026, 1, 1), {"le": "2026-01-01"}),
            (march, "prevention_campaigns", "health.care", date(2026, 3, 1), {"le": "2026-03-01"}),
            (same_day, "prevention_campaigns", "health.care", date(2026, 3, 1), {"le": "2026-03-01"}),
        ],
        [(april, "prevention_campaigns", "health.care", date(2026, 4, 1), {"le": "2026-04-01"})],
    ]


def test_a_batch_read_without_the_identity_still_opens_each_persons_records(
    engine: Engine, keyring: Keyring, two_files: tuple[int, int, list[int]]
) -> None:
    one, two, _ = two_files
    with connect(engine) as connection:
        read = vault.read_batch(
            connection, keyring, [one, two], "prevention_campaigns", CARE, identity=False, decrypt_records=True
        )
    assert [s.identity for s in read] == [{}, {}]
    assert [[r.payload for r in s.records] for s in read] == [
        [{"le": "2026-01-01"}, {"le": "2026-03-01"}, {"le": "2026-03-01"}], [{"le": "2026-04-01"}]
    ]  # fmt: skip


def test_a_batch_read_unwraps_no_key_it_does_not_need(
    engine: Engine, keyring: Keyring, two_files: tuple[int, int, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, _ = two_files
    unwrapped: list[int] = []
    unwrap = vault.unwrap_data_key

    def spy(keyring: Keyring, subject_id: int, wrapped: bytes | None) -> bytes:
        unwrapped.append(subject_id)
        return unwrap(keyring, subject_id, wrapped)

    monkeypatch.setattr(vault, "unwrap_data_key", spy)
    with connect(engine) as connection:
        dates = vault.read_batch(
            connection, keyring, [one, two], "prevention_campaigns", CARE, identity=False, decrypt_records=False
        )
        assert unwrapped == []  # a count that needs only dates opens nothing
        assert [[(r.recorded_on, r.payload) for r in s.records] for s in dates] == [
            [(date(2026, 1, 1), {}), (date(2026, 3, 1), {}), (date(2026, 3, 1), {})], [(date(2026, 4, 1), {})]
        ]  # fmt: skip
        vault.read_batch(connection, keyring, [one, two], "rights_benefits", CARE, identity=False, decrypt_records=True)
    assert unwrapped == [one]  # only the person with a record of rights_benefits to open


def test_identity_fields_are_read_for_the_selected_people_still_in_the_vault_only(
    engine: Engine, register: Register, keyring: Keyring
) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
        kept, erased, unselected = (
            vault.add_subject(
                connection, keyring, kind=SubjectKind.INSURED, organisation="CPAM-75", created_on=date(2020, 1, 1),
                identity={"nom": name, "sexe": "2"}, nir=NIR if name == "gardée" else None,
            )
            for name in ("gardée", "effacée", "hors sélection")
        )  # fmt: skip
        vault.shred(connection, erased, DAY)
        chosen = select(subjects.c.id).where(subjects.c.id.in_([kept, erased]))
        found = vault.identity_fields_of(connection, keyring, chosen, ("nir", "sexe", "date_naissance"))
    assert unselected and found == [(kept, {"nir": NIR, "sexe": "2", "date_naissance": None})]
