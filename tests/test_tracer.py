"""Tracer tokens against the reference interpreters carrying tokens on their bytes."""

import numpy as np
import pytest
from reference import Traced, run_program, soup_epoch, token

from alife.bench import PALINDROME
from alife.engine.run import Schedule
from alife.engine.session import resume_run, start_run
from alife.engine.store import open_run
from alife.errors import AlifeInputError
from alife.substrates.programs import get_language
from alife.substrates.programs.soup import Soup, SoupConfig
from alife.substrates.programs.tracer import (
    fresh_tokens,
    token_epoch,
    token_position,
    token_program,
    trace_metrics,
)

BFF_FAMILY = ["bff", "bff8", "bff8_noheads", "bff_noheads", "bff_noheads_4bit", "bff_perm"]
BFF_FAMILY.append("bff_selfmove")


def test_tokens_pack_and_unpack():
    tokens = fresh_tokens(3, epoch=7)
    assert tokens[2, 5] == token(7, 2, 5)
    assert token_epoch(tokens).max() == 7 and token_program(tokens)[2, 5] == 2
    assert token_position(tokens)[2, 5] == 5


def test_the_palindrome_copies_its_tokens_reversed():
    """By hand: the replicator writes its bytes, last to first, into the blank half; so
    position 64 + i holds the token of position 63 - i (a palindrome: the same byte)."""
    bff = get_language("bff_noheads")
    tape = [Traced(b, token(0, 0, i)) for i, b in enumerate(bff.parse(PALINDROME).tolist())]
    tape += [Traced(0, token(0, 1, i)) for i in range(64)]
    run_program(tape, "bff_noheads")
    assert [t.token for t in tape[64:]] == [token(0, 0, 63 - i) for i in range(64)]


def reference_soup(config: SoupConfig, epochs: int):
    soup = Soup(config)  # only for the initial bytes
    rows = [
        [Traced(int(b), token(0, p, i)) for i, b in enumerate(row)]
        for p, row in enumerate(soup.soup)
    ]
    for epoch in range(epochs):
        soup_epoch(rows, config.seed, epoch, config.mutation, config.language, traced=True)
    return rows


@pytest.mark.parametrize("language", BFF_FAMILY)
def test_traced_soups_equal_the_reference(language):
    replicator = PALINDROME if language in ("bff_noheads", "bff_noheads_4bit") else None
    config = SoupConfig(
        language=language,
        programs=16,
        seed=6,
        mutation=0.05,
        initial_program=replicator * 4 if replicator else None,
        trace=True,
    )
    expected = reference_soup(config, 4)
    soup = Soup(config).run(4)
    np.testing.assert_array_equal(soup.soup, np.array(expected, dtype=np.uint8))
    got = soup.tokens.tolist()
    assert got == [[t.token for t in row] for row in expected]
    if language == "bff_noheads":  # (the others' bytes equal the reference's already)
        untraced = Soup(SoupConfig(**{**config.to_dict(), "trace": False})).run(4)
        np.testing.assert_array_equal(untraced.soup, soup.soup)  # tracing changes nothing


def test_trace_metrics_by_hand():
    tokens = np.array(
        [
            [token(0, 0, 1)] * 32 + [token(0, 1, 2)] * 32,
            [token(3, 0, 1)] * 63 + [token(0, 1, 2)],
        ],
        dtype=np.uint64,
    )
    # tokens: 3 distinct; epoch-0 bytes: 64 + 1 of 128; origins per program: 2 and 2
    assert trace_metrics(tokens) == {
        "distinct_tokens": 3.0,
        "original_fraction": 65 / 128,
        "mean_origins": 2.0,
    }


def test_traced_runs_store_tokens_and_resume_bit_identically(tmp_path):
    config = SoupConfig(programs=64, seed=2, mutation=0.01, trace=True, reset_interval=5)
    schedule = Schedule(metrics_every=2, snapshot_every=3, checkpoint_every=4)
    once, twice = str(tmp_path / "once.h5"), str(tmp_path / "twice.h5")
    start_run(Soup, config, once, epochs=9, schedule=schedule, progress=False)
    start_run(Soup, config, twice, epochs=5, schedule=schedule, progress=False)
    resume_run(twice, epochs=4, progress=False)
    with open_run(once) as a, open_run(twice) as b:
        assert a.snapshot_keys == ("soup", "tokens")
        for epoch in a.snapshot_epochs:
            np.testing.assert_array_equal(a.snapshot(epoch, "tokens"), b.snapshot(epoch, "tokens"))
        tokens = a.snapshot(9, "tokens")
        assert np.isfinite(a.metrics["distinct_tokens"]).all()
    # the reset after epoch 5 re-drew every byte: their tokens say epoch 5
    assert token_epoch(tokens).min() >= 5


def test_tracing_is_refused_where_it_does_not_exist(tmp_path):
    with pytest.raises(AlifeInputError, match="forth has no tracer"):
        SoupConfig(language="forth", trace=True)
    with pytest.raises(AlifeInputError, match="records only with --trace"):
        start_run(
            Soup,
            SoupConfig(programs=8),
            str(tmp_path / "x.h5"),
            epochs=1,
            stop_when=["distinct_tokens<5"],
        )
    assert not (tmp_path / "x.h5").exists()
