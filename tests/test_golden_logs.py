"""Soups identical to cubff's, and cubff's golden logs (2**17 programs, seed 10248).

Two independent witnesses, both produced by cubff itself:

* ``CUBFF_SOUPS``: SHA-256 (first 128 bits) of the soup cubff's CPU build (commit f212e84)
  saved after 1, 65, 129, 193 and 257 epochs (``--checkpoint_dir``, ``--save_interval
  64``), for every language. Our soups must be these bytes exactly. (Most Forth and
  SUBLEQ soups barely compress, so their log lines differ little between languages; the
  digests are the sharper witness.)
* ``GOLDEN``: cubff's ``testdata/<language>.txt`` (epoch, brotli_size, soup_size,
  higher_entropy every 64 epochs; the entropy printed as a 32-bit float with ``%f``).
  The brotli size depends on the brotli release: the ``brotli`` 1.2.1 wheel reproduces
  60 of these 65 lines digit for digit; the five others (bff_perm at epochs 65, 193 and
  257, bff8_noheads at 129 and 257) come out one byte larger here, from soups that are
  byte-identical to cubff's (the digests pass); brotli 1.1.0 gives the same sizes as
  1.2.1 on those soups, and Debian's libbrotli 1.0.9 (cubff's CPU build here) differs on
  others. They are strict expected failures, so a brotli release that matches them shows
  up as a failure to update.
"""

import hashlib

import numpy as np
import pytest

from alife.substrates.programs.soup import Soup, SoupConfig

RECORDED = (1, 65, 129, 193, 257)
ONE_BYTE_OFF = {
    ("bff_perm", 65),
    ("bff_perm", 193),
    ("bff_perm", 257),
    ("bff8_noheads", 129),
    ("bff8_noheads", 257),
}

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
    "bff8": """\
1,8388821,131072,-0.000231
65,8388426,131072,-0.001482
129,8386803,131072,-0.002662
193,8382917,131072,-0.002536
257,8380637,131072,-0.004153""",
    "bff8_noheads": """\
1,8388705,131072,-0.000123
65,8385448,131072,0.002395
129,8371081,131072,0.015028
193,8336369,131072,0.046664
257,8294863,131072,0.084336""",
    "bff_noheads_4bit": """\
1,8302075,131072,0.082429
65,1784169,131072,5.037499
129,1242791,131072,5.413891
193,1274675,131072,5.528450
257,1320423,131072,5.518363""",
    "bff_perm": """\
1,8388904,131072,-0.000310
65,8372991,131072,0.014157
129,8371746,131072,0.014097
193,8370337,131072,0.013852
257,8366130,131072,0.015793""",
    "bff_selfmove": """\
1,8388648,131072,-0.000065
65,8388876,131072,-0.000535
129,8388856,131072,-0.000860
193,8388802,131072,-0.001132
257,8388766,131072,-0.001407""",
    "forth": """\
1,8388613,131072,-0.000034
65,8388613,131072,-0.002463
129,8388616,131072,-0.005488
193,8388619,131072,-0.008011
257,8388623,131072,-0.010055""",
    "forthcopy": """\
1,8388617,131072,-0.000036
65,8388617,131072,-0.000113
129,8388617,131072,-0.000234
193,8388617,131072,-0.000369
257,8388617,131072,-0.000515""",
    "forthtrivial": """\
1,8388613,131072,-0.000035
65,8388613,131072,-0.022252
129,8388613,131072,-0.022817
193,8388613,131072,-0.023835
257,433287,131072,5.390509""",
    "forthtrivial_reset": """\
1,8388613,131072,-0.000035
65,8388613,131072,-0.021298
129,8388613,131072,-0.020831
193,8388627,131072,-0.020254
257,8388621,131072,-0.019204""",
    "subleq": """\
1,8388613,131072,-0.000038
65,8388613,131072,-0.004219
129,8388613,131072,-0.006448
193,8388613,131072,-0.007402
257,8388617,131072,-0.007872""",
    "rsubleq4": """\
1,8388613,131072,-0.000033
65,8388613,131072,-0.001932
129,8388613,131072,-0.002752
193,8388613,131072,-0.003142
257,8388613,131072,-0.003207""",
}


