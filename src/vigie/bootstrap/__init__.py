"""Start-up: `prepare` builds the environment every surface runs on, with the compiled register it caches."""

from vigie.bootstrap._prepare import prepare

__all__ = ["prepare"]
