"""The register says what the policy says: each contradiction the review found is a test here.

Each test names the policy's words it checks; the data it reads is the shipped register, compiled.
"""

from __future__ import annotations

from datetime import date

from vigie.access.decide import decide
from vigie.durations import Duration
from vigie.ids import AgentId, SubjectId
from vigie.model import Action, Agent, SubjectState
from vigie.register import Policy, Register
from vigie.taxonomy import (
    HEALTH_CATEGORIES,
    PERSON_EVENTS,
    Category,
    ClockOwner,
    LifecycleEvent,
    SubjectKind,
)

INSURED_75 = SubjectState(SubjectId(1), SubjectKind.INSURED, "CPAM-75")


def agent(*roles: str) -> Agent:
    return Agent(AgentId("a-75"), "CPAM-75", frozenset(roles), date(2025, 1, 6))


# « relatives à la pathologie en cas de contrôle par le service médical » (Lutte contre les fraudes)
def test_in_fraud_control_pathology_is_reserved_to_the_medical_service(policy: Policy) -> None:
    investigator = decide(policy, agent("fraud_investigator"), INSURED_75, "fraud_control", ["health.pathology"])
    national = decide(policy, agent("national_fraud_investigator"), INSURED_75, "fraud_control", ["health.pathology"])
    medical = decide(policy, agent("medical_officer"), INSURED_75, "fraud_control", ["health.pathology"])

    assert not investigator.allowed and not national.allowed
    assert "réservée aux rôles medical_officer" in investigator.reason
    assert medical.allowed
    assert decide(policy, agent("fraud_investigator"), INSURED_75, "fraud_control", ["health.care"]).allowed
    both = agent("fraud_investigator", "medical_officer")
    assert decide(policy, both, INSURED_75, "fraud_control", ["health.pathology"]).allowed


def test_every_category_but_the_reserved_one_is_what_an_investigator_may_ask_for(policy: Policy) -> None:
    """Asking for « every category » (the CLI's and API's default) must not pull the reserved one in."""
    allowed = policy.categories_for(frozenset({"fraud_investigator"}), "fraud_control", SubjectKind.INSURED)
    used = policy.categories_of[("fraud_control", SubjectKind.INSURED)]
    assert allowed == used - {Category.HEALTH_PATHOLOGY}


# « seules les données nécessaires à … la création et gestion des DMP, et de pilotage du déploiement »
def test_dmp_roles_do_not_read_the_dmps_health_content(policy: Policy) -> None:
    for role in ("prevention_agent", "medical_officer"):
        refused = decide(policy, agent(role), INSURED_75, "dmp", ["health.care"])
        assert not refused.allowed and "à aucun rôle d'agent" in refused.reason
        assert decide(policy, agent(role), INSURED_75, "dmp", ["identification", "contact", "rights"]).allowed


# « pendant toute la durée de l'exercice professionnel et au maximum 10 ans après décès »
def test_professional_data_runs_on_the_professionals_own_clock_never_a_patients(policy: Policy) -> None:
    for processing in ("professional_relations", "digital_services_professionals"):
        clocks = policy.retention_rules(processing)
        for clock in clocks:
            assert clock.of is ClockOwner.FILE_OWNER, (processing, clock.event)
            assert clock.duration == Duration(years=10)
        patient = [c for c in clocks if SubjectKind.INSURED in c.kinds]
        assert {c.event for c in patient} == {LifecycleEvent.DEATH, LifecycleEvent.ACTIVITY_END}
        establishment = [c for c in clocks if SubjectKind.HEALTH_ESTABLISHMENT in c.kinds]
        assert [c.event for c in establishment] == [LifecycleEvent.ACTIVITY_END]  # it closes, it never dies


