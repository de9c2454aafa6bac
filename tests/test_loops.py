"""Rule tables and self-replicating loops against a slow matcher and Golly's numbers."""

import itertools
import re
from importlib import resources

import numpy as np
import pytest

from alife.errors import AlifeInputError
from alife.substrates.ca.loops import simulate_table
from alife.substrates.ca.patterns import load_pattern
from alife.substrates.ca.table import load_table, parse_table

ROTATIONS = {
    "none": [(0, 1, 2, 3)],
    "rotate4": [(0, 1, 2, 3), (1, 2, 3, 0), (2, 3, 0, 1), (3, 0, 1, 2)],
}


class SlowTable:
    """Reads a .rule @TABLE and, per cell, tries each transition in order against the
    neighbourhood and its rotations, binding variables as it goes."""

    def __init__(self, text: str):
        body = text.split("@TABLE", 1)[1].split("\n@", 1)[0]
        self.variables, self.transitions = {}, []
        for raw in body.splitlines():
            line = raw.split("#")[0].strip()
            if not line:
                continue
            if ":" in line:
                key, value = line.split(":")
                setattr(self, key, value)
            elif line.startswith("var"):
                name, values = re.match(r"var\s+(\w+)\s*=\s*\{(.*)\}", line).groups()
                self.variables[name] = [int(v) for v in values.split(",")]
            else:
                self.transitions.append(line.split(",") if "," in line else list(line))

    def match(self, tokens, cells):
        binding = {}
        for token, value in zip(tokens, cells, strict=True):
            if token in self.variables:
                if value not in self.variables[token]:
                    return None
                if binding.setdefault(token, value) != value:
                    return None
            elif int(token) != value:
                return None
        return binding

    def next_state(self, centre, neighbours):
        for tokens in self.transitions:
            for rotation in ROTATIONS[self.symmetries]:
                cells = [centre] + [neighbours[k] for k in rotation]
                binding = self.match(tokens[:5], cells)
                if binding is not None:
                    out = tokens[5]
                    return binding[out] if out in binding else int(out)
        return None

    def step(self, grid, torus):
        height, width = grid.shape
        padded = np.pad(grid, 1, mode="wrap" if torus else "constant")
        out, unknown = grid.copy(), 0
        for r, c in itertools.product(range(height), range(width)):
            north, east = padded[r, c + 1], padded[r + 1, c + 2]
            south, west = padded[r + 2, c + 1], padded[r + 1, c]
            state = self.next_state(grid[r, c], [north, east, south, west])
            if state is None:
                unknown += 1
            else:
                out[r, c] = state
        return out, unknown


def shipped_text(name: str) -> str:
    folder = resources.files("alife.substrates.ca") / "rule_tables"
    return (folder / name).read_text()


@pytest.mark.parametrize(
    ("rule", "file", "states"),
    [("langton", "Langtons-Loops.rule", 8), ("evoloop", "Evoloop.rule", 9)],
)
@pytest.mark.parametrize("torus", [True, False])
def test_random_grids_equal_the_slow_matcher(rule, file, states, torus):
    slow = SlowTable(shipped_text(file))
    table = load_table(rule)
    rng = np.random.default_rng(states + torus)
    # mostly background, so that many neighbourhoods are ones the table lists
    grid = np.where(rng.random((9, 11)) < 0.5, rng.integers(0, states, (9, 11)), 0)
    grid = grid.astype(np.uint8)
    expected = grid
    for _ in range(3):
        expected, expected_unknown = slow.step(expected, torus)
        grid, unknown = simulate_table(grid, table, 1, torus=torus)
        np.testing.assert_array_equal(grid, expected)
        assert unknown == [expected_unknown]


