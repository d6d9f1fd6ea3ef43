"""Key rotation: the key files of a new period, and the re-pseudonymisation of an existing extract.

A pseudonym cannot be turned into the next period's from itself (that would need the first-pass digest, which
only the source holds, or a table from NIR to pseudonym, which nobody may hold). So the job reads the people
again through the gate (decided and journaled like an extract, identity only), computes each allowed person's
pseudonym under the old and the new keys, and rewrites the extract's pseudonym column from old to new. The
correspondence exists only in memory during the job, on the central platform that holds both key pairs; a row
whose person may no longer be read (restricted, objected since) is dropped, not carried over.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from vigie.access.extracts import StatisticsGate, StatisticsRead
from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.pseudo import pseudonyms
from vigie.pseudo.bulk import national_bulk
from vigie.pseudo.extract import CSV, PARQUET, REPORT, birth_of, sex_of
from vigie.pseudo.keys import KeyRole, PseudoKey, check_period, create_key_file
from vigie.pseudo.spec import ExtractSpec


def new_key_files(source_file: Path, central_file: Path, period: str) -> dict[KeyRole, Path]:
    """Create the key files of `period` beside the current ones (`source-PERIOD.key`, `central-PERIOD.key`)."""
    check_period(period)
    paths = {
        KeyRole.SOURCE: source_file.parent / f"source-{period}.key",
        KeyRole.CENTRAL: central_file.parent / f"central-{period}.key",
    }
    for role, path in paths.items():
        create_key_file(path, role, period)
    return paths


@dataclass(frozen=True)
class Rotated:
    """What a re-pseudonymisation did."""

    period: str
    rows: int
    dropped_rows: int
    people_read: int
    people_refused: int
    journal_entries: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pseudonyms(spec: ExtractSpec, keys: Mapping[KeyRole, PseudoKey], people: pl.DataFrame) -> list[str]:
    national = national_bulk(keys, people, workers=1).to_list()
    return pseudonyms.study(keys[KeyRole.CENTRAL], spec.study, national) if spec.study is not None else national


def repseudonymise(
    env: Environment,
    journal: AuditSink,
    spec: ExtractSpec,
    agent_id: str,
    extract: Path,
    out: Path,
    old: Mapping[KeyRole, PseudoKey],
    new: Mapping[KeyRole, PseudoKey],
) -> Rotated:
    """Rewrite the pseudonym column of the extract `extract` (made with `spec` under `old`) under `new`, into
    the new directory `out`."""
    column = next((f.name for f in spec.fields if f.source == "pseudonym"), None)
    if column is None:
        raise InvalidInput("spécification", spec.file[:200], "l'extraction n'a pas de champ pseudonyme")
    if not (extract / PARQUET).is_file():
        raise InvalidInput("--extract", str(extract)[:200], f"{PARQUET} introuvable dans ce dossier")
    if out.exists():
        raise InvalidInput("--out", str(out)[:200], "le dossier existe déjà : il n'est pas remplacé")
    data = pl.read_parquet(extract / PARQUET)
    if column not in data.columns:
        raise InvalidInput("--extract", str(extract)[:200], f"colonne « {column} » absente de l'extraction")
    request = StatisticsRead(agent_id, spec.processing, spec.kind, spec.read_categories, identity=True)
    gate = StatisticsGate(env, journal, request, env.clock.today())
    mapping: dict[str, str] = {}
    read = refused = entries = 0
    for batch in gate.batches():
        read += len(batch.subjects)
        refused += batch.refused
        entries += batch.entries
        rows = [
            (p.identity.get("nir"), birth_of(p.identity.get("date_naissance")), sex_of(p.identity.get("sexe")))
            for p in batch.subjects
        ]
        rows = [r for r in rows if isinstance(r[0], str) and r[1] is not None and r[2] is not None]
        if not rows:
            continue
        people = pl.DataFrame(rows, schema=["nir", "birth", "sex"], orient="row")
        mapping.update(zip(_pseudonyms(spec, old, people), _pseudonyms(spec, new, people), strict=True))
    lookup = pl.DataFrame(
        {column: list(mapping), "__new": list(mapping.values())}, schema={column: pl.String, "__new": pl.String}
    )
    rewritten = (
        data.join(lookup, on=column, how="inner", maintain_order="left")
        .with_columns(pl.col("__new").alias(column))
        .drop("__new")
    ).select(data.columns)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        rewritten.write_parquet(work / PARQUET)
        rewritten.write_csv(work / CSV)
        period = new[KeyRole.CENTRAL].period
        result = Rotated(period, rewritten.height, data.height - rewritten.height, read, refused, entries)
        (work / REPORT).write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result
