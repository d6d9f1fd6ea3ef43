"""The information notices page and the policy's search box, both built once from the policy view.

Search runs on the server (the box works without JavaScript): accents and case are ignored, every word typed
must appear, and each hit links to the anchor of the section that holds it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vigie.web.policy_view import Link, PolicyPage

MAX_QUERY = 100
MAX_HITS = 50
POLICY_PATH = "/politique-de-confidentialite"
NOTICES_PATH = "/mentions-d-information"


def fold(text: str) -> str:
    """`text` lower-cased, without accents, apostrophes and punctuation as spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


@dataclass(frozen=True)
class NoticeEntry:
    """One information notice, with the processings that give it."""

    anchor: str
    title: str
    date: str | None
    iso_date: str | None
    processings: list[Link]


@dataclass(frozen=True)
class Hit:
    """A search result: where to go, what it is, and the text that matched."""

    url: str
    kind: str
    title: str
    excerpt: str


def notice_entries(page: PolicyPage) -> list[NoticeEntry]:
    """Every notice of the policy once, in the policy's order, each with a stable anchor."""
    found: dict[tuple[str, str | None], NoticeEntry] = {}
    anchors: set[str] = set()
    for theme in page.themes:
        for processing in theme.processings:
            for notice in processing.notices:
                key = (notice.title, notice.iso_date)
                if key not in found:
                    anchor = "mention-" + fold(f"{notice.title} {notice.iso_date or ''}").replace(" ", "-")[:80]
                    while anchor in anchors:  # two long titles alike up to the cut
                        anchor += "-bis"
                    anchors.add(anchor)
                    found[key] = NoticeEntry(anchor, notice.title, notice.date, notice.iso_date, [])
                found[key].processings.append(Link(processing.anchor, processing.title))
    return list(found.values())


class PolicySearch:
    """A small index over the policy's themes, processings and notices."""

    def __init__(self, page: PolicyPage, notices: list[NoticeEntry]) -> None:
        entries: list[tuple[str, Hit]] = []
        for theme in page.themes:
            url = f"{POLICY_PATH}#{theme.anchor}"
            entries.append((fold(f"{theme.title} {theme.summary}"), Hit(url, "Thème", theme.title, theme.summary)))
            for p in theme.processings:
                body = " ; ".join(p.purposes)
                words = [p.title, body, *p.recipients, *(s.kind for s in p.subjects)]
                words += [c for s in p.subjects for c in s.categories]
                if p.cookies is not None:
                    words += [f"{row.name} {row.purpose}" for row in p.cookies.rows]
                hit = Hit(f"{POLICY_PATH}#{p.anchor}", "Traitement", p.title, body)
                entries.append((fold(" ".join(words)), hit))
        for notice in notices:
            hit = Hit(f"{NOTICES_PATH}#{notice.anchor}", "Mention d'information", notice.title, notice.date or "")
            entries.append((fold(notice.title), hit))
        for right in page.rights:
            hit = Hit(f"{POLICY_PATH}#droits", "Droit", right.label, right.explanation)
            entries.append((fold(f"{right.label} {right.explanation}"), hit))
        self._entries = entries

    def search(self, query: str) -> list[Hit]:
        """The entries holding every word of `query` (at most `MAX_HITS`), in the policy's order."""
        words = fold(query).split()
        if not words:
            return []
        padded = [(f" {text} ", hit) for text, hit in self._entries]
        hits = [hit for text, hit in padded if all(f" {word}" in text for word in words)]
        return hits[:MAX_HITS]
