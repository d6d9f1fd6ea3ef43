"""Signed notes and checkpoints byte for byte as C2SP and Go's sumdb/note write them (published vectors)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vigie.audit.notes import EM_DASH, TreeHead, VerifierKey, key_id, open_note, sign
from vigie.errors import InvalidInput

# The example of golang.org/x/mod/sumdb/note's package documentation: a signer key, its verifier key, and the
# note it signs. Ed25519 is deterministic, so signing the text again must give the published note exactly.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = (
    GO_TEXT + "\n" + EM_DASH + " PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# The example of the signed-note specification (c2sp.org/signed-note).
SPEC_VERIFIER = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n" + EM_DASH + " example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

# The example of the tlog-checkpoint specification (c2sp.org/tlog-checkpoint).
SPEC_CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def go_signer() -> Ed25519PrivateKey:
    encoded = GO_SIGNER.split("+", 4)[4]  # the base64 itself may hold a "+"
    raw = base64.b64decode(encoded)
    assert raw[0] == 1
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_the_key_id_and_verifier_key_are_the_ones_go_derives() -> None:
    private = go_signer()
    key = VerifierKey("PeterNeumann", private.public_key())
    assert key.id.hex() == "c74f20a3" == key_id("PeterNeumann", private.public_key()).hex()
    assert key.text() == GO_VERIFIER
    assert VerifierKey.parse(GO_VERIFIER).text() == GO_VERIFIER


def test_signing_reproduces_the_published_go_note_byte_for_byte() -> None:
    assert sign(GO_TEXT, "PeterNeumann", go_signer()) == GO_NOTE


def test_the_published_notes_open_with_their_verifier_keys() -> None:
    assert open_note(GO_NOTE, VerifierKey.parse(GO_VERIFIER)) == GO_TEXT
    assert open_note(SPEC_NOTE, VerifierKey.parse(SPEC_VERIFIER)) == "This is an example message.\n"


def test_a_note_with_one_changed_byte_is_refused() -> None:
    forged = GO_NOTE.replace("cryptography", "cryptographY")
    with pytest.raises(InvalidInput, match="signature de « PeterNeumann » invalide"):
        open_note(forged, VerifierKey.parse(GO_VERIFIER))


def test_signatures_by_other_keys_are_ignored_but_one_is_needed() -> None:
    other = Ed25519PrivateKey.generate()
    cosigned = GO_NOTE + sign(GO_TEXT, "witness.example/w1", other).rsplit("\n", 2)[-2] + "\n"
    assert open_note(cosigned, VerifierKey.parse(GO_VERIFIER)) == GO_TEXT
    with pytest.raises(InvalidInput, match=r"aucune signature de la clé « example\.com/foo »"):
        open_note(GO_NOTE, VerifierKey.parse(SPEC_VERIFIER))


@pytest.mark.parametrize(
    "text",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # id that the key does not give
        "PeterNeumann+c74f20a3+AhpcZBwUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # type 0x02, not Ed25519
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  # short key
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space in the name
        "",
    ],
)
def test_a_mangled_verifier_key_is_refused_in_french(text: str) -> None:
    with pytest.raises(InvalidInput, match="clé de vérification"):
        VerifierKey.parse(text)


def test_the_spec_checkpoint_text_parses_and_prints_back_identically() -> None:
    head = TreeHead.parse(SPEC_CHECKPOINT)
    assert (head.origin, head.size, len(head.root)) == ("example.com/behind-the-sofa", 20852163, 32)
    assert head.text() == SPEC_CHECKPOINT


@pytest.mark.parametrize(
    "text",
    [
        "o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2\n",  # not 32 bytes
        "\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
        "o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension\n",  # vigie writes no extension lines
    ],
)
def test_a_malformed_checkpoint_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="point de contrôle"):
        TreeHead.parse(text)
