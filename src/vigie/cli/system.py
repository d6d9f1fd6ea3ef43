"""French messages for operating-system errors and the database drivers' own English messages."""

from __future__ import annotations

import errno

_ERRNO: dict[int, str] = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier, un fichier est attendu",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota disque dépassé",
    errno.EEXIST: "le fichier existe déjà",
    errno.ELOOP: "trop de liens symboliques dans le chemin",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai de connexion dépassé",
    errno.EHOSTUNREACH: "machine injoignable",
    errno.ENETUNREACH: "réseau injoignable",
    errno.EADDRINUSE: "adresse déjà utilisée",
    errno.EADDRNOTAVAIL: "adresse non disponible sur cette machine",
}

# The drivers' messages that reach users through StorageError, with their French wording.
_DRIVER: tuple[tuple[str, str], ...] = (
    ("unable to open database file", "impossible d'ouvrir le fichier de la base"),
    ("attempt to write a readonly database", "base en lecture seule"),
    ("readonly database", "base en lecture seule"),
    ("database is locked", "base verrouillée par un autre programme"),
    ("file is not a database", "ce fichier n'est pas une base SQLite"),
    ("database disk image is malformed", "fichier de base endommagé"),
    ("disk I/O error", "erreur d'entrée-sortie du disque"),
    ("database or disk is full", "disque plein"),
    ("Connection refused", "connexion refusée"),
    ("connection refused", "connexion refusée"),
    ("password authentication failed", "authentification refusée par le serveur"),
    ("does not exist", "n'existe pas sur le serveur"),
    ("timeout expired", "délai de connexion dépassé"),
    ("could not translate host name", "nom de machine inconnu"),
)


def french_os_error(error: OSError) -> str:
    """« permission refusée : /var/vigie/master.key »: what failed and on which path."""
    reason = _ERRNO.get(error.errno or -1) or "erreur du système"
    if error.errno is not None and error.errno not in _ERRNO:
        reason += f" (errno {error.errno})"
    paths = [str(p) for p in (error.filename, error.filename2) if p is not None]
    return f"{reason} : {' → '.join(paths)}" if paths else reason


def french_driver_message(message: str) -> str:
    """Replace a database driver's English explanation by its French wording when it is a known one."""
    for english, french in _DRIVER:
        if english in message:
            head = message.split(":", 1)[0].rstrip() if ":" in message else message
            return f"{head} : {french}" if head != message else french
    return message
