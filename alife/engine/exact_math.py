"""Floating-point arithmetic that rounds the same on the CPU and on a GPU.

Two things make a float kernel give different bits on CUDA than on the CPU, and numba's
CUDA simulator shows neither (it runs the kernel as Python on numpy scalars):

- **Contraction.** NVVM, the compiler behind ``numba.cuda``, fuses ``a * b + c`` into one
  fused multiply-add rounded once (its ``-fma=1`` default, which ``cuda.jit`` does not
  expose), where the CPU rounds the product and then the sum. :func:`build_exact_math`'s
  ``mul`` is ``a * b`` on the CPU and libdevice's ``dmul_rn`` on CUDA, a product rounded
  on its own that no compiler may fuse; kernels whose products feed sums write them
  with it.
- **Library functions.** ``math.exp`` and ``math.log`` are glibc's on the CPU and
  libdevice's on CUDA; neither is correctly rounded, and they differ in the last bit for
  some arguments. ``exp`` and ``log`` here are built from +, -, *, / (each correctly
  rounded in IEEE 754 on both targets, products through ``mul``), ``floor``, ``frexp``
  and ``ldexp`` (exact) and a table of constants, in one fixed order, so they give the
  same bits everywhere. They are within 1 (exp) and 2 (log) units in the last place of
  ``math``'s (tests/test_exact_math.py).

``scripts/audit_ptx.py`` compiles every CUDA kernel to PTX and checks that no fused
multiply-add, and no product a compiler could still fuse, is left (libdevice's exp and
log are built on fused multiply-adds, so a call to either would show too).
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numpy as np

from alife.engine.backend import cuda_simulated
from alife.engine.targets import Target, device_jit

# ln 2 split so that n * _LN2_HI is exact for |n| < 2^20: its low 32 bits are zero
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_STEP_BITS = 5  # exp reduces x by multiples of ln 2 / 32, then looks 2^(j/32) up
_STEPS = 1 << _STEP_BITS
_STEPS_PER_UNIT = _STEPS / math.log(2.0)
_STEP_HI, _STEP_LO = _LN2_HI / _STEPS, _LN2_LO / _STEPS  # exact: 32 is a power of 2
_SQRT_HALF = 0.70710678118654752440
_EXP_MAX = 709.782712893384  # exp overflows above this
_EXP_MIN = -708.0  # exp is 3.3e-308 here, just above the smallest normal double
# 2^(j/32) for j = 0..31; a table of constants, so the same on either target
_POW2_STEPS = np.array([2.0 ** (j / _STEPS) for j in range(_STEPS)])
# 1/k! for k = 6 down to 2: exp(r) - 1 = r + r^2 (1/2 + r (1/6 + ...)), |r| <= ln2 / 64,
# where the first term left out, r^7 / 7!, is under 4e-18
_EXP_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(6, 1, -1))
# 1/(2k+1) for k = 11 down to 1: log(m) = 2 atanh(s) = 2 s + 2 s^3 (1/3 + s^2 (1/5 + ...))
_ATANH_TAYLOR = tuple(1.0 / (2 * k + 1) for k in range(11, 0, -1))


def _mul(target: Target):
    """``mul`` for ``target``: libdevice's unfusable product on a real GPU, else a plain
    product (the CPU never fuses without fastmath, nor does the simulator's numpy; the
    simulator has no libdevice)."""
    if target == "cuda" and not cuda_simulated():
        from numba import cuda

        @cuda.jit(device=True)
        def mul(a, b):
            return cuda.libdevice.dmul_rn(a, b)

        return mul
    return device_jit(target)(lambda a, b: a * b)


@functools.cache
def build_exact_math(target: Target) -> SimpleNamespace:
    """``mul(a, b)``, ``exp(x)`` and ``log(x)`` on float64 scalars, compiled for
    ``target``, giving the same bits on "cpu" and "cuda".

    ``exp`` returns 0 below -708, where the true value is under 3.3e-308 (near the
    subnormal numbers, whose rounding by ``ldexp`` is best not relied on), and inf
    above about 709.8; ``log`` returns -inf at 0 and NaN below.
    """
    jit = device_jit(target, inline=False)
    mul = _mul(target)
    exp_taylor, atanh_taylor, pow2_steps = _EXP_TAYLOR, _ATANH_TAYLOR, _POW2_STEPS

    @jit
    def exp(x):
        if x != x:
            return x
        if x > _EXP_MAX:
            return math.inf
        if x < _EXP_MIN:
            return 0.0
        n = math.floor(mul(x, _STEPS_PER_UNIT) + 0.5)  # x = n ln2/32 + r
        r = (x - mul(n, _STEP_HI)) - mul(n, _STEP_LO)
        p = 0.0
        for c in exp_taylor:
            p = mul(p, r) + c
        n = int(n)
        step = pow2_steps[n & (_STEPS - 1)]
        return math.ldexp(step + mul(step, r + mul(mul(r, r), p)), n >> _STEP_BITS)

    @jit
    def log(x):
        if x != x or x == math.inf:
            return x
        if x <= 0.0:
            return -math.inf if x == 0.0 else math.nan
        m, e = math.frexp(x)  # x = m 2^e, m in [0.5, 1); subnormals too
        if m < _SQRT_HALF:
            m = m + m
            e -= 1
        f = m - 1.0  # exact: m in [sqrt(1/2), sqrt(2))
        s = f / (2.0 + f)
        z = mul(s, s)
        q = 0.0
        for c in atanh_taylor:
            q = mul(q, z) + c
        log_m = 2.0 * s + mul(2.0 * s, mul(z, q))
        k = float(e)
        return mul(k, _LN2_HI) + (mul(k, _LN2_LO) + log_m)

    return SimpleNamespace(mul=mul, exp=exp, log=log)
