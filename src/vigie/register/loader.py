"""Load a register directory: parse every file, validate every item, cross-check references.

All problems are collected before anything is returned, so that one run of `vigie register check` lists
everything to fix; a register with any problem never loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from vigie.errors import Problem, RegisterError
from vigie.register.checks import outline_index, retention_findings, unresolved_sources
from vigie.register.files import RegisterFiles, read_register_files
from vigie.register.messages import french_message, location
from vigie.register.models import (
    Controller,
    Organisation,
    OutlineTheme,
    Processing,
    Recipient,
    Role,
    SupervisoryAuthority,
    ThemeInfo,
)
from vigie.register.register import Register
from vigie.register.yamlsource import Document, Path_, parse_document
from vigie.taxonomy import Theme

M = TypeVar("M", bound=BaseModel)

SECTIONS = (
    "controller",
    "supervisory_authority",
    "policy_outline",
    "organisations",
    "recipients",
    "roles",
    "theme",
    "processings",
)


@dataclass
class _Located:
    """A validated item and where it was written, for cross-reference messages."""

    item: Any  # None when the item failed validation; its raw fields still serve cross-checks
    raw: dict[str, Any]
    doc: Document
    path: Path_

    def problem(self, sub: Path_, field: str, message: str) -> Problem:
        return Problem(self.doc.file, self.doc.line((*self.path, *sub)), field, message)


class _Collector:
    """Validates items section by section and keeps the problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # A file that does not parse hides its content: references to it would be false alarms.
        self.unreadable = False

    def validate(
        self, model: type[M], raw: Any, doc: Document, path: Path_, label: str, extra: dict[str, Any] | None = None
    ) -> _Located | None:
        if not isinstance(raw, dict):
            self.problems.append(Problem(doc.file, doc.line(path), label, "doit être une table (clé: valeur)"))
            return None
        try:
            item = model.model_validate({**raw, **(extra or {})})
        except ValidationError as error:
            details = error.errors()
            for detail in details:
                loc = tuple(detail["loc"])
                if detail["type"] == "too_short" and any(
                    len(d["loc"]) > len(loc) and tuple(d["loc"][: len(loc)]) == loc for d in details
                ):
                    continue  # pydantic counts the failed items as missing: the item errors say it better
                sub = location(loc)
                field = ".".join([label, *(f"[{p}]" if isinstance(p, int) else p for p in sub)]).replace(".[", "[")
                self.problems.append(Problem(doc.file, doc.line((*path, *sub)), field, french_message(dict(detail))))
            return _Located(None, raw, doc, path)
        return _Located(item, raw, doc, path)

    def listing(self, raw: Any, doc: Document, path: Path_) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problems.append(Problem(doc.file, doc.line(path), str(path[-1]), "doit être une liste"))
            return []
        return raw


def _label(raw: Any, key: str, section: str, position: int) -> str:
    value = raw.get(key) if isinstance(raw, dict) else None
    return str(value) if isinstance(value, str) and value else f"{section}[{position}]"


def _unique(items: list[_Located], key: str, noun: str, collector: _Collector) -> dict[str, _Located]:
    seen: dict[str, _Located] = {}
    for located in items:
        ident = located.raw.get(key)
        if not isinstance(ident, str):
            continue
        if ident in seen:
            first = seen[ident]
            collector.problems.append(
                located.problem(
                    (key,),
                    ident,
                    f"{noun} en double (déjà défini dans {first.doc.file}:{first.doc.line(first.path)})",
                )
            )
        else:
            seen[ident] = located
    return seen


def _parse_files(register_files: RegisterFiles, collector: _Collector) -> list[Document]:
    collector.problems.extend(register_files.problems)
    docs = []
    for name, content in register_files.contents:
        doc = parse_document(content, name, collector.problems)
        if doc is None:
            collector.unreadable = True
            continue
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            collector.problems.append(Problem(doc.file, 1, "", "le fichier doit être une table de sections"))
            continue
        for key in doc.data:
            if key not in SECTIONS:
                collector.problems.append(
                    Problem(doc.file, doc.line((key,)), str(key), f"section inconnue (attendu : {', '.join(SECTIONS)})")
                )
        docs.append(doc)
    return docs


def load_register(directory: Path | None = None) -> Register:
    """Load and validate a register directory (the shipped one by default); raise RegisterError."""
    return parse_register(read_register_files(directory))