def test_every_kind_of_person_in_every_processing_has_a_clock_that_can_start(
    register: Register, policy: Policy
) -> None:
    for processing in register.processings.values():
        clocks = policy.retention_rules(processing.id)
        for kind in processing.subjects:
            reachable = [
                c
                for c in clocks
                if kind in c.kinds
                and (
                    (c.of is ClockOwner.RECORD and c.event not in PERSON_EVENTS)
                    or (c.of is ClockOwner.SUBJECT and kind in PERSON_EVENTS.get(c.event, ()))
                    or (c.of is ClockOwner.FILE_OWNER and c.event in PERSON_EVENTS)
                )
            ]
            assert reachable, f"{processing.id}: {kind.value} has no reachable end"


def test_a_subjects_death_never_ends_data_of_a_kind_that_cannot_die(policy: Policy, register: Register) -> None:
    for processing in register.processings.values():
        for clock in policy.retention_rules(processing.id):
            if clock.of is ClockOwner.SUBJECT:
                assert clock.kinds <= PERSON_EVENTS[clock.event], (processing.id, clock.event)


# « 3 à 5 ans après l'action de prévention …, et jusqu'à 15 ans pour les programmes … des pathologies chroniques »
def test_only_chronic_disease_programmes_keep_data_fifteen_years(register: Register, policy: Policy) -> None:
    fifteen = {
        p.id
        for p in register.processings.values()
        if p.theme.value == "prevention" and any(c.duration == Duration(years=15) for c in policy.retention_rules(p.id))
    }
    assert fifteen == {"chronic_disease_programmes"}
    (chronic,) = [n.title for n in register.processings["chronic_disease_programmes"].notices if "Sophia" in n.title]
    assert chronic
    support = register.processings["support_programmes"]
    assert any(n.title.startswith("Prado") for n in support.notices)  # post-hospitalisation return home
    assert all(
        (c.minimum, c.duration) == (Duration(years=3), Duration(years=5)) for c in policy.retention_rules(support.id)
    )
    assert not any(n.title.startswith("Prado") for n in register.processings["chronic_disease_programmes"].notices)


# employer online services: retention follows the processing the formality serves
def test_employees_data_sent_by_employers_ends_with_the_employees_rights_or_the_rate_it_fed(
    policy: Policy,
) -> None:
    for processing in ("employer_benefit_formalities", "digital_services_employers"):
        employee = [c for c in policy.retention_rules(processing) if SubjectKind.EMPLOYEE in c.kinds]
        assert employee
        for clock in employee:
            assert clock.via in {"rights_benefits", "contribution_rate_disputes"}
            assert clock.event is not LifecycleEvent.PREVENTION_PROGRAMME_END
            assert clock.duration <= Duration(years=15)
    (ij,) = [c for c in policy.retention_rules("employer_benefit_formalities") if SubjectKind.EMPLOYEE in c.kinds]
    assert (ij.event, ij.of, ij.duration) == (LifecycleEvent.RIGHTS_END, ClockOwner.SUBJECT, Duration(years=5))


# « archivées 10 ans après la clôture du DMP (décès de la personne valant clôture) »
def test_death_closes_the_dmp_and_closed_dmps_are_archived_ten_years(register: Register, policy: Policy) -> None:
    dmp = register.processings["dmp"]
    (mapping,) = dmp.event_mapping
    assert (mapping.event, mapping.of, mapping.counts_as) == (
        LifecycleEvent.DEATH,
        ClockOwner.FILE_OWNER,
        LifecycleEvent.DMP_CLOSURE,
    )
    (clock,) = policy.retention_rules("dmp")
    assert clock.events == (
        (ClockOwner.RECORD, LifecycleEvent.DMP_CLOSURE),
        (ClockOwner.FILE_OWNER, LifecycleEvent.DEATH),
    )
    assert clock.duration == Duration(years=10)
    archive = policy.archives["dmp"]
    assert archive.event is LifecycleEvent.DMP_CLOSURE
    assert "recours" in archive.purpose and archive.roles
    assert set(archive.roles) <= {role for role, ps in policy.role_processings.items() if "dmp" in ps}


# « destinataires déterminés, des organismes de protection sociale ou autres administrations compétentes »
def test_rights_management_discloses_only_to_recipients_the_policy_names(register: Register) -> None:
    recipients = {r.id for r in register.processings["rights_benefits"].recipients}
    assert recipients.isdisjoint({"organismes_complementaires", "juridictions", "acoss_urssaf", "professionnels_sante"})
    assert {"organismes_protection_sociale", "administrations"} <= recipients


