"""Runs of small elementwise calls of a replay fused into one numba kernel.

An LSTM step's cell math is a dozen ufunc calls on 16 x 128 views, each ~1.5 µs of NumPy's
call overhead for a few microseconds of work.  A run of consecutive calls of exactly rounded
arithmetic (``+ - * /``, negation, ``sqrt``, ``maximum``, ``minimum``, and ``copyto``, an
in-place op's write back) on arrays of one shape and float dtype becomes one generated loop (:mod:`ember._backend.jit_fused`): each
element goes through the whole run in registers; intermediates nothing reads after the run
are never stored.  IEEE arithmetic in the same dtype, without contraction, gives NumPy's bits,
so a fused replay stays bitwise equal to eager.  ``tanh``/``exp`` are not fused: numba's
scalar calls took 60 µs where NumPy's vector loops took 10 (an LSTM cell), so they end a run.

A run stops before a call whose arrays overlap in memory with another array of the run
(one of them written) other than as the very same slot: elementwise order is kept only
per element.  Off with ``EMBER_JIT=0`` or without numba (``pip install ember[fast]``).
"""
import collections

import numpy as np

from .._backend import jit_fused

SMALL = 1 << 16            # elements: larger arrays keep NumPy's vector loops
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
OPS = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}",
       "divide": "{0} / {1}", "negative": "-{0}", "sqrt": "np.sqrt({0})",
       # NumPy's: the first operand where it is NaN, else the second where equal or NaN
       "maximum": "({0} if {0} > {1} or {0} != {0} else {1})",
       "minimum": "({0} if {0} < {1} or {0} != {0} else {1})",
       "copyto": "{0}"}   # an in-place op's copy back (same dtype)

# One recorded call: ufunc name, operands (("a", slot) array, ("s", slot) Python float read
# live, ("k", number) constant), the slot written, whether through ``out=``, the result's
# dtype and shape, and the capture's arrays by slot (for the overlap test).
Call = collections.namedtuple("Call", "op operands written out dtype shape arrays")


def _overlap(call, arrays, written):
    """Whether an array of ``call`` overlaps another of ``arrays`` (slot -> array, the run's
    and the call's own) in memory, one of them written (``written``: the run's slots written,
    the call's included): elementwise order would then matter across elements."""
    for s, a in call.arrays.items():
        for t, b in arrays.items():
            if s != t and (s in written or t in written):
                try:
                    if np.shares_memory(a, b, max_work=1000):
                        return True
                except np.exceptions.TooHardError:
                    return True
    return False


def _run_end(lines, n, rec):
    """The end (exclusive) of the run of fusable calls starting at ``lines[n]``."""
    first = rec.arith.get(lines[n][0])
    if first is None or _overlap(first, first.arrays, {first.written}):
        return n + 1
    arrays, written = dict(first.arrays), {first.written}
    m = n + 1
    while m < len(lines):
        call = rec.arith.get(lines[m][0])
        if call is None or call.shape != first.shape or call.dtype != first.dtype:
            break
        arrays_m, written_m = {**arrays, **call.arrays}, written | {call.written}
        if _overlap(call, arrays_m, written_m):
            break
        arrays, written = arrays_m, written_m
        m += 1
    return m


def _kernel(calls, needed):
    """(source of ``_fused``, its array arguments, its scalar arguments, the fresh slots it
    stores) for the run ``calls``; ``needed``: slots read after the run."""
    dtype, shape = calls[0].dtype, calls[0].shape
    arrays, scalars, consts = {}, {}, {}
    env, body = {}, []

    def arg(slot):
        return arrays.setdefault(slot, f"A{len(arrays)}")

    for n, call in enumerate(calls):
        vals = []
        for kind, x in call.operands:
            if kind == "a":
                if x not in env:
                    env[x] = f"v{len(env)}"
                    body.append(f"{env[x]} = {arg(x)}[IDX]")
                vals.append(env[x])
            elif kind == "s":
                vals.append(f"D({scalars.setdefault(x, f'S{len(scalars)}')})")
            else:
                vals.append(consts.setdefault(repr(float(x)), f"K{len(consts)}"))
        env[call.written] = f"t{n}"
        body.append(f"t{n} = {OPS[call.op].format(*vals)}")
    stored = [c.written for c in calls if c.out or c.written in needed]
    stored = list(dict.fromkeys(stored))
    body += [f"{arg(s)}[IDX] = {env[s]}" for s in stored]
    idx = ", ".join(f"i{d}" for d in range(len(shape)))
    head = [f"D = np.{dtype.name}"] + [f"{k} = D(float({v!r}))" for v, k in consts.items()]
    src = "\n".join(head) + "\n\n\ndef _fused(" + ", ".join(
        list(arrays.values()) + list(scalars.values())) + "):\n"
    pad = "    "
    for d, size in enumerate(shape):
        src += pad * (d + 1) + f"for i{d} in range({size}):\n"
    pad *= len(shape) + 1
    src += "".join(pad + line.replace("IDX", idx) + "\n" for line in body)
    made = {}   # slots the run makes (written first without ``out=``): allocated for it
    for c in calls:
        made.setdefault(c.written, not c.out)
    fresh = [s for s in stored if made[s]]
    return src, list(arrays), list(scalars), fresh


def fuse(lines, rec, keep):
    """``lines`` ((index, source, reads, writes, pure) each) with every run of two or more
    fusable calls replaced by one line calling its kernel; and the kernels by name."""
    if not rec.arith or not jit_fused.available():
        return lines, {}
    last = {}
    for n, line in enumerate(lines):
        for s in line[2]:
            last[s] = n
    out, kernels, n = [], {}, 0
    while n < len(lines):
        m = _run_end(lines, n, rec)
        if m - n < 2:
            out.append(lines[n])
            n += 1
            continue
        calls = [rec.arith[line[0]] for line in lines[n:m]]
        needed = {s for s, k in last.items() if k >= m} | set(keep)
        src, arrays, scalars, fresh = _kernel(calls, needed)
        name = f"_fused{len(kernels)}"
        kernels[name] = jit_fused.kernel(src, "_fused")
        dtype = rec.const(calls[0].dtype)
        alloc = "".join(f"{s} = _empty({calls[0].shape!r}, {dtype}); " for s in fresh)
        reads = list(dict.fromkeys(s for line in lines[n:m] for s in line[2]
                                   if s in scalars or s in arrays and s not in fresh))
        key = ("fused", n)
        rec.blas_free.add(key)
        out.append((key, alloc + f"{name}({', '.join(arrays + scalars)}, )", reads, fresh,
                    False))
        n = m
    return out, kernels
