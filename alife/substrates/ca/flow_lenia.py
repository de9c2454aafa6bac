"""Flow-Lenia (Plantec et al. 2023): Lenia whose mass moves instead of growing.

The state ``A`` is (C, H, W) float64, non-negative and unbounded, on a torus. Each of k
kernels i reads channel ``source[i]``; its growth, weighted by ``h[i]``, adds to the
*affinity* ``U`` of channel ``target[i]``:

    U_c = sum over kernels i with target[i] = c of  h_i G_i(K_i * A_source[i]),
    G_i(u) = 2 exp(-((u - m_i) / s_i)^2 / 2) - 1.

Kernel i is a sum of three Gaussian rings in the distance D = |x| / ((R + 15) r_i),
``sum_j b_ij exp(-(D - a_ij)^2 / w_ij)``, cut off smoothly at D = 1 by
``sigmoid(-10 (D - 1))`` and normalised to sum 1 (as in the authors' code, which adds 15
to R). Mass flows up the affinity gradient, and down the total mass gradient where mass
crowds:

    F_c = (1 - alpha_c) grad U_c - alpha_c grad A_sum,   alpha_c = clip((A_c / theta_a)^2, 0, 1),

gradients by 3 x 3 Sobel filters (unscaled, as the authors use them). *Reintegration
tracking* moves the mass: the content of cell p becomes a square of side 2 sigma
centred at p + 0.5 + clip(dt F_c(p), -(dd - sigma), dd - sigma), and every cell takes
the share of each square that overlaps it. Shares sum to 1, so the total mass of each
channel is conserved (to rounding).

Convolutions are FFTs on the torus (scipy.fft on the CPU, cuFFT through CuPy on a GPU).
The growth sum is one per-cell function for both targets. Reintegration takes two forms
that give the same bits:

- on the CPU, :func:`reintegrate` scatters each cell's square onto the at most 4 x 4
  cells it overlaps, on one thread (the authors' code gathers instead, from all
  (2 reach + 1)^2 cells that could reach a cell; a numba gather took 60 times as long
  at 128^2);
- on a GPU, where a scatter would race, each thread *gathers* one cell's mass from the
  (2 reach + 1)^2 cells that could reach it, visiting them in the scatter's order
  (rows, then columns, ascending around the torus) and computing every share with the
  same operations, so its sum equals the scatter's bit for bit.

CPU and GPU steps agree to rounding, as Lenia's do: their FFTs sum in different orders.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numba
import numpy as np

from alife.engine.backend import DeviceArray, array_module, resolve_backend
from alife.engine.exact_math import build_exact_math
from alife.engine.targets import device_jit
from alife.errors import AlifeInputError, check_finite
from alife.substrates.ca.lenia import fft_module


@dataclass(frozen=True)
class FlowLeniaRule:
    """The k kernels of a Flow-Lenia world: ``R`` (scalar), ``r, m, s, h`` (k,),
    ``a, b, w`` (k, 3), ``source, target`` (k,) channel indices."""

    R: float
    r: np.ndarray
    m: np.ndarray
    s: np.ndarray
    h: np.ndarray
    a: np.ndarray
    b: np.ndarray
    w: np.ndarray
    source: np.ndarray
    target: np.ndarray

    @classmethod
    def random(cls, kernels: int, channels: int, rng: np.random.Generator) -> FlowLeniaRule:
        """Parameters drawn from the ranges of the authors' code (R in [2, 25], r in
        [0.2, 1], m in [0.05, 0.5], s in [0.001, 0.18], h in [0.01, 1], a in [0, 1],
        b in [0.001, 1], w in [0.01, 0.5]); kernel i reads channel i mod C and writes
        channel (i // C) mod C, so every pair of channels is linked when k >= C^2."""
        k = kernels
        return cls(
            R=float(rng.uniform(2.0, 25.0)),
            r=rng.uniform(0.2, 1.0, k),
            m=rng.uniform(0.05, 0.5, k),
            s=rng.uniform(0.001, 0.18, k),
            h=rng.uniform(0.01, 1.0, k),
            a=rng.uniform(0.0, 1.0, (k, 3)),
            b=rng.uniform(0.001, 1.0, (k, 3)),
            w=rng.uniform(0.01, 0.5, (k, 3)),
            source=np.arange(k) % channels,
            target=(np.arange(k) // channels) % channels,
        )


def kernel_images(rule: FlowLeniaRule, height: int, width: int) -> np.ndarray:
    """(k, H, W) float64 kernels, each summing to 1, centred on cell (0, 0) of the torus."""
    rows = np.fft.fftfreq(height, 1.0 / height)[:, None]
    columns = np.fft.fftfreq(width, 1.0 / width)[None, :]
    distance = np.hypot(rows, columns)
    out = np.empty((len(rule.r), height, width))
    for i in range(len(rule.r)):
        d = distance / ((rule.R + 15.0) * rule.r[i])
        rings = sum(
            rule.b[i, j] * np.exp(-((d - rule.a[i, j]) ** 2) / rule.w[i, j]) for j in range(3)
        )
        kernel = rings / (1.0 + np.exp(10.0 * (d - 1.0)))  # sigmoid(-10 (d - 1))
        out[i] = kernel / kernel.sum()
    return out


def sobel(field: DeviceArray, xp: ModuleType = np) -> DeviceArray:
    """(2, ..., H, W): the unscaled Sobel derivatives of ``field`` (..., H, W), an
    array of module ``xp`` (numpy or CuPy), along rows (down) and columns (right) on the
    torus: 8 times the slope of a linear ramp."""

    def shift(f, dr, dc):
        return xp.roll(f, (-dr, -dc), axis=(-2, -1))  # value of the cell at (+dr, +dc)

    down = sum(
        w * (shift(field, 1, dc) - shift(field, -1, dc)) for dc, w in ((-1, 1), (0, 2), (1, 1))
    )
    right = sum(
        w * (shift(field, dr, 1) - shift(field, dr, -1)) for dr, w in ((-1, 1), (0, 2), (1, 1))
    )
    return xp.stack([down, right])


def build_flow_kernels(target: str) -> tuple[Callable, Callable, Callable]:
    """``(growth, share, landed)``, the per-cell pieces of a step compiled for ``target``
    ("cpu" or "cuda"):

    - ``growth(u, m, s, h)``: h G(u), one kernel's weighted growth at potential u;
    - ``share(centre, sigma, low)``: the length of [centre - sigma, centre + sigma]
      inside the cell [low, low + 1) (``low`` an integer);
    - ``landed(mass, flow, c, row, col, dt, sigma, reach)``: the mass of channel c that
      reintegration brings to cell (row, col), gathered from the cells that could
      reach it in the order :func:`reintegrate` scatters (see the module docstring).
    """
    jit = device_jit(target, inline=False)
    exact = build_exact_math(target)
    mul, exp = exact.mul, exact.exp

    @jit
    def growth(u, m, s, h):
        z = (u - m) / s
        return mul(h, mul(2.0, exp(mul(-0.5, mul(z, z)))) - 1.0)

    @jit
    def share(centre, sigma, low):
        return max(min(centre + sigma, low + 1.0) - max(centre - sigma, low), 0.0)

    @jit
    def first_in_order(first, span, size):
        """The offset k in 0..span-1 at which (first + k) mod size is smallest."""
        k = (-first) % size
        return k if k < span else 0

    @jit
    def overlap(position, step, limit, sigma, cell, size):
        """The share of cell ``cell`` (mod size) in the square moved from ``position``."""
        centre = position + 0.5 + min(max(step, -limit), limit)
        # int(): numba.cuda's floor is a float, and a float modulo rounds differently
        low = int(math.floor(centre - sigma))  # noqa: RUF046
        offset = (cell - low) % size
        if offset >= 4:
            return 0.0
        return share(centre, sigma, low + offset)

    @jit
    def landed(mass, flow, c, row, col, dt, sigma, reach):
        height, width = mass.shape[1], mass.shape[2]
        limit = reach - sigma
        area = mul(4.0, mul(sigma, sigma))
        span = 2 * reach + 1
        top, left = row - reach, col - reach
        skip_r = first_in_order(top, span, height)
        skip_c = first_in_order(left, span, width)
        total = 0.0
        for a in range(span):
            source_r = (top + (a + skip_r) % span) % height
            for b in range(span):
                source_c = (left + (b + skip_c) % span) % width
                m = mass[c, source_r, source_c]
                if m == 0.0:
                    continue
                rows_share = overlap(
                    source_r, mul(dt, flow[0, c, source_r, source_c]), limit, sigma, row, height
                )
                if rows_share == 0.0:
                    continue
                columns_share = overlap(
                    source_c, mul(dt, flow[1, c, source_r, source_c]), limit, sigma, col, width
                )
                if columns_share > 0.0:
                    total += mul(mul(m, rows_share), columns_share) / area
        return total

    return growth, share, landed


@functools.cache
def _cpu_kernels():
    """``(growth_sum, reintegrate)`` on the CPU (see :func:`step_kernels`)."""
    growth, share, _ = build_flow_kernels("cpu")

    @numba.njit(parallel=True)
    def growth_sum(potentials, m, s, h, target, channels):
        kernels, height, width = potentials.shape
        out = np.zeros((channels, height, width))
        for row in numba.prange(height):
            for i in range(kernels):
                for col in range(width):
                    out[target[i], row, col] += growth(potentials[i, row, col], m[i], s[i], h[i])
        return out

    @numba.njit
    def reintegrate(mass, flow, dt, sigma, reach):
        channels, height, width = mass.shape
        out = np.zeros_like(mass)
        limit = reach - sigma
        area = 4.0 * sigma * sigma
        rows_share = np.zeros(4)
        columns_share = np.zeros(4)
        for c in range(channels):
            for row in range(height):
                for col in range(width):
                    m = mass[c, row, col]
                    if m == 0.0:
                        continue
                    centre_r = row + 0.5 + min(max(dt * flow[0, c, row, col], -limit), limit)
                    centre_c = col + 0.5 + min(max(dt * flow[1, c, row, col], -limit), limit)
                    first_r = math.floor(centre_r - sigma)
                    first_c = math.floor(centre_c - sigma)
                    for i in range(4):  # a square of side 2 sigma < 3 spans at most 4 cells
                        rows_share[i] = share(centre_r, sigma, first_r + i)
                        columns_share[i] = share(centre_c, sigma, first_c + i)
                    for i in range(4):
                        if rows_share[i] == 0.0:
                            continue
                        target_r = (first_r + i) % height
                        for j in range(4):
                            if columns_share[j] > 0.0:
                                target_c = (first_c + j) % width
                                out[c, target_r, target_c] += (
                                    m * rows_share[i] * columns_share[j] / area
                                )
        return out

    return growth_sum, reintegrate


def step_kernels(backend: str) -> tuple[Callable, Callable]:
    """``(growth_sum, reintegrate)`` on ``backend``'s arrays:

    - ``growth_sum(potentials, m, s, h, target, channels)``: (C, H, W) float64, the sum
      over kernels i of ``growth`` at potentials[i] (k, H, W) into channel target[i];
    - ``reintegrate(mass, flow, dt, sigma, reach)``: (C, H, W), where the mass ``mass``
      (C, H, W) lands when each cell's content moves by ``dt * flow`` (flow
      (2, C, H, W): rows, columns; each step clipped to +-(reach - sigma)) as a square
      of side 2 sigma, shared among the cells it overlaps in proportion to the overlap.

    Both add in the same order on either backend, so equal inputs give equal bits.
    """
    if backend == "cpu":
        return _cpu_kernels()
    from alife.substrates.ca.flow_lenia_cuda import cuda_kernels

    return cuda_kernels()


def reintegrate(
    mass: np.ndarray, flow: np.ndarray, dt: float, sigma: float, reach: int
) -> np.ndarray:
    """The CPU reintegration of :func:`step_kernels` on numpy arrays."""
    return _cpu_kernels()[1](mass, flow, dt, sigma, reach)


@dataclass(frozen=True)
class FlowParams:
    """How mass moves: ``dt`` (time step), ``sigma`` (half side of a moved square, in
    cells, below 1.5), ``reach`` (the furthest a square's centre may move, plus sigma,
    in cells), ``theta_a`` (the mass at which crowding takes over the flow)."""

    dt: float = 0.2
    sigma: float = 0.65
    reach: int = 5
    theta_a: float = 1.0

    def __post_init__(self) -> None:
        check_finite("dt, sigma, theta_a", self.dt, self.sigma, self.theta_a)
        if not self.dt > 0:
            raise AlifeInputError(f"dt must be > 0, got {self.dt!r}")
        if not 0 < self.sigma < min(1.5, self.reach):
            raise AlifeInputError(
                f"sigma must be in (0, {min(1.5, self.reach):g}): below 1.5, so a moved "
                f"square spans at most 4 cells a side, and below reach; got {self.sigma!r}"
            )
        if not self.theta_a > 0:
            raise AlifeInputError(f"theta_a must be > 0, got {self.theta_a!r}")


class FlowLeniaWorld:
    """One Flow-Lenia world: ``mass`` (C, H, W) float64 on ``backend`` ("cpu" numpy, or
    "cuda" CuPy), advanced by :meth:`step`."""

    def __init__(self, mass, rule: FlowLeniaRule, flow: FlowParams, backend: str = "cpu"):
        self.backend = resolve_backend(backend)
        xp = array_module(self.backend)
        self.mass = xp.ascontiguousarray(xp.asarray(mass, dtype=xp.float64))
        channels, height, width = self.mass.shape
        if int(max(rule.source.max(), rule.target.max())) >= channels:
            raise AlifeInputError(
                f"the rule's kernels name channels beyond the {channels} there are"
            )
        self.rule, self.flow = rule, flow
        self._xp = xp
        self._fft = fft_module(self.backend)
        self._kernels = self._fft.rfft2(xp.asarray(kernel_images(rule, height, width)))
        self._growth = tuple(xp.asarray(v) for v in (rule.m, rule.s, rule.h, rule.target))
        self._source = xp.asarray(rule.source)
        self._growth_sum, self._reintegrate = step_kernels(self.backend)

    def affinity(self) -> DeviceArray:
        """(C, H, W): U, each channel's summed weighted growth."""
        spectra = self._fft.rfft2(self.mass)
        potentials = self._fft.irfft2(spectra[self._source] * self._kernels, s=self.mass.shape[1:])
        potentials = self._xp.ascontiguousarray(potentials)
        return self._growth_sum(potentials, *self._growth, len(self.mass))

    def step(self) -> None:
        """Move the mass one time step along the flow."""
        xp = self._xp
        alpha = xp.clip((self.mass / self.flow.theta_a) ** 2, 0.0, 1.0)
        grad_u = sobel(self.affinity(), xp)
        grad_total = sobel(self.mass.sum(axis=0), xp)[:, None]
        flow = grad_u * (1.0 - alpha) - grad_total * alpha
        self.mass = self._reintegrate(
            self.mass, xp.ascontiguousarray(flow), self.flow.dt, self.flow.sigma, self.flow.reach
        )
