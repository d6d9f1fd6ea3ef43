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
"""

THEME = """\
theme:
  id: rights_management
  title: Gestion des droits
  summary: Gérer les droits.
processings:
  - id: rights_benefits
    title: Gestion des droits
    purposes: [rembourser les frais de santé]
    legal_basis: public_task
    subjects:
      insured: [identification, nir, health.care]
    recipients: [cnam_agents, caf]
    retention:
      - event: rights_end
        duration: P5Y
        label: 5 ans après la fin des droits
    objection_allowed: false
    pseudonymised_statistics: true
    notices:
      - title: PUMa Gestion des droits
        date: 2018-12-27
  - id: service_offers
    title: Offres de services
    purposes: [proposer des offres]
    legal_basis: consent
    subjects:
      insured: [identification, contact]
    recipients: [cnam_agents]
    retention:
      - event: rights_end
        duration: P5Y
        label: 5 ans après la fin des droits
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
