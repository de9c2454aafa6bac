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

Convolutions are FFTs on the torus (scipy.fft). Reintegration is a serial numba kernel
that scatters each cell's square onto the at most 4 x 4 cells it overlaps. The authors'
code gathers instead, from all (2 reach + 1)^2 cells that could reach a cell; a numba
gather took 60 times as long at 128^2. One thread, so sums are in a fixed order and
results reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import scipy.fft

from alife.errors import AlifeInputError


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


def sobel(field: np.ndarray) -> np.ndarray:
    """(2, ..., H, W): the unscaled Sobel derivatives of ``field`` (..., H, W) along
    rows (down) and columns (right) on the torus: 8 times the slope of a linear ramp."""

    def shift(f, dr, dc):
        return np.roll(f, (-dr, -dc), axis=(-2, -1))  # value of the cell at (+dr, +dc)

    down = sum(
        w * (shift(field, 1, dc) - shift(field, -1, dc)) for dc, w in ((-1, 1), (0, 2), (1, 1))
    )
    right = sum(
        w * (shift(field, dr, 1) - shift(field, dr, -1)) for dr, w in ((-1, 1), (0, 2), (1, 1))
    )
    return np.stack([down, right])


@numba.njit
def reintegrate(mass, flow, dt, sigma, reach):
    """(C, H, W): where the mass ``mass`` (C, H, W) lands when each cell's content
    moves by ``dt * flow`` (flow (2, C, H, W): rows, columns; each step clipped to
    +-(reach - sigma)) as a square of side 2 sigma, shared among the cells it overlaps
    (at most 4 x 4) in proportion to the overlap."""
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
                first_r = int(np.floor(centre_r - sigma))
                first_c = int(np.floor(centre_c - sigma))
                for i in range(4):  # a square of side 2 sigma < 3 spans at most 4 cells
                    low_r, low_c = first_r + i, first_c + i
                    rows_share[i] = max(
                        min(centre_r + sigma, low_r + 1.0) - max(centre_r - sigma, low_r), 0.0
                    )
                    columns_share[i] = max(
                        min(centre_c + sigma, low_c + 1.0) - max(centre_c - sigma, low_c), 0.0
                    )
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


@numba.njit(parallel=True)
def _growth_sum(potentials, m, s, h, target, channels):
    """(C, H, W): sum over kernels i of h_i G_i(potentials[i]) into channel target[i]."""
    kernels, height, width = potentials.shape
    out = np.zeros((channels, height, width))
    for row in numba.prange(height):
        for i in range(kernels):
            for col in range(width):
                z = (potentials[i, row, col] - m[i]) / s[i]
                out[target[i], row, col] += h[i] * (2.0 * np.exp(-0.5 * z * z) - 1.0)
    return out


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
    """One Flow-Lenia world: ``mass`` (C, H, W) float64 advanced by :meth:`step`."""

    def __init__(self, mass: np.ndarray, rule: FlowLeniaRule, flow: FlowParams):
        self.mass = np.ascontiguousarray(mass, dtype=np.float64)
        channels, height, width = self.mass.shape
        if int(max(rule.source.max(), rule.target.max())) >= channels:
            raise AlifeInputError(
                f"the rule's kernels name channels beyond the {channels} there are"
            )
        self.rule, self.flow = rule, flow
        self._kernels = scipy.fft.rfft2(kernel_images(rule, height, width))

    def affinity(self) -> np.ndarray:
        """(C, H, W): U, each channel's summed weighted growth."""
        rule = self.rule
        spectra = scipy.fft.rfft2(self.mass)
        potentials = scipy.fft.irfft2(spectra[rule.source] * self._kernels, s=self.mass.shape[1:])
        return _growth_sum(potentials, rule.m, rule.s, rule.h, rule.target, len(self.mass))

    def step(self) -> None:
        """Move the mass one time step along the flow."""
        alpha = np.clip((self.mass / self.flow.theta_a) ** 2, 0.0, 1.0)
        grad_u = sobel(self.affinity())
        grad_total = sobel(self.mass.sum(axis=0))[:, None]
        flow = grad_u * (1.0 - alpha) - grad_total * alpha
        self.mass = reintegrate(
            self.mass, np.ascontiguousarray(flow), self.flow.dt, self.flow.sigma, self.flow.reach
        )
