"""Lenia (Chan 2019): a continuous cellular automaton, ``A <- clip(A + G(K * A) / T, 0, 1)``.

``A`` is an (H, W) field of states in [0, 1] on a torus; ``K * A`` its convolution with a
ring kernel of radius ``R`` cells, normalised to sum 1 (the *potential*, in [0, 1]);
``G`` the growth function, in [-1, 1], centred at ``m`` with width ``s``; ``T`` the time
resolution (steps per unit time). Kernel and growth families and their 1-based indices
``kn``/``gn`` follow Chakazul/Lenia and its ``animals.json``:

- kernel cores, of the distance ``q`` in (0, 1) across one ring: ``kn=1`` polynomial
  ``(4 q (1 - q))**4``; ``kn=2`` exponential ``exp(4 - 1 / (q (1 - q)))``; ``kn=3`` step
  (1 on [1/4, 3/4]); ``kn=4`` staircase (step, and 1/2 below 1/4);
- ``b``: the peak heights of the kernel's rings, innermost first (``"1,1/3"``); a cell at
  distance ``r`` (in units of ``R``) lies in ring ``floor(r len(b))``;
- growth: ``gn=1`` polynomial ``2 max(0, 1 - (u - m)**2 / (9 s**2))**4 - 1``; ``gn=2``
  Gaussian ``2 exp(-(u - m)**2 / (2 s**2)) - 1``; ``gn=3`` step (1 within ``s`` of ``m``,
  else -1).

The convolution is an FFT on the torus (scipy.fft on the CPU, CuPy's cuFFT on a GPU);
the growth and clip are one elementwise kernel written once for both targets. Many
worlds step together as a batch (B, H, W), each with its own parameters. CPU and GPU
agree to floating-point rounding, not bit for bit: their FFT libraries sum in different
orders.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from types import ModuleType, SimpleNamespace

import numba
import numpy as np

from alife.engine.backend import DeviceArray, array_module, resolve_backend
from alife.engine.exact_math import build_exact_math
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError, check_finite

KERNEL_CORES = ("polynomial", "exponential", "step", "staircase")  # kn = 1..4
GROWTHS = ("polynomial", "gaussian", "step")  # gn = 1..3


def parse_rings(text: str) -> tuple[float, ...]:
    """Ring heights from animals.json's ``b`` text (``"1"``, ``"1,1/3"``)."""
    try:
        rings = tuple(float(Fraction(part.strip())) for part in str(text).split(","))
    except (ValueError, ZeroDivisionError):
        rings = ()
    if not rings or min(rings) < 0 or max(rings) <= 0:
        raise AlifeInputError(
            f"kernel rings b={text!r} must be non-negative numbers or fractions, not all "
            f"zero, separated by commas (e.g. '1' or '1,1/3')"
        )
    return rings


@dataclass(frozen=True)
class LeniaParams:
    """One Lenia rule.

    Attributes
    ----------
    R: kernel radius in cells (>= 1).
    T: time resolution, steps per unit time (> 0); each step adds G / T.
    b: ring heights, innermost first.
    m, s: growth centre and width (potential units, s > 0).
    kn, gn: kernel core and growth family, 1-based as in animals.json.
    """

    R: int = 13
    T: float = 10.0
    b: tuple[float, ...] = field(default=(1.0,))
    m: float = 0.15
    s: float = 0.015
    kn: int = 1
    gn: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.b, str):
            object.__setattr__(self, "b", parse_rings(self.b))
        if isinstance(self.R, bool) or not isinstance(self.R, int) or self.R < 1:
            raise AlifeInputError(f"kernel radius R must be an integer >= 1, got {self.R!r}")
        check_finite("T, m, s", self.T, self.m, self.s)
        if not self.T > 0:
            raise AlifeInputError(f"time resolution T must be > 0, got {self.T!r}")
        if not self.s > 0:
            raise AlifeInputError(f"growth width s must be > 0, got {self.s!r}")
        if self.kn not in range(1, len(KERNEL_CORES) + 1):
            raise AlifeInputError(
                f"kernel core kn={self.kn!r} is unknown; valid: "
                + ", ".join(f"{i + 1} ({name})" for i, name in enumerate(KERNEL_CORES))
            )
        if self.gn not in range(1, len(GROWTHS) + 1):
            raise AlifeInputError(
                f"growth gn={self.gn!r} is unknown; valid: "
                + ", ".join(f"{i + 1} ({name})" for i, name in enumerate(GROWTHS))
            )

    @classmethod
    def from_animal(cls, params: object) -> LeniaParams:
        """The rule of an animals.json ``params`` entry (``R``, ``T``, ``b``, ``m``,
        ``s``, optional ``kn``/``gn``, default 1); an AlifeInputError names what is
        missing or not a number."""
        if not isinstance(params, dict):
            raise AlifeInputError(
                f"a Lenia animal's params must be a table of R, T, b, m and s, not {params!r}"
            )
        missing = [key for key in ("R", "T", "b", "m", "s") if key not in params]
        if missing:
            raise AlifeInputError(
                f"a Lenia animal's params lack {', '.join(missing)}; they need R, T, b, m "
                f"and s (kn and gn are optional)"
            )
        numbers = {}
        for key, kind in (("R", int), ("T", float), ("m", float), ("s", float)):
            numbers[key] = _animal_number(params, key, kind)
        for key in ("kn", "gn"):
            numbers[key] = _animal_number(params, key, int, default=1)
        return cls(b=parse_rings(params["b"]), **numbers)


