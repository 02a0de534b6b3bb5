"""potgen's power-of-two weight quantiser in numpy, for training with PoT weights in the loop.

It mirrors quantisePot in generator/arith/rules.ts exactly (test/python/potquant.test.ts checks it
against potgen on random tensors), so weights fine-tuned through it quantise in potgen to the very
values the training saw:
- levels +-2^(m-1) * 2^e for m = 1..M (M = 2^(bits-1) - 1) and 0, one exponent e per layer,
  the largest weight on the top code;
- rounding to the nearest level in the linear domain (threshold 1.5 * 2^k);
- magnitudes below half the smallest level become zero;
- pruning: whole levels dropped, the smallest first, until at least `sparsity` of the weights are
  zero; the largest level always stays.
Only numpy is needed (Debian: python3-numpy).
"""
import math

import numpy as np


def nearest_power_of_two(magnitude):
    """The exponent k of the power of two nearest to magnitude (> 0), threshold 1.5 * 2^k."""
    k = math.floor(math.log2(magnitude))
    return k + 1 if magnitude >= 1.5 * 2.0**k else k


def quantise_pot(weights, bits, sparsity=0.0):
    """Returns (values, exponent, dropped_levels): the PoT weights as floats (integer value * 2^e)."""
    if not 0 <= sparsity < 1:
        raise ValueError(f"sparsity {sparsity} is not in [0, 1)")
    w = np.asarray(weights, dtype=np.float64)
    flat = w.reshape(-1)
    max_code = 2 ** (bits - 1) - 1
    max_abs = float(np.max(np.abs(flat))) if flat.size else 0.0
    if max_abs == 0:
        return np.zeros_like(w), 0, 0
    e = nearest_power_of_two(max_abs) - (max_code - 1)
    mag = np.abs(flat)
    kept = mag >= 2.0 ** (e - 1)
    with np.errstate(divide="ignore"):
        k = np.floor(np.log2(np.where(kept, mag, 1.0)))
    k = np.where(mag >= 1.5 * np.exp2(k), k + 1, k)  # nearest_power_of_two, vectorised
    ms = np.where(kept, np.clip(k - e, 0, max_code - 1) + 1, 0).astype(np.int64)
    dropped = _drop_lowest_levels(ms, max_code, sparsity)
    used = ms[ms > 0]
    rebase = (int(used.min()) if used.size else max_code) - 1
    values = np.where(ms > 0, np.sign(flat) * np.exp2(np.maximum(ms - rebase, 1) - 1), 0.0)
    exponent = e + rebase
    return (values * 2.0**exponent).reshape(w.shape), exponent, dropped


def _drop_lowest_levels(ms, max_code, sparsity):
    """Zeroes the smallest levels in place until at least `sparsity` of ms are 0; returns how many in use were dropped."""
    if sparsity <= 0 or ms.size == 0:
        return 0
    count = np.bincount(ms, minlength=max_code + 1)
    top = max_code
    while top > 0 and count[top] == 0:
        top -= 1
    zeros = int(count[0])
    drop_below = 0
    dropped = 0
    m = 1
    while m < top and zeros < sparsity * ms.size:
        drop_below = m + 1
        if count[m] > 0:
            dropped += 1
        zeros += int(count[m])
        m += 1
    ms[ms < drop_below] = 0
    return dropped
