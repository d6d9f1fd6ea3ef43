"""The gate against hostile input: bad input is journaled as such without its value, typed values never land
in the journal in clear, and refusals say no more than the agent may know."""

from __future__ import annotations

from datetime import date

import pytest
from gate_world import PARIS_NIR, TODAY, World, journal_rows
from stdnum.fr import nir as stdnum_nir

from vigie import inputs
from vigie.access.service import OUT_OF_REACH, Gate, described
from vigie.agents import NewAgent, add_agents
from vigie.audit import subject_pseudonym
from vigie.errors import AccessRefused, InvalidInput
from vigie.ids import AgentId, SubjectId
from vigie.store import connect

SPACED_NIR = "2 85 05 78 006 084 " + PARIS_NIR[-2:]
NOBODY_NIR = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")


def clear_text(world: World) -> str:
    """Everything the journal holds, as one string."""
    return " ".join(str(value) for row in journal_rows(world) for value in row)


@pytest.mark.parametrize(
    ("subject", "purpose", "categories", "rule"),
    [
        ("4_1", "social_support", "contact", "identifiant numérique attendu"),
        ("٤١", "social_support", "contact", "identifiant numérique attendu"),
        (str(2**63), "social_support", "contact", "hors limites"),
        ("-1", "social_support", "contact", "identifiant numérique attendu"),
        (SPACED_NIR, "social_support", "contact", "au plus 19 permis"),
        ("41", "social\x00support", "contact", "caractère nul"),
        ("41", "x" * 1_000_000, "contact", "1000000 caractères, au plus 64 permis"),
        ("41", "social_support", ",,,", "aucune catégorie"),
        ("41", "social_support", "contact,\ud800", "demi-paire de substitution"),
    ],
)
def test_bad_input_is_journaled_as_such_with_its_length_and_keyed_hash_never_in_clear(
    world: World, subject: str, purpose: str, categories: str, rule: str
) -> None:
    gate = Gate(world.env, world.journal)
    with pytest.raises(InvalidInput, match=rule) as caught:
        gate.admit(
            lambda: (inputs.subject_id(subject), inputs.purpose(purpose), inputs.parse_categories(categories)),
            agent_id=AgentId("paris-social"),
        )
    (row,) = journal_rows(world)
    typed = caught.value.typed
    assert typed is not None
    assert (row.action, row.allowed, row.agent_id) == ("decide", False, "paris-social")
    assert row.reason.startswith(f"entrée invalide : {caught.value.field} : ")
    assert described(world.env.keyring, typed) in row.reason
    assert (row.subject_ref, row.purpose, row.categories) == (None, None, "[]")
    assert len(row.reason) < 300
    assert typed not in row.reason


def test_the_keyed_hash_tells_repeated_values_apart_without_the_key_telling_what_they_are(world: World) -> None:
    keyring = world.env.keyring
    assert described(keyring, SPACED_NIR) == described(keyring, SPACED_NIR)
    assert described(keyring, SPACED_NIR) != described(keyring, NOBODY_NIR)
    assert SPACED_NIR not in described(keyring, SPACED_NIR)


def test_an_unknown_agent_or_purpose_is_journaled_as_a_hash_not_in_clear(world: World) -> None:
    gate = Gate(world.env, world.journal)
    gate.check(AgentId("agent-" + PARIS_NIR[:10]), world.paris, "social_support", ("contact",), TODAY)
    gate.check(AgentId("paris-social"), world.paris, PARIS_NIR, ("contact",), TODAY)
    gate.check(AgentId("paris-social"), world.paris, "social_support", ("contact",), TODAY, recipient=PARIS_NIR)
    gate.check(AgentId("ghost"), world.paris, "social_support", ("contact",), TODAY, recipient=PARIS_NIR)
    unknown_agent, unknown_purpose, unknown_recipient, both = journal_rows(world)
    assert unknown_agent.agent_id is None and "agent inconnu (valeur de 16 caractères" in unknown_agent.reason
    assert unknown_purpose.purpose is None and "traitement inconnu du registre (valeur de 15" in unknown_purpose.reason
    assert unknown_recipient.recipient is None and "destinataire inconnu du registre" in unknown_recipient.reason
    assert both.agent_id is None and both.recipient is None and both.purpose == "social_support"
    assert PARIS_NIR[:10] not in clear_text(world)


def test_a_bare_nir_typed_as_an_id_is_an_unknown_person_named_only_by_its_pseudonym(world: World) -> None:
    as_id = inputs.subject_id(NOBODY_NIR)  # 15 digits: an id, as far as syntax goes
    outcome = Gate(world.env, world.journal).check(
        AgentId("paris-social"), as_id, "social_support", ("contact",), TODAY
    )
    assert outcome.told == OUT_OF_REACH
    (row,) = journal_rows(world)
    assert row.subject_ref == subject_pseudonym(world.env.keyring, as_id)
    assert NOBODY_NIR not in clear_text(world)


def test_an_agent_without_rights_cannot_tell_an_unknown_person_from_someone_elses(world: World) -> None:
    """Paris's social worker asks about Lyon's person and about an id nobody has: same answer; the journal
    keeps the precise reason for the DPO."""
    gate = Gate(world.env, world.journal)
    elsewhere = gate.check(AgentId("paris-social"), world.lyon, "social_support", ("contact",), TODAY)
    nobody = gate.check(AgentId("paris-social"), SubjectId(999_999), "social_support", ("contact",), TODAY)
    assert elsewhere.told == nobody.told == OUT_OF_REACH
    assert "CPAM-69" not in elsewhere.told.reason
    first, second = journal_rows(world)
    assert "relève de CPAM-69" in first.reason
    assert second.reason == "personne inconnue"


