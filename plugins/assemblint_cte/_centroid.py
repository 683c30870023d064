"""The neutral point of a pair's rigid joints, summed exactly: the same to the bit however the
joints are split (the tiles of `--tiles` each sum their own, the run adds the sums).

A float sum depends on the order of its terms; the exact sum does not. Every float64 is an integer
multiple of 2⁻¹⁰⁷⁴, so a sum of them is an integer in those units: each value's 53-bit mantissa
is shifted by its exponent, the mantissas of one exponent summed in numpy (in three pieces of 18
bits, so that every partial sum stays an exact integer), and the few exponents' sums added as
Python integers. The centroid is that integer over the count, rounded once (`Fraction` → float): what
the mean of the exact values is, to the nearest float.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

UNIT = 1074  # the exponent of the smallest float64: every float64 is an integer times 2⁻¹⁰⁷⁴
PIECE = 18  # bits: a 53-bit mantissa as three pieces
MASK = (1 << PIECE) - 1


def exact_sum(values: np.ndarray) -> int:
    """The exact sum of finite floats, in units of 2⁻¹⁰⁷⁴ (an integer)."""
    values = np.asarray(values, dtype=float)
    if not len(values):
        return 0
    mantissa, exponent = np.frexp(values)  # values = mantissa · 2^exponent, 0.5 ≤ |mantissa| < 1
    whole = (mantissa * 2.0**53).astype(np.int64)  # exact: 53 bits and a sign
    shift = exponent.astype(np.int64) - 53 + UNIT
    low = int(shift.min())
    total = 0
    # three pieces of at most 18 bits each, summed per exponent by bincount: in float64, but every
    # partial sum is an integer below 2⁵³ (up to 2³⁵ terms), so exact
    for piece, at in ((whole >> 2 * PIECE, 2 * PIECE), ((whole >> PIECE) & MASK, PIECE), (whole & MASK, 0)):
        sums = np.bincount(shift - low, weights=piece.astype(float))
        for k in np.flatnonzero(sums).tolist():
            part = int(sums[k]) << at
            s = low + k
            total += part << s if s >= 0 else part >> -s  # a subnormal's mantissa ends in as many zeros
    return total


def mean_of(total: int, count: int) -> float:
    """An exact sum (`exact_sum`, several added) over `count`, rounded once to the nearest float."""
    return float(Fraction(total, int(count) << UNIT)) if count else float("nan")


def centroid(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The centroid of points, each coordinate the exact mean rounded once."""
    return mean_of(exact_sum(x), len(x)), mean_of(exact_sum(y), len(y))
