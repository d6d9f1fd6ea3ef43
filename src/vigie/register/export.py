"""The register written out whole: JSON for machines, CSV for spreadsheets, Markdown for people."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from vigie.register.models import Processing, RetentionRule
from vigie.register.register import Register
from vigie.taxonomy import CATEGORY_LABELS, LEGAL_BASIS_LABELS, SUBJECT_KIND_LABELS


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def processing_record(processing: Processing) -> dict[str, Any]:
    """One processing as plain JSON-ready data (the shape of the API and of the JSON export): the register's own
    shape (docs/register.md), sources included, fields left unset as null."""
    return processing.model_dump(mode="json", by_alias=True)


def register_record(register: Register) -> dict[str, Any]:
    """The whole register as JSON-ready data."""
    return {
        "controller": register.controller.model_dump(mode="json"),
        "supervisory_authority": register.supervisory_authority.model_dump(mode="json"),
        "organisations": [o.model_dump(mode="json") for o in register.organisations.values()],
        "recipients": [r.model_dump(mode="json") for r in register.recipients.values()],
        "roles": [r.model_dump(mode="json") for r in register.roles.values()],
        "themes": [t.model_dump(mode="json") for t in register.themes.values()],
        "processings": [processing_record(p) for p in register.processings.values()],
        "policy_outline": [part.model_dump(mode="json") for part in register.outline],
    }


CSV_COLUMNS = (
    "id",
    "theme",
    "title",
    "legal_basis",
    "subjects",
    "recipients",
    "retention",
    "objection_allowed",
    "pseudonymised_statistics",
    "notices",
)


def _rule_text(rule: RetentionRule) -> str:
    if rule.follows is not None:
        return f"follows {rule.follows}"
    assert rule.event is not None and rule.of is not None and rule.duration is not None
    return f"{rule.event.value} ({rule.of.value}) {rule.duration.iso()}"


def _csv_row(processing: Processing) -> list[str]:
    return [
        processing.id,
        processing.theme.value,
        processing.title,
        processing.legal_basis.value,
        "; ".join(f"{k.value}: {', '.join(c.value for c in d.categories)}" for k, d in processing.subjects.items()),
        ", ".join(r.id for r in processing.recipients),
        "; ".join(_rule_text(rule) for rule in processing.retention),
        "oui" if processing.objection_allowed else "non",
        "oui" if processing.pseudonymised_statistics else "non",
        str(len(processing.notices)),
    ]


def _markdown(register: Register) -> str:
    lines = [f"# Registre des traitements — {register.controller.name}", ""]
    for theme, processings in register.by_theme():
        lines += [f"## {theme.title}", "", theme.summary, ""]
        for p in processings:
            lines += [f"### {p.title} (`{p.id}`)", ""]
            lines.append(f"- **Base légale** : {LEGAL_BASIS_LABELS[p.legal_basis]}")
            lines.append("- **Finalités** : " + " ; ".join(purpose.text for purpose in p.purposes))
            for kind, data in p.subjects.items():
                cats = ", ".join(CATEGORY_LABELS[c] for c in data.categories)
                condition = f" ({data.condition.text})" if data.condition is not None else ""
                lines.append(f"- **Données des {SUBJECT_KIND_LABELS[kind]}**{condition} : {cats}")
            recipients = ", ".join(register.recipients[r.id].name for r in p.recipients)
            lines.append(f"- **Destinataires** : {recipients}")
            lines.append("- **Conservation** : " + " ; ".join(rule.label for rule in p.retention))
            lines.append(f"- **Droit d'opposition** : {'oui' if p.objection_allowed else 'non'}")
            if p.notices:
                lines.append(f"- **Mentions d'information** ({len(p.notices)}) :")
                for n in p.notices:
                    lines.append(f"  - {n.title}" + (f" ({n.date:%d/%m/%Y})" if n.date else ""))
            lines.append("")
    return "\n".join(lines)


def export(register: Register, fmt: ExportFormat) -> str:
    """The register in the requested format."""
    if fmt is ExportFormat.JSON:
        return json.dumps(register_record(register), ensure_ascii=False, indent=2) + "\n"
    if fmt is ExportFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_row(p) for p in register.processings.values())
        return buffer.getvalue()
    return _markdown(register)
