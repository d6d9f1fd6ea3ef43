"""The exception tree of vigie; only `web/` and `cli` turn these into HTTP statuses and exit codes.

    VigieError                      root: every error vigie raises on purpose
    ├── ConfigurationError          settings or key files unusable (missing, unsafe, malformed)
    ├── RegisterError               the register directory does not load; carries every `Problem`
    │   └── ExtractSpecError        an extract spec (YAML) does not validate; carries every `Problem`
    ├── InvalidInput                a value given by a user is malformed (field, value, reason)
    │   ├── InvalidIdentifier       a NIR or SIRET fails its checks (length, format, key)
    │   ├── WeakPassword            a new password breaks the password rules (every problem, in French)
    │   └── InvalidForm             a web form's fields are wrong (field -> French messages)
    ├── NotFound                    a named thing does not exist (what, key)
    ├── PopulationExists            a demo seed into a database that already holds people (count)
    ├── DecryptionError             a ciphertext does not open: wrong key or binding, tampered, shredded
    ├── TamperedJournal             the audit journal fails verification (reason)
    ├── AccessRefused               the gate said no (reason, journal entry)
    ├── SignInRefused               a web sign-in or sign-up refused (reason; retry_after when throttled)
    └── StorageError                the database cannot be reached or migrated
        ├── JournalError            the audit journal cannot be written or read
        └── SweepInProgress         another process holds the retention sweep's lock

Every exception class vigie defines is here, so that the surfaces map the whole tree and nothing else (a test
checks it). Errors carry their fields so that callers can render them in French without parsing messages.
"""

from __future__ import annotations

from dataclasses import dataclass


class VigieError(Exception):
    """Root of every error vigie raises on purpose; its message is French and shown to users."""


class ConfigurationError(VigieError):
    """Settings or key material are missing or unsafe."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a register directory, located precisely enough to fix it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RegisterError(VigieError):
    """The register does not load; every problem found is listed, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        noun = "problème" if count == 1 else "problèmes"
        super().__init__(f"le registre contient {count} {noun}")


class ExtractSpecError(RegisterError):
    """An extract spec does not validate; every problem is listed with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        count = len(problems)
        noun = "problème" if count == 1 else "problèmes"
        self.args = (f"la spécification d'extraction contient {count} {noun} : rien n'a été écrit",)


class InvalidInput(VigieError):
    """A value given by a user is malformed. `value` is what messages quote (cut short, printable); `typed`, when
    set, is the value exactly as given, which is never shown and only traced as a length and a keyed hash."""

    def __init__(self, field: str, value: str, reason: str, *, typed: str | None = None) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.typed = typed
        quoted = f" « {value} »" if value else ""  # nothing given, nothing quoted (no empty « »)
        super().__init__(f"{field}{quoted} invalide : {reason}")


class InvalidIdentifier(InvalidInput):
    """A NIR or SIRET fails its structural checks."""


class WeakPassword(InvalidInput):
    """A new password breaks the password rules; `problems` lists each rule broken, in French."""

    def __init__(self, field: str, problems: tuple[str, ...]) -> None:
        self.problems = problems
        super().__init__(field, "…", " ".join(problems) or "mot de passe refusé")


class InvalidForm(InvalidInput):
    """A form with one or more wrong fields; `fields` maps each field's name to its French messages, so that
    a page shows each next to its field."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields
        first = next(iter(fields.items()), ("formulaire", ["formulaire invalide"]))
        super().__init__(first[0], "…", " ".join(first[1]))


class SignInRefused(VigieError):
    """A sign-in (or sign-up) refused; the reason says no more than the person may know. `retry_after` is set
    when the account or the address must wait, `locked` when the account is locked."""

    def __init__(self, reason: str, *, retry_after: int | None = None, locked: bool = False) -> None:
        self.reason = reason
        self.retry_after = retry_after
        self.locked = locked
        super().__init__(reason)


class NotFound(VigieError):
    """A named thing (processing, subject, agent, organisation) does not exist."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} introuvable : « {key} »")


class AccessRefused(VigieError):
    """The gate refused a use of personal data; the refusal is already in the journal."""

    def __init__(self, reason: str, entry: int) -> None:
        self.reason = reason
        self.entry = entry
        super().__init__(f"accès refusé : {reason} (entrée {entry} du journal)")


class StorageError(VigieError):
    """The database cannot be reached, created or migrated."""


class PopulationExists(VigieError):
    """The database already holds subjects: seeding again would mix two populations."""

    def __init__(self, count: int) -> None:
        self.count = count
        people = f"{count:,}".replace(",", "\u202f")
        super().__init__(
            f"la base contient déjà une population ({people} personnes) : rien n'a été écrit. "
            "Utilisez une base vide (option --database) pour créer une nouvelle population."
        )


class DecryptionError(VigieError):
    """A ciphertext does not open: wrong key, wrong binding, tampered or shredded."""


class JournalError(StorageError):
    """The journal could not record an entry: the caller must not go on as if it had been traced."""


class SweepInProgress(StorageError):
    """Another process is sweeping (it holds the lock in the database): this one destroys nothing."""

    def __init__(self) -> None:
        super().__init__("un balayage de conservation est déjà en cours dans un autre processus : rien n'a été fait")


class TamperedJournal(VigieError):
    """The journal does not verify, so it is neither extended by a checkpoint nor purged."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"journal d'audit altéré : {reason}")
