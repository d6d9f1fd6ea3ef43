"""The gate service: one journal entry per call, allowed or refused, and data only after its entry."""

from __future__ import annotations

import pytest
from gate_world import PARIS_NIR, TODAY, World, journal_rows
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.access.service import Gate
from vigie.audit import AuditEvent, check, subject_pseudonym
from vigie.audit.testing import RecordingJournal
from vigie.errors import AccessRefused, InvalidIdentifier
from vigie.ids import AgentId, SubjectId
from vigie.store import connect
from vigie.taxonomy import SubjectKind


def test_allowed_read_returns_only_the_requested_categories_and_is_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    view = gate.read(AgentId("paris-social"), world.paris, "social_support", ("social_situation",), TODAY)
    assert [r.payload for r in view.records] == [{"situation": "isolement"}]
    assert view.identity == {}  # no identity category was asked for
    (row,) = journal_rows(world)
    assert row.action == "read" and row.allowed
    assert row.subject_ref == subject_pseudonym(world.env.keyring, world.paris)
    assert row.purpose == "social_support"


def test_identity_is_cut_to_the_categories_granted(world: World) -> None:
    view = Gate(world.env, world.journal).read(
        AgentId("paris-social"), world.paris, "social_support", ("identification",), TODAY
    )
    assert view.identity == {"nom": "Lefebvre", "prenom": "Jeanne"}


def test_default_categories_are_those_the_processing_uses_for_the_kind(world: World) -> None:
    view = Gate(world.env, world.journal).read(AgentId("paris-droits"), world.paris, "rights_benefits", None, TODAY)
    assert view.identity["nir"].startswith("285")
    assert [r.category for r in view.records] == ["health.care"]


@pytest.mark.parametrize(
    ("agent", "subject", "purpose", "categories", "told", "journaled"),
    [
        ("ghost", "paris", "social_support", ("contact",), "agent inconnu (valeur de 5", "agent inconnu (valeur de 5"),
        ("paris-social", 999999, "social_support", ("contact",), "hors de votre périmètre", "personne inconnue"),
        ("paris-social", "paris", "gossip", ("contact",), "traitement inconnu du registre", "traitement inconnu"),
        ("paris-social", "paris", "social_support", ("horoscope",), "catégorie inconnue", "catégorie inconnue"),
        ("paris-social", "lyon", "social_support", ("contact",), "hors de votre périmètre", "relève de CPAM-69"),
        ("paris-sans-attestation", "paris", "rights_benefits", ("contact",), "secret professionnel", "secret"),
    ],
)
def test_refusals_are_explained_journaled_and_return_nothing(
    world: World, agent: str, subject: str | int, purpose: str, categories: tuple[str, ...], told: str, journaled: str
) -> None:
    subject_id = SubjectId(int({"paris": world.paris, "lyon": world.lyon}.get(str(subject), subject)))
    gate = Gate(world.env, world.journal)
    with pytest.raises(AccessRefused) as caught:
        gate.read(AgentId(agent), subject_id, purpose, categories, TODAY)
    assert told in caught.value.reason
    (row,) = journal_rows(world)
    assert not row.allowed and journaled in row.reason
    assert row.seq == caught.value.entry
    for typed in ("ghost", "gossip", "horoscope"):  # typed values never land in clear
        assert typed not in " ".join(str(value) for value in row)


def test_check_journals_a_decision_without_reading(world: World) -> None:
    outcome = Gate(world.env, world.journal).check(
        AgentId("cnam-fraude"), world.lyon, "fraud_control", ("fraud_case",), TODAY
    )
    assert outcome.decision.allowed
    (row,) = journal_rows(world)
    assert row.action == "decide"


def test_disclosure_goes_only_to_named_recipients_and_is_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    view = gate.read(
        AgentId("paris-social"),
        world.paris,
        "social_support",
        ("social_situation",),
        TODAY,
        recipient="partenaires_accompagnement",
    )
    assert view.records
    with pytest.raises(AccessRefused, match="NIR"):
        gate.read(
            AgentId("paris-social"),
            world.paris,
            "social_support",
            ("nir",),
            TODAY,
            recipient="partenaires_accompagnement",
        )
    rows = journal_rows(world)
    assert [(r.action, r.allowed, r.recipient) for r in rows] == [
        ("disclose", True, "partenaires_accompagnement"),
        ("disclose", False, "partenaires_accompagnement"),
    ]


def test_change_is_allowed_within_the_processing_and_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    record = gate.change(
        AgentId("paris-social"), world.paris, "social_support", "social_situation", {"situation": "relogement"}, TODAY
    )
    assert record > 0
    with pytest.raises(AccessRefused):
        gate.change(AgentId("paris-social"), world.paris, "social_support", "fraud_case", {"x": 1}, TODAY)
    assert [(r.action, r.allowed) for r in journal_rows(world)] == [("change", True), ("change", False)]


