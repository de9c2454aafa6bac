"""cubff's golden logs reproduced digit for digit (2**17 programs, seed 10248, 257 epochs).

The expected lines are cubff's ``testdata/<language>.txt`` (epoch, brotli_size,
soup_size, higher_entropy every 64 epochs), produced by cubff itself; cubff prints the
higher-order entropy as a 32-bit float with ``%f``.
"""

import numpy as np
import pytest

from alife.substrates.programs.soup import Soup, SoupConfig

GOLDEN = {
    "bff_noheads": """\
1,8388776,131072,-0.000190
65,8286015,131072,0.097342
129,8216575,131072,0.162708
193,8161711,131072,0.213831
257,8114689,131072,0.256865""",
    "bff": """\
1,8388742,131072,-0.000157
65,8364594,131072,0.021187
129,8358994,131072,0.023582
193,8356638,131072,0.022171
257,8352623,131072,0.021592""",
}


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(GOLDEN))
def test_golden_log(language):
    sim = Soup(SoupConfig(language=language, programs=131072, seed=10248))
    lines = []
    while sim.epoch < 257:
        sim.step()
        if (sim.epoch - 1) % 64 == 0:
            m = sim.metrics()
            entropy = np.float32(m["higher_entropy"])
            lines.append(f"{m['epoch']},{m['brotli_size']},131072,{entropy:f}")
    assert "\n".join(lines) == GOLDEN[language]