def _animal_number(params: dict, key: str, kind: type, default: int | None = None) -> int | float:
    """``params[key]`` (or ``default``) as ``kind``; an AlifeInputError if it is none."""
    value = params.get(key, default)
    try:
        return kind(value)
    except (TypeError, ValueError, OverflowError):
        raise AlifeInputError(f"a Lenia animal's {key} must be a number, not {value!r}") from None


def kernel_core(q: np.ndarray, kn: int) -> np.ndarray:
    """Kernel core family ``kn`` at distances ``q`` in [0, 1] across one ring (float64)."""
    inside = (q > 0) & (q < 1)
    if kn == 1:
        return np.where(inside, (4 * q * (1 - q)) ** 4, 0.0)
    if kn == 2:
        safe = np.where(inside, q * (1 - q), 0.5)
        return np.where(inside, np.exp(4 - 1 / safe), 0.0)
    step = ((q >= 0.25) & (q <= 0.75)).astype(float)
    return step if kn == 3 else step + 0.5 * (q < 0.25)


def kernel_image(params: LeniaParams, height: int, width: int) -> np.ndarray:
    """(height, width) float64 kernel normalised to sum 1, its centre at cell (0, 0)
    and wrapped around the torus (the layout an FFT convolution wants)."""
    if min(height, width) < 2 * params.R + 1:
        raise AlifeInputError(
            f"kernel radius R={params.R} needs a world of at least {2 * params.R + 1} "
            f"cells a side, got {width}x{height}"
        )
    dy = np.fft.fftfreq(height, 1 / height)[:, None]
    dx = np.fft.fftfreq(width, 1 / width)[None, :]
    r = np.sqrt(dy * dy + dx * dx) / params.R
    rings = np.asarray(params.b)
    scaled = r * len(rings)
    ring = np.minimum(np.floor(scaled).astype(int), len(rings) - 1)
    image = np.where(r < 1, rings[ring] * kernel_core(np.minimum(scaled % 1, 1), params.kn), 0)
    return image / image.sum()


def build_update(target: str) -> Callable:
    """The elementwise Lenia update of one cell, compiled for ``target``; products go
    through ``mul`` and the exponential is the exact one, so a GPU rounds as the CPU
    does (see :mod:`alife.engine.exact_math`)."""
    jit = device_jit(target, inline=False)
    exact = build_exact_math(target)
    mul, exp = exact.mul, exact.exp

    @jit
    def growth(u, m, s, gn):
        d = u - m
        if gn == 1:
            g = max(0.0, 1.0 - mul(d, d) / mul(9.0, mul(s, s)))
            g2 = mul(g, g)
            return mul(2.0, mul(g2, g2)) - 1.0
        if gn == 2:
            return mul(2.0, exp(-mul(d, d) / mul(2.0, mul(s, s)))) - 1.0
        return 1.0 if abs(d) <= s else -1.0

    @jit
    def updated(a, u, m, s, inv_t, gn):
        return min(max(a + mul(inv_t, growth(u, m, s, gn)), 0.0), 1.0)

    return updated


