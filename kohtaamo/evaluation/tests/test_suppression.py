"""Small-number protection: no hidden cell can be recovered from what is shown.

The checker here is independent of the module's flow-network audit: it writes down every equation
a reader has (each row adds up to its total, each column to its total) and searches, by brute force,
for another table that agrees with everything shown but differs in the hidden cell. What a reader
knows about hidden cells: "<k" is 1..k-1, "×" is at least k, "–" (a withheld table) nothing. A search window of ±1 around the true
values is enough: the feasible tables form an integral flow polytope, so if a hidden cell can take
any other value it can take one differing by one, reached by changing cells by at most one.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kohtaamo.evaluation.suppression import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    WITHHELD,
    exposed_cells,
    protect,
    share_is_suppressed,
)


def equations(t):
    """Each equation: list of (row, col, sign); the signed sum is zero."""
    eqs = []
    height, width = len(t.values), len(t.values[0])
    if t.row_totals:
        for i in range(height):
            eqs.append([(i, j, 1) for j in range(t.n_cols)] + [(i, t.n_cols, -1)])
    if t.col_totals:
        for j in range(width):
            eqs.append([(i, j, 1) for i in range(t.n_rows)] + [(t.n_rows, j, -1)])
    return eqs


def bounds(t, i, j):
    if t.status[i][j] == PRIMARY:
        return 1, t.k - 1
    if t.status[i][j] == WITHHELD:
        return 0, 10**9
    return t.k, 10**9


def recoverable(t, cell) -> bool:
    """True if every table consistent with what is shown has the true value in `cell`."""
    hidden = [(i, j) for i, row in enumerate(t.status) for j, s in enumerate(row) if s != SHOWN]
    eqs = equations(t)
    choices = []
    for i, j in hidden:
        lo, hi = bounds(t, i, j)
        v = t.values[i][j]
        choices.append([x for x in (v - 1, v, v + 1) if lo <= x <= hi])
    index = {c: n for n, c in enumerate(hidden)}

    def value(assign, i, j):
        n = index.get((i, j))
        return t.values[i][j] if n is None else assign[n]

    relevant = [[eq for eq in eqs if any((i, j) == c for i, j, _ in eq)] for c in hidden]
    target = index[cell]
    assign = [None] * len(hidden)

    def ok_so_far(n):
        for eq in relevant[n]:
            if all(index.get((i, j)) is None or index[(i, j)] <= n for i, j, _ in eq):
                if sum(sign * value(assign, i, j) for i, j, sign in eq) != 0:
                    return False
        return True

    def search(n):
        if n == len(hidden):
            return assign[target] != t.values[cell[0]][cell[1]]
        for x in choices[n]:
            assign[n] = x
            if ok_so_far(n) and search(n + 1):
                return True
        assign[n] = None
        return False

    return not search(0)


tables = st.integers(min_value=1, max_value=3).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.one_of(st.integers(0, 4), st.integers(0, 30)), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=tables, k=st.integers(3, 6))
def test_no_hidden_cell_can_be_recovered_from_totals(matrix, k):
    t = protect(matrix, k=k)

    hidden = [(i, j) for i, row in enumerate(t.status) for j, s in enumerate(row) if s != SHOWN]
    for i, row in enumerate(t.values):
        for j, v in enumerate(row):
            assert not (0 < v < k and t.status[i][j] == SHOWN), "a small number is shown"
            if t.status[i][j] == SECONDARY:
                assert v >= k
    for cell in hidden:
        assert not recoverable(t, cell), f"{cell} recoverable in {t.values} / {t.status}"
    assert exposed_cells(t) == []


@settings(max_examples=100, deadline=None)
@given(
    column=st.lists(st.one_of(st.integers(0, 4), st.integers(0, 40)), min_size=1, max_size=6),
    k=st.integers(3, 6),
)
def test_one_column_with_total_is_protected(column, k):
    t = protect([[v] for v in column], k=k, row_totals=False)

    for cell in [(i, 0) for i in range(len(t.values)) if t.status[i][0] != SHOWN]:
        assert not recoverable(t, cell)


def test_single_small_cell_gets_a_complement_in_its_row_and_column():
    t = protect([[2, 10, 12], [8, 9, 20], [15, 6, 7]], k=5)

    assert t.status[0][0] == PRIMARY
    assert t.display(0, 0) == "<5"
    hidden = [(i, j) for i, row in enumerate(t.status) for j, s in enumerate(row) if s != SHOWN]
    assert len(hidden) >= 4  # a cycle: the cell, one in its row, one in its column, one closing
    assert sum(1 for j in range(3) if t.status[0][j] != SHOWN) >= 2
    assert sum(1 for i in range(3) if t.status[i][0] != SHOWN) >= 2
    assert t.display(3, 3) == str(2 + 10 + 12 + 8 + 9 + 20 + 15 + 6 + 7)  # grand total shown


def test_small_total_is_hidden_too():
    t = protect([[1, 2], [30, 40]], k=5)

    assert t.status[0][2] == PRIMARY  # the row total 3
    assert exposed_cells(t) == []


def test_zero_and_large_values_stay_visible():
    t = protect([[0, 10], [20, 30]], k=5)

    assert all(s == SHOWN for row in t.status for s in row)
    assert t.display(0, 0) == "0"


@pytest.mark.parametrize(
    ("num", "den", "hidden"),
    [(3, 40, True), (10, 40, False), (10, 4, True), (0, 40, False), (None, None, False)],
)
def test_share_hidden_when_a_count_behind_it_is_small(num, den, hidden):
    assert share_is_suppressed(num, den, 5) is hidden


def test_worked_example_cannot_be_solved_by_hand():
    # 2 contacts in one cell: its row total and column total are both shown.
    t = protect([[2, 50], [60, 70]], k=5)

    hidden = [(i, j) for i, row in enumerate(t.status) for j, s in enumerate(row) if s != SHOWN]
    assert set(hidden) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert t.display(0, 2) == "52" and t.display(2, 0) == "62"
    for cell in hidden:
        assert not recoverable(t, cell)


def test_every_pattern_of_a_small_grid_is_safe():
    for cells in itertools.product([0, 1, 4, 7], repeat=4):
        t = protect([list(cells[:2]), list(cells[2:])], k=5)
        for cell in [(i, j) for i, r in enumerate(t.status) for j, s in enumerate(r) if s != SHOWN]:
            assert not recoverable(t, cell), (cells, t.status)
