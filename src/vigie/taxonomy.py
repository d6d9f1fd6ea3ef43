"""The shared vocabulary: kinds of data subject, data categories, legal bases, rights, lifecycle events.

Every other module names these things through this one place, so that the register, the vault, access
control and the pages cannot drift apart. Identifiers are English (see GLOSSARY.md); each carries the French
label shown to users.
"""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    """A StrEnum that hashes as its text: members and plain strings find each other in sets and dicts, and
    the hash is computed in C (Enum's own `__hash__` is a Python function, measurable on hot paths)."""

    __hash__ = str.__hash__


class SubjectKind(Vocabulary):
    """The kinds of person the policy speaks of (« personnes concernées »)."""

    INSURED = "insured"
    HEALTH_PROFESSIONAL = "health_professional"
    HEALTH_ESTABLISHMENT = "health_establishment"
    CARE_SUPPLIER = "care_supplier"
    EMPLOYER = "employer"
    SELF_EMPLOYED = "self_employed"
    EMPLOYEE = "employee"
    RELATIVE = "relative"
    VICTIM = "victim"
    WITNESS = "witness"
    SUSPECT = "suspect"
    PATIENT = "patient"
    VISITOR = "visitor"
    SUPPLIER_STAFF = "supplier_staff"


SUBJECT_KIND_LABELS: dict[SubjectKind, str] = {
    SubjectKind.INSURED: "assurés et bénéficiaires",
    SubjectKind.HEALTH_PROFESSIONAL: "professionnels de santé",
    SubjectKind.HEALTH_ESTABLISHMENT: "établissements de santé et médico-sociaux",
    SubjectKind.CARE_SUPPLIER: "offreurs de soins et prestataires de biens et services",
    SubjectKind.EMPLOYER: "employeurs",
    SubjectKind.SELF_EMPLOYED: "travailleurs indépendants",
    SubjectKind.EMPLOYEE: "salariés (données transmises par l'employeur)",
    SubjectKind.RELATIVE: "proches, représentants légaux, personnes de confiance et à prévenir",
    SubjectKind.VICTIM: "victimes",
    SubjectKind.WITNESS: "témoins",
    SubjectKind.SUSPECT: "complices ou coauteurs potentiels",
    SubjectKind.PATIENT: "patients",
    SubjectKind.VISITOR: "internautes visitant le site",
    SubjectKind.SUPPLIER_STAFF: "salariés et représentants légaux des offreurs de soins et prestataires",
}


class Category(Vocabulary):
    """Data categories (« catégories de données »); dotted names group the health data."""

    IDENTIFICATION = "identification"
    NIR = "nir"
    CONTACT = "contact"
    RIGHTS = "rights"
    HEALTH_CARE = "health.care"
    HEALTH_CODING = "health.coding"
    HEALTH_PATHOLOGY = "health.pathology"
    PROFESSIONAL_SITUATION = "professional_situation"
    PERSONAL_SITUATION = "personal_situation"
    FINANCIAL = "financial"
    BANKING = "banking"
    RESOURCES = "resources"
    REPLACEMENT_INCOME = "replacement_income"
    OCCUPATIONAL_RISK = "occupational_risk"
    FRAUD_CASE = "fraud_case"
    SOCIAL_SITUATION = "social_situation"
    CONNECTION_LOGS = "connection_logs"
    SALARIES = "salaries"
    SIRET = "siret"
    BILLING = "billing"
    FEES = "fees"
    PREVENTION_FOLLOW_UP = "prevention_follow_up"
    CARE_PATHWAY = "care_pathway"
    PROFESSIONAL_ACTIVITY = "professional_activity"
    PROGRAMMES = "programmes"
    HOUSING = "housing"
    NATIONALITY = "nationality"


