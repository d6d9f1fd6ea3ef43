"""What each accepted cookie service loads on a page, and the Content-Security-Policy that lets exactly that in.

Before a choice, or after a refusal, a page loads nothing but our own files: no third-party host appears in
its policy, so the browser itself would refuse a stray tag. Accepting a service adds its host, and only its.
Audience measurement is first-party (our own script sets the register's cookies, anonymous, on our domain).
"""

from __future__ import annotations

from dataclasses import dataclass

from vigie.consent import ConsentState
from vigie.web.headers import page_csp

AUDIENCE_SCRIPT = "audience.js"


@dataclass(frozen=True)
class Tag:
    """One third-party resource: a script or a frame, from one host."""

    service: str
    kind: str  # "script" or "frame"
    url: str
    title: str

    @property
    def origin(self) -> str:
        return "/".join(self.url.split("/")[:3])


TAGS = (
    Tag(
        "google-tag-manager-cookies-campaign-manager",
        "script",
        "https://www.googletagmanager.com/gtm.js?id=GTM-VIGIE",
        "Google Tag Manager",
    ),
    Tag("vimeo", "frame", "https://player.vimeo.com/video/76979871", "Vidéo : vos droits expliqués (Vimeo)"),
    Tag("facebook", "script", "https://connect.facebook.net/fr_FR/sdk.js", "Partage Facebook"),
    Tag("twitter", "script", "https://platform.twitter.com/widgets.js", "Partage Twitter"),
    Tag("linkedin", "script", "https://platform.linkedin.com/in.js", "Partage LinkedIn"),
)


def tags_for(state: ConsentState) -> list[Tag]:
    """The third-party tags this browser accepted."""
    return [tag for tag in TAGS if state.allows(tag.service)]


def audience_cookies(state: ConsentState) -> list[str]:
    """The first-party audience cookies this browser accepted (the register's names)."""
    return [name for name in ("atid", "atidx", "idrxvr") if state.allows(name)]


def csp_for(state: ConsentState) -> str:
    """The page's policy: our own files, plus the hosts of the tags accepted."""
    tags = tags_for(state)
    scripts = sorted({tag.origin for tag in tags if tag.kind == "script"})
    frames = sorted({tag.origin for tag in tags if tag.kind == "frame"})
    return page_csp(scripts, frames)
