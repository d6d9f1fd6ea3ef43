"""The agents' second factor: TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1 as authenticators expect),
with pyotp. The secret is sealed under the key-encryption key, bound to its account; a code is accepted one
step either side of now (clock drift), and only once: a step at or before the last one used is refused, so a
code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import hmac

import pyotp

from vigie.accounts.queries import AccountRow
from vigie.crypto import Keyring, open_sealed, seal
from vigie.errors import DecryptionError

ISSUER = "vigie"
STEP_SECONDS = 30
DRIFT_STEPS = 1


def _binding(account_id: int) -> bytes:
    return f"vigie/totp/v1|{account_id}".encode()


def new_secret(keyring: Keyring, account_id: int) -> tuple[str, bytes]:
    """A fresh base32 secret (160 bits) and its sealed form for the account."""
    secret = pyotp.random_base32(32)
    return secret, seal(keyring.key_encryption, secret.encode("ascii"), _binding(account_id))


def provisioning_uri(secret: str, agent_id: str) -> str:
    """The `otpauth://` URI an authenticator application reads (typed or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=agent_id, issuer_name=ISSUER)


def accepted_step(keyring: Keyring, account: AccountRow, code: str, now: int) -> int | None:
    """The time step `code` is valid for (within the drift, after the last step used), or None."""
    if account.totp_secret is None or not code:
        return None
    try:
        secret = open_sealed(keyring.key_encryption, account.totp_secret, _binding(account.id)).decode("ascii")
    except DecryptionError:
        return None
    generator = pyotp.TOTP(secret)
    current = now // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if account.totp_last_step is not None and step <= account.totp_last_step:
            continue
        if hmac.compare_digest(generator.at(step * STEP_SECONDS), code):
            return step
    return None


__all__ = ["accepted_step", "new_secret", "provisioning_uri"]
