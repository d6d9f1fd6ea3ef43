"""Keyed digests and the pseudonymisation strategies built on them, registered by name, each declaring the keys
it needs (DESIGN.md convention 8).

Digests are always keyed (never a plain hash, which anyone could recompute from a NIR): HMAC-SHA-256, the
successor of the national health data system's keyed SHA-1, or keyed BLAKE2b, as strong and about three times
faster in CPython (the default). A strategy never receives a key it did not declare.

    source   first pass, at the extracting organisation: person -> source digest          needs: source
    central  second pass, at the statistics platform: source digest -> national pseudonym  needs: central
    double   both passes in one place (tests, a single-operator deployment)                needs: source, central
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from vigie.errors import ConfigurationError, InvalidInput
from vigie.pseudo.keys import ROLE_LABELS, KeyRole, PseudoKey

DIGEST_BYTES = 32
PERSON = b"vigie-pseudo"  # BLAKE2b personalisation: these digests are vigie's pseudonyms and nothing else
Digest = Callable[[bytes, Sequence[bytes]], list[bytes]]


def hmac_sha256(key: bytes, messages: Sequence[bytes]) -> list[bytes]:
    """HMAC-SHA-256 of each message (OpenSSL's one-shot HMAC)."""
    one = hmac.digest
    return [one(key, message, "sha256") for message in messages]


def blake2b(key: bytes, messages: Sequence[bytes]) -> list[bytes]:
    """Keyed BLAKE2b-256 of each message; the key block is absorbed once and the state copied per message."""
    base = hashlib.blake2b(key=key, digest_size=DIGEST_BYTES, person=PERSON)
    out: list[bytes] = []
    add = out.append
    for message in messages:
        state = base.copy()
        state.update(message)
        add(state.digest())
    return out


ALGORITHMS: dict[str, Digest] = {"blake2b": blake2b, "hmac-sha256": hmac_sha256}
DEFAULT_ALGORITHM = "blake2b"


def algorithm(name: str) -> Digest:
    found = ALGORITHMS.get(name)
    if found is None:
        raise InvalidInput("algorithme", name[:40], f"algorithmes connus : {', '.join(sorted(ALGORITHMS))}")
    return found


# Domain separation: a first-pass digest can never be mistaken for a second-pass input of another kind.
CENTRAL_TAG = b"vigie/central/v1|"


@dataclass(frozen=True)
class Strategy:
    """A named pseudonymisation step and the key roles it needs."""

    name: str
    label: str
    secrets: tuple[KeyRole, ...]
    run: Callable[[Digest, Mapping[KeyRole, PseudoKey], Sequence[bytes]], list[bytes]]

    def apply(
        self, keys: Mapping[KeyRole, PseudoKey], messages: Sequence[bytes], algorithm_name: str = DEFAULT_ALGORITHM
    ) -> list[bytes]:
        """Run the step with exactly the keys it declared."""
        return self.run(algorithm(algorithm_name), self.granted(keys), messages)

    def granted(self, keys: Mapping[KeyRole, PseudoKey]) -> dict[KeyRole, PseudoKey]:
        """Exactly the keys the step declared; a missing one is a configuration error."""
        for role in self.secrets:
            if role not in keys:
                raise ConfigurationError(f"stratégie « {self.name} » : {ROLE_LABELS[role]} manquante")
        return {role: keys[role] for role in self.secrets}


def _source(digest: Digest, keys: Mapping[KeyRole, PseudoKey], messages: Sequence[bytes]) -> list[bytes]:
    return digest(keys[KeyRole.SOURCE].secret, messages)


def _central(digest: Digest, keys: Mapping[KeyRole, PseudoKey], digests: Sequence[bytes]) -> list[bytes]:
    tag = CENTRAL_TAG
    return digest(keys[KeyRole.CENTRAL].secret, [tag + d for d in digests])


def _double(digest: Digest, keys: Mapping[KeyRole, PseudoKey], messages: Sequence[bytes]) -> list[bytes]:
    return _central(digest, keys, _source(digest, keys, messages))


_REGISTRY: dict[str, Strategy] = {}


def register(item: Strategy) -> Strategy:
    """Make a strategy available by its name (once)."""
    if item.name in _REGISTRY:
        raise ValueError(f"stratégie déjà enregistrée : {item.name}")
    _REGISTRY[item.name] = item
    return item


def strategy(name: str) -> Strategy:
    """The strategy registered as `name`, or bad input naming the known ones."""
    found = _REGISTRY.get(name)
    if found is None:
        raise InvalidInput("stratégie", name[:40], f"stratégies connues : {', '.join(sorted(_REGISTRY))}")
    return found


def strategy_names() -> list[str]:
    return sorted(_REGISTRY)


SOURCE = register(Strategy("source", "premier passage, à la source", (KeyRole.SOURCE,), _source))
CENTRAL = register(Strategy("central", "second passage, sur la plateforme", (KeyRole.CENTRAL,), _central))
DOUBLE = register(Strategy("double", "les deux passages", (KeyRole.SOURCE, KeyRole.CENTRAL), _double))
