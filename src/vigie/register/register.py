"""The validated register: everything the policy states, as data, in the order it was written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie.taxonomy import Theme

if TYPE_CHECKING:
    from vigie.register.models import (
        Controller,
        Notice,
        Organisation,
        OutlineTheme,
        Processing,
        Recipient,
        Role,
        SupervisoryAuthority,
        ThemeInfo,
    )


@dataclass(frozen=True)
class Register:
    """A loaded register; build it with `vigie.register.load_register`."""

    controller: Controller
    supervisory_authority: SupervisoryAuthority
    organisations: dict[str, Organisation]
    recipients: dict[str, Recipient]
    roles: dict[str, Role]
    themes: dict[Theme, ThemeInfo]
    processings: dict[str, Processing]
    outline: tuple[OutlineTheme, ...] = ()

    def by_theme(self) -> Iterator[tuple[ThemeInfo, list[Processing]]]:
        """Themes in the policy's order, each with its processings."""
        for theme in Theme:
            info = self.themes.get(theme)
            if info is not None:
                yield info, [p for p in self.processings.values() if p.theme is theme]

    def notices(self) -> list[Notice]:
        """Every information notice, once each even when listed under several processings."""
        unique: dict[tuple[str, object], Notice] = {}
        for processing in self.processings.values():
            for notice in processing.notices:
                unique.setdefault((notice.title, notice.date), notice)
        return list(unique.values())

    @property
    def national_body(self) -> Organisation:
        """The Cnam, whose director general answers for the processings."""
        return self.organisations[self.controller.national_body]
