"""Keys, envelope encryption, blind indexes and signatures.

Key hierarchy: a master key file (outside the database, 0600) holds the key-encryption key, the blind-index
key and the signing key. Each subject has its own data key, wrapped by the key-encryption key; each payload is
sealed with AES-GCM and associated data binding it to its subject, record and category, so that a ciphertext
moved to another row fails to open. Destroying a subject's wrapped key makes all its payloads unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vigie.errors import ConfigurationError, DecryptionError

NONCE_BYTES = 12
KEY_FILE_VERSION = 1


@dataclass(frozen=True)
class Keyring:
    """The secrets loaded from the key file; never stored in the database."""

    key_encryption: bytes
    blind_index: bytes
    signing_seed: bytes

    @classmethod
    def generate(cls) -> Keyring:
        """Fresh random keys."""
        return cls(secrets.token_bytes(32), secrets.token_bytes(32), secrets.token_bytes(32))

    def signing_key(self) -> Ed25519PrivateKey:
        """The Ed25519 key that signs audit checkpoints."""
        return Ed25519PrivateKey.from_private_bytes(self.signing_seed)

    def to_json(self) -> str:
        fields = {
            "version": KEY_FILE_VERSION,
            "key_encryption": base64.b64encode(self.key_encryption).decode(),
            "blind_index": base64.b64encode(self.blind_index).decode(),
            "signing": base64.b64encode(self.signing_seed).decode(),
        }
        return json.dumps(fields, indent=2)


def create_key_file(path: Path) -> Keyring:
    """Write a new key file readable by its owner only; refuse to overwrite an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keyring = Keyring.generate()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise ConfigurationError(f"le fichier de clés {path} existe déjà : il n'est pas remplacé") from error
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json())
    return keyring


def load_key_file(path: Path) -> Keyring:
    """Read the key file, refusing one that others may read or that is malformed."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as error:
        raise ConfigurationError(f"fichier de clés absent : {path} (créez-le avec « vigie init »)") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"fichier de clés {path} lisible par d'autres utilisateurs (droits {stat.S_IMODE(mode):o}) : "
            "restreignez-le avec « chmod 600 »"
        )
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return Keyring(
            key_encryption=base64.b64decode(fields["key_encryption"]),
            blind_index=base64.b64decode(fields["blind_index"]),
            signing_seed=base64.b64decode(fields["signing"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigurationError(f"fichier de clés {path} illisible ou incomplet") from error


def ensure_key_file(path: Path) -> Keyring:
    """Load the key file, creating it first when it does not exist (demo and first start)."""
    if not path.exists():
        return create_key_file(path)
    return load_key_file(path)


def _subject_binding(subject_id: int) -> bytes:
    return b"vigie/dek/v1|" + str(subject_id).encode()


def record_binding(subject_id: int, record_id: int, category: str) -> bytes:
    """Associated data that ties a record's ciphertext to its row."""
    return f"vigie/record/v1|{subject_id}|{record_id}|{category}".encode()


def identity_binding(subject_id: int) -> bytes:
    """Associated data that ties a subject's identity ciphertext to its row."""
    return f"vigie/identity/v1|{subject_id}".encode()


def seal(key: bytes, plaintext: bytes, binding: bytes) -> bytes:
    """AES-GCM encrypt with a random nonce; the nonce is stored in front of the ciphertext."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, binding)


def open_sealed(key: bytes, sealed: bytes, binding: bytes) -> bytes:
    """Decrypt what `seal` produced; any mismatch of key, binding or bytes raises DecryptionError."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], binding)
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("donnée chiffrée illisible (clé détruite, altérée ou déplacée)") from error


def open_many(key: bytes, items: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
    """`open_sealed` for several (sealed, binding) pairs under one key: one AES-GCM key schedule for all."""
    cipher = AESGCM(key)
    try:
        return [cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], binding) for sealed, binding in items]
    except (InvalidTag, ValueError) as error:
        raise DecryptionError("donnée chiffrée illisible (clé détruite, altérée ou déplacée)") from error


def seal_many(
    keys: Sequence[bytes], owners: Sequence[int], bindings: Sequence[bytes], texts: Sequence[bytes]
) -> list[bytes]:
    """`seal` for a batch, byte for byte the same format: `texts[i]` under `keys[owners[i]]` and `bindings[i]`.

    Faster for bulk work only: one AES-GCM key schedule per key instead of per payload, nonces read at once.
    """
    ciphers = [AESGCM(key) for key in keys]
    nonces = os.urandom(NONCE_BYTES * len(texts))
    sealed = []
    for offset, (owner, binding, text) in enumerate(zip(owners, bindings, texts, strict=True)):
        nonce = nonces[offset * NONCE_BYTES : (offset + 1) * NONCE_BYTES]
        sealed.append(nonce + ciphers[owner].encrypt(nonce, text, binding))
    return sealed


def new_data_key() -> bytes:
    """A fresh 256-bit data key for one subject."""
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(keyring: Keyring, subject_id: int, data_key: bytes) -> bytes:
    """Seal a subject's data key under the key-encryption key, bound to the subject."""
    return seal(keyring.key_encryption, data_key, _subject_binding(subject_id))


def unwrap_data_key(keyring: Keyring, subject_id: int, wrapped: bytes | None) -> bytes:
    """Recover a subject's data key; a shredded (absent) key is reported as such."""
    if wrapped is None:
        raise DecryptionError("clé de la personne détruite : ses données sont illisibles")
    return open_sealed(keyring.key_encryption, wrapped, _subject_binding(subject_id))


def blind_index(keyring: Keyring, kind: str, value: str) -> bytes:
    """Keyed HMAC of a normalised identifier, so that look-ups never need the plaintext."""
    return hmac.digest(keyring.blind_index, f"{kind}|{value}".encode(), "sha256")  # one-shot: OpenSSL's fast path


def derived_key(keyring: Keyring, purpose: str) -> bytes:
    """A 256-bit key for one `purpose` (CSRF tokens, visitor pseudonyms), derived from the key-encryption key so
    that no new secret has to be kept, yet a key leaked from one purpose opens nothing of another (HMAC as PRF,
    domain-separated by the purpose)."""
    return hmac.new(keyring.key_encryption, f"vigie/derive/v1|{purpose}".encode(), hashlib.sha256).digest()
