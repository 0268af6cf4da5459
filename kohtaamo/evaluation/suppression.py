"""Small-number protection for every aggregate table shown or exported.

The one rule (used by dashboards, the social report, experiments and every export):

1. **Primary suppression**: a count cell with 0 < value < k (`settings.SMALL_NUMBER_K`, default 5)
   is hidden and shown as "<k". Zeros are shown: an empty cell tells nothing about a person.
   Row, column and grand totals are cells too and follow the same rule.
2. **Secondary (complementary) suppression**: so that no hidden cell can be worked out from the
   totals and the cells still shown, further cells are hidden (shown as "×"). A complement is the
   smallest cell of at least k in the same row or column, preferring inner cells to totals and
   cells that close a cycle with cells already hidden.
3. **Audit**: the pattern is checked exactly. The table with its totals is a network-flow problem:
   every hidden cell is an edge between its row and its column, every shown cell a constant. What
   a reader knows about a hidden cell is its bounds: "<k" means 1..k-1, "×" means at least k. A
   hidden cell can be recovered exactly if and only if no cycle of hidden cells lets it move up or
   down by one while every other hidden cell stays within its bounds (a cycle in the residual
   graph). Until every hidden cell passes, another complement is added next to a failing one.
   When nothing is left to add (a table of only small numbers), the whole table is withheld:
   every cell is shown as "–", which says nothing about its size.

Shares and rates (indicator values) are not additive, so they get no complements; a share is
hidden when its numerator or denominator is a small number (`share_is_suppressed`).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from django.conf import settings

SHOWN = "shown"
PRIMARY = "primary"
SECONDARY = "secondary"
WITHHELD = "withheld"
INFINITY = float("inf")


def small_number_k() -> int:
    return int(getattr(settings, "SMALL_NUMBER_K", 5))


def is_small(value: int | None, k: int) -> bool:
    return value is not None and 0 < value < k


def share_is_suppressed(numerator: float | None, denominator: float | None, k: int) -> bool:
    """A share or rate is hidden when either count behind it is a small number."""
    return is_small(_as_count(numerator), k) or is_small(_as_count(denominator), k)


def _as_count(value):
    if value is None:
        return None
    return int(round(value))


@dataclass
class Protected:
    """A count table with its totals after protection. `status[i][j]` is SHOWN/PRIMARY/SECONDARY
    over the extended grid: data rows, then the totals row (if any); data columns, then the
    totals column (if any)."""

    values: list[list[int]]
    status: list[list[str]]
    k: int
    n_rows: int
    n_cols: int
    row_totals: bool
    col_totals: bool
    rounds: int = 0

    def cell(self, i: int, j: int) -> tuple[int, str]:
        return self.values[i][j], self.status[i][j]

    def display(self, i: int, j: int) -> str:
        value, state = self.cell(i, j)
        return display(value, state, self.k)

    def hidden(self, i: int, j: int) -> bool:
        return self.status[i][j] != SHOWN

    @property
    def total_row(self) -> int | None:
        return self.n_rows if self.col_totals else None

    @property
    def total_col(self) -> int | None:
        return self.n_cols if self.row_totals else None

    @property
    def suppressed_count(self) -> int:
        return sum(state != SHOWN for row in self.status for state in row)


def display(value: int, state: str, k: int) -> str:
    if state == PRIMARY:
        return f"<{k}"
    if state == SECONDARY:
        return "×"
    if state == WITHHELD:
        return "–"
    return str(value)


def protect(
    matrix: list[list[int]],
    *,
    k: int | None = None,
    row_totals: bool = True,
    col_totals: bool = True,
) -> Protected:
    """Protect a table of non-negative counts (rows × columns) shown with its totals."""
    k = small_number_k() if k is None else k
    n_rows = len(matrix)
    n_cols = len(matrix[0]) if matrix else 0
    values = [[int(v or 0) for v in row] for row in matrix]
    if row_totals:
        values = [row + [sum(row)] for row in values]
    if col_totals:
        width = len(values[0]) if values else 0
        values.append([sum(values[i][j] for i in range(n_rows)) for j in range(width)])
    status = [[PRIMARY if is_small(v, k) else SHOWN for v in row] for row in values]
    result = Protected(values, status, k, n_rows, n_cols, row_totals, col_totals)
    _complete(result)
    return result


# The audit: hidden cells as edges of a flow network ------------------------------------------


@dataclass
class _Grid:
    """Edges and bounds of the hidden cells of one protected table."""

    table: Protected
    edges: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self):
        t = self.table
        for i, row in enumerate(t.status):
            for j, state in enumerate(row):
                if state != SHOWN:
                    self.edges[(i, j)] = self.edge(i, j)

    def node(self, kind: str, index: int) -> str:
        t = self.table
        constrained = t.row_totals if kind == "R" else t.col_totals
        # A line without a total has no equation: all such lines are one free node.
        return f"{kind}{index}" if constrained else "FREE"

    def edge(self, i: int, j: int) -> tuple[str, str]:
        """Orientation: with row equations of the totals row and column equations of the data
        columns negated, every cell is +1 at one node and -1 at the other (a network matrix)."""
        t = self.table
        total_row = t.col_totals and i == t.n_rows
        total_col = t.row_totals and j == t.n_cols
        r, c = self.node("R", i), self.node("C", j)
        if not total_row and not total_col:
            return r, c
        if total_col and not total_row:
            return c, r
        if total_row and not total_col:
            return c, r
        return r, c

    def bounds(self, i: int, j: int) -> tuple[float, float]:
        k = self.table.k
        state = self.table.status[i][j]
        if state == PRIMARY:
            return 1, k - 1
        if state == WITHHELD:
            return 0, INFINITY
        return k, INFINITY

    def residual(self) -> dict[str, list[tuple[str, tuple[int, int]]]]:
        """Residual graph of the true table: an arc for each direction a hidden cell can move."""
        graph: dict[str, list[tuple[str, tuple[int, int]]]] = defaultdict(list)
        for cell, (u, v) in self.edges.items():
            value = self.table.values[cell[0]][cell[1]]
            lo, hi = self.bounds(*cell)
            if value < hi:
                graph[u].append((v, cell))
            if value > lo:
                graph[v].append((u, cell))
        return graph

    def movable(self, cell: tuple[int, int], graph=None) -> bool:
        """True when the hidden cell can take another value consistent with everything shown."""
        graph = self.residual() if graph is None else graph
        u, v = self.edges[cell]
        value = self.table.values[cell[0]][cell[1]]
        lo, hi = self.bounds(*cell)
        if u == v == "FREE":
            return lo < hi
        if value < hi and _reaches(graph, v, u, cell):
            return True
        return value > lo and _reaches(graph, u, v, cell)


def _reaches(graph, start: str, goal: str, skip: tuple[int, int]) -> bool:
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        for nxt, cell in graph.get(node, ()):
            if cell == skip:
                continue
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


def exposed_cells(table: Protected) -> list[tuple[int, int]]:
    """Hidden cells whose exact value follows from what is shown (empty when protected)."""
    grid = _Grid(table)
    graph = grid.residual()
    return [cell for cell in grid.edges if not grid.movable(cell, graph)]


def _complete(table: Protected) -> None:
    """Add complements until the audit passes (or every candidate is used)."""
    while True:
        exposed = exposed_cells(table)
        if not exposed:
            return
        table.rounds += 1
        if not _add_complement(table, exposed):
            # No cell of at least k is left beside them: hide the smallest such cell anywhere.
            if not _add_anywhere(table):
                _withhold(table)
                return


def _is_total(table: Protected, i: int, j: int) -> bool:
    return (table.col_totals and i == table.n_rows) or (table.row_totals and j == table.n_cols)


def _add_complement(table: Protected, exposed: list[tuple[int, int]]) -> bool:
    """Hide more cells in the rows or columns of exposed cells: for each, preferably one whose
    other line already has hidden cells (it closes a cycle), an inner cell rather than a total,
    and the smallest value. The best choices go first; a line touched in this round waits for
    the next audit."""
    height, width = len(table.values), len(table.values[0])
    hidden_in_row = [sum(s != SHOWN for s in row) for row in table.status]
    hidden_in_col = [sum(table.status[r][c] != SHOWN for r in range(height)) for c in range(width)]
    choices = []
    for i, j in exposed:
        for r, c, same_row in [(i, jj, True) for jj in range(width) if jj != j] + [
            (ii, j, False) for ii in range(height) if ii != i
        ]:
            if table.status[r][c] != SHOWN or table.values[r][c] < table.k:
                continue
            closes = hidden_in_col[c] > 0 if same_row else hidden_in_row[r] > 0
            choices.append(((not closes, _is_total(table, r, c), table.values[r][c]), r, c, i, j))
    touched_rows: set[int] = set()
    touched_cols: set[int] = set()
    added = False
    for _, r, c, i, j in sorted(choices):
        if {i, r} & touched_rows or {j, c} & touched_cols or table.status[r][c] != SHOWN:
            continue
        table.status[r][c] = SECONDARY
        touched_rows.update((i, r))
        touched_cols.update((j, c))
        added = True
    return added


def _add_anywhere(table: Protected) -> bool:
    options = [
        (table.values[r][c], _is_total(table, r, c), r, c)
        for r, row in enumerate(table.status)
        for c, state in enumerate(row)
        if state == SHOWN and table.values[r][c] >= table.k
    ]
    if not options:
        return False
    _, _, r, c = min(options, key=lambda o: (o[1], o[0]))
    table.status[r][c] = SECONDARY
    return True


def _withhold(table: Protected) -> None:
    table.status = [[WITHHELD for _ in row] for row in table.status]
