"""The extract fixtures (defined in `extract_world`, which the tests also import for its spec and types)."""

from extract_world import population, spec_file

__all__ = ["population", "spec_file"]