@functools.cache
def _cpu_update():
    """The CPU update, on one thread: it is a small share of a step, and numba's
    OpenMP threads, left spinning after a parallel loop, would take the cores from
    the FFT's threads (a step at 1024^2 took twice as long)."""
    updated = build_update("cpu")

    @numba.njit
    def update(world, potential, m, s, inv_t, gn):
        for w in range(world.shape[0]):
            m_w, s_w, inv_t_w, gn_w = m[w], s[w], inv_t[w], gn[w]
            row, field = world[w], potential[w]
            for c in range(row.shape[0]):
                row[c] = updated(row[c], field[c], m_w, s_w, inv_t_w, gn_w)

    return update


def update_kernel(backend: str) -> Callable:
    """``update(world, potential, m, s, inv_t, gn)``: world (B, N) <- the clipped
    update from potential (B, N), both float32 or float64; m, s, inv_t (B,) float64,
    gn (B,) int64. In place, on ``backend``'s arrays."""
    if backend == "cpu":
        return _cpu_update()
    from alife.substrates.ca.lenia_cuda import cuda_update

    return cuda_update()


def fft_module(backend: str) -> ModuleType:
    """rfft2/irfft2 over the last two axes: scipy.fft on all CPU cores for numpy
    arrays, cupy.fft (cuFFT) for CuPy arrays."""
    if array_module(backend) is np:
        import scipy.fft

        workers = os.cpu_count() or 1
        return SimpleNamespace(
            rfft2=functools.partial(scipy.fft.rfft2, workers=workers),
            irfft2=functools.partial(scipy.fft.irfft2, workers=workers),
        )
    import cupy

    return cupy.fft


class LeniaWorlds:
    """A batch of Lenia worlds, (B, H, W) on ``backend``, each with its own rule.

    ``worlds`` is the array of states (float32 by default); :meth:`step` advances all
    of them by one step of their rule.
    """

    def __init__(
        self,
        worlds,
        params: LeniaParams | list[LeniaParams],
        backend: str = "cpu",
        dtype: str = "float32",
    ):
        self.backend = resolve_backend(backend)
        xp = array_module(self.backend)
        if dtype not in ("float32", "float64"):
            raise AlifeInputError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        worlds = xp.asarray(worlds, dtype=dtype)
        if worlds.ndim == 2:
            worlds = worlds[None]
        if worlds.ndim != 3:
            raise AlifeInputError(f"worlds must be (H, W) or (B, H, W), got {worlds.shape}")
        batch, height, width = worlds.shape
        rules = [params] * batch if isinstance(params, LeniaParams) else list(params)
        if len(rules) != batch:
            raise AlifeInputError(f"{len(rules)} rules given for {batch} worlds")
        self.worlds = xp.ascontiguousarray(worlds)
        self.rules = rules
        self._xp = xp
        self._fft = fft_module(self.backend)
        spectra = {}  # one kernel spectrum per distinct (R, b, kn)
        for rule in rules:
            key = (rule.R, rule.b, rule.kn)
            if key not in spectra:
                kernel = xp.asarray(kernel_image(rule, height, width), dtype=dtype)
                spectra[key] = self._fft.rfft2(kernel)
        if len(spectra) == 1:
            self._spectra = next(iter(spectra.values()))[None]
        else:
            self._spectra = xp.stack([spectra[(r.R, r.b, r.kn)] for r in rules])
        self._m = xp.asarray([rule.m for rule in rules], dtype=np.float64)
        self._s = xp.asarray([rule.s for rule in rules], dtype=np.float64)
        self._inv_t = xp.asarray([1.0 / rule.T for rule in rules], dtype=np.float64)
        self._gn = xp.asarray([rule.gn for rule in rules], dtype=np.int64)
        self._update = update_kernel(self.backend)

    def potential(self) -> DeviceArray:
        """(B, H, W) potentials K * A of the current worlds."""
        height, width = self.worlds.shape[1:]
        spectrum = self._fft.rfft2(self.worlds) * self._spectra
        return self._fft.irfft2(spectrum, s=(height, width))

    def step(self) -> None:
        """One step of every world."""
        batch = self.worlds.shape[0]
        potential = self._xp.ascontiguousarray(self.potential(), dtype=self.worlds.dtype)
        self._update(
            self.worlds.reshape(batch, -1),
            potential.reshape(batch, -1),
            self._m,
            self._s,
            self._inv_t,
            self._gn,
        )
