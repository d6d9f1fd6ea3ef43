"""A pseudonymised extract, end to end: read through the gate, pseudonymise, generalise, reach k, write.

People are read in batches through `access.extracts` (decided and journaled, only the allowed decrypted); each
batch becomes raw rows holding the pseudonym, never the NIR, spilled to Parquet parts in a temporary
directory, so that memory stays bounded whatever the population. The global pass then needs the whole extract
(k, and rules such as `rare`): one grouped count over all the parts gives the classes; those smaller than k are
dropped if they fit in the suppression budget, else the extract is refused with the failing classes. The
parts are then read one at a time (a `rare` rule turned into a look-up of the values rare over all the parts),
so memory holds one part and the table of classes. Everything is written in a temporary directory renamed
into place at the end: a refused or failed extract leaves nothing.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from vigie.access.extracts import StatisticsGate, StatisticsRead
from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.pseudo import pseudonyms
from vigie.pseudo.bulk import national_bulk
from vigie.pseudo.generalise import OTHER
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.spec import ExtractSpec
from vigie.vault import SubjectData

PART_ROWS = 100_000
PARQUET = "extraction.parquet"
CSV = "extraction.csv"
REPORT = "rapport.json"
_N = "__n"
_EXAMPLES = 20

Progress = Callable[[int, int], None]  # (people done, people in all)


@dataclass(frozen=True)
class ExtractReport:
    """What an extract did: who was read or refused, rows written and suppressed, the k reached."""

    spec: str
    processing: str
    study: str | None
    people_read: int
    people_refused: int
    people_without_identity: int
    journal_entries: int
    rows: int
    suppressed_rows: int
    k: int
    k_reached: int
    classes: int
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KTargetMissed(InvalidInput):
    """Reaching k would suppress more rows than the spec's budget; the failing classes are listed."""

    def __init__(self, k: int, suppressed: int, total: int, budget: float, examples: list[dict[str, Any]]) -> None:
        super().__init__("k", str(k), "objectif non atteint")
        self.examples = examples
        shown = " ; ".join(
            ", ".join(f"{q} = {v}" for q, v in e["classe"].items()) + f" ({e['lignes']} ligne{'s' * (e['lignes'] > 1)})"
            for e in examples[:5]
        )
        more = f" (et {len(examples) - 5} autres)" if len(examples) > 5 else ""
        self.args = (
            f"k = {k} non atteint : il faudrait supprimer {suppressed} lignes sur {total}, au-delà du budget de "
            f"{budget * 100:g} % (max_suppression). Classes trop petites : {shown}{more}. Généralisez davantage "
            "les quasi-identifiants ou augmentez le budget ; rien n'a été écrit.",
        )


def sex_of(value: Any) -> int | None:
    return {"M": 1, "F": 2, "1": 1, "2": 2, 1: 1, 2: 2}.get(value)


