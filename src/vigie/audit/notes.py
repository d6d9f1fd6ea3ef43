"""C2SP signed notes and tlog checkpoints: the journal's signed tree heads in the format outside tools read.

A signed note (c2sp.org/signed-note) is a UTF-8 text ending in a newline, a blank line, then signature lines
`— <key name> <base64(key id || signature)>`. For Ed25519 the key id is the first four bytes of
SHA-256(key name || 0x0A || 0x01 || public key). A checkpoint (c2sp.org/tlog-checkpoint) is a note whose text
is the origin, the tree size and the base64 RFC 6962 root, one per line. The verifier key is written as the Go
`sumdb/note` package writes it, `<name>+<key id in hex>+<base64(0x01 || public key)>`, so that Go's
`note.NewVerifier`, the witness network and any other implementation accept it as is.

Pure functions over text and keys: nothing here reads the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vigie.audit.signing import signature_valid
from vigie.errors import InvalidInput

ED25519 = b"\x01"
EM_DASH = "\u2014"
NAME_MAX = 255
NOTE_MAX = 16_384
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")
_B64_HASH = re.compile(r"[A-Za-z0-9+/]{43}=")


def valid_name(name: str) -> bool:
    """A key name (or origin) as the spec allows it: non-empty, no Unicode space, no '+', no control."""
    return (
        isinstance(name, str)
        and 0 < len(name) <= NAME_MAX
        and "+" not in name
        and not any(c.isspace() or ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in name)
    )


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || public key)[:4], as the signed-note spec defines it for Ed25519."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + _raw(public_key)).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    """Who signs: a key name and its Ed25519 public key."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def text(self) -> str:
        """`<name>+<key id hex>+<base64(0x01 || key)>`, the Go sumdb/note verifier-key form."""
        encoded = base64.b64encode(ED25519 + _raw(self.public_key)).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a verifier key; the id must be the one the name and the key give."""
        text = text.strip()
        name, _, rest = text.partition("+")
        hex_id, _, encoded = rest.partition("+")
        if not valid_name(name) or not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise InvalidInput("clé de vérification", text[:80], "forme attendue : nom+identifiant+clé")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 33 or raw[:1] != ED25519:
            raise InvalidInput("clé de vérification", text[:80], "clé Ed25519 (type 0x01, 32 octets) attendue")
        key = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if key.id.hex() != hex_id:
            raise InvalidInput("clé de vérification", text[:80], "l'identifiant ne correspond pas au nom et à la clé")
        return key


def sign(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note: `text` (ending in a newline), a blank line, one Ed25519 signature line."""
    if not text.endswith("\n") or not valid_name(name):
        raise InvalidInput("note", text[:80], "texte terminé par un saut de ligne et nom de clé valide attendus")
    body = text.encode()
    signature = key_id(name, private_key.public_key()) + private_key.sign(body)
    return f"{text}\n{EM_DASH} {name} {base64.b64encode(signature).decode()}\n"


def open_note(note: str, key: VerifierKey) -> str:
    """The text of `note` once a signature by `key` verifies on it; otherwise InvalidInput saying why.

    Signatures by other keys are ignored, as the spec requires; one by this key that fails rejects the note.
    """
    if len(note) > NOTE_MAX or any(ord(c) < 0x20 and c != "\n" for c in note) or not note.endswith("\n"):
        reason = "texte sans caractère de contrôle, terminé par un saut de ligne, d'au plus 16 384 caractères"
        raise InvalidInput("note signée", note[:80], reason)
    split = note.rfind("\n\n")
    if split < 0:
        raise InvalidInput("note signée", note[:80], "ligne vide avant les signatures absente")
    text, signatures = note[: split + 1], note[split + 2 :]
    verified = False
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != EM_DASH:
            raise InvalidInput("note signée", line[:80], "ligne de signature « — nom signature » attendue")
        _, name, encoded = parts
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise InvalidInput("note signée", line[:80], "signature en base64 attendue") from error
        if name != key.name or blob[:4] != key.id:
            continue
        if not signature_valid(key.public_key, blob[4:], text.encode()):
            raise InvalidInput("note signée", line[:80], f"signature de « {key.name} » invalide")
        verified = True
    if not verified:
        raise InvalidInput("note signée", note[:80], f"aucune signature de la clé « {key.name} »")
    return text


@dataclass(frozen=True)
class TreeHead:
    """A checkpoint's text: the log's origin, its size and its RFC 6962 root."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> TreeHead:
        """Read a checkpoint text (extension lines, which vigie never writes, are refused)."""
        lines = text.split("\n")
        if len(lines) != 4 or lines[3] != "":
            raise InvalidInput("point de contrôle", text[:80], "trois lignes attendues : origine, taille, racine")
        origin, size, root = lines[:3]
        if not origin or not _SIZE.fullmatch(size) or not _B64_HASH.fullmatch(root):
            raise InvalidInput("point de contrôle", text[:80], "origine, taille décimale et racine base64 attendues")
        return cls(origin, int(size), base64.b64decode(root))