def test_no_employer_receives_anything_and_occupational_risk_data_stays_with_the_insurer(register: Register) -> None:
    assert not any(ident.startswith("employeur") for ident in register.recipients)
    prevention = {r.id for r in register.processings["occupational_risk_prevention"].recipients}
    assert prevention.isdisjoint({"employeurs", "fiva", "crrmp"})


def test_health_data_goes_only_to_social_protection_care_administration_and_justice(register: Register) -> None:
    """Never to an employer, nor to a web service provider: the recipients of a processing that holds health
    data are the insurer's own services, social-protection bodies, care and health authorities, and courts."""
    allowed = {
        "acoss_urssaf",
        "cnam_agents",
        "service_medical",
        "organismes_protection_sociale",
        "administrations",
        "agences_sanitaires",
        "professionnels_sante",
        "fiva",
        "juridictions",
        "caisse_francais_etranger",
        "dgfip",
        "meae",
        "partenaires_accompagnement",
        "caf",
        "france_travail",
    }
    for processing in register.processings.values():
        if any(set(d.categories) & HEALTH_CATEGORIES for d in processing.subjects.values()):
            assert {r.id for r in processing.recipients} <= allowed, processing.id


# facts the policy states that the register must hold as data
def test_employees_nationality_is_known_to_employer_services(policy: Policy) -> None:
    for processing in ("employer_benefit_formalities", "digital_services_employers"):
        assert Category.NATIONALITY in policy.categories_of[(processing, SubjectKind.EMPLOYEE)]


def test_suppliers_staff_and_third_parties_are_known_only_if_the_investigation_needs_it(register: Register) -> None:
    subjects = register.processings["fraud_control"].subjects
    staff = subjects[SubjectKind.SUPPLIER_STAFF]
    assert set(staff.categories) == {Category.IDENTIFICATION, Category.PROFESSIONAL_ACTIVITY}
    for kind in (SubjectKind.SUPPLIER_STAFF, SubjectKind.VICTIM, SubjectKind.WITNESS, SubjectKind.SUSPECT):
        condition = subjects[kind].condition
        assert condition is not None and condition.text == "si l'information est nécessaire à l'enquête"


def test_the_vimeo_cookie_has_its_row_and_a_lifetime_within_the_thirteen_month_ceiling(register: Register) -> None:
    cookies = register.processings["cookies_interactivity"].cookies
    assert cookies is not None
    (vimeo,) = [c for c in cookies.items if c.name == "Vimeo"]
    assert vimeo.lifetime == Duration(months=13)
    assert vimeo.source.decisions  # the policy gives no figure: the register says why it chose this one


def test_registration_is_a_purpose_of_rights_management(register: Register) -> None:
    purposes = register.processings["rights_benefits"].purposes
    (registration,) = [p for p in purposes if "immatriculation" in p.text]
    assert [str(c) for c in registration.source.citations] == ["Politique générale › Finalités › 3"]


def test_pseudonymised_statistics_are_claimed_only_with_a_source(register: Register) -> None:
    claimed = [p for p in register.processings.values() if p.pseudonymised_statistics]
    assert claimed
    for processing in claimed:
        assert processing.statistics_source is not None
    assert not register.processings["dmp"].pseudonymised_statistics
    assert not register.processings["contribution_rate_disputes"].pseudonymised_statistics
    crisis = register.processings["crisis_management"].statistics_source
    assert crisis is not None and not crisis.decisions  # the one the policy states in so many words


def test_a_restricted_subject_still_cannot_be_read_through_a_reserved_category(policy: Policy) -> None:
    restricted = SubjectState(SubjectId(2), SubjectKind.INSURED, "CPAM-75", restricted=True)
    decision = decide(
        policy, agent("fraud_investigator"), restricted, "fraud_control", ["health.pathology"], Action.LEGAL_CLAIM
    )
    assert not decision.allowed and "réservée" in decision.reason
