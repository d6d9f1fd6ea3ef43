"""The synthetic population: realistic, deterministic, encrypted like real data, loaded in bulk.

`seed_demo` fills an empty database with insured people, professionals, establishments and employers,
and their records, only for the (processing, category) pairs the compiled policy allows.
"""

from vigie.demo.seed import SeedReport, has_population, seed_demo
from vigie.errors import PopulationExists

__all__ = ["PopulationExists", "SeedReport", "has_population", "seed_demo"]