# Populations (non-zero cells) of Golly's own pattern files under their rules, printed
# by bgolly 3.3 on Golly's unbounded plane:
#   bgolly -a RuleLoader -s Rules/ -m G Patterns/Loops/Langtons-Loops.rle
# (the last line, "G: population"; at G = 151 its -o output RLE holds 171 cells too).
GOLLY_POPULATIONS = {
    "langton": {50: 111, 100: 138, 150: 171, 151: 171, 152: 170, 200: 219, 300: 338, 400: 550},
    "evoloop": {100: 203, 200: 252, 300: 307, 500: 415},
}
PATTERNS = {"langton": "langtons_loop", "evoloop": "evoloop"}


@pytest.mark.parametrize("rule", list(GOLLY_POPULATIONS))
def test_loops_grow_as_in_golly(rule):
    cells, _ = load_pattern(PATTERNS[rule])
    grid = np.zeros((200, 200), np.uint8)
    grid[90 : 90 + cells.shape[0], 90 : 90 + cells.shape[1]] = cells
    table = load_table(rule)
    generation = 0
    for target, population in GOLLY_POPULATIONS[rule].items():
        grid, _ = simulate_table(grid, table, target - generation, torus=False)
        generation = target
        assert np.count_nonzero(grid) == population, (rule, generation)
    assert not grid[0].any() and not grid[-1].any()  # the plane was large enough


def test_langtons_loop_starts_with_86_cells_and_doubles():
    cells, rule = load_pattern("langtons_loop")
    assert rule == "Langtons-Loops" and np.count_nonzero(cells) == 86
    grid = np.zeros((100, 100), np.uint8)
    grid[45:55, 40:55] = cells
    grid, _ = simulate_table(grid, load_table("langton"), 151, torus=False)
    # at 151 the daughter loop has separated: two closed sheaths of state 2
    sheaths = (grid == 2).astype(int)
    from scipy.ndimage import label

    _, count = label(sheaths)
    assert count >= 2 and np.count_nonzero(grid) >= 2 * 86 - 10


def test_uncovered_neighbourhoods_keep_the_cell_and_are_counted():
    table = parse_table(
        "@RULE tiny\n@TABLE\nn_states:3\nneighborhood:vonNeumann\nsymmetries:none\n"
        "var a={0,1}\n1,a,0,0,a,2\n"
    )
    lone = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], np.uint8)
    out, unknown = simulate_table(lone, table, 1, torus=False)
    np.testing.assert_array_equal(out, [[0, 0, 0], [0, 2, 0], [0, 0, 0]])
    assert unknown == [8]  # the dead cells: no transition starts from state 0
    pair = np.array([[0, 1, 0], [0, 1, 0], [0, 0, 0]], np.uint8)
    out, unknown = simulate_table(pair, table, 1, torus=False)
    # the lower 1 has N=1 but W=0: `a` cannot be both, so nothing matches
    np.testing.assert_array_equal(out, pair)
    assert unknown == [9]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@RULE x\n", "has no @TABLE section"),
        ("@TABLE\nn_states:3\nneighborhood:Moore\n000000000\n", "neighborhood 'Moore'"),
        ("@TABLE\nn_states:3\nneighborhood:vonNeumann\n00000\n", "needs 6 entries"),
        ("@TABLE\nn_states:3\nneighborhood:vonNeumann\n000009\n", "'9' is neither a state"),
        ("@TABLE\nneighborhood:vonNeumann\n000000\n", "n_states must be 2..256"),
        (
            "@TABLE\nn_states:2\nneighborhood:vonNeumann\nsymmetries:rotate9\n",
            "symmetries 'rotate9' is not supported",
        ),
        (
            "@TABLE\nn_states:2\nneighborhood:vonNeumann\nvar a={0,1}\n0,0,0,0,0,a\n",
            "output variable 'a' is not bound",
        ),
    ],
)
def test_malformed_tables_are_named(text, message):
    with pytest.raises(AlifeInputError, match=message):
        parse_table(text)


def test_unknown_tables_and_states_are_named(tmp_path):
    with pytest.raises(AlifeInputError, match="neither a shipped table"):
        load_table("langtn")
    with pytest.raises(AlifeInputError, match="holds state 8, but Langtons-Loops has states"):
        simulate_table(np.full((3, 3), 8), load_table("langton"), 1)