CATEGORY_LABELS: dict[Category, str] = {
    Category.IDENTIFICATION: "identification (nom, prénom)",
    Category.NIR: "numéro de sécurité sociale (NIR)",
    Category.CONTACT: "coordonnées (adresse, téléphone, courriel)",
    Category.RIGHTS: "droits et exécution des prestations",
    Category.HEALTH_CARE: "santé : soins, actes, produits, hospitalisation",
    Category.HEALTH_CODING: "santé : codage des actes et des produits",
    Category.HEALTH_PATHOLOGY: "santé : pathologie",
    Category.PROFESSIONAL_SITUATION: "situation professionnelle",
    Category.PERSONAL_SITUATION: "situation personnelle et familiale (composition du foyer)",
    Category.FINANCIAL: "données financières",
    Category.BANKING: "coordonnées bancaires",
    Category.RESOURCES: "ressources",
    Category.REPLACEMENT_INCOME: "revenus de substitution (indemnités journalières, pension d'invalidité)",
    Category.OCCUPATIONAL_RISK: "accidents du travail et maladies professionnelles",
    Category.FRAUD_CASE: "caractéristiques des fraudes, fautes ou abus",
    Category.SOCIAL_SITUATION: "situation sociale et difficultés rencontrées",
    Category.CONNECTION_LOGS: "données techniques et traces de connexion",
    Category.SALARIES: "salaires versés",
    Category.SIRET: "numéro SIRET",
    Category.BILLING: "facturation",
    Category.FEES: "honoraires et rémunérations perçus",
    Category.PREVENTION_FOLLOW_UP: "suivi des actions de prévention",
    Category.CARE_PATHWAY: "lieu de délivrance des soins et parcours de soins",
    Category.PROFESSIONAL_ACTIVITY: "activité professionnelle (catégorie, spécialité, secteur, mode d'exercice)",
    Category.PROGRAMMES: "offres, produits et programmes de l'Assurance Maladie",
    Category.HOUSING: "conditions de logement",
    Category.NATIONALITY: "nationalité (française, européenne ou autre)",
}

HEALTH_CATEGORIES: frozenset[Category] = frozenset(c for c in Category if c.value.startswith("health."))


class LegalBasis(Vocabulary):
    """Lawfulness of a processing (GDPR art. 6); it decides which rights can succeed."""

    PUBLIC_TASK = "public_task"
    LEGAL_OBLIGATION = "legal_obligation"
    CONSENT = "consent"


LEGAL_BASIS_LABELS: dict[LegalBasis, str] = {
    LegalBasis.PUBLIC_TASK: "mission d'intérêt public prévue par la loi",
    LegalBasis.LEGAL_OBLIGATION: "obligation légale",
    LegalBasis.CONSENT: "consentement",
}


class RightKind(Vocabulary):
    """The rights a person may exercise (« droits des personnes »)."""

    INFORMATION = "information"
    ACCESS = "access"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"
    ERASURE = "erasure"
    OBJECTION = "objection"


RIGHT_LABELS: dict[RightKind, str] = {
    RightKind.INFORMATION: "droit à l'information",
    RightKind.ACCESS: "droit d'accès",
    RightKind.RECTIFICATION: "droit de rectification",
    RightKind.RESTRICTION: "droit à la limitation",
    RightKind.ERASURE: "droit à l'effacement",
    RightKind.OBJECTION: "droit d'opposition",
}


class LifecycleEvent(Vocabulary):
    """Events that start a retention clock; the vault records their dates per subject or record."""

    RIGHTS_END = "rights_end"
    PREVENTION_ACTION = "prevention_action"
    PROGRAMME_EXIT = "programme_exit"
    DMP_CLOSURE = "dmp_closure"
    SUPPORT_END = "support_end"
    DEATH = "death"
    PREVENTION_PROGRAMME_END = "prevention_programme_end"
    RATE_DECISION = "rate_decision"
    CASE_CLOSED_WITHOUT_ACTION = "case_closed_without_action"
    ALERT_RECORDED = "alert_recorded"
    FINAL_DECISION = "final_decision"
    COOKIE_SET = "cookie_set"
    CONSENT_GIVEN = "consent_given"
    ACTIVITY_END = "activity_end"


