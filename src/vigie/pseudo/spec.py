"""Extract specs: what a pseudonymised extract holds, declared in YAML and checked before anything is read.

A spec names a processing of the register that allows pseudonymised statistics, the kind of person and the
categories read, the fields with their source and generalisation rule, the quasi-identifiers, the target k and
the suppression budget. Fields are an allow-list of sources; direct identifiers (names, NIR, SIRET, addresses,
phone, e-mail, IBAN, RPPS, free text) are refused as sources whatever the spec says. Every problem is reported
at once as `file:line: field: message`, like the register's.

    processing: crisis_management        study: etude-2026 (optional: per-study pseudonyms)
    subjects: patient                     categories: [health.care]
    reference_date: 2026-11-28 (optional: the day of the extract)
    fields:
      - {name: personne, source: pseudonym}
      - {name: age, source: age, generalise: {age_band: 10}}
      - {name: acte, source: payload.acte, generalise: {rare: 5}}
    quasi_identifiers: [age, sexe, departement]
    k: 5
    max_suppression: 0.05
    drop: [nom, adresse]                  (documents what the extract leaves out; never a field)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vigie.errors import ExtractSpecError, InvalidInput, Problem
from vigie.pseudo.generalise import Rule, rule
from vigie.register import Register
from vigie.register.yamlsource import Document, read_document
from vigie.taxonomy import Category, SubjectKind

MAX_SPEC_BYTES = 256 * 1024
MAX_FIELDS = 64
# Sources computed from the subject and its records; `payload.<name>` reads one key of a record's payload.
SOURCES = ("pseudonym", "age", "birth_year", "sex", "department", "organisation", "recorded_on")
IDENTITY_SOURCES = frozenset({"pseudonym", "age", "birth_year", "sex"})
RECORD_SOURCES = frozenset({"recorded_on"})
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PAYLOAD_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_STUDY = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")
# Direct identifiers, by the words their names are made of (accents and case ignored).
_DIRECT = frozenset(
    """nom prenom prenoms name surname firstname lastname nir insee secu securite numero_securite_sociale
    siret siren adresse address voie rue code_postal postcode cp telephone tel phone mobile portable courriel
    email mail iban bic rib rpps adeli texte text libre commentaire commentaires comment observation
    observations note notes remarque description""".split()  # noqa: SIM905 - a word list reads better so
)
_KNOWN_KEYS = frozenset(
    {"processing", "study", "subjects", "categories", "reference_date", "fields", "quasi_identifiers", "k",
     "max_suppression", "drop"}
)  # fmt: skip
_FIELD_KEYS = frozenset({"name", "source", "generalise"})


def is_direct_identifier(name: str) -> bool:
    """Whether a source or payload key names a direct identifier (whole name, or one of its words)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return plain in _DIRECT or any(word in _DIRECT for word in re.split(r"[^a-z0-9]+", plain) if word)


@dataclass(frozen=True)
class Field:
    """One column of the extract: its name, where its value comes from, and how it is generalised."""

    name: str
    source: str
    rule: Rule | None

    @property
    def payload_key(self) -> str | None:
        return self.source.removeprefix("payload.") if self.source.startswith("payload.") else None


@dataclass(frozen=True)
class ExtractSpec:
    """A validated extract spec."""

    file: str
    processing: str
    study: str | None
    kind: SubjectKind
    categories: tuple[str, ...]
    reference_date: date | None
    fields: tuple[Field, ...]
    quasi_identifiers: tuple[str, ...]
    k: int
    max_suppression: float
    drop: tuple[str, ...]

    @property
    def sources(self) -> frozenset[str]:
        return frozenset("payload" if f.payload_key else f.source for f in self.fields)

    @property
    def needs_identity(self) -> bool:
        return bool(self.sources & IDENTITY_SOURCES)

    @property
    def per_record(self) -> bool:
        """One row per record when a field reads a record, else one row per person."""
        return bool(self.sources & (RECORD_SOURCES | {"payload"}))

    @property
    def read_categories(self) -> tuple[str, ...]:
        """The categories the gate is asked for: those declared, identification when a field reads the identity
        (birth date, sex), and the NIR for a pseudonym (hashed at the source, never written)."""
        extra = {Category.IDENTIFICATION.value} if self.needs_identity else set()
        if "pseudonym" in self.sources:
            extra.add(Category.NIR.value)
        return tuple(sorted({*self.categories, *extra}))


