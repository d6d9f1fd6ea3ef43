"""A broken register directory is refused with every problem located by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigie.errors import Problem, RegisterError
from vigie.register import load_register


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `needle`."""
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return found[occurrence - 1]


def problems_of(directory: Path) -> list[Problem]:
    with pytest.raises(RegisterError) as caught:
        load_register(directory)
    return caught.value.problems


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_small_register_is_valid(register_dir: Path) -> None:
    register = load_register(register_dir)
    assert list(register.processings) == ["rights_benefits", "service_offers"]


def test_unknown_category_is_reported_with_file_line_and_field(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(
        theme,
        "[identification, nir, health.care, health.pathology]",
        "[identification, nir, health.teeth, health.pathology]",
    )
    (problem,) = problems_of(register_dir)
    assert problem.file == "theme-rights.yaml"
    assert problem.line == line_of(theme, "health.teeth")
    assert problem.field == "rights_benefits.subjects.insured.categories[2]"
    assert "catégorie de données inconnue « health.teeth »" in problem.message
    assert "health.care" in problem.message  # the accepted values are listed


def test_unknown_subject_kind_is_reported(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(
        theme,
        "      insured:\n        categories: [identification, contact]",
        "      martian:\n        categories: [identification, contact]",
    )
    (problem,) = problems_of(register_dir)
    assert problem.line == line_of(theme, "martian")
    assert problem.field == "service_offers.subjects.martian"
    assert "type de personne concernée inconnu « martian »" in problem.message


def test_missing_duration_is_reported(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "        duration: P5Y\n", "", 1)
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits.retention[0]"
    assert problem.message == "champ obligatoire manquant : duration (ou follows)"
    assert problem.line == line_of(theme, "- event: rights_end")


def test_an_entry_without_a_source_is_refused_with_its_place(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(
        theme,
        '      - id: caf\n        source: "decision: échange prévu par une convention nommée"\n',
        "      - id: caf\n",
    )
    (problem,) = problems_of(register_dir)
    assert problem.file == "theme-rights.yaml"
    assert problem.field == "rights_benefits.recipients[1].source"
    assert problem.message == "champ obligatoire manquant"
    assert problem.line == line_of(theme, "- id: caf")


@pytest.mark.parametrize("bad", ["5 ans", "P5", "PT5H", "P", "P0Y"])
def test_malformed_duration_is_reported(register_dir: Path, bad: str) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "duration: P5Y", f"duration: {bad}")
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits.retention[0].duration"
    assert problem.line == line_of(theme, f"duration: {bad}")
    assert bad in problem.message


def test_duplicate_processing_id_is_reported_with_the_first_definition(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "  - id: service_offers", "  - id: rights_benefits")
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits"
    assert problem.line == line_of(theme, "- id: rights_benefits", occurrence=2)
    assert "traitement en double" in problem.message
    assert f"theme-rights.yaml:{line_of(theme, '- id: rights_benefits')}" in problem.message


def test_unknown_recipient_is_reported(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "- id: caf", "- id: nsa")
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits.recipients[1]"
    assert problem.line == line_of(theme, "nsa")
    assert "destinataire inconnu « nsa »" in problem.message


def test_role_naming_an_unknown_processing_is_reported(register_dir: Path) -> None:
    base = register_dir / "base.yaml"
    edit(base, "processings: [rights_benefits]", "processings: [rights_benefit]")
    (problem,) = problems_of(register_dir)
    assert problem.file == "base.yaml"
    assert "traitement inconnu « rights_benefit »" in problem.message


def test_yaml_syntax_error_is_reported_without_false_alarms_about_references(register_dir: Path) -> None:
    """The role naming a processing of the unreadable file is not reported: the file's content is unknown."""
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "      - text: proposer des offres", "      - text: [proposer des offres")
    (problem,) = problems_of(register_dir)
    assert problem.file == "theme-rights.yaml"
    assert problem.message.startswith("erreur de syntaxe YAML")
    assert problem.line is not None and problem.line >= line_of(theme, "proposer des offres")


def test_unknown_field_is_refused_rather_than_ignored(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "    objection_allowed: true", "    objection_alowed: true")
    fields = {p.field: p.message for p in problems_of(register_dir)}
    assert fields["service_offers.objection_alowed"] == "champ inconnu"
    assert fields["service_offers.objection_allowed"] == "champ obligatoire manquant"


def test_all_problems_are_reported_at_once(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "health.care,", "health.teeth,")
    edit(theme, "- id: caf", "- id: nsa")
    edit(theme, "duration: P5Y", "duration: five years")
    edit(theme, "  - id: service_offers", "  - id: rights_benefits")
    (register_dir / "extra.yaml").write_text("roles:\n  - id: Bad Id\n", encoding="utf-8")
    problems = problems_of(register_dir)
    messages = " | ".join(str(p) for p in problems)
    for expected in ("health.teeth", "nsa", "five years", "en double", "extra.yaml:2: Bad Id.id: identifiant"):
        assert expected in messages


def test_duplicate_yaml_key_is_reported(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "    legal_basis: consent\n", "    legal_basis: consent\n    legal_basis: public_task\n")
    (problem,) = problems_of(register_dir)
    assert problem.message == "clé en double dans la même table"
    assert problem.line == line_of(theme, "legal_basis: public_task", occurrence=2)


def test_missing_directory_is_reported(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere")
    assert problem.message == "dossier du registre introuvable"


def test_a_clock_on_a_persons_event_that_never_happens_to_the_kind_is_refused(register_dir: Path) -> None:
    """An establishment never dies: a death clock on a kind that cannot die is an end that never comes."""
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "      - event: rights_end\n        of: subject", "      - event: death\n        of: subject")
    edit(
        theme,
        "      insured:\n        categories: [identification, nir",
        "      health_establishment:\n        categories: [identification, nir",
    )
    problems = problems_of(register_dir)
    messages = [p.message for p in problems]
    assert "« death » n'arrive jamais à « health_establishment » (restreindre kinds)" in messages
    assert "aucune règle de conservation n'atteint de fin pour ce type de personne" in messages
    (reachable,) = [p for p in problems if p.message.startswith("aucune règle")]
    assert reachable.field == "rights_benefits.subjects.health_establishment"
    assert reachable.line == line_of(theme, "health_establishment:")


def test_a_record_clock_on_a_persons_event_is_refused(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "        of: subject", "        of: record")
    fields = {p.field: p.message for p in problems_of(register_dir)}
    assert fields["rights_benefits.retention[0].of"] == "« rights_end » arrive à une personne, pas au dossier"


def test_following_an_unknown_processing_is_refused(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "      - follows: rights_benefits", "      - follows: rights_benefit")
    fields = {p.field: p.message for p in problems_of(register_dir)}
    assert fields["service_offers.retention[0].follows"] == "traitement inconnu « rights_benefit »"


def test_a_category_reserved_to_an_unknown_role_is_refused(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "roles: [medical_officer]", "roles: [medical_oficer]")
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits.subjects.insured.reserved[0]"
    assert problem.message == "rôle inconnu « medical_oficer »"
    assert problem.line == line_of(theme, "medical_oficer")


def test_a_reserved_category_the_processing_does_not_use_is_refused(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "          - categories: [health.pathology]", "          - categories: [fraud_case]")
    (problem,) = problems_of(register_dir)
    assert "catégorie réservée « fraud_case » absente des catégories utilisées" in problem.message


def test_pseudonymised_statistics_without_a_source_are_refused(register_dir: Path) -> None:
    theme = register_dir / "theme-rights.yaml"
    edit(theme, "    statistics_source: Gestion des droits › Finalités › 3\n", "")
    (problem,) = problems_of(register_dir)
    assert problem.field == "rights_benefits"
    assert "statistics_source manquant" in problem.message


def test_the_outline_is_required(register_dir: Path) -> None:
    base = register_dir / "base.yaml"
    text = base.read_text(encoding="utf-8")
    base.write_text(text[: text.index("policy_outline:")], encoding="utf-8")
    problems = problems_of(register_dir)
    assert any(p.field == "policy_outline" and p.message == "aucun élément dans le registre" for p in problems)


def test_a_broken_outline_is_reported_once_without_false_alarms_about_citations(register_dir: Path) -> None:
    base = register_dir / "base.yaml"
    edit(base, "{title: Finalités, paragraphs: 3}", "{title: Finalités, paragraphs: trois}")
    (problem,) = problems_of(register_dir)
    assert problem.file == "base.yaml"
    assert problem.field == "Gestion des droits.sections[0].paragraphs"
    assert problem.message == "doit être un nombre entier"
