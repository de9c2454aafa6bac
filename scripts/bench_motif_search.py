"""How fast alife finds which programs of a soup hold a motif, beside numpy's obvious
vectorised search (every window of the motif's length compared at once).

    python scripts/bench_motif_search.py [--programs 32400] [--repeats 20] [RUN.h5 EPOCH]

The soup is random bytes with the motif written into every tenth program, or a
snapshot of a soup run. Every spread, tape-order and Price analysis of a motif calls
this search once per motif per snapshot or replayed epoch.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from alife.analysis.soup_price import motif_trait
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs.registry import get_language


def numpy_search(soup: np.ndarray, motif: np.ndarray) -> np.ndarray:
    """(n,) float64: 1.0 where a row of ``soup`` holds ``motif``, by comparing windows."""
    windows = sliding_window_view(soup, motif.size, axis=1)
    return (windows == motif).all(axis=2).any(axis=1).astype(np.float64)


def seconds(search, soup: np.ndarray, motif: np.ndarray, repeats: int) -> tuple[float, float]:
    """(best seconds per search over ``repeats``, programs found)."""
    found = search(soup, motif)  # compiles a numba kernel the first time
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        search(soup, motif)
        best = min(best, time.perf_counter() - start)
    return best, float(found.sum())


def soup_to_search(args: argparse.Namespace, motif: np.ndarray) -> tuple[np.ndarray, str]:
    """((n, 64) uint8 soup, what it is) as the command line asks."""
    if args.snapshot:
        path, epoch = args.snapshot
        with open_run(path) as run:
            return run.snapshot(int(epoch), "soup"), f"{path} epoch {epoch}"
    soup = np.random.default_rng(0).integers(0, 256, (args.programs, 64), dtype=np.uint8)
    soup[::10, 20 : 20 + motif.size] = motif
    return soup, "random bytes, the motif in every tenth program"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", nargs="*", metavar="RUN.h5 EPOCH")
    parser.add_argument("--programs", type=int, default=32400)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--motif", default="{.>]")
    args = parser.parse_args()
    if len(args.snapshot) not in (0, 2) or args.programs < 1 or args.repeats < 1:
        parser.error("give RUN.h5 EPOCH or nothing, and --programs and --repeats from 1")
    try:
        motif = get_language("bff_noheads").parse_motif(args.motif)
        soup, where = soup_to_search(args, motif)
    except (AlifeInputError, OSError, ValueError) as error:
        parser.exit(2, f"Error: {error}\n")
    print(f"{len(soup)} programs ({where}), motif {args.motif!r}, best of {args.repeats}")
    for name, search in (("numpy windows", numpy_search), ("alife motif_trait", motif_trait)):
        best, found = seconds(search, soup, motif, args.repeats)
        print(f"  {name:<18} {1e3 * best:8.3f} ms   {found:.0f} found")


if __name__ == "__main__":
    main()
