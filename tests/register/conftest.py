"""A small valid register directory, written fresh for each test so that tests can break it."""

from __future__ import annotations

from pathlib import Path

import pytest

BASE = """\
controller:
  name: Assurance Maladie
  national_body: CNAM
supervisory_authority:
  name: Cnil
  address: ["3, place de Fontenoy", "TSA 80715", "75334 Paris Cedex 07"]
organisations:
  - code: CNAM
    name: Caisse nationale de l'Assurance Maladie
    kind: national
    director: directeur général
    dpo: délégué à la protection des données
recipients:
  - id: cnam_agents
    name: agents de l'Assurance Maladie
    kind: internal
    nir_allowed: true
  - id: caf
    name: caisses d'allocations familiales
    kind: external
    nir_allowed: false
roles:
  - id: rights_agent
    title: agent des droits
    processings: [rights_benefits]
  - id: medical_officer
    title: praticien-conseil
    processings: [rights_benefits]
policy_outline:
  - theme: Gestion des droits
    sections:
      - {title: Finalités, paragraphs: 3}
      - {title: Données, paragraphs: 2}
      - {title: Destinataires, paragraphs: 1}
      - {title: Durées de conservation, paragraphs: 1}
"""

THEME = """\
theme:
  id: rights_management
  title: Gestion des droits
  summary: Gérer les droits.
processings:
  - id: rights_benefits
    title: Gestion des droits
    source: Gestion des droits › Finalités › 1
    purposes:
      - text: rembourser les frais de santé
        source: Gestion des droits › Finalités › 1
    legal_basis: public_task
    subjects:
      insured:
        categories: [identification, nir, health.care, health.pathology]
        source: Gestion des droits › Données › 1-2
        reserved:
          - categories: [health.pathology]
            roles: [medical_officer]
            source: Gestion des droits › Données › 2
    recipients:
      - id: cnam_agents
        source: Gestion des droits › Destinataires › 1
      - id: caf
        source: "decision: échange prévu par une convention nommée"
    retention:
      - event: rights_end
        of: subject
        duration: P5Y
        label: 5 ans après la fin des droits
        source: Gestion des droits › Durées de conservation › 1
    objection_allowed: false
    pseudonymised_statistics: true
    statistics_source: Gestion des droits › Finalités › 3
    notices:
      - title: PUMa Gestion des droits
        date: 2018-12-27
  - id: service_offers
    title: Offres de services
    source: Gestion des droits › Finalités › 2
    purposes:
      - text: proposer des offres
        source: Gestion des droits › Finalités › 2
    legal_basis: consent
    subjects:
      insured:
        categories: [identification, contact]
        source: Gestion des droits › Données › 1
    recipients:
      - id: cnam_agents
        source: Gestion des droits › Destinataires › 1
    retention:
      - follows: rights_benefits
        as_kinds: {insured: insured}
        label: comme la gestion des droits
        source: "decision: la politique ne donne pas de durée propre aux offres"
    objection_allowed: true
    pseudonymised_statistics: false
"""


@pytest.fixture
def register_dir(tmp_path: Path) -> Path:
    """A valid two-file register: base.yaml and theme-rights.yaml (line numbers are known to the tests)."""
    directory = tmp_path / "registre"
    directory.mkdir()
    (directory / "base.yaml").write_text(BASE, encoding="utf-8")
    (directory / "theme-rights.yaml").write_text(THEME, encoding="utf-8")
    return directory
