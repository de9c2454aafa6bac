"""cubff's soup options reproduced exactly: zero init, initial program, resets, pairings.

``CUBFF_SOUPS`` holds SHA-256 (first 128 bits) of the soups cubff's CPU build (commit
f212e84) saved after 1, 33 and 65 epochs of 1024 ``bff_noheads`` programs at seed 7
(``--save_interval 32``) with the options named, and the reset counter it saved with them.
"""

import hashlib
import math
import re

import pytest
from click.testing import CliRunner

from alife.cli import main
from alife.errors import AlifeInputError
from alife.substrates.programs.soup import Soup, SoupConfig

PALINDROME = "[[{.>]-]" + "0" * 48 + "]-]>.{[["
OPTIONS = {
    "zero_palindrome": dict(zero_init=True, initial_program=PALINDROME),
    "fixed": dict(fixed_shuffle=True),
    "nopermute": dict(permute=False),
    "reset": dict(reset_interval=10),
    "reset_zero": dict(reset_interval=7, zero_init=True, initial_program=PALINDROME),
}
CUBFF_RESET_INDEX = {"reset": {1: 1, 33: 5, 65: 8}, "reset_zero": {1: 1, 33: 6, 65: 11}}
CUBFF_SOUPS = {
    "fixed": {
        1: "eac42ba3850286c947f67e76a97123c5",
        33: "84bd3d13f0c337a3a4c83eb50fa6bfe7",
        65: "909758e7a1536a396edff1bb7a6c462b",
    },
    "nopermute": {
        1: "800e84d1cf220aff976d4a63cbb3ff45",
        33: "40b263f0ca4fab1ff4d8da38a0660b72",
        65: "7f934cd4f344dca6f0b2bff23a9edda3",
    },
    "reset": {
        1: "cf57bdeafb4d474ee239d7cfeca541bb",
        33: "e57db22cb95e69fcb7d5722df0372f62",
        65: "bcf8b8a77ac77cbfde2c1dcacc352901",
    },
    "reset_zero": {
        1: "e1dafe129e9d416fd7bbc1a99e514fed",
        33: "8af18282e0681dc44a8d96cfeadf61e0",
        65: "6353d70120a562fdf587b076c28603be",
    },
    "zero_palindrome": {
        1: "e1dafe129e9d416fd7bbc1a99e514fed",
        33: "33f4ce07e306c4e245efe38d586fe525",
        65: "7c0075649ef1900ebba2ef5eedf09b66",
    },
}


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_soups_are_cubffs(name):
    sim = Soup(SoupConfig(programs=1024, seed=7, **OPTIONS[name]))
    digests, resets = {}, {}
    while sim.epoch < 65:
        sim.step()
        if sim.epoch in (1, 33, 65):
            digests[sim.epoch] = hashlib.sha256(sim.soup.tobytes()).hexdigest()[:32]
            resets[sim.epoch] = sim.counters["reset_index"]
    assert digests == CUBFF_SOUPS[name]
    assert resets == CUBFF_RESET_INDEX.get(name, {1: 1, 33: 1, 65: 1})


def test_initial_program_spills_into_the_next_program():
    config = SoupConfig(programs=4, zero_init=True, initial_program="+" * 70)
    soup = Soup(config).soup
    assert (soup[0] == ord("+")).all() and (soup[1, :6] == ord("+")).all()
    assert (soup[1, 6:] == 0).all() and (soup[2:] == 0).all()


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"programs": 96, "fixed_shuffle": True}, "power-of-two number of programs, got 96"),
        ({"fixed_shuffle": True, "permute": False}, "exclude each other"),
        ({"reset_interval": 0}, "reset_interval must be an integer >= 1, got 0"),
        ({"reset_interval": math.nan}, "reset_interval must be an integer >= 1, got nan"),
        ({"reset_interval": 2**63}, "reset_interval must be below 2**63"),
        ({"seed": True}, "seed must be an integer in [0, 2**64), got True"),
        ({"initial_program": "[[x]]"}, "'x' at position 2"),
        ({"programs": 2, "initial_program": "+" * 129}, "129 bytes but the soup only 128"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(AlifeInputError, match=re.escape(message)):
        SoupConfig(**kwargs)


def test_cli_options_reach_the_config(tmp_path):
    from alife.engine.store import open_run

    out = str(tmp_path / "o.h5")
    result = CliRunner().invoke(
        main,
        [
            "soup",
            "run",
            "--programs",
            "64",
            "--epochs",
            "3",
            "--zero-init",
            "--initial-program",
            "[[{.>]-]",
            "--reset-interval",
            "2",
            "--fixed-shuffle",
            "--out",
            out,
        ],
    )
    assert result.exit_code == 0, result.output
    with open_run(out) as r:
        assert r.config["zero_init"] and r.config["fixed_shuffle"]
        assert r.config["reset_interval"] == 2 and r.config["initial_program"] == "[[{.>]-]"
    bad = CliRunner().invoke(
        main,
        ["soup", "run", "--programs", "96", "--fixed-shuffle", "--out", str(tmp_path / "x.h5")],
    )
    assert bad.exit_code == 2 and "power-of-two" in bad.stderr
