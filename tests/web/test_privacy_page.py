"""The public privacy policy: rendered in French from the register alone, escaped, navigable, self-contained."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.register import Policy, Register
from vigie.taxonomy import LEGAL_BASIS_LABELS, RIGHT_LABELS, LegalBasis
from vigie.web import create_app

POLICY = "/politique-de-confidentialite"
INLINE = {"a", "strong", "em", "time", "span", "abbr", "code"}


class PageReader(HTMLParser):
    """The visible text of a page, its element ids, its links and its external references."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.ids: set[str] = set()
        self.fragments: list[str] = []
        self.references: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE:
            self.chunks.append(" ")
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if name in values:
                self.references.append(values[name])
                if values[name].startswith("#"):
                    self.fragments.append(values[name][1:])

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())


def read(client: TestClient, path: str = POLICY) -> PageReader:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return PageReader(response.text)


def test_the_home_page_redirects_to_the_privacy_policy(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)

    assert response.status_code in (302, 307)
    assert response.headers["location"] == POLICY


def test_every_processing_shows_its_title_legal_basis_retention_rules_and_dated_notices(
    client: TestClient, register: Register, policy: Policy
) -> None:
    text = read(client).text

    for processing in register.processings.values():
        assert processing.title in text
        assert LEGAL_BASIS_LABELS[processing.legal_basis][1:] in text  # the first letter is capitalised
        for clock in policy.retention_rules(processing.id):
            assert clock.label[1:] in text, clock.label
            assert clock.duration.french() in text
        for purpose in processing.purposes:
            assert purpose.text[1:] in text
        for recipient in processing.recipients:
            assert register.recipients[recipient.id].name[1:] in text
        for notice in processing.notices:
            dated = f"{notice.title} ({notice.date:%d/%m/%Y})" if notice.date else notice.title
            assert dated in text


def test_themes_appear_in_the_register_order_with_their_summaries(client: TestClient, register: Register) -> None:
    text = read(client).text

    positions = [text.index(theme.title) for theme, _ in register.by_theme()]
    assert positions == sorted(positions)
    for theme, _ in register.by_theme():
        assert theme.summary in text


def test_cookies_are_listed_with_their_purpose_and_lifetime(client: TestClient, register: Register) -> None:
    text = read(client).text

    for processing in register.processings.values():
        if processing.cookies is None:
            continue
        for cookie in processing.cookies.items:
            assert f"{cookie.name} {cookie.purpose} {cookie.lifetime.french()}" in text


def test_rights_dpo_and_the_supervisory_authority_address_are_given(client: TestClient, register: Register) -> None:
    text = read(client).text

    for label in RIGHT_LABELS.values():
        assert label[1:] in text
    assert "compte ameli" in text
    assert register.national_body.dpo in text
    authority = register.supervisory_authority
    assert f"{authority.name} {' '.join(authority.address)}" in text


def test_objection_and_erasure_link_to_exactly_the_processings_where_they_can_succeed(
    client: TestClient, register: Register
) -> None:
    html = client.get(POLICY).text
    in_order = [p for _, ps in register.by_theme() for p in ps]

    def linked_from(label: str) -> list[str]:
        item = html[html.index(f"{label}</strong>") :].split("</li>", 1)[0]
        return re.findall(r'href="#traitement-([a-z0-9_]+)"', item)

    assert linked_from("Droit d&#39;opposition") == [p.id for p in in_order if p.objection_allowed]
    assert linked_from("Droit à l&#39;effacement") == [p.id for p in in_order if p.legal_basis is LegalBasis.CONSENT]
    assert linked_from("Droit d&#39;accès") == []


def test_the_table_of_contents_links_to_existing_sections(client: TestClient, register: Register) -> None:
    page = read(client)

    assert page.fragments, "no table of contents"
    assert set(page.fragments) <= page.ids
    assert {f"traitement-{p}" for p in register.processings} <= set(page.fragments)


def test_the_page_is_french_and_loads_nothing_from_elsewhere(client: TestClient) -> None:
    response = client.get(POLICY)
    page = PageReader(response.text)

    assert '<html lang="fr">' in response.text
    assert all(ref.startswith(("/", "#")) for ref in page.references), page.references
    assert "default-src 'none'" in response.headers["content-security-policy"]
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "@import" not in css.text
    assert "url(" not in css.text


def test_register_text_is_escaped_and_changes_to_the_register_show_on_the_page(environment: Environment) -> None:
    register = environment.register
    original = register.processings["social_support"]
    changed = original.model_copy(
        update={
            "title": "<script>alert('x')</script> Accompagnement",
            "retention": (original.retention[0].model_copy(update={"label": "durée « modifiée » pour le test"}),),
        }
    )
    edited = dataclasses.replace(register, processings={**register.processings, "social_support": changed})

    with TestClient(create_app(dataclasses.replace(environment, register=edited))) as client:
        html = client.get(POLICY).text

    text = PageReader(html).text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Accompagnement" in html
    assert "Durée « modifiée » pour le test" in text
    assert original.retention[0].label[1:] not in text


def section_text(html: str, anchor: str) -> str:
    """The visible text of one processing's section of the page."""
    start = html.index(f'<section id="{anchor}"')
    return PageReader(html[start : html.index("</section>", start)]).text


def test_the_dmp_section_says_closed_dmps_are_archived_and_what_for(client: TestClient) -> None:
    """The policy says « archivées 10 ans après la clôture du DMP » for « tout recours gracieux ou contentieux »."""
    dmp = section_text(client.get(POLICY).text, "traitement-dmp")

    assert "archivées 10 ans après sa clôture (le décès vaut clôture)" in dmp
    assert "Archivage. Les données sont archivées à compter de l'événement « clôture du DMP (le décès vaut" in dmp
    assert "tout recours gracieux ou contentieux" in dmp
    assert "détruites" not in dmp


def test_each_processing_shows_the_source_of_each_entry(client: TestClient, register: Register) -> None:
    html = client.get(POLICY).text
    fraud = section_text(html, "traitement-fraud_control")

    assert "Sources dans la politique" in fraud
    assert "Lutte contre les fraudes › Durées de conservation › 2" in fraud
    for processing in register.processings.values():
        assert str(processing.source) in section_text(html, f"traitement-{processing.id}")


def test_reserved_categories_and_conditions_are_stated_where_the_data_is_listed(client: TestClient) -> None:
    fraud = section_text(client.get(POLICY).text, "traitement-fraud_control")

    assert "Santé : pathologie : utilisables seulement par : praticien-conseil du service médical" in fraud
    assert "Seulement si l'information est nécessaire à l'enquête." in fraud
    dmp = section_text(client.get(POLICY).text, "traitement-dmp")
    assert "Santé : soins, actes, produits, hospitalisation : conservées, mais consultées par aucun agent" in dmp


def test_the_organisations_page_lists_every_director_and_dpo(client: TestClient, register: Register) -> None:
    text = read(client, "/organismes").text

    for organisation in register.organisations.values():
        assert organisation.name in text
        assert organisation.director[1:] in text
        assert organisation.dpo[1:] in text
