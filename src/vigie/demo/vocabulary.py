"""Fixed vocabularies of the demo payloads (acts, diagnoses, benefits, statuses), JSON-quoted once.

Codes follow the real formats (NGAP letter keys, CCAM 4 letters + 3 digits, ICD-10, ALD numbers) so that the
payloads read like real ones; no table says anything about a real person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np


def _q(values: Sequence[str]) -> tuple[str, ...]:
    """Each value as a JSON string literal, ready to drop into a template."""
    return tuple(json.dumps(v, ensure_ascii=False) for v in values)


ACTS = (  # code (NGAP letter key or CCAM-format code), label, fee in euros, reimbursement rate
    ("G", "consultation de médecine générale", 30.00, 70),
    ("APC", "avis ponctuel de consultant", 60.00, 70),
    ("AMI 1", "acte infirmier", 3.15, 60),
    ("AMK 7.5", "rééducation par masseur-kinésithérapeute", 16.13, 60),
    ("DEQP003", "électrocardiographie sur au moins 12 dérivations", 14.26, 70),
    ("ZBQK002", "radiographie du thorax", 21.28, 70),
    ("HBQK002", "radiographie intrabuccale rétroalvéolaire", 7.98, 70),
    ("HBJD001", "détartrage et polissage des dents", 28.92, 70),
    ("BFGA004", "extraction de cristallin par phacoémulsification", 271.70, 100),
    ("JQGD010", "accouchement unique par voie naturelle", 313.50, 100),
    ("B 60", "examen de biologie médicale", 16.20, 60),
    ("PH7", "médicament à service médical rendu important", 12.40, 65),
)
ICD10 = _q(["E11.9", "I10", "J45.9", "F32.1", "M54.5", "C50.9", "I25.1", "K21.9", "N18.3", "G30.9"])
ALD = tuple(
    (n, json.dumps(label, ensure_ascii=False))
    for n, label in (
        (8, "diabète de type 1 et diabète de type 2"),
        (30, "tumeur maligne"),
        (5, "insuffisance cardiaque grave"),
        (13, "maladie coronaire"),
        (23, "affection psychiatrique de longue durée"),
        (14, "insuffisance respiratoire chronique grave"),
        (15, "maladie d'Alzheimer et autres démences"),
    )
)
RIGHTS = _q(["PUMa", "Complémentaire santé solidaire", "ALD exonérante", "AME", "carte Vitale", "CEAM", "maternité"])
BENEFITS = _q(["indemnités journalières maladie", "indemnités journalières maternité", "pension d'invalidité"])
FAMILY = _q(["célibataire", "marié(e)", "pacsé(e)", "divorcé(e)", "veuf(ve)", "en concubinage"])
STATUS = _q(["salarié", "demandeur d'emploi", "retraité", "étudiant", "travailleur indépendant", "sans activité"])
RISKS = _q(["accident du travail", "accident de trajet", "maladie professionnelle"])
FRAUDS = _q(
    [
        "fausse déclaration",
        "facturation d'actes fictifs",
        "usurpation d'identité",
        "arrêt de travail non justifié",
        "cumul de prestations indu",
        "fraude à la résidence",
    ]
)
FRAUD_STATUS = _q(["signalement", "en cours d'instruction", "classé sans suite", "pénalité financière", "plainte"])
HARDSHIP = _q(["rupture de droits", "perte d'emploi", "isolement", "maladie grave", "handicap", "surendettement"])
SUPPORT = _q(["accompagnement individuel", "information collective", "aide financière", "prévention désinsertion"])
SERVICES = _q(["compte ameli", "amelipro", "net-entreprises", "application ameli", "espace employeur"])
PROGRAMMES = _q(["M'T dents", "dépistage du cancer colorectal", "vaccination antigrippale", "prévention des TMS"])
OFFERS = _q(["sophia", "PRADO", "ROSP", "Asalée", "Santé active"])
PLACES = _q(["cabinet de ville", "hôpital", "domicile", "téléconsultation", "centre de santé"])
NATIONALITIES = _q(["française", "européenne", "autre"])
HOUSING = _q(["locataire", "propriétaire", "hébergé", "logement d'urgence", "sans domicile stable"])
SPECIALTIES = _q(["médecine générale", "soins infirmiers", "kinésithérapie", "pharmacie", "cardiologie"])
ACT_CODES = _q([a[0] for a in ACTS])
ACT_LABELS = _q([a[1] for a in ACTS])
ACT_FEES = np.array([a[2] for a in ACTS])
ACT_RATES = np.array([a[3] for a in ACTS])