def test_an_agent_whose_roles_do_not_serve_the_purpose_hears_the_same_for_anyone(world: World) -> None:
    gate = Gate(world.env, world.journal)
    existing = gate.check(AgentId("paris-social"), world.paris, "fraud_control", ("contact",), TODAY)
    missing = gate.check(AgentId("paris-social"), SubjectId(999_999), "fraud_control", ("contact",), TODAY)
    assert existing.told == missing.told and "besoin d'en connaître" in existing.told.reason


def test_a_national_role_is_told_the_precise_reason(world: World) -> None:
    outcome = Gate(world.env, world.journal).check(
        AgentId("cnam-fraude"), world.lyon, "fraud_control", ("horoscope",), TODAY
    )
    assert outcome.told == outcome.decision and "catégorie inconnue" in outcome.told.reason


def test_a_national_role_refused_by_the_rules_hears_why_even_for_another_organisations_person(world: World) -> None:
    """A national role may act anywhere, so naming the person's fund tells it nothing it could not know: it hears
    the rule that refused it (here minimisation), not « hors de votre périmètre »."""
    outcome = Gate(world.env, world.journal).check(
        AgentId("cnam-fraude"), world.lyon, "fraud_control", ("social_situation",), TODAY
    )
    assert not outcome.decision.allowed and outcome.told == outcome.decision
    assert "(minimisation)" in outcome.told.reason


@pytest.mark.parametrize("nir", [PARIS_NIR, NOBODY_NIR, "12345"])
def test_nir_look_up_checks_the_agent_and_purpose_before_looking_anyone_up(world: World, nir: str) -> None:
    """An agent who may not use the NIR for the purpose gets the same refusal whether the NIR belongs to
    someone, to nobody, or is not even a NIR."""
    with pytest.raises(AccessRefused) as caught:
        Gate(world.env, world.journal).find_by_nir(AgentId("paris-social"), nir, "fraud_control", TODAY)
    assert "besoin d'en connaître" in caught.value.reason
    (row,) = journal_rows(world)
    assert (row.action, row.allowed, row.subject_ref, row.categories) == ("read", False, None, '["nir"]')


@pytest.mark.parametrize("agent", ["ghost", "paris-sans-attestation"])
def test_nir_look_up_by_an_unknown_or_unattested_agent_looks_nobody_up(world: World, agent: str) -> None:
    for nir in (PARIS_NIR, NOBODY_NIR):
        with pytest.raises(AccessRefused) as caught:
            Gate(world.env, world.journal).find_by_nir(AgentId(agent), nir, "rights_benefits", TODAY)
        assert "personne" not in caught.value.reason
    first, second = journal_rows(world)
    assert first.reason == second.reason


def test_nir_look_up_answers_alike_for_nobody_and_for_someone_outside_the_agents_organisation(world: World) -> None:
    with connect(world.env.engine) as connection:
        lyon_agent = NewAgent("lyon-droits", "CPAM-69", "Agent de Lyon", ("rights_agent",), date(2026, 1, 5))
        add_agents(connection, world.env.register, [lyon_agent])
    gate = Gate(world.env, world.journal)
    answers = []
    for nir in (PARIS_NIR, NOBODY_NIR):
        with pytest.raises(AccessRefused) as caught:
            gate.find_by_nir(AgentId("lyon-droits"), nir, "rights_benefits", TODAY)
        answers.append(caught.value.reason)
    assert answers == [OUT_OF_REACH.reason, OUT_OF_REACH.reason]
    paris, nobody = journal_rows(world)
    assert "relève de CPAM-75" in paris.reason and paris.subject_ref is not None
    assert nobody.reason == "aucune personne ne porte ce NIR" and nobody.subject_ref is None


def test_a_nir_look_up_by_an_unknown_agent_or_for_an_unknown_purpose_journals_neither_in_clear(world: World) -> None:
    """The refusal made before anyone is looked up keeps what was typed out of the journal, and the source in."""
    gate = Gate(world.env, world.journal)
    with pytest.raises(AccessRefused):
        gate.find_by_nir(AgentId("ghost-agent"), PARIS_NIR, "rights_benefits", TODAY, source="poste 7")
    with pytest.raises(AccessRefused):
        gate.find_by_nir(AgentId("paris-droits"), PARIS_NIR, "gossip-purpose", TODAY, source="poste 8")
    assert [(row.agent_id, row.purpose, row.source) for row in journal_rows(world)] == [
        (None, "rights_benefits", "poste 7"),
        ("paris-droits", None, "poste 8"),
    ]
    assert "ghost-agent" not in clear_text(world) and "gossip-purpose" not in clear_text(world)


def test_bad_input_from_an_unknown_agent_is_journaled_without_the_agents_id(world: World) -> None:
    with pytest.raises(InvalidInput):
        Gate(world.env, world.journal).admit(lambda: inputs.subject_id("4_1"), agent_id=AgentId("ghost-agent"))
    (row,) = journal_rows(world)
    assert (row.allowed, row.agent_id) == (False, None)
    assert "ghost-agent" not in clear_text(world)
