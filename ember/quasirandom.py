"""``torch.quasirandom.SobolEngine``: (scrambled) Sobol' sequences, value for value as
PyTorch's.

The direction numbers are Joe and Kuo's (search criterion D(6), up to dimension 21201), read
from the table SciPy ships (the ``quasirandom`` extra: ``pip install 'ember[quasirandom]'``);
they are the numbers PyTorch compiles in.  Points come in Gray-code order: point ``i + 1``
flips the direction number of the lowest zero bit of ``i``.  Scrambling (Owen's linear matrix
scramble plus a digital shift) draws its random bits with ``randint`` from a generator seeded
with ``seed``, as PyTorch does, so a seeded scrambled engine gives PyTorch's points.
"""
import functools

import numpy as np

from . import _dtype as D
from . import _errors
from ._ops.creation import tensor as _tensor

__all__ = ["SobolEngine"]

MAXBIT = 30


@functools.lru_cache(maxsize=1)
def _direction_table():
    """(primitive polynomials, initial direction numbers) for every dimension, read from SciPy's
    data file (without importing ``scipy.stats``, which takes seconds)."""
    import importlib.util
    import os
    spec = importlib.util.find_spec("scipy")
    path = spec and os.path.join(spec.submodule_search_locations[0], "stats",
                                 "_sobol_direction_numbers.npz")
    if not path or not os.path.exists(path):
        raise _errors.quasirandom_missing()
    with np.load(path) as table:
        return table["poly"].astype(np.int64), table["vinit"].astype(np.int64)


def _direction_numbers(dimension):
    """(dimension, MAXBIT) int64: dimension 0 is all ones; the others start from their initial
    numbers and follow their polynomial's recurrence (vectorised over dimensions); column j is
    then scaled by ``2**(MAXBIT - 1 - j)``."""
    poly, vinit = _direction_table()
    p = poly[1:dimension]
    degree = np.frexp(p.astype(np.float64))[1].astype(np.int64) - 1     # bit_length - 1
    v = np.ones((dimension, MAXBIT), np.int64)
    rows = v[1:]
    for j in range(MAXBIT):
        start = j < degree
        rows[:, j] = np.where(start, vinit[1:dimension, min(j, vinit.shape[1] - 1)], 0)
        if start.all():
            continue
        back = rows[np.arange(len(p)), np.maximum(j - degree, 0)]
        new = back ^ (back << degree)
        for k in range(1, int(degree.max())):
            use = (k < degree) & (((p >> np.maximum(degree - k, 0)) & 1) == 1) & (j - k >= 0)
            new ^= np.where(use, rows[:, max(j - k, 0)] << k, 0)
        rows[:, j] = np.where(start, rows[:, j], new)
    return v << (MAXBIT - 1 - np.arange(MAXBIT, dtype=np.int64))


def _scrambled(v, ltm):
    """Owen's linear scramble: each direction number's bits (most significant first) times the
    lower-triangular binary matrix of its dimension (unit diagonal), over GF(2)."""
    ltm = ltm.copy()
    ltm[:, np.arange(MAXBIT), np.arange(MAXBIT)] = 1
    shifts = MAXBIT - 1 - np.arange(MAXBIT, dtype=np.int64)
    bits = (v[:, :, None] >> shifts) & 1                      # (dim, column, bit)
    mixed = np.einsum("dpq,djq->djp", ltm, bits) & 1           # (dim, column, bit)
    return (mixed << shifts).sum(-1)


def _lowest_zero_bits(start, n):
    """For i in start .. start + n - 1: the index of the lowest zero bit of i."""
    i = np.arange(start, start + n, dtype=np.int64)
    low = ~i & (i + 1)                                         # the lowest zero bit, isolated
    return np.log2(low.astype(np.float64)).astype(np.int64)


class SobolEngine:
    """An engine drawing a (scrambled) Sobol' sequence of ``dimension`` coordinates."""
    MAXBIT = MAXBIT
    MAXDIM = 21201

    def __init__(self, dimension, scramble=False, seed=None):
        if dimension > self.MAXDIM or dimension < 1:
            raise _errors.sobol_dimension(self.MAXDIM)
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        state = _direction_numbers(dimension)
        if scramble:
            shift, ltm = self._scramble_bits()
            state = _scrambled(state, ltm)
        else:
            shift = np.zeros(dimension, np.int64)
        self.sobolstate = _tensor(state)
        self.shift = _tensor(shift)
        self.quasi = self.shift.clone()
        # computed in the default dtype, as PyTorch does (``quasi / 2**MAXBIT``)
        self._first_point = (self.quasi / 2 ** MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def _scramble_bits(self):
        """The digital shift and the scrambling matrices, drawn as PyTorch draws them."""
        from ._ops.random import Generator, randint
        g = Generator()
        if self.seed is not None:
            g.manual_seed(self.seed)
        else:
            g.seed()
        shift_bits = randint(2, (self.dimension, MAXBIT), generator=g)._data
        shift = shift_bits @ (np.int64(1) << np.arange(MAXBIT, dtype=np.int64))
        ltm = np.tril(randint(2, (self.dimension, MAXBIT, MAXBIT), generator=g)._data)
        return shift, ltm

    def _advance(self, n, start, keep):
        """Flip ``n`` direction numbers from Gray-code index ``start`` on; the points passed
        (``keep``) as an (n, dimension) int64 array."""
        quasi = self.quasi._data
        flips = self.sobolstate._data.T[_lowest_zero_bits(start, n)]       # (n, dimension)
        points = np.bitwise_xor.accumulate(np.concatenate([quasi[None], flips]), axis=0)[1:]
        self.quasi = _tensor(points[-1] if n else quasi)
        return points if keep else None

    def _points(self, n, start, dtype):
        ints = self._advance(n, start, True)
        return _tensor(ints.astype(dtype.np) * dtype.np.type(2.0 ** -MAXBIT), dtype=dtype)

    def draw(self, n=1, out=None, dtype=None):
        """The next ``n`` points, an (n, dimension) tensor."""
        dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
        from ._ops.shape import cat
        if self.num_generated == 0:
            result = self._first_point.to(dtype)
            if n != 1:
                result = cat((result, self._points(n - 1, 0, dtype)), dim=-2)
        else:
            result = self._points(n, self.num_generated - 1, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def draw_base2(self, m, out=None, dtype=None):
        """The next ``2**m`` points; the total drawn must stay a power of 2."""
        n = 2 ** m
        total = self.num_generated + n
        if total & (total - 1):
            raise _errors.sobol_base2(self.num_generated, m, total)
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        """Back to the first point."""
        self.quasi = self.shift.clone()
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        """Skip ``n`` points (as if drawn)."""
        if self.num_generated == 0:
            self._advance(n - 1, 0, False)
        else:
            self._advance(n, self.num_generated - 1, False)
        self.num_generated += n
        return self

    def __repr__(self):
        parts = [f"dimension={self.dimension}"]
        if self.scramble:
            parts.append("scramble=True")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return f"SobolEngine({', '.join(parts)})"
