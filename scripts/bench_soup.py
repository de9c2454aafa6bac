"""Soup throughput table: alife (each backend) beside cubff's CPU binary when given.

    python scripts/bench_soup.py [--programs 131072] [--epochs 20] [--cubff PATH]

Same measurement as ``alife bench soup``; see :mod:`alife.bench` for what is timed.
"""

from alife.cli import main

if __name__ == "__main__":
    main(["bench", "soup", *__import__("sys").argv[1:]])
