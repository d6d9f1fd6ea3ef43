"""Extract specs: a valid spec loads; every problem is reported at once as file:line: field: message, in French;
direct identifiers are refused as sources whatever the spec says."""

from __future__ import annotations

from pathlib import Path

import pytest
from extract_world import SPEC

from vigie.errors import ExtractSpecError, InvalidInput
from vigie.pseudo.spec import is_direct_identifier, load_spec
from vigie.register import Register


def _problems(tmp_path: Path, register: Register, text: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExtractSpecError) as caught:
        load_spec(path, register)
    return [str(p).removeprefix(str(path)) for p in caught.value.problems]


def test_a_valid_spec_loads_with_the_categories_the_gate_checks(tmp_path: Path, register: Register) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    spec = load_spec(path, register)
    assert spec.processing == "prevention_campaigns"
    assert spec.quasi_identifiers == ("age", "sexe", "departement")
    assert spec.per_record and spec.needs_identity
    # the pseudonym reads the NIR and the birth date: the gate is asked for them too (minimisation checked)
    assert spec.read_categories == ("health.care", "identification", "nir")
    assert spec.drop == ("nom", "prenom", "adresse")


def test_every_problem_is_listed_with_its_line(tmp_path: Path, register: Register) -> None:
    text = (
        SPEC.replace("source: payload.action", "source: payload.nom")
        .replace("[age, sexe, departement]", "[age, sexe, commune]")
        .replace("source: sex}", "source: sexe_declare}")
    )
    problems = _problems(tmp_path, register, text)
    assert problems == [
        ":8: fields.2.source: source inconnue : « sexe_declare » (sources : pseudonym, age, birth_year, sex, "
        "department, organisation, recorded_on, payload.<nom>)",
        ":11: fields.5.source: identifiant direct, jamais extrait : « nom »",
        ":13: quasi_identifiers.2: champ inconnu de l'extraction : « commune »",
    ]


@pytest.mark.parametrize(
    ("source", "word"),
    [("nir", "nir"), ("payload.telephone", "telephone"), ("payload.IBAN", "IBAN"),
     ("payload.numero_rpps", "numero_rpps"), ("payload.texte_libre", "texte_libre"),
     ("payload.courriel", "courriel"), ("payload.Prénom", None)],
)  # fmt: skip
def test_direct_identifiers_never_leave(tmp_path: Path, register: Register, source: str, word: str | None) -> None:
    problems = _problems(tmp_path, register, SPEC.replace("payload.action", source))
    assert len(problems) == 1
    assert "identifiant direct" in problems[0] or "payload.<nom>" in problems[0]
    if word is not None:
        assert is_direct_identifier(word)


def test_unknown_processing_and_one_without_statistics_are_refused(tmp_path: Path, register: Register) -> None:
    unknown = _problems(tmp_path, register, SPEC.replace("prevention_campaigns", "campagnes"))
    assert unknown[0] == ":1: processing: traitement inconnu du registre : « campagnes »"
    no_stats = _problems(tmp_path, register, SPEC.replace("prevention_campaigns", "service_offers"))
    assert "ne prévoit pas de statistiques sur données pseudonymisées" in no_stats[0]


def test_a_pseudonym_needs_a_processing_that_uses_the_nir(tmp_path: Path, register: Register) -> None:
    text = SPEC.replace("prevention_campaigns", "occupational_risk_prevention").replace(
        "health.care", "occupational_risk"
    )
    problems = _problems(tmp_path, register, text)
    assert problems == [
        ":6: fields.0.source: « pseudonym » lit la catégorie « nir », que le traitement "
        "« occupational_risk_prevention » n'utilise pas pour les « insured »"
    ]


def test_identifier_categories_bad_rules_and_unknown_keys(tmp_path: Path, register: Register) -> None:
    text = SPEC.replace("[health.care]", "[health.care, contact]").replace("{age_band: 20}", "{decade: 1}")
    problems = _problems(tmp_path, register, text + "format: csv\n")
    assert problems == [
        ":3: categories.1: catégorie d'identifiants directs, jamais extraite : « contact »",
        ":7: fields.1.generalise: règles connues : age_band, bands, birth_year, hide, keep, month, quarter, rare, "
        "region, year (« decade »)",
        ":17: format: clé inconnue (clés permises : categories, drop, fields, k, max_suppression, processing, "
        "quasi_identifiers, reference_date, study, subjects)",
    ]


def test_syntax_error_and_missing_file(tmp_path: Path, register: Register) -> None:
    assert _problems(tmp_path, register, "processing: [x\n")[0].startswith(":2: erreur de syntaxe YAML")
    with pytest.raises(InvalidInput, match="introuvable"):
        load_spec(tmp_path / "absent.yaml", register)
