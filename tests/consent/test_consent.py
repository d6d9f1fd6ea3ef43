"""Cookie consent: the banner follows the register, every choice is proven before its cookie, choices expire."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select

from vigie.audit import AuditAction
from vigie.audit.testing import RecordingJournal
from vigie.clock import FixedClock
from vigie.consent import Action, ConsentService, ProofWriter, Screen, cookie_policy, parse_choice
from vigie.consent.export import ProofExport
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import consent_proofs

EnvFactory = Callable[..., Environment]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.fromisoformat("2026-11-28T10:00:00+01:00"))


@pytest.fixture
def service(make_env: EnvFactory, engine: Engine, clock: FixedClock) -> Iterator[ConsentService]:
    writer = ProofWriter(engine)
    yield ConsentService(make_env(engine, clock=clock, demo_agents=True), writer)
    writer.close()


def _proofs(engine: Engine) -> list[dict[str, object]]:
    with connect(engine) as connection:
        return [dict(row._mapping) for row in connection.execute(select(consent_proofs).order_by(consent_proofs.c.id))]


def test_the_banner_lists_the_registers_four_categories_and_every_cookie(register: Register) -> None:
    policy = cookie_policy(register)

    assert [c.id for c in policy.categories] == ["strictly_necessary", "audience", "campaigns", "interactivity"]
    assert sum(len(c.services) for c in policy.categories) == 13  # 5 necessary, 3 + 1 + 4 asked
    assert [c.id for c in policy.asked] == ["audience", "campaigns", "interactivity"]  # the necessary are not asked
    assert policy.duration.iso() == "P13M"
    assert "13 mois" in policy.banner_text


def test_the_version_changes_with_any_cookie_of_the_register(register: Register) -> None:
    processing = register.processings["cookies_interactivity"]
    assert processing.cookies is not None
    shorter = processing.cookies.items[0].model_copy(update={"purpose": "Autre finalité"})
    cookies = processing.cookies.model_copy(update={"items": (shorter, *processing.cookies.items[1:])})
    changed = dataclasses.replace(
        register,
        processings={**register.processings, processing.id: processing.model_copy(update={"cookies": cookies})},
    )

    assert cookie_policy(changed).version != cookie_policy(register).version
    assert cookie_policy(register).version == cookie_policy(register).version
    assert cookie_policy(register, declared_version="2026-12").version == "2026-12"


def test_a_form_choice_is_parsed_strictly(register: Register) -> None:
    policy = cookie_policy(register)
    every = {s.id for s in policy.services}

    assert parse_choice(policy, "tout_accepter").granted == every
    assert parse_choice(policy, "tout_refuser", ["audience"]).granted == frozenset()
    custom = parse_choice(policy, "personnaliser", ["audience"], ["vimeo"])
    assert custom.granted == {"atid", "atidx", "idrxvr", "vimeo"}
    for action, categories, services, field in [
        ("tout_prendre", [], [], "action"),
        ("personnaliser", ["strictly_necessary"], [], "catégorie"),  # not a choice to make
        ("personnaliser", [], ["Cookie-agreed"], "service"),
        ("personnaliser", [], ["vimeo\x00"], "service"),
        ("personnaliser", [], ["vimeo"] * 65, "service"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            parse_choice(policy, action, categories, services)
        assert bad.value.field == field


def test_a_choice_is_proven_before_its_cookie_is_given(service: ConsentService, engine: Engine) -> None:
    choice = parse_choice(service.policy, "personnaliser", [], ["vimeo"])

    recorded = service.record(None, choice, Screen.MANAGEMENT)

    (proof,) = _proofs(engine)
    stored = service.codec.decode(service.policy, recorded.cookie)
    assert stored is not None
    assert proof["recorded_at"] == "2026-11-28T09:00:00.000000Z"
    assert proof["policy_version"] == service.policy.version
    assert proof["banner_hash"] == service.policy.screen_hash("gestion") != service.policy.screen_hash("bandeau")
    assert (proof["action"], proof["granted"], proof["screen"]) == ("personnaliser", "vimeo", "gestion")
    assert "facebook" in str(proof["refused"]) and "vimeo" not in str(proof["refused"])
    assert proof["expires_on"] == date(2027, 12, 28) == recorded.expires_on
    assert proof["visitor"] == service.pseudonym(stored.visitor) and stored.visitor not in str(proof)
    assert recorded.state.allows("vimeo") and recorded.state.allows("interactivity")
    assert not recorded.state.allows("facebook") and not recorded.state.allows("audience")


def test_a_new_choice_of_the_same_browser_keeps_its_pseudonym(service: ConsentService, engine: Engine) -> None:
    first = service.record(None, parse_choice(service.policy, "tout_accepter"), Screen.BANNER)
    service.record(first.cookie, parse_choice(service.policy, "tout_refuser"), Screen.MANAGEMENT)
    service.record(None, parse_choice(service.policy, "tout_refuser"), Screen.BANNER)  # another browser

    visitors = [proof["visitor"] for proof in _proofs(engine)]
    assert visitors[0] == visitors[1] != visitors[2]


def test_a_refusal_is_remembered_like_an_acceptance(service: ConsentService) -> None:
    refused = service.record(None, parse_choice(service.policy, "tout_refuser"), Screen.BANNER)

    state = service.state(refused.cookie)
    assert not state.needs_banner and state.granted == frozenset()
    assert service.state(None).needs_banner


def test_the_banner_returns_after_thirteen_months(service: ConsentService, clock: FixedClock) -> None:
    recorded = service.record(None, parse_choice(service.policy, "tout_accepter"), Screen.BANNER)

    clock.set(datetime.fromisoformat("2027-12-27T23:00:00+01:00"))
    still = service.state(recorded.cookie)
    clock.set(datetime.fromisoformat("2027-12-28T00:00:01+01:00"))
    expired = service.state(recorded.cookie)

    assert not still.needs_banner and still.allows("atid")
    assert expired.needs_banner and not expired.allows("atid")
    assert recorded.max_age == (date(2027, 12, 28) - date(2026, 11, 28)).days * 86400


def test_the_banner_returns_when_the_policy_version_changes(service: ConsentService) -> None:
    recorded = service.record(None, parse_choice(service.policy, "tout_accepter"), Screen.BANNER)
    newer = ConsentService(
        service.env, service.writer, policy=cookie_policy(service.env.register, declared_version="v2")
    )

    state = newer.state(recorded.cookie)
    assert state.needs_banner and state.granted == frozenset()
    assert state.stored is not None  # the visitor is still recognised, for the next proof


def test_a_forged_or_altered_cookie_counts_as_no_choice(service: ConsentService) -> None:
    refused = service.record(None, parse_choice(service.policy, "tout_refuser"), Screen.BANNER)
    head, _mask, mac = refused.cookie.rsplit(".", 2)
    everything = f"{head}.ff.{mac}"  # granting every service without the key

    assert service.state(everything).needs_banner
    assert service.state("1.x.y.z.w.v").needs_banner
    assert service.state("é" * 50).needs_banner


def test_fifty_concurrent_choices_are_all_committed(service: ConsentService, engine: Engine) -> None:
    choice = parse_choice(service.policy, "tout_accepter")

    async def click_all() -> list[str]:
        done = await asyncio.gather(*(service.record_async(None, choice, Screen.BANNER) for _ in range(50)))
        return [r.cookie for r in done]

    cookies = asyncio.run(click_all())
    assert len(set(cookies)) == 50
    assert len(_proofs(engine)) == 50


def test_the_dpo_exports_the_proofs_and_the_export_is_journaled(service: ConsentService) -> None:
    service.record(None, parse_choice(service.policy, "personnaliser", ["campaigns"]), Screen.MANAGEMENT)
    service.record(None, parse_choice(service.policy, "tout_refuser"), Screen.BANNER)
    journal = RecordingJournal()

    export = ProofExport(service.env, journal, "paris-dpo", source="cli")
    csv_text = "".join(export.csv_chunks())
    json_text = "".join(ProofExport(service.env, journal, "paris-dpo", source="cli").json_chunks())

    header, first, second = csv_text.strip().split("\n")
    assert header.startswith("id,recorded_at,visitor,policy_version,screen,banner_hash,action,granted")
    assert "google-tag-manager-cookies-campaign-manager" in first and "tout_refuser" in second
    assert '"granted": []' in json_text and json_text.startswith("[{")
    assert [(e.action, e.allowed, e.agent_id) for e in journal.events] == [
        (AuditAction.AUDIT_READ, True, "paris-dpo")
    ] * 2
    assert "2 preuves" in journal.events[0].reason


def test_an_agent_without_an_audit_role_may_not_export(service: ConsentService) -> None:
    journal = RecordingJournal()

    with pytest.raises(AccessRefused):
        ProofExport(service.env, journal, "paris-social", source="cli")

    (event,) = journal.events
    assert (event.allowed, event.agent_id) == (False, "paris-social")
    assert "export des preuves de consentement" in event.reason


def test_the_export_since_a_date_keeps_the_later_proofs(service: ConsentService, clock: FixedClock) -> None:
    service.record(None, parse_choice(service.policy, "tout_refuser"), Screen.BANNER)
    clock.set(datetime.fromisoformat("2026-12-02T10:00:00+01:00"))
    service.record(None, parse_choice(service.policy, "tout_accepter"), Screen.BANNER)

    export = ProofExport(service.env, RecordingJournal(), "paris-dpo", since=date(2026, 12, 1), source=None)
    (batch,) = list(export.batches())
    assert [record["action"] for record in batch] == [Action.ACCEPT_ALL.value]