EVENT_LABELS: dict[LifecycleEvent, str] = {
    LifecycleEvent.RIGHTS_END: "fin des droits",
    LifecycleEvent.PREVENTION_ACTION: "action de prévention",
    LifecycleEvent.PROGRAMME_EXIT: "sortie du programme d'accompagnement",
    LifecycleEvent.DMP_CLOSURE: "clôture du DMP (le décès vaut clôture)",
    LifecycleEvent.SUPPORT_END: "fin de l'action ou de l'accompagnement",
    LifecycleEvent.DEATH: "décès",
    LifecycleEvent.PREVENTION_PROGRAMME_END: "fin du programme de prévention",
    LifecycleEvent.RATE_DECISION: "décision sur le taux de cotisation",
    LifecycleEvent.CASE_CLOSED_WITHOUT_ACTION: "classement sans suite du dossier",
    LifecycleEvent.ALERT_RECORDED: "enregistrement de l'alerte ou du signalement",
    LifecycleEvent.FINAL_DECISION: "décision définitive",
    LifecycleEvent.COOKIE_SET: "dépôt du cookie",
    LifecycleEvent.CONSENT_GIVEN: "choix de consentement",
    LifecycleEvent.ACTIVITY_END: "cessation d'activité (fin d'exercice, fermeture d'établissement ou d'entreprise)",
}

_NATURAL_PERSONS = frozenset(SubjectKind) - {
    SubjectKind.HEALTH_ESTABLISHMENT,
    SubjectKind.CARE_SUPPLIER,
    SubjectKind.EMPLOYER,
    SubjectKind.VISITOR,
}

PERSON_EVENTS: dict[LifecycleEvent, frozenset[SubjectKind]] = {
    LifecycleEvent.RIGHTS_END: frozenset(
        {SubjectKind.INSURED, SubjectKind.EMPLOYEE, SubjectKind.SELF_EMPLOYED, SubjectKind.VICTIM, SubjectKind.PATIENT}
    ),
    LifecycleEvent.DEATH: _NATURAL_PERSONS,
    LifecycleEvent.ACTIVITY_END: frozenset(
        {
            SubjectKind.HEALTH_PROFESSIONAL,
            SubjectKind.HEALTH_ESTABLISHMENT,
            SubjectKind.CARE_SUPPLIER,
            SubjectKind.EMPLOYER,
            SubjectKind.SELF_EMPLOYED,
        }
    ),
}
"""Events that happen to a person, and the kinds of person they can happen to (an establishment never dies,
it closes). Every other event happens to a record: a case, a programme enrolment, a DMP, a cookie."""


class ClockOwner(Vocabulary):
    """Whose event starts a retention clock."""

    SUBJECT = "subject"
    FILE_OWNER = "file_owner"
    RECORD = "record"


CLOCK_OWNER_LABELS: dict[ClockOwner, str] = {
    ClockOwner.SUBJECT: "de la personne concernée",
    ClockOwner.FILE_OWNER: "du titulaire du dossier",
    ClockOwner.RECORD: "du dossier",
}


class RetentionBound(Vocabulary):
    """How a retention period reads: a fixed period, a ceiling, or a ceiling on a life that runs until then."""

    EXACTLY = "exactly"
    AT_MOST = "at_most"
    WITHIN_LIMIT = "within_limit"


class Theme(Vocabulary):
    """The policy's themes of processing, plus the web site's cookies as a theme of its own."""

    RIGHTS_MANAGEMENT = "rights_management"
    PREVENTION = "prevention"
    SOCIAL_SERVICE = "social_service"
    HEALTH_PROFESSIONALS = "health_professionals"
    OCCUPATIONAL_RISK = "occupational_risk"
    FRAUD_CONTROL = "fraud_control"
    DIGITAL_SERVICES = "digital_services"
    CRISIS = "crisis"
    COOKIES = "cookies"


def choices(enum: type[StrEnum]) -> str:
    """The accepted values of a vocabulary, for error messages."""
    return ", ".join(member.value for member in enum)
