"""The register's API answers, validated against their response models, serialised and tagged once.

The register does not change while the service runs: each answer is built when the application is, and a
request only picks bytes and an ETag (a page of the paginated list is assembled from the ready records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vigie.register import Register
from vigie.register.export import processing_record, register_record
from vigie.web.caching import Document
from vigie.web.schemas import ProcessingOut, RegisterOut


@dataclass(frozen=True)
class RegisterDocuments:
    """The whole register, each processing's record and answer, and the processing ids in order."""

    whole: Document
    processings: dict[str, dict[str, Any]]
    documents: dict[str, Document]
    ids: tuple[str, ...]

    @classmethod
    def of(cls, register: Register) -> RegisterDocuments:
        records = {
            pid: ProcessingOut.model_validate(processing_record(p)).model_dump(mode="json", by_alias=True)
            for pid, p in register.processings.items()
        }
        whole = RegisterOut.model_validate(register_record(register)).model_dump(mode="json", by_alias=True)
        return cls(
            whole=Document.of(whole),
            processings=records,
            documents={pid: Document.of(record) for pid, record in records.items()},
            ids=tuple(sorted(records)),
        )
