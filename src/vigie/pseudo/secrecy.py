"""Statistical secrecy: counts too small to publish are hidden, and so are enough others that the margins cannot
give them back.

Primary suppression hides every cell from 1 to `threshold - 1` people (11 by default, the national health data
system's rule; an empty cell reveals nobody and is shown). Secondary suppression then hides further cells so that
no hidden cell can be recomputed from the published row and column totals: each row and column holding a hidden
cell holds at least two, and the remaining linear system is checked exactly (a hidden cell is recoverable when its
unit vector lies in the row space of the margin equations over the hidden cells). Cells are chosen smallest first,
so that as little as possible is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vigie.errors import InvalidInput

DEFAULT_THRESHOLD = 11
Counts = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table of counts with its margins and which cells are hidden (primary or secondary)."""

    counts: Counts
    primary: Mask
    secondary: Mask

    @property
    def hidden(self) -> Mask:
        return self.primary | self.secondary

    @property
    def row_totals(self) -> Counts:
        totals: Counts = self.counts.sum(axis=1)
        return totals

    @property
    def column_totals(self) -> Counts:
        totals: Counts = self.counts.sum(axis=0)
        return totals

    def published(self) -> list[list[int | None]]:
        """The cells as published: None where hidden."""
        return [
            [None if h else int(v) for v, h in zip(row, mask, strict=True)]
            for row, mask in zip(self.counts, self.hidden, strict=True)
        ]


def recoverable(hidden: Mask) -> Mask:
    """The hidden cells whose value the row and column totals determine exactly (whatever the values are)."""
    cells = np.argwhere(hidden)
    if len(cells) == 0:
        return np.zeros_like(hidden)
    rows, columns = hidden.shape
    # One equation per row and per column, over the hidden cells only (the shown cells are known constants).
    equations = np.zeros((rows + columns, len(cells)))
    for index, (r, c) in enumerate(cells):
        equations[r, index] = 1.0
        equations[rows + c, index] = 1.0
    rank = np.linalg.matrix_rank(equations)
    out = np.zeros_like(hidden)
    for index, (r, c) in enumerate(cells):
        # The cell is determined iff dropping its column from the system lowers the rank (its unit vector is in the
        # row space of the equations): x_i = a·b for some combination a of the equations.
        if np.linalg.matrix_rank(np.delete(equations, index, axis=1)) < rank:
            out[r, c] = True
    return out


def _smallest_shown(counts: Counts, hidden: Mask, line: int, axis: int) -> tuple[int, int] | None:
    """The smallest non-empty shown cell of a row (axis 0) or column (axis 1), to hide next."""
    values = counts[line, :] if axis == 0 else counts[:, line]
    masked = hidden[line, :] if axis == 0 else hidden[:, line]
    candidates = [(int(v), i) for i, (v, h) in enumerate(zip(values, masked, strict=True)) if not h and v > 0]
    if not candidates:
        candidates = [(int(v), i) for i, (v, h) in enumerate(zip(values, masked, strict=True)) if not h]
    if not candidates:
        return None
    _, index = min(candidates)
    return (line, index) if axis == 0 else (index, line)


def suppress(counts: npt.ArrayLike, threshold: int = DEFAULT_THRESHOLD) -> SuppressedTable:
    """Hide the cells under `threshold` and enough others that the margins cannot reveal them."""
    table = np.asarray(counts)
    if table.ndim != 2 or table.size == 0:
        raise InvalidInput("tableau", str(table.shape), "tableau à deux dimensions non vide attendu")
    if not np.issubdtype(table.dtype, np.integer) or (table < 0).any():
        raise InvalidInput("tableau", "…", "effectifs entiers positifs ou nuls attendus")
    if not 1 <= threshold <= 1_000:
        raise InvalidInput("seuil", str(threshold), "entre 1 et 1000")
    table = table.astype(np.int64)
    primary = (table > 0) & (table < threshold)
    hidden = primary.copy()
    while True:
        changed = False
        for axis, lines in ((0, table.shape[0]), (1, table.shape[1])):
            for line in range(lines):
                count = int(hidden[line, :].sum() if axis == 0 else hidden[:, line].sum())
                if count == 1:
                    cell = _smallest_shown(table, hidden, line, axis)
                    if cell is not None:
                        hidden[cell] = True
                        changed = True
        if changed:
            continue
        exposed = recoverable(hidden) & primary
        if not exposed.any():
            break
        r, c = (int(x) for x in np.argwhere(exposed)[0])
        cell = _smallest_shown(table, hidden, r, 0) or _smallest_shown(table, hidden, c, 1)
        if cell is None:  # every cell of its row and column is hidden already: hide the whole table's next smallest
            shown = np.argwhere(~hidden)
            if len(shown) == 0:
                break
            smallest = min(shown, key=lambda rc: table[rc[0], rc[1]])
            cell = (int(smallest[0]), int(smallest[1]))
        hidden[cell] = True
    return SuppressedTable(table, primary, hidden & ~primary)
