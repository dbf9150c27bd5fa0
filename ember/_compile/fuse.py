"""Runs of elementwise calls of a replay fused into one numba kernel.

An LSTM step's cell math is a dozen ufunc calls on 16 x 128 views, each ~1.5 µs of NumPy's
call overhead for a few microseconds of work; an optimizer's update or a ReLU's backward
(``greater``, ``astype``, ``multiply``) makes full passes over memory for one operation each.
A run of consecutive calls on arrays of one shape whose results are exactly rounded
(:data:`OPS`: ``+ - * /``, negation, ``sqrt``, ``maximum``, ``minimum``, comparisons,
``astype`` to float, ``copyto``, an in-place op's write back) becomes one generated loop
(:mod:`ember._backend.jit_fused`): each element goes through the whole run in registers, and
intermediates nothing reads after the run are never stored.  IEEE arithmetic in the dtypes
NumPy uses (a Python number operand cast to the arrays' dtype), without contraction, gives
NumPy's bits, so a fused replay stays bitwise equal to eager.  ``tanh``/``exp`` are not fused:
numba's scalar calls took 60 µs where NumPy's vector loops took 10 (an LSTM cell), so they
end a run.

A run stops before a call whose arrays overlap in memory with another array of the run
(one of them written) other than as the very same slot: the fused loop keeps the calls'
order per element only.  Off with ``EMBER_JIT=0`` or without numba (``pip install
ember[fast]``).
"""
import collections

import numpy as np

from .._backend import jit_fused

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_BOOL = np.dtype(bool)
_ARITH = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}",
          "divide": "{0} / {1}", "negative": "-{0}", "sqrt": "np.sqrt({0})",
          # NumPy's: the first operand where it is NaN, else the second where equal or NaN
          "maximum": "({0} if {0} > {1} or {0} != {0} else {1})",
          "minimum": "({0} if {0} < {1} or {0} != {0} else {1})",
          "copyto": "{0}"}   # an in-place op's copy back (same dtype)
_COMPARE = {"greater": "{0} > {1}", "greater_equal": "{0} >= {1}", "less": "{0} < {1}",
            "less_equal": "{0} <= {1}", "equal": "{0} == {1}", "not_equal": "{0} != {1}"}
OPS = {**_ARITH, **_COMPARE, "astype": "R({0})"}   # R: the result's dtype
# NumPy's loop for these is slow with a number operand (ReLU's maximum(x, 0): 510 µs for
# 1.4M float32, 150 µs as a kernel): worth a kernel of their own
_ALONE = frozenset(("maximum", "minimum"))


def keeps(op, cdtype, rdtype):
    """Whether ``op`` computing in dtype ``cdtype`` (its array operands') into ``rdtype``
    can be fused: float arithmetic, float comparisons, bool or float to float casts."""
    if op in _ARITH:
        return cdtype in FLOATS and rdtype == cdtype
    if op in _COMPARE:
        return cdtype in FLOATS and rdtype == _BOOL
    return op == "astype" and rdtype in FLOATS and (cdtype in FLOATS or cdtype == _BOOL)


# One recorded call: ufunc name, operands (("a", slot) array, ("s", slot) Python float read
# live, ("k", number) constant), the slot written, whether through ``out=``, the result's
# dtype, the dtype it computes in (its array operands'), its shape, and the capture's arrays
# by slot (for the overlap test).
Call = collections.namedtuple("Call", "op operands written out dtype cdtype shape arrays")


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
    """The end (exclusive) of the run of fusable calls starting at ``lines[n]`` (``n``
    where that line cannot be fused)."""
    first = rec.arith.get(lines[n][0])
    if first is None or _overlap(first, first.arrays, {first.written}):
        return n
    arrays, written = dict(first.arrays), {first.written}
    m = n + 1
    while m < len(lines):
        call = rec.arith.get(lines[m][0])
        if call is None or call.shape != first.shape:
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
    arrays, scalars, consts = {}, {}, {}
    env, body = {}, []

    def arg(slot):
        return arrays.setdefault(slot, f"A{len(arrays)}")

    for n, call in enumerate(calls):
        vals, dt = [], f"np.{call.cdtype.name}"
        for kind, x in call.operands:
            if kind == "a":
                if x not in env:
                    env[x] = f"v{len(env)}"
                    body.append(f"{env[x]} = {arg(x)}[IDX]")
                vals.append(env[x])
            elif kind == "s":   # a Python float: NumPy casts it to the arrays' dtype
                vals.append(f"{dt}({scalars.setdefault(x, f'S{len(scalars)}')})")
            else:
                vals.append(consts.setdefault((repr(float(x)), dt), f"K{len(consts)}"))
        env[call.written] = f"t{n}"
        body.append(f"t{n} = " + OPS[call.op].replace("R(", f"np.{call.dtype.name}(")
                    .format(*vals))
    made = {}   # slots the run makes (written first without ``out=``): allocated for it
    for c in calls:
        made.setdefault(c.written, (not c.out, c.dtype))
    stored = list(dict.fromkeys(c.written for c in calls if c.out or c.written in needed))
    body += [f"{arg(s)}[IDX] = {env[s]}" for s in stored]
    shape = calls[0].shape
    idx = ", ".join(f"i{d}" for d in range(len(shape)))
    head = "".join(f"{k} = {dt}(float({v!r}))\n" for (v, dt), k in consts.items())
    src = head + "\n\ndef _fused(" + ", ".join(list(arrays.values()) + list(scalars.values())) + \
        "):\n"
    pad = "    "
    for d, size in enumerate(shape):
        src += pad * (d + 1) + f"for i{d} in range({size}):\n"
    pad *= len(shape) + 1
    src += "".join(pad + line.replace("IDX", idx) + "\n" for line in body)
    fresh = [(s, made[s][1]) for s in stored if made[s][0]]
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
        if m - n < 2 and (m == n or rec.arith[lines[n][0]].op not in _ALONE):
            out.append(lines[n])
            n += 1
            continue
        calls = [rec.arith[line[0]] for line in lines[n:m]]
        needed = {s for s, k in last.items() if k >= m} | set(keep)
        src, arrays, scalars, fresh = _kernel(calls, needed)
        name = f"_fused{len(kernels)}"
        kernels[name] = jit_fused.kernel(src, "_fused")
        alloc = "".join(f"{s} = _empty({calls[0].shape!r}, {rec.const(dt)}); "
                        for s, dt in fresh)
        fresh = [s for s, _ in fresh]
        reads = list(dict.fromkeys(s for line in lines[n:m] for s in line[2]
                                   if s in scalars or s in arrays and s not in fresh))
        key = ("fused", n)
        rec.blas_free.add(key)
        out.append((key, alloc + f"{name}({', '.join(arrays + scalars)}, )", reads, fresh,
                    False))
        n = m
    return out, kernels