def parse_register(register_files: RegisterFiles) -> Register:
    """Validate a register from its files as read; raise RegisterError listing every problem."""
    directory = register_files.directory
    collector = _Collector()
    docs = _parse_files(register_files, collector)
    if not docs:
        raise RegisterError(collector.problems or [Problem(str(directory), None, "", "registre vide")])

    singletons: dict[str, list[_Located]] = {"controller": [], "supervisory_authority": []}
    organisations: list[_Located] = []
    recipients: list[_Located] = []
    roles: list[_Located] = []
    themes: list[_Located] = []
    processings: list[_Located] = []
    outline: list[_Located] = []

    for doc in docs:
        data = doc.data
        model: type[BaseModel]
        for section, model in (("controller", Controller), ("supervisory_authority", SupervisoryAuthority)):
            if section in data:
                found = collector.validate(model, data[section], doc, (section,), section)
                if found:
                    singletons[section].append(found)
        for section, model, key, bucket in (
            ("organisations", Organisation, "code", organisations),
            ("recipients", Recipient, "id", recipients),
            ("roles", Role, "id", roles),
            ("policy_outline", OutlineTheme, "theme", outline),
        ):
            for position, raw in enumerate(collector.listing(data.get(section), doc, (section,))):
                label = _label(raw, key, section, position)
                found = collector.validate(model, raw, doc, (section, position), label)
                if found:
                    bucket.append(found)
        _load_theme(doc, collector, themes, processings)

    for section, found_list in singletons.items():
        if not found_list and not collector.unreadable:
            collector.problems.append(Problem(str(directory), None, section, "section absente du registre"))
        for extra in found_list[1:]:
            collector.problems.append(extra.problem((), section, "section définie plusieurs fois"))
    for section, bucket in (
        ("organisations", organisations),
        ("processings", processings),
        ("policy_outline", outline),
    ):
        if not bucket and not collector.unreadable and not any(p.field.startswith(section) for p in collector.problems):
            collector.problems.append(Problem(str(directory), None, section, "aucun élément dans le registre"))

    by_code = _unique(organisations, "code", "organisation", collector)
    by_recipient = _unique(recipients, "id", "destinataire", collector)
    by_role = _unique(roles, "id", "rôle", collector)
    by_theme = _unique(themes, "id", "thématique", collector)
    by_processing = _unique(processings, "id", "traitement", collector)
    by_part = _unique(outline, "theme", "partie du plan de la politique", collector)

    if not collector.unreadable:
        _check_references(collector, singletons["controller"], by_code, by_recipient, by_role, by_processing)
        _check_processings(collector, by_processing, by_role, by_part)

    if collector.problems:
        raise RegisterError(collector.problems)
    return Register(
        controller=singletons["controller"][0].item,
        supervisory_authority=singletons["supervisory_authority"][0].item,
        organisations={code: found.item for code, found in by_code.items()},
        recipients={ident: found.item for ident, found in by_recipient.items()},
        roles={ident: found.item for ident, found in by_role.items()},
        themes={Theme(ident): found.item for ident, found in by_theme.items()},
        processings={ident: found.item for ident, found in by_processing.items()},
        outline=tuple(found.item for found in by_part.values()),
    )


def _load_theme(doc: Document, collector: _Collector, themes: list[_Located], processings: list[_Located]) -> None:
    data = doc.data
    if "processings" in data and "theme" not in data:
        collector.problems.append(
            Problem(doc.file, doc.line(("processings",)), "theme", "les traitements doivent suivre leur thématique")
        )
        return
    if "theme" not in data:
        return
    theme = collector.validate(ThemeInfo, data["theme"], doc, ("theme",), "theme")
    if theme is None or theme.item is None:
        return
    themes.append(theme)
    for position, raw in enumerate(collector.listing(data.get("processings"), doc, ("processings",))):
        label = _label(raw, "id", "processings", position)
        found = collector.validate(Processing, raw, doc, ("processings", position), label, {"theme": theme.item.id})
        if found is None:
            continue
        processings.append(found)
        processing: Processing | None = found.item
        if processing is None:
            continue
        is_cookie_theme = processing.theme is Theme.COOKIES
        if is_cookie_theme and processing.cookies is None:
            collector.problems.append(found.problem((), f"{label}.cookies", "liste des cookies manquante"))
        elif not is_cookie_theme and processing.cookies is not None:
            collector.problems.append(
                found.problem(("cookies",), f"{label}.cookies", "seule la thématique cookies décrit des cookies")
            )


def _strings(value: Any) -> list[str | None]:
    """The string items of a raw list (others as None, already reported by validation)."""
    return [item if isinstance(item, str) else None for item in value] if isinstance(value, list) else []


def _check_references(
    collector: _Collector,
    controllers: list[_Located],
    by_code: dict[str, _Located],
    by_recipient: dict[str, _Located],
    by_role: dict[str, _Located],
    by_processing: dict[str, _Located],
) -> None:
    for located in controllers:
        body = located.raw.get("national_body")
        if isinstance(body, str) and body not in by_code:
            collector.problems.append(
                located.problem(("national_body",), "controller.national_body", f"organisation inconnue « {body} »")
            )
    for ident, located in by_processing.items():
        refs = located.raw.get("recipients")
        ids = [r.get("id") if isinstance(r, dict) else None for r in refs] if isinstance(refs, list) else []
        for position, recipient in enumerate(_strings(ids)):
            if recipient is not None and recipient not in by_recipient:
                collector.problems.append(
                    located.problem(
                        ("recipients", position),
                        f"{ident}.recipients[{position}]",
                        f"destinataire inconnu « {recipient} »",
                    )
                )
    for ident, located in by_role.items():
        for position, processing in enumerate(_strings(located.raw.get("processings"))):
            if processing is not None and processing not in by_processing:
                collector.problems.append(
                    located.problem(
                        ("processings", position),
                        f"{ident}.processings[{position}]",
                        f"traitement inconnu « {processing} »",
                    )
                )


def _check_processings(
    collector: _Collector,
    by_processing: dict[str, _Located],
    by_role: dict[str, _Located],
    by_part: dict[str, _Located],
) -> None:
    """Sources that resolve in the outline; reserved and archive roles that exist; retention that ends."""
    parts = [found.item for found in by_part.values()]
    # an outline part that failed validation would make every citation of it a false alarm: check none then
    outline = outline_index(parts) if all(part is not None for part in parts) else {}
    valid = {ident: found.item for ident, found in by_processing.items() if found.item is not None}
    for ident, located in by_processing.items():
        findings = unresolved_sources(located.raw, ident, outline) if outline else []
        if located.item is not None:
            findings += retention_findings(located.item, valid, by_role.keys(), by_processing.keys())
        for sub, field, message in findings:
            collector.problems.append(located.problem(sub, field, message))
