"""vigie: the personal-data protection system of a national health insurer, driven by its register."""

__version__ = "0.1.0"

__all__ = ["__version__"]
