"""Keys stay outside the database and private; ciphertexts are bound to their row."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vigie.crypto import (
    DecryptionError,
    Keyring,
    blind_index,
    create_key_file,
    load_key_file,
    new_data_key,
    open_many,
    open_sealed,
    record_binding,
    seal,
    unwrap_data_key,
    wrap_data_key,
)
from vigie.errors import ConfigurationError


def test_key_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    keyring = create_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key_file(path) == keyring


def test_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    first = create_key_file(path)
    with pytest.raises(ConfigurationError, match="existe déjà"):
        create_key_file(path)
    assert load_key_file(path) == first


def test_world_readable_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_key_file(path)


def test_missing_key_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="vigie init"):
        load_key_file(tmp_path / "absent.key")


def test_malformed_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text("{not json", encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(ConfigurationError, match="illisible"):
        load_key_file(path)


def test_payload_moved_to_another_row_does_not_open(keyring: Keyring) -> None:
    key = os.urandom(32)
    sealed = seal(key, b'{"acte": "YYYY010"}', record_binding(1, 10, "health.care"))
    assert open_sealed(key, sealed, record_binding(1, 10, "health.care")) == b'{"acte": "YYYY010"}'
    for other in (
        record_binding(2, 10, "health.care"),
        record_binding(1, 11, "health.care"),
        record_binding(1, 10, "contact"),
    ):
        with pytest.raises(DecryptionError):
            open_sealed(key, sealed, other)


def test_tampered_ciphertext_does_not_open() -> None:
    key = os.urandom(32)
    sealed = bytearray(seal(key, b"secret", b"ctx"))
    sealed[-1] ^= 1
    with pytest.raises(DecryptionError):
        open_sealed(key, bytes(sealed), b"ctx")


def test_data_key_is_bound_to_its_subject(keyring: Keyring) -> None:
    wrapped = wrap_data_key(keyring, 7, b"k" * 32)
    assert unwrap_data_key(keyring, 7, wrapped) == b"k" * 32
    with pytest.raises(DecryptionError):
        unwrap_data_key(keyring, 8, wrapped)
    with pytest.raises(DecryptionError, match="détruite"):
        unwrap_data_key(keyring, 7, None)


def test_blind_index_is_keyed_and_stable(keyring: Keyring) -> None:
    assert blind_index(keyring, "nir", "1") == blind_index(keyring, "nir", "1")
    assert blind_index(keyring, "nir", "1") != blind_index(Keyring.generate(), "nir", "1")
    assert blind_index(keyring, "nir", "1") != blind_index(keyring, "siret", "1")


def test_opening_many_payloads_under_one_key_gives_what_opening_each_gives_and_refuses_a_moved_one() -> None:
    key = new_data_key()
    bindings = [record_binding(7, i, "rights") for i in range(3)]
    sealed = [seal(key, f"payload {i}".encode(), bindings[i]) for i in range(3)]
    assert open_many(key, list(zip(sealed, bindings, strict=True))) == [
        open_sealed(key, s, b) for s, b in zip(sealed, bindings, strict=True)
    ]
    with pytest.raises(DecryptionError):
        open_many(key, [(sealed[0], bindings[0]), (sealed[1], bindings[2])])