class FailingJournal:
    """Every write fails, whether appended or submitted."""

    def submit(self, event: AuditEvent) -> int:
        raise RuntimeError("disk full")

    def append(self, event: AuditEvent) -> int:
        raise RuntimeError("disk full")


def test_no_data_leaves_when_the_journal_cannot_record_the_access(world: World) -> None:
    gate = Gate(world.env, FailingJournal())
    with pytest.raises(RuntimeError, match="disk full"):
        gate.read(AgentId("paris-social"), world.paris, "social_support", ("social_situation",), TODAY)


def test_journal_of_gate_calls_verifies(world: World) -> None:
    gate = Gate(world.env, world.journal)
    gate.check(AgentId("paris-social"), world.paris, "social_support", ("contact",), TODAY)
    with pytest.raises(AccessRefused):
        gate.read(AgentId("ghost"), world.paris, "social_support", ("contact",), TODAY)
    assert check(world.env.engine, world.env.keyring).ok
    assert len(journal_rows(world)) == 2


def test_find_by_nir_returns_the_subject_to_an_agent_allowed_the_nir(world: World) -> None:
    gate = Gate(world.env, world.journal)
    spaced = " ".join([PARIS_NIR[:1], PARIS_NIR[1:3], PARIS_NIR[3:5], PARIS_NIR[5:]])
    assert gate.find_by_nir(AgentId("paris-droits"), spaced, "rights_benefits", TODAY) == world.paris
    (row,) = journal_rows(world)
    assert (row.action, row.allowed, row.categories) == ("read", True, '["nir"]')
    assert row.subject_ref == subject_pseudonym(world.env.keyring, world.paris)


def test_find_by_nir_is_refused_where_the_processing_does_not_use_the_nir(world: World) -> None:
    with pytest.raises(AccessRefused, match="minimisation"):
        Gate(world.env, world.journal).find_by_nir(
            AgentId("paris-relations-ps"), PARIS_NIR, "professional_relations", TODAY, source="poste 3"
        )
    (row,) = journal_rows(world)
    assert (row.action, row.allowed, row.agent_id, row.purpose, row.source, row.subject_ref) == (
        "read", False, "paris-relations-ps", "professional_relations", "poste 3", None
    )  # fmt: skip
    assert row.reason == "le traitement « professional_relations » n'utilise pas le NIR (minimisation)"


def test_unknown_nir_is_a_journaled_refusal(world: World) -> None:
    other = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")
    with pytest.raises(AccessRefused, match="hors de votre périmètre"):
        Gate(world.env, world.journal).find_by_nir(AgentId("paris-droits"), other, "rights_benefits", TODAY)
    (row,) = journal_rows(world)
    assert not row.allowed and row.subject_ref is None and "aucune personne ne porte ce NIR" in row.reason


def test_malformed_nir_is_bad_input_journaled_without_the_value(world: World) -> None:
    with pytest.raises(InvalidIdentifier, match="longueur incorrecte"):
        Gate(world.env, world.journal).find_by_nir(
            AgentId("paris-droits"), "12345", "rights_benefits", TODAY, source="poste 3"
        )
    (row,) = journal_rows(world)
    assert not row.allowed and row.reason.startswith("entrée invalide : NIR : longueur incorrecte")
    assert (row.action, row.agent_id, row.source) == ("read", "paris-droits", "poste 3")
    assert "valeur de 5 caractères, empreinte" in row.reason and "12345" not in row.reason


def test_a_disclosure_to_a_recipient_the_register_does_not_know_is_refused_and_nothing_leaves(world: World) -> None:
    with pytest.raises(AccessRefused, match="destinataire inconnu du registre"):
        Gate(world.env, world.journal).read(
            AgentId("paris-social"), world.paris, "social_support", ("social_situation",), TODAY, recipient="nsa"
        )
    (row,) = journal_rows(world)
    assert (row.action, row.allowed, row.recipient) == ("disclose", False, None)


def test_a_decision_made_within_the_callers_transaction_sees_what_that_transaction_wrote(world: World) -> None:
    """`within`: the gate decides on the caller's connection, so a person added in the same, still open,
    transaction is known to it (a decision on a connection of its own would not see them yet)."""
    gate = Gate(world.env, RecordingJournal())
    with connect(world.env.engine) as connection:
        newcomer = vault.add_subject(
            connection,
            world.env.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Martin"},
            created_on=TODAY,
        )
        agent = AgentId("paris-social")
        checked = gate.begin_check(agent, newcomer, "social_support", ("contact",), TODAY, within=connection)
        read = gate.begin_read(agent, newcomer, "social_support", ("contact",), TODAY, within=connection)
    assert checked.decision.allowed and read.decision.allowed
    assert checked.subject is not None and checked.subject.id == newcomer
