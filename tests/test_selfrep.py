"""Self-replicator scores against a transliteration of cubff's CheckSelfRep and against
the replicator counts cubff itself logged."""

import numpy as np
import pytest
from reference import selfrep_score

from alife.bench import PALINDROME, REPLICATORS
from alife.engine.rng import derive_host
from alife.engine.run import Schedule
from alife.engine.session import start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language, language_names
from alife.substrates.programs.selfrep import REPLICATOR_THRESHOLD, selfrep_scores
from alife.substrates.programs.soup import Soup, SoupConfig


def known_replicator(language: str) -> np.ndarray | None:
    """A program that replicates in ``language``: the bench's, or the paper's palindrome
    where it parses (it also replicates in bff_noheads_4bit); None elsewhere."""
    lang = get_language(language)
    if language in REPLICATORS:
        return lang.parse(REPLICATORS[language])
    try:
        return lang.parse(PALINDROME)
    except AlifeInputError:
        return None


def candidate_programs(language: str, seed: int) -> np.ndarray:
    """Random programs, programs dense in the language's commands, and a replicator
    candidate (the known one, else the palindrome or random) with two mutants of it:
    (8, 64) uint8."""
    lang = get_language(language)
    rng = np.random.default_rng(seed)
    special = np.flatnonzero(lang.byte_colors[:, 0] != lang.byte_colors[:, 1]).astype(np.uint8)
    out = rng.integers(0, 256, (8, 64), dtype=np.uint8)
    out[2:5] = rng.choice(special, size=(3, 64))
    replicator = known_replicator(language)
    if replicator is not None:
        out[5] = replicator
        out[6] = replicator
        out[6, rng.integers(0, 64, 3)] = rng.integers(0, 256, 3)
        out[7] = replicator
        out[7, 10] ^= 1
    return out


@pytest.mark.parametrize("language", language_names())
def test_scores_equal_the_reference_transliteration(language):
    programs = candidate_programs(language, seed=len(language))
    seed = derive_host(3, 41)
    got = selfrep_scores(language, programs, seed, max_steps=1024)
    expected = [selfrep_score(programs, i, seed, language, max_steps=1024) for i in range(8)]
    assert got.tolist() == expected


@pytest.mark.parametrize("language", ["bff_noheads", "bff_noheads_4bit", "forthtrivial"])
def test_known_replicators_score_high_and_noise_scores_zero(language):
    programs = candidate_programs(language, seed=1)
    scores = selfrep_scores(language, programs, seed=99)
    assert scores[5] >= REPLICATOR_THRESHOLD
    assert scores[0] == 0 and scores[1] == 0


# cubff's own log (number_selfreps), made with its CPU build (make CUDA=0):
#   main --lang bff_noheads --num 2048 --seed 7 --eval_selfrep --log log.csv
#        --max_epochs 512 --initial_program "$(python -c 'print(PALINDROME*128)')"
#   main --lang forthtrivial --num 2048 --seed 11 --eval_selfrep --log log.csv
#        --max_epochs 256 --initial_program "<REPLICATORS['forthtrivial'] * 64>"
CUBFF_REPLICATOR_COUNTS = {
    ("bff_noheads", 7, PALINDROME * 128): {1: 165, 65: 642, 129: 1171, 193: 1398, 257: 1872},
    ("forthtrivial", 11, REPLICATORS["forthtrivial"] * 64): {1: 88, 65: 2008},
}


@pytest.mark.parametrize("key", list(CUBFF_REPLICATOR_COUNTS), ids=lambda key: key[0])
def test_census_of_a_run_equals_cubffs_log(key, tmp_path):
    language, seed, initial = key
    expected = CUBFF_REPLICATOR_COUNTS[key]
    config = SoupConfig(language=language, programs=2048, seed=seed, initial_program=initial)
    path = str(tmp_path / "run.h5")
    schedule = Schedule(metrics_every=64, census_every=64)
    start_run(Soup, config, path, epochs=max(expected), schedule=schedule, progress=False)
    with open_run(path) as run:
        got = dict(
            zip(run.metrics["epoch"].tolist(), run.metrics["replicators"].tolist(), strict=True)
        )
    assert got == expected


def test_bad_programs_are_one_clear_error():
    with pytest.raises(AlifeInputError, match=r"\(n, 64\) uint8"):
        selfrep_scores("bff_noheads", np.zeros((4, 63), dtype=np.uint8), 0)
    with pytest.raises(AlifeInputError, match=r"seed must be an integer in \[0, 2\*\*64\), got -1"):
        selfrep_scores("bff_noheads", np.zeros((4, 64), dtype=np.uint8), -1)