CUBFF_SOUPS = {
    "bff": {
        1: "0827e179f30a3f71782e1914350204a5",
        65: "552281eff06d4dfae3d949682c4c9719",
        129: "ddf499ca451960e290e210ca9bb103ed",
        193: "75e2beea8a6d3c4fc4b1705404d41343",
        257: "839509c242a3619e2d804eac625652c0",
    },
    "bff8": {
        1: "6a7eb5ab66b0886b4d6d5dddafe9737d",
        65: "6eae0f7790c2e1891942a953962d0f45",
        129: "58ed8c926472aef2b134bd8d4e902fbd",
        193: "08d3ef7606269b63ca817ac9d179b01a",
        257: "e74076e39a1126ed3e7fa6a30b550ea9",
    },
    "bff8_noheads": {
        1: "c6e424cc42cc149c80682aed54c82477",
        65: "ed8a20cc0e72f88b5304efcb1df2b928",
        129: "86bf776250cb5e11bc1dc9dca21ecc54",
        193: "f93603fefaf7ea904ba7e089e73252a5",
        257: "3516e7c3e2d57a58e916708d827c5b57",
    },
    "bff_noheads": {
        1: "bfd2afbafb764feac7c3465b407b3841",
        65: "72826732daa298a988a3ffc30a6734db",
        129: "adf1dd67aad624dd56d15f1ce1949688",
        193: "d1ccbf9f0794d542138e2ea93308f9c8",
        257: "f7015b45a412eba4d568547563fe89db",
    },
    "bff_noheads_4bit": {
        1: "2e1f47ac5b8f5918279404bbfa27f4a7",
        65: "ab534cb56d17937f69f63206316990f8",
        129: "8570b89a22fdceda91722439db3a8b80",
        193: "52bd30ca89f65f2c3bb0f5607a7c5634",
        257: "092172b4ee55b3116badc7128161f24b",
    },
    "bff_perm": {
        1: "dd02b96e8381c50c48703d007977619b",
        65: "0f4f9e0954fd7109cc9185e80a0e157d",
        129: "3eaba966cd2a3a52deb2bf9fc8a52032",
        193: "d23cafe25e0a676bd46460089dcf0210",
        257: "ea57a8e404b0cb6e238ada9600a7c0ae",
    },
    "bff_selfmove": {
        1: "8e4ac7ec7d21db6fbf7ca3651a303ac7",
        65: "eb3c4f101fd8013e4362b84f4050e9f5",
        129: "a4b20b77277b1b7a98539d8a71871e95",
        193: "796308e10f0c4028d7c9c256c5a23967",
        257: "1fc16751ecaa8a2e3752cd0cd7102aca",
    },
    "forth": {
        1: "862e94e38256a564161c536e4e2cd2ff",
        65: "d80ae08473cd76b1b602d0e8a77670ce",
        129: "0ad3e62ab2289dec8def6378865cfd7e",
        193: "900004993548821c6985e1118e166ca4",
        257: "bf790a99d811dfdd4b5ac6bffec91e62",
    },
    "forthcopy": {
        1: "89645cca41a2d84f1a6fdecee20711b3",
        65: "867a255142cadc9b1fede28f9bf11f99",
        129: "d1200f1045a1da90bd8184438cebb69b",
        193: "350de4b2a89c5a389822b53e830ecba1",
        257: "30ee4604b20babd0114e19294de41a71",
    },
    "forthtrivial": {
        1: "3150d06000a018aec7d22c5fa3a8e4c7",
        65: "be7ddd384cd8d34c98536c96751e5afc",
        129: "60cbc0ef8cdb5b9639c87529800b9b53",
        193: "4d6076f8f07b7988d32bd7b6e2eaa72f",
        257: "61f72ed77cc5542c1fc0b27729a1f323",
    },
    "forthtrivial_reset": {
        1: "340ab7829484e58968b5be1a353a8e6d",
        65: "75f93c22f066f2355efecb05a7eb5221",
        129: "abb0ef0266df0f2695841d3f2762ce99",
        193: "41bf30f71aa7a4860ac369962876c4d7",
        257: "4b067d42280ef39ea0abc1fe087da28e",
    },
    "subleq": {
        1: "a8ba3e17cc0e84cd8b34187ca7552909",
        65: "703ca2cfc8f73278f69ad91fb0d5679d",
        129: "de8f86ab4cf2cec1ea2df3b8eb9e61a8",
        193: "01094adadecf882ad081029bcb46838d",
        257: "6d39f82a372a230ab107c2283649a944",
    },
    "rsubleq4": {
        1: "a1f3995bcb1bcac9f15c4c2e52a42ae5",
        65: "0e26e6d6a80f8f6edf892a4724d2f905",
        129: "0e4dba91dc2919b8e2a3ceccd42b8172",
        193: "2326e846c838a432472dae7f2c9e909a",
        257: "df8e4f19e7124a6bc0729b29083b2a57",
    },
}


@pytest.fixture(scope="module")
def runs():
    """Per language, the log lines and soup digests of our 257-epoch run (computed once)."""
    cache = {}

    def run(language):
        if language not in cache:
            sim = Soup(SoupConfig(language=language, programs=131072, seed=10248))
            lines, digests = {}, {}
            while sim.epoch < 257:
                sim.step()
                if sim.epoch in RECORDED:
                    m = sim.metrics()
                    entropy = np.float32(m["higher_entropy"])
                    lines[sim.epoch] = f"{m['epoch']},{m['brotli_size']},131072,{entropy:f}"
                    digests[sim.epoch] = hashlib.sha256(sim.soup.tobytes()).hexdigest()[:32]
            cache[language] = lines, digests
        return cache[language]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(CUBFF_SOUPS))
def test_soups_are_cubffs(runs, language):
    assert runs(language)[1] == CUBFF_SOUPS[language]


def golden_cases():
    for language, text in sorted(GOLDEN.items()):
        for line in text.splitlines():
            epoch = int(line.split(",")[0])
            marks = [pytest.mark.slow]
            if (language, epoch) in ONE_BYTE_OFF:
                marks.append(pytest.mark.xfail(strict=True, reason="brotli release differs"))
            yield pytest.param(language, epoch, line, marks=marks, id=f"{language}-{epoch}")


@pytest.mark.parametrize("language,epoch,line", list(golden_cases()))
def test_golden_log_line(runs, language, epoch, line):
    assert runs(language)[0][epoch] == line
