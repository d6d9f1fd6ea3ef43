"""The web service: the JSON API of the register and the public pages, rendered server-side."""

from vigie.web.app import create_app

__all__ = ["create_app"]
