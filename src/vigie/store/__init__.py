"""Storage: the engine, the schema and its migrations; SQLite by default, PostgreSQL in production."""

from vigie.store.engine import connect, migrate, open_database

__all__ = ["connect", "migrate", "open_database"]
