"""Every entry of the shipped register is traceable to the policy: a citation that resolves, or a decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigie.cli.app import run
from vigie.errors import RegisterError
from vigie.register import Register, load_register, shipped_register_dir
from vigie.register.checks import outline_index
from vigie.register.sources import Citation, Decision, parse_source
from vigie.register.trace import decisions, entries


def test_every_citation_of_the_shipped_register_names_a_paragraph_of_the_outline(register: Register) -> None:
    outline = outline_index(register.outline)
    cited = [(entry, c) for entry in entries(register) for c in entry.source.citations]
    assert len(cited) > 300
    for entry, citation in cited:
        count = outline.get((citation.theme, citation.section))
        assert count is not None, f"{entry.processing}.{entry.field}: {citation}"
        assert 1 <= citation.first <= citation.last <= count, f"{entry.processing}.{entry.field}: {citation}"


def test_every_kind_of_entry_carries_a_source(register: Register) -> None:
    fields = {entry.field.split("[")[0].split(".")[0] for entry in entries(register)}
    assert {"source", "purposes", "subjects", "recipients", "retention"} <= fields
    per_processing = {p.id: p for p in register.processings.values()}
    listed = {(e.processing, e.field) for e in entries(register)}
    for pid, processing in per_processing.items():
        assert (pid, "source") in listed
        assert all((pid, f"purposes[{n}]") in listed for n in range(len(processing.purposes)))
        assert all((pid, f"subjects.{kind.value}") in listed for kind in processing.subjects)
        assert all((pid, f"recipients[{n}]") in listed for n in range(len(processing.recipients)))
        assert all((pid, f"retention[{n}]") in listed for n in range(len(processing.retention)))


def test_the_outline_numbers_the_example_of_the_issue(register: Register) -> None:
    """« Lutte contre les fraudes › Durées de conservation › 2 » is the litigation sentence: 5 years after the
    final decision, which is what the fraud rule that prevails cites."""
    outline = outline_index(register.outline)
    assert outline[("Lutte contre les fraudes", "Durées de conservation")] == 2
    (litigation,) = [r for r in register.processings["fraud_control"].retention if r.prevails]
    assert "Lutte contre les fraudes › Durées de conservation › 2" in [str(c) for c in litigation.source.citations]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Service social › Durées de conservation › 1", Citation("Service social", "Durées de conservation", 1, 1)),
        ("Service social › Données › 1-7", Citation("Service social", "Données", 1, 7)),
        ("decision: une raison assez longue", Decision("une raison assez longue")),
    ],
)
def test_a_source_is_a_citation_or_a_decision(text: str, expected: Citation | Decision) -> None:
    assert parse_source(text).refs == (expected,)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Service social, Données, 1", "illisible"),
        ("Service social › Données › 0", "illisible"),
        ("Service social › Données › 7-1", "à l'envers"),
        ("decision: bof", "décision sans raison"),
        ("", "illisible"),
        ("Service social › Don\x00nées › 1", "caractère nul"),
    ],
)
def test_a_malformed_source_is_refused_in_french(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_source(text)


def copy_register(tmp_path: Path) -> Path:
    directory = tmp_path / "registre"
    shutil.copytree(shipped_register_dir(), directory)
    return directory


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_citation_that_points_nowhere_is_refused_with_file_line_and_field(tmp_path: Path) -> None:
    directory = copy_register(tmp_path)
    fraud = directory / "theme-fraud_control.yaml"
    replace_in(fraud, "Lutte contre les fraudes › Durées de conservation › 2", "Lutte contre les fraudes › Durées › 2")
    replace_in(fraud, "Lutte contre les fraudes › Finalités › 1", "Lutte contre les fraudes › Finalités › 12")
    replace_in(fraud, "Lutte contre les fraudes › Finalités › 2", "Fraudes › Finalités › 2")
    with pytest.raises(RegisterError) as caught:
        load_register(directory)
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 3
    assert any("retention[2].source" in m and "section « Durées » absente" in m for m in messages)
    assert any("purposes[0].source" in m and "n'a que 7 paragraphe(s)" in m for m in messages)
    assert any("purposes[1].source" in m and "partie « Fraudes » absente" in m for m in messages)
    assert all(m.startswith("theme-fraud_control.yaml:") for m in messages)


def test_register_check_refuses_an_entry_without_a_source_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = copy_register(tmp_path)
    social = directory / "theme-social_service.yaml"
    replace_in(social, '        source: "Service social › Durées de conservation › 1"\n', "")
    assert run(["register", "check", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "theme-social_service.yaml:" in err
    assert "social_support.retention[0].source: champ obligatoire manquant" in err
    assert "Traceback" not in err


def test_register_sources_lists_every_decision_for_review(
    register: Register, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["register", "sources", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(decisions(register)) > 0
    for row in rows:
        assert row["decisions"] and all(len(reason) >= 10 for reason in row["decisions"])
    fields = {(row["processing"], row["field"]) for row in rows}
    assert ("cookies_interactivity", "cookies.items[0]") in fields  # the Vimeo lifetime the policy does not give
    assert ("fraud_control", "subjects.insured.reserved[0]") not in fields  # cited, not decided
    assert run(["register", "sources"]) == 0
    assert f"{len(rows)} entrées reposent sur une décision du registre" in capsys.readouterr().out
    assert run(["register", "check"]) == 0
    assert f"{len(rows)} entrées reposent sur une décision du registre" in " ".join(capsys.readouterr().out.split())


def test_register_show_can_print_each_entrys_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["register", "show", "--sources"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Lutte contre les fraudes › Données des assurés › 4" in out
