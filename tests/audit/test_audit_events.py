"""Audit events: validated at construction, pseudonymous, and encoded canonically (byte-exact JSON)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from vigie.audit import AuditAction, AuditEvent, subject_pseudonym
from vigie.audit.chain import Entry
from vigie.audit.events import categories_text, encode, parse_timestamp, timestamp_text
from vigie.crypto import Keyring
from vigie.errors import InvalidInput

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
EventFactory = Callable[..., AuditEvent]

ALPHABET = "aé\"\\\n\t\x01\u2028€𝄞 <>&'/zZ0"


def reference_canonical(seq: int, event: AuditEvent) -> bytes:
    """The canonical form as the documentation states it, written with the standard library."""
    fields = {
        "action": event.action.value,
        "agent_id": event.agent_id,
        "allowed": event.allowed,
        "at": event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "categories": list(event.categories),
        "purpose": event.purpose,
        "reason": event.reason,
        "recipient": event.recipient,
        "seq": seq,
        "source": event.source,
        "subject_ref": event.subject_ref,
        "v": 1,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def fast_canonical(seq: int, event: AuditEvent) -> bytes:
    return encode(
        seq, timestamp_text(event.at), event.action.value, event.agent_id, event.subject_ref, event.purpose,
        categories_text(event.categories), event.allowed, event.reason, event.recipient, event.source,
    )  # fmt: skip


def test_canonical_encoding_equals_sorted_compact_ascii_json_for_random_events(keyring: Keyring) -> None:
    rng = random.Random(11)

    def word() -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 12)))

    def maybe() -> str | None:
        return None if rng.random() < 0.3 else word()

    for i in range(500):
        event = AuditEvent(
            action=rng.choice(list(AuditAction)),
            allowed=rng.random() < 0.5,
            reason=word(),
            at=T0 + timedelta(microseconds=rng.randrange(0, 10**12)) * rng.choice((1, -1)),
            agent_id=maybe(),
            subject_ref=subject_pseudonym(keyring, i) if rng.random() < 0.7 else None,
            purpose=maybe(),
            categories=tuple(word() for _ in range(rng.randrange(0, 4))),
            recipient=maybe(),
            source=maybe(),
        )
        seq = rng.randrange(1, 10**12)
        assert fast_canonical(seq, event) == reference_canonical(seq, event)


def test_timestamps_are_utc_with_microseconds_whatever_the_input_zone() -> None:
    paris = timezone(timedelta(hours=2))
    assert timestamp_text(datetime(2025, 6, 1, 12, 0, tzinfo=paris)) == "2025-06-01T10:00:00.000000Z"
    assert timestamp_text(datetime(2025, 6, 1, 12, 0, 0, 7, tzinfo=UTC)) == "2025-06-01T12:00:00.000007Z"
    assert parse_timestamp("2025-06-01T10:00:00.000000Z") == datetime(2025, 6, 1, 10, tzinfo=UTC)


def test_an_event_in_another_zone_is_stored_in_utc(make_event: EventFactory) -> None:
    event = make_event(at=datetime(2025, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))))
    assert event.at.tzinfo is UTC and event.at.hour == 10


def test_a_naive_datetime_is_refused(make_event: EventFactory) -> None:
    with pytest.raises(InvalidInput, match="fuseau horaire"):
        make_event(at=datetime(2025, 6, 1, 12, 0))


@pytest.mark.parametrize("value", ["Jean Dupont", "1 84 12 75 123 456 78", "184127512345678", "ABCDEF" * 6])
def test_a_subject_is_named_only_by_its_pseudonym(make_event: EventFactory, value: str) -> None:
    with pytest.raises(InvalidInput, match="pseudonyme"):
        make_event(subject_ref=value)


def test_the_subject_pseudonym_is_keyed_stable_and_short(keyring: Keyring) -> None:
    first = subject_pseudonym(keyring, 42)
    assert first == subject_pseudonym(keyring, 42)
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != subject_pseudonym(keyring, 43)
    assert first != subject_pseudonym(Keyring.generate(), 42)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("action", "peek", "action d'audit inconnue"),
        ("agent_id", "x" * 33, "agent_id"),
        ("reason", "nul\x00", "caractère nul"),
        ("categories", ("nir\x00",), "caractère nul"),
        ("source", 12, "texte attendu"),
        ("allowed", 1, "booléen attendu"),
        ("at", "2025-01-01", "date et heure attendues"),
    ],
)
def test_malformed_events_are_refused_before_reaching_the_writer(
    make_event: EventFactory, field: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        make_event(**{field: value})


def test_an_action_given_as_text_becomes_the_enum(make_event: EventFactory) -> None:
    assert make_event(action="login_failed").action is AuditAction.LOGIN_FAILED


def test_categories_text_is_canonical_json() -> None:
    assert categories_text(()) == "[]"
    assert categories_text(("nir", "santé")) == json.dumps(["nir", "santé"], separators=(",", ":"))


def _entry(**changes: object) -> Entry:
    values: dict[str, object] = {
        "seq": 1, "at": "2025-01-01T00:00:00.000000Z", "action": "read", "agent_id": None, "subject_ref": None,
        "purpose": None, "categories": "[]", "allowed": 1, "reason": "r", "recipient": None, "source": None,
        "prev_hash": bytes(32), "entry_hash": bytes(32),
    }  # fmt: skip
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"at": "2025-01-01 00:00:00"},
        {"categories": '[ "nir" ]'},
        {"categories": "pas du json"},
        {"allowed": 2},
        {"allowed": "1"},
        {"reason": 12},
    ],
)
def test_stored_values_the_journal_never_writes_have_no_canonical_form(changes: dict[str, object]) -> None:
    assert _entry().canonical() is not None
    assert _entry(**changes).canonical() is None


def test_canonical_encoding_is_rfc_8785_for_printable_ascii_and_differs_only_by_escapes_otherwise(
    keyring: Keyring,
) -> None:
    """What docs/audit.md states: byte-identical to RFC 8785 (an independent implementation) when every text
    is printable ASCII; otherwise the same JSON value, with every other character written as a \\u escape."""
    import rfc8785

    def jcs(seq: int, event: AuditEvent) -> bytes:
        return rfc8785.dumps(json.loads(reference_canonical(seq, event)))

    plain = AuditEvent(
        action=AuditAction.READ, allowed=True, reason="lecture - besoin d'en connaitre", at=T0, agent_id="dpo-1",
        subject_ref=subject_pseudonym(keyring, 7), purpose="gestion_des_droits", categories=("nir", "rights"),
    )  # fmt: skip
    assert fast_canonical(12, plain) == jcs(12, plain)
    accented = plain._replace(reason="refusé : « santé »\n", categories=("santé",))
    ours, theirs = fast_canonical(12, accented), jcs(12, accented)
    assert ours != theirs and json.loads(ours) == json.loads(theirs)
    assert b"\\u00e9" in ours and "é".encode() in theirs and b"\\n" in ours and b"\\n" in theirs
