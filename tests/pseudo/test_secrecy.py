"""Small counts are hidden, and no hidden count can be solved for from the published margins."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import null_space
from scipy.optimize import linprog

from vigie.errors import InvalidInput
from vigie.pseudo.secrecy import suppress


def _bounds_from_margins(counts: np.ndarray, hidden: np.ndarray) -> list[tuple[float, float]]:
    """What an attacker learns of each hidden cell from the published cells and margins: its least and greatest
    possible value (non-negative reals), by linear programming."""
    cells = [tuple(rc) for rc in np.argwhere(hidden)]
    rows, columns = counts.shape
    a_eq, b_eq = [], []
    for r in range(rows):
        a_eq.append([1.0 if cr == r else 0.0 for cr, _ in cells])
        b_eq.append(counts[r].sum() - counts[r][~hidden[r]].sum())
    for c in range(columns):
        a_eq.append([1.0 if cc == c else 0.0 for _, cc in cells])
        b_eq.append(counts[:, c].sum() - counts[:, c][~hidden[:, c]].sum())
    bounds = []
    for index in range(len(cells)):
        objective = np.zeros(len(cells))
        objective[index] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status == 0
        bounds.append((low.fun, -high.fun))
    return bounds


def _exactly_solvable(hidden: np.ndarray) -> set[tuple[int, int]]:
    """Hidden cells fixed by the margin equations alone: every solution of the homogeneous system is zero there."""
    cells = [tuple(int(x) for x in rc) for rc in np.argwhere(hidden)]
    rows, columns = hidden.shape
    equations = np.zeros((rows + columns, len(cells)))
    for index, (r, c) in enumerate(cells):
        equations[r, index] = equations[rows + c, index] = 1.0
    free = null_space(equations)
    return {cell for index, cell in enumerate(cells) if free.shape[1] == 0 or np.allclose(free[index], 0.0)}


@pytest.mark.parametrize("seed", range(12))
def test_no_hidden_count_can_be_solved_for_from_the_margins(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 7)), int(rng.integers(2, 7)))
    counts = rng.choice(
        [0, 1, 3, 7, 10, 11, 25, 80, 400], size=shape, p=[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15, 0.1]
    )
    table = suppress(counts)
    assert (table.primary == ((counts > 0) & (counts < 11))).all()
    assert not (table.primary & table.secondary).any()
    assert _exactly_solvable(table.hidden) & {tuple(int(x) for x in rc) for rc in np.argwhere(table.primary)} == set()
    if table.hidden.any():
        for (low, high), (r, c) in zip(
            _bounds_from_margins(counts, table.hidden), np.argwhere(table.hidden), strict=True
        ):
            assert low <= counts[r, c] <= high
            if table.primary[r, c]:
                assert high - low > 0.5, f"cellule ({r}, {c}) = {counts[r, c]} déduite des marges : [{low}, {high}]"


def test_a_lone_small_cell_in_a_row_takes_a_second_one_with_it() -> None:
    counts = np.array([[5, 40, 60], [30, 45, 70], [20, 50, 90]])
    table = suppress(counts)
    assert table.primary.sum() == 1
    assert table.hidden[0].sum() >= 2 and table.hidden[:, 0].sum() >= 2
    assert table.published()[0][0] is None


def test_without_small_cells_everything_is_published() -> None:
    counts = np.array([[0, 40], [30, 45]])
    table = suppress(counts)
    assert not table.hidden.any() and table.published() == [[0, 40], [30, 45]]


def test_suppression_that_does_nothing_is_caught_by_the_solver() -> None:
    """The check the tests rely on is sharp: publishing a table with one hidden cell per row is solvable."""
    hidden = np.array([[True, False], [False, False]])
    assert _exactly_solvable(hidden) == {(0, 0)}


@pytest.mark.parametrize("bad", [np.array([1, 2, 3]), np.array([[1.5, 2.0]]), np.array([[-1, 20]])])
def test_a_table_that_is_not_counts_is_refused(bad: np.ndarray) -> None:
    with pytest.raises(InvalidInput):
        suppress(bad)