class _Checker:
    """Collects every problem of one document, each with its line."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        field = ".".join(str(p) for p in path)
        self.problems.append(Problem(self.doc.file, self.doc.line(path), field, message))


def _text(value: Any) -> bool:
    return isinstance(value, str) and "\x00" not in value and value.isprintable() and len(value) <= 200


def load_spec(path: Path, register: Register) -> ExtractSpec:
    """Read and validate an extract spec; every problem at once, as `ExtractSpecError` (exit 2)."""
    display = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError as error:
        raise InvalidInput("spécification", display[:200], "fichier introuvable") from error
    if size > MAX_SPEC_BYTES:
        raise InvalidInput("spécification", display[:200], f"fichier de plus de {MAX_SPEC_BYTES // 1024} Kio")
    problems: list[Problem] = []
    doc = read_document(path, display, problems)
    if doc is None or problems:
        raise ExtractSpecError(problems)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:  # read_document reported it already; kept for mypy's sake
        raise ExtractSpecError([Problem(display, None, "", "encodage UTF-8 attendu")]) from error
    if "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise ExtractSpecError([Problem(display, None, "", "caractère nul ou invalide dans le fichier")])
    return parse_spec(doc, register)


def parse_spec(doc: Document, register: Register) -> ExtractSpec:
    """Validate a parsed spec against the register."""
    check = _Checker(doc)
    data = doc.data
    if not isinstance(data, dict):
        check.add((), "une table (clé : valeur) est attendue")
        raise ExtractSpecError(check.problems)
    for key in data:
        if key not in _KNOWN_KEYS:
            check.add((str(key),), f"clé inconnue (clés permises : {', '.join(sorted(_KNOWN_KEYS))})")
    processings = register.processings
    processing = data.get("processing")
    found = None
    if processing is None:
        check.add(("processing",), "traitement manquant")
    elif not isinstance(processing, str) or processing not in processings:
        check.add(("processing",), f"traitement inconnu du registre : « {str(processing)[:64]} »")
    else:
        found = processings[processing]
        if not found.pseudonymised_statistics:
            check.add(
                ("processing",),
                f"le traitement « {processing} » ne prévoit pas de statistiques sur données pseudonymisées",
            )
    study = data.get("study")
    if study is not None and not (isinstance(study, str) and _STUDY.fullmatch(study)):
        check.add(("study",), "identifiant d'étude de 1 à 64 lettres, chiffres, points, tirets ou soulignés")
    kind_text = data.get("subjects")
    kind: SubjectKind | None = None
    if not isinstance(kind_text, str) or kind_text not in SubjectKind._value2member_map_:
        check.add(("subjects",), f"type de personne inconnu : « {str(kind_text)[:40]} »")
    else:
        kind = SubjectKind(kind_text)
        if found is not None and kind not in found.subjects:
            check.add(("subjects",), f"le traitement « {found.id} » ne concerne pas les « {kind.value} »")
    categories = data.get("categories")
    cats: list[str] = []
    if not isinstance(categories, list) or not categories:
        check.add(("categories",), "liste non vide de catégories attendue")
    else:
        for i, category in enumerate(categories):
            if not isinstance(category, str) or category not in Category._value2member_map_:
                check.add(("categories", i), f"catégorie inconnue : « {str(category)[:40]} »")
            elif category in (Category.NIR, Category.CONTACT, Category.BANKING, Category.SIRET):
                check.add(("categories", i), f"catégorie d'identifiants directs, jamais extraite : « {category} »")
            else:
                cats.append(category)
        if found is not None and kind is not None:
            used = {c.value for c in found.categories(kind)}
            for i, category in enumerate(categories):
                if isinstance(category, str) and category in cats and category not in used:
                    check.add(
                        ("categories", i), f"le traitement « {found.id} » n'utilise pas la catégorie « {category} »"
                    )
    reference = data.get("reference_date")
    if reference is not None and (not isinstance(reference, date) or reference.year < 1900):
        check.add(("reference_date",), "date AAAA-MM-JJ attendue")
    fields = _fields(check, data.get("fields"))
    names = {f.name for f in fields}
    raw_fields = data.get("fields")
    declared = {i.get("name") for i in raw_fields if isinstance(i, dict)} if isinstance(raw_fields, list) else set()
    qis_raw = data.get("quasi_identifiers")
    qis: list[str] = []
    if not isinstance(qis_raw, list) or not qis_raw:
        check.add(("quasi_identifiers",), "liste non vide de champs attendue")
    else:
        for i, q in enumerate(qis_raw):
            if not isinstance(q, str) or q not in declared:
                check.add(("quasi_identifiers", i), f"champ inconnu de l'extraction : « {str(q)[:40]} »")
            elif q not in names:
                continue  # its field is invalid, and reported
            elif any(f.name == q and f.source == "pseudonym" for f in fields):
                check.add(("quasi_identifiers", i), "le pseudonyme ne peut pas être un quasi-identifiant")
            else:
                qis.append(q)
    k = data.get("k", 5)
    if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= 1_000_000:
        check.add(("k",), "entier de 2 à 1 000 000 attendu")
    budget = data.get("max_suppression", 0.01)
    if isinstance(budget, bool) or not isinstance(budget, int | float) or not 0 <= budget <= 0.5:
        check.add(("max_suppression",), "part de lignes supprimables, de 0 à 0,5")
    drop_raw = data.get("drop", [])
    drop: list[str] = []
    if not isinstance(drop_raw, list):
        check.add(("drop",), "liste de noms attendue")
    else:
        for i, name in enumerate(drop_raw):
            if not _text(name):
                check.add(("drop", i), "nom attendu")
            elif name in names:
                check.add(("drop", i), f"« {name} » est à la fois un champ et une donnée écartée")
            else:
                drop.append(name)
    if found is not None and kind is not None:
        used = {c.value for c in found.categories(kind)}
        for i, f in enumerate(fields):
            needs = {Category.NIR.value} if f.source == "pseudonym" else set()
            if f.source in IDENTITY_SOURCES:
                needs.add(Category.IDENTIFICATION.value)
            lacking = sorted(needs - used)
            if lacking:
                check.add(
                    ("fields", i, "source"),
                    f"« {f.source} » lit la catégorie « {', '.join(lacking)} », que le traitement « {found.id} » "
                    f"n'utilise pas pour les « {kind.value} »",
                )
    if check.problems or found is None or kind is None:
        raise ExtractSpecError(sorted(check.problems, key=lambda p: p.line or 0))
    return ExtractSpec(
        doc.file, found.id, study, kind, tuple(cats), reference, tuple(fields), tuple(qis), int(k),
        float(budget), tuple(drop),
    )  # fmt: skip


def _fields(check: _Checker, raw: Any) -> list[Field]:
    if not isinstance(raw, list) or not raw:
        check.add(("fields",), "liste non vide de champs attendue")
        return []
    if len(raw) > MAX_FIELDS:
        check.add(("fields",), f"au plus {MAX_FIELDS} champs")
        return []
    out: list[Field] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where: tuple[str | int, ...] = ("fields", i)
        if not isinstance(item, dict):
            check.add(where, "table attendue (name, source, generalise)")
            continue
        for key in item:
            if key not in _FIELD_KEYS:
                check.add((*where, str(key)), "clé inconnue (clés permises : generalise, name, source)")
        name, source = item.get("name"), item.get("source")
        ok = True
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            check.add((*where, "name"), "nom de colonne : minuscules, chiffres et soulignés, 40 au plus")
            ok = False
        elif name in seen:
            check.add((*where, "name"), f"champ en double : « {name} »")
            ok = False
        if not isinstance(source, str):
            check.add((*where, "source"), f"source attendue ({', '.join(SOURCES)}, payload.<nom>)")
            ok = False
        elif source.startswith("payload."):
            key = source.removeprefix("payload.")
            if not _PAYLOAD_KEY.fullmatch(key):
                check.add((*where, "source"), "payload.<nom> : nom de 1 à 40 lettres, chiffres ou soulignés")
                ok = False
            elif is_direct_identifier(key):
                check.add((*where, "source"), f"identifiant direct, jamais extrait : « {key} »")
                ok = False
        elif source not in SOURCES:
            why = "identifiant direct, jamais extrait" if is_direct_identifier(source) else "source inconnue"
            check.add((*where, "source"), f"{why} : « {source[:40]} » (sources : {', '.join(SOURCES)}, payload.<nom>)")
            ok = False
        generalisation: Rule | None = None
        if "generalise" in item:
            try:
                generalisation = rule(item["generalise"])
            except InvalidInput as error:
                check.add((*where, "generalise"), f"{error.reason} (« {error.value} »)")
                ok = False
        if ok and isinstance(name, str) and isinstance(source, str):
            if source == "pseudonym" and generalisation is not None:
                check.add((*where, "generalise"), "le pseudonyme ne se généralise pas")
                continue
            seen.add(name)
            out.append(Field(name, source, generalisation))
    return out
