"""The register written out whole: JSON for machines, CSV for spreadsheets, Markdown for people."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Any

from vigie.register.models import Processing
from vigie.register.register import Register
from vigie.taxonomy import CATEGORY_LABELS, LEGAL_BASIS_LABELS, SUBJECT_KIND_LABELS


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def processing_record(processing: Processing) -> dict[str, Any]:
    """One processing as plain JSON-ready data (the shape of the API and of the JSON export)."""
    return {
        "id": processing.id,
        "title": processing.title,
        "theme": processing.theme.value,
        "purposes": list(processing.purposes),
        "legal_basis": processing.legal_basis.value,
        "subjects": {kind.value: [c.value for c in cats] for kind, cats in processing.subjects.items()},
        "recipients": list(processing.recipients),
        "retention": [
            {
                "event": rule.event.value,
                "duration": rule.duration.iso(),
                **({"minimum": rule.minimum.iso()} if rule.minimum else {}),
                "label": rule.label,
            }
            for rule in processing.retention
        ],
        "objection_allowed": processing.objection_allowed,
        "pseudonymised_statistics": processing.pseudonymised_statistics,
        "notices": [{"title": n.title, "date": n.date.isoformat() if n.date else None} for n in processing.notices],
        **({"cookies": processing.cookies.model_dump(mode="json")} if processing.cookies is not None else {}),
    }


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


def _csv_row(processing: Processing) -> list[str]:
    return [
        processing.id,
        processing.theme.value,
        processing.title,
        processing.legal_basis.value,
        "; ".join(f"{k.value}: {', '.join(c.value for c in cats)}" for k, cats in processing.subjects.items()),
        ", ".join(processing.recipients),
        "; ".join(f"{rule.event.value} {rule.duration.iso()}" for rule in processing.retention),
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
            lines.append("- **Finalités** : " + " ; ".join(p.purposes))
            for kind, categories in p.subjects.items():
                cats = ", ".join(CATEGORY_LABELS[c] for c in categories)
                lines.append(f"- **Données des {SUBJECT_KIND_LABELS[kind]}** : {cats}")
            recipients = ", ".join(register.recipients[r].name for r in p.recipients)
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
