"""Hot-path statements: written with SQLAlchemy Core, compiled once per dialect, run on the driver's cursor.

Building a `select()` and executing it through SQLAlchemy costs about 100 µs of Python per statement (clause
construction, cache key, execution context, result object), ten times what SQLite takes to answer an indexed
look-up. The few statements run on every request (token, agent, subject state, vault reads) are therefore
compiled once per dialect and executed on the DBAPI cursor of the caller's SQLAlchemy connection, inside its
transaction, with the same parameter and result conversions SQLAlchemy would apply (dates on SQLite, booleans).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Connection, Select
from sqlalchemy.engine import Dialect

_Convert = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # bind parameter names, in the order the driver wants them (positional styles)
    positional: bool
    binds: tuple[tuple[str, _Convert], ...]
    converting: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, conversion): only the columns that have one


def _compile(statement: Select[Any] | CompoundSelect[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    binds = tuple(
        (name, bind.type.dialect_impl(dialect).bind_processor(dialect)) for name, bind in compiled.binds.items()
    )
    results = (
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
    )
    converting = tuple((index, convert) for index, convert in enumerate(results) if convert is not None)
    return _Compiled(compiled.string, names, dialect.positional, binds, converting)


class Prepared:
    """One Core `select()` (or a union of them) with named bind parameters, compiled on first use for each
    dialect."""

    __slots__ = ("_by_dialect", "statement")

    def __init__(self, statement: Select[Any] | CompoundSelect[Any]) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return compiled

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row, converted as SQLAlchemy would convert it, in the connection's transaction."""
        compiled = self._for(connection.dialect)
        values = {name: (convert(params[name]) if convert else params[name]) for name, convert in compiled.binds}
        arguments: Sequence[Any] | Mapping[str, Any] = (
            [values[name] for name in compiled.names] if compiled.positional else values
        )
        cursor: Any = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, arguments)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        converting = compiled.converting
        if not converting:
            return [tuple(row) for row in fetched]
        converted = []
        for row in fetched:
            cells = list(row)
            for index, convert in converting:
                cells[index] = convert(cells[index])
            converted.append(tuple(cells))
        return converted

    def first(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, or None."""
        found = self.rows(connection, params)
        return found[0] if found else None


class PreparedFamily:
    """Statements that differ only by the length of an IN list, each compiled once per (dialect, length).

    Only lengths up to `cached` are kept, so that input cannot grow the cache without bound."""

    __slots__ = ("_build", "_cached", "_made")

    def __init__(self, build: Callable[[int], Select[Any]], *, cached: int = 64) -> None:
        self._build = build
        self._cached = cached
        self._made: dict[int, Prepared] = {}

    def sized(self, count: int) -> Prepared:
        """The statement for an IN list of `count` values."""
        prepared = self._made.get(count)
        if prepared is None:
            prepared = Prepared(self._build(count))
            if count <= self._cached:
                self._made[count] = prepared
        return prepared

    def clear(self) -> None:
        """Forget the compiled statements: the next use builds them again (tests, so that each test that reads
        through the family is seen calling its builder, as mutation testing links tests to functions)."""
        self._made.clear()