def birth_of(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _payload_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def raw_rows(
    spec: ExtractSpec,
    people: list[SubjectData],
    reference: date,
    departments: Mapping[str, str | None],
    keys: Mapping[KeyRole, PseudoKey] | None,
) -> tuple[pl.DataFrame, int]:
    """The batch as rows of the spec's fields, before generalisation; people whose identity lacks what a field
    needs (NIR, birth date, sex) are left out and counted."""
    wanted = spec.sources
    identity_needed = spec.needs_identity
    kept: list[SubjectData] = []
    births: list[date] = []
    sexes: list[int] = []
    nirs: list[str] = []
    missing = 0
    for person in people:
        if identity_needed:
            birth, sex = birth_of(person.identity.get("date_naissance")), sex_of(person.identity.get("sexe"))
            nir = person.identity.get("nir") if "pseudonym" in wanted else ""
            if birth is None or sex is None or not isinstance(nir, str) or ("pseudonym" in wanted and not nir):
                missing += 1
                continue
            births.append(birth)
            sexes.append(sex)
            nirs.append(nir)
        kept.append(person)
    repeat = [len(p.records) if spec.per_record else 1 for p in kept]
    columns: dict[str, pl.Series] = {}
    pseudonym_of: list[str] = []
    if "pseudonym" in wanted and kept:
        if keys is None:
            raise InvalidInput("clés", "", "les clés de pseudonymisation sont nécessaires")
        frame = pl.DataFrame({"nir": nirs, "birth": births, "sex": sexes})
        national = national_bulk(keys, frame, workers=1).to_list()
        pseudonym_of = (
            pseudonyms.study(keys[KeyRole.CENTRAL], spec.study, national) if spec.study is not None else national
        )

    def per_person(values: list[Any]) -> list[Any]:
        return [v for v, n in zip(values, repeat, strict=True) for _ in range(n)]

    for f in spec.fields:
        source = f.source
        values: list[Any]
        dtype: Any
        if source == "pseudonym":
            values, dtype = per_person(pseudonym_of), pl.String
        elif source == "age":
            values, dtype = per_person([_age(b, reference) for b in births]), pl.Int32
        elif source == "birth_year":
            values, dtype = per_person([b.year for b in births]), pl.Int32
        elif source == "sex":
            values, dtype = per_person([str(s) for s in sexes]), pl.String
        elif source == "department":
            values, dtype = per_person([departments.get(p.organisation) for p in kept]), pl.String
        elif source == "organisation":
            values, dtype = per_person([p.organisation for p in kept]), pl.String
        elif source == "recorded_on":
            values, dtype = [r.recorded_on for p in kept for r in p.records], pl.Date
        else:
            key = f.payload_key or ""
            values, dtype = [_payload_text(r.payload.get(key)) for p in kept for r in p.records], pl.String
        columns[f.name] = pl.Series(f.name, values, dtype=dtype)
    return pl.DataFrame(columns), missing


def _check_rules(spec: ExtractSpec, sample: pl.DataFrame) -> None:
    """Each rule on its field's type, tried on the first rows, so a mismatch is a clear error, not a crash."""
    for f in spec.fields:
        if f.rule is None:
            continue
        try:
            sample.lazy().select(f.rule.apply(f.name)).collect()
        except (pl.exceptions.PolarsError, TypeError, ValueError) as error:
            raise InvalidInput(
                f"fields.{f.name}.generalise", str(f.rule), f"la règle ne s'applique pas à la source « {f.source} »"
            ) from error


@dataclass
class Suppression:
    total: int
    suppressed: int
    classes: int
    k_reached: int


def k_classes(spec: ExtractSpec, frame: pl.LazyFrame) -> tuple[pl.DataFrame, Suppression]:
    """The classes of at least k rows, if the rows of the smaller ones fit in the budget; else refuse, naming
    the smallest classes. One grouped count over the extract (its result is one row per class)."""
    qis = list(spec.quasi_identifiers)
    classes = frame.group_by(qis).agg(pl.len().alias(_N)).collect()
    total = int(classes[_N].sum() or 0)
    small = classes.filter(pl.col(_N) < spec.k)
    suppressed = int(small[_N].sum() or 0)
    if suppressed > spec.max_suppression * total:
        examples = [
            {"classe": {q: row[q] for q in qis}, "lignes": row[_N]}
            for row in small.sort(_N).head(_EXAMPLES).iter_rows(named=True)
        ]
        raise KTargetMissed(spec.k, suppressed, total, spec.max_suppression, examples)
    big = classes.filter(pl.col(_N) >= spec.k)
    smallest = big[_N].min() if big.height else 0
    reached = smallest if isinstance(smallest, int) else 0
    return big.select(qis), Suppression(total, suppressed, big.height, reached)


def row_rules(spec: ExtractSpec, scan: pl.LazyFrame) -> list[pl.Expr]:
    """The spec's rules as row-local expressions, so the extract can be processed part by part: a `rare` rule
    (which counts over the whole extract) becomes a look-up in the values found rare over all the parts."""
    out: list[pl.Expr] = []
    for f in spec.fields:
        if f.rule is None or f.rule.name == "keep":
            continue
        if f.rule.name != "rare":
            out.append(f.rule.apply(f.name))
            continue
        counts = scan.group_by(f.name).agg(pl.len().alias(_N)).filter(pl.col(_N) < f.rule.params[0]).collect()
        values = counts[f.name].drop_nulls().cast(pl.String).to_list()
        column = pl.col(f.name).cast(pl.String)
        null_rare = counts[f.name].null_count() > 0
        out.append(
            pl.when(column.is_null())
            .then(pl.lit(OTHER if null_rare else None, pl.String))
            .when(column.is_in(values))
            .then(pl.lit(OTHER))
            .otherwise(column)
            .alias(f.name)
        )
    return out


def run_extract(
    env: Environment,
    journal: AuditSink,
    spec: ExtractSpec,
    agent_id: str,
    out: Path,
    *,
    keys: Mapping[KeyRole, PseudoKey] | None,
    engine: str = "polars",
    progress: Progress | None = None,
    batch_size: int = 1_000,
) -> ExtractReport:
    """Run `spec` for `agent_id` and write Parquet, CSV and a report into the new directory `out`."""
    if out.exists():
        raise InvalidInput("--out", str(out)[:200], "le dossier existe déjà : il n'est pas remplacé")
    if not out.parent.is_dir():
        raise InvalidInput("--out", str(out)[:200], f"dossier parent introuvable : {out.parent}")
    if engine not in ("polars", "spark"):
        raise InvalidInput("--engine", engine[:20], "polars ou spark attendu")
    if "pseudonym" in spec.sources and keys is None:
        raise InvalidInput("clés", "", "l'extraction calcule des pseudonymes : donnez --source-key et --central-key")
    today = env.clock.today()
    reference = spec.reference_date or today
    request = StatisticsRead(agent_id, spec.processing, spec.kind, spec.read_categories, spec.needs_identity)
    gate = StatisticsGate(env, journal, request, today)
    departments = {code: org.department for code, org in env.register.organisations.items()}
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        parts = work / "parts"
        parts.mkdir()
        total = gate.population()
        read = refused = missing = entries = done = 0
        pending: list[pl.DataFrame] = []
        pending_rows = part = 0

        def spill() -> None:
            nonlocal pending, pending_rows, part
            if pending:
                pl.concat(pending).write_parquet(parts / f"part-{part:06d}.parquet")
                part += 1
                pending, pending_rows = [], 0

        for batch in gate.batches(batch_size):
            frame, lacking = raw_rows(spec, batch.subjects, reference, departments, keys)
            read += len(batch.subjects)
            refused += batch.refused
            missing += lacking
            entries += batch.entries
            done += len(batch.subjects) + batch.refused
            if frame.height:
                pending.append(frame)
                pending_rows += frame.height
            if pending_rows >= PART_ROWS:
                spill()
            if progress is not None:
                progress(done, total)
        spill()
        if part == 0:  # nobody: an empty extract with the spec's columns
            empty, _ = raw_rows(spec, [], reference, departments, keys)
            empty.write_parquet(parts / "part-000000.parquet")
        _check_rules(spec, pl.scan_parquet(parts / "*.parquet").head(1000).collect())
        if engine == "spark":
            from vigie.pseudo.spark import finish_spark

            result = finish_spark(spec, parts, work)
        else:
            result = finish_polars(spec, parts, work)
        shutil.rmtree(parts)
        report = ExtractReport(
            spec.file, spec.processing, spec.study, read, refused, missing, entries, result.total - result.suppressed,
            result.suppressed, spec.k, result.k_reached, result.classes, [PARQUET, CSV, REPORT],
        )  # fmt: skip
        (work / REPORT).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        work.rename(out)
        return report
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def finish_polars(spec: ExtractSpec, parts: Path, work: Path) -> Suppression:
    """The global pass on Polars: one grouped count over all the parts for k, then part by part (rules, the
    classes kept) into one Parquet file and one CSV file, so memory holds one part and the class table."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    files = sorted(parts.glob("*.parquet"))
    scan = pl.scan_parquet(files)
    rules = row_rules(spec, scan)
    names = [f.name for f in spec.fields]
    qis = list(spec.quasi_identifiers)
    big, result = k_classes(spec, scan.with_columns(rules) if rules else scan)
    schema = (scan.with_columns(rules) if rules else scan).select(names).collect_schema()
    arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema
    writer = pq.ParquetWriter(work / PARQUET, arrow_schema)
    try:
        with (work / CSV).open("wb") as csv:
            for index, path in enumerate(files):
                part = pl.read_parquet(path)
                part = part.with_columns(rules) if rules else part
                kept = part.join(big, on=qis, how="semi", nulls_equal=True).select(names).cast(schema)
                writer.write_table(kept.to_arrow().cast(arrow_schema))
                kept.write_csv(csv, include_header=index == 0)
    finally:
        writer.close()
    return result
