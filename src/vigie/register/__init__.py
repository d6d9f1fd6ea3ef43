"""The register of processing activities, as data: loading, validation, the compiled policy, rendering."""

from vigie.register.loader import load_register, shipped_register_dir
from vigie.register.policy import Policy
from vigie.register.register import Register

__all__ = ["Policy", "Register", "load_register", "shipped_register_dir"]
