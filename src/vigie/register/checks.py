"""Checks across a register's items: sources that resolve, references to roles and processings, reachable ends.

Each check returns findings (path inside the item, field, French message); the loader locates them by file and
line, so that one `vigie register check` run lists everything to fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from vigie.register.models import OutlineTheme, Processing, RetentionRule
from vigie.register.sources import parse_source
from vigie.taxonomy import PERSON_EVENTS, ClockOwner, SubjectKind

Finding = tuple[tuple[str | int, ...], str, str]
SOURCE_KEYS = ("source", "statistics_source")


def outline_index(themes: Collection[OutlineTheme]) -> dict[tuple[str, str], int]:
    """(part, section) -> number of paragraphs, from the register's outline of the policy."""
    return {(theme.theme, section.title): section.paragraphs for theme in themes for section in theme.sections}


def _sources(raw: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in SOURCE_KEYS:
                yield (*path, key), value
            else:
                yield from _sources(value, (*path, str(key)))
    elif isinstance(raw, list):
        for position, value in enumerate(raw):
            yield from _sources(value, (*path, position))


def unresolved_sources(raw: Any, label: str, outline: Mapping[tuple[str, str], int]) -> list[Finding]:
    """Citations in `raw` (one item as written) that name no part, section or paragraph of the outline."""
    parts = {part for part, _ in outline}
    findings: list[Finding] = []
    for path, value in _sources(raw):
        try:
            source = parse_source(value)
        except ValueError:
            continue  # already reported by validation
        field = ".".join([label, *(f"[{p}]" if isinstance(p, int) else p for p in path)]).replace(".[", "[")
        for citation in source.citations:
            count = outline.get((citation.theme, citation.section))
            if citation.theme not in parts:
                message = f"source « {citation} » : partie « {citation.theme} » absente du plan de la politique"
            elif count is None:
                message = f"source « {citation} » : section « {citation.section} » absente de « {citation.theme} »"
            elif citation.last > count:
                message = f"source « {citation} » : la section n'a que {count} paragraphe(s)"
            else:
                continue
            findings.append((path, field, message))
    return findings


def _reachable(rule: RetentionRule, kind: SubjectKind, processings: Mapping[str, Processing], depth: int = 0) -> bool:
    if not rule.applies_to(kind):
        return False
    if rule.follows is not None:
        target = processings.get(rule.follows)
        as_kind = (rule.as_kinds or {}).get(kind)
        if target is None or as_kind is None or depth > 3:
            return False
        return any(_reachable(r, as_kind, processings, depth + 1) for r in target.retention)
    assert rule.event is not None
    holders = PERSON_EVENTS.get(rule.event)
    if rule.of is ClockOwner.RECORD:
        return holders is None
    if rule.of is ClockOwner.SUBJECT:
        return holders is not None and kind in holders
    return holders is not None


def retention_findings(
    processing: Processing, processings: Mapping[str, Processing], roles: Collection[str], known: Collection[str]
) -> list[Finding]:
    """Rules whose clock can never start, follows that lead nowhere, kinds of person with no reachable end.

    `processings` holds the valid processings, `known` every id written: a rule following a processing that is
    written but invalid is not reported again (its own problems say what to fix).
    """
    if any(r.follows is not None and r.follows in known and r.follows not in processings for r in processing.retention):
        return []
    pid = processing.id
    findings: list[Finding] = []
    for position, rule in enumerate(processing.retention):
        where: tuple[str | int, ...] = ("retention", position)
        field = f"{pid}.retention[{position}]"
        for kind in rule.kinds or ():
            if kind not in processing.subjects:
                findings.append((where, field, f"type de personne « {kind.value} » absent des données du traitement"))
        if rule.follows is not None:
            target = processings.get(rule.follows)
            if target is None:
                findings.append((where, f"{field}.follows", f"traitement inconnu « {rule.follows} »"))
                continue
            if any(r.follows is not None for r in target.retention):
                findings.append((where, f"{field}.follows", f"« {rule.follows} » suit lui-même un autre traitement"))
            for kind, as_kind in (rule.as_kinds or {}).items():
                if kind not in processing.subjects:
                    findings.append((where, f"{field}.as_kinds", f"« {kind.value} » absent des données du traitement"))
                if not any(r.applies_to(as_kind) for r in target.retention) or as_kind not in target.subjects:
                    findings.append(
                        (where, f"{field}.as_kinds", f"« {rule.follows} » n'a pas de règle pour « {as_kind.value} »")
                    )
            continue
        assert rule.event is not None
        holders = PERSON_EVENTS.get(rule.event)
        if rule.of is ClockOwner.RECORD and holders is not None:
            findings.append((where, f"{field}.of", f"« {rule.event.value} » arrive à une personne, pas au dossier"))
        elif rule.of is not ClockOwner.RECORD and holders is None:
            findings.append((where, f"{field}.of", f"« {rule.event.value} » arrive au dossier, pas à une personne"))
        elif rule.of is ClockOwner.SUBJECT and holders is not None:
            kinds = rule.kinds or tuple(processing.subjects)
            for kind in kinds:
                if kind not in holders:
                    message = f"« {rule.event.value} » n'arrive jamais à « {kind.value} » (restreindre kinds)"
                    findings.append((where, f"{field}.event", message))
    for kind in processing.subjects:
        if not any(_reachable(rule, kind, processings) for rule in processing.retention):
            message = "aucune règle de conservation n'atteint de fin pour ce type de personne"
            findings.append((("subjects", kind.value), f"{pid}.subjects.{kind.value}", message))
    for kind, data in processing.subjects.items():
        for position, reservation in enumerate(data.reserved):
            for role in reservation.roles:
                if role not in roles:
                    path = ("subjects", kind.value, "reserved", position, "roles")
                    findings.append(
                        (path, f"{pid}.subjects.{kind.value}.reserved[{position}]", f"rôle inconnu « {role} »")
                    )
    if processing.archive is not None:
        for role in processing.archive.roles:
            if role not in roles:
                findings.append((("archive", "roles"), f"{pid}.archive.roles", f"rôle inconnu « {role} »"))
    return findings
