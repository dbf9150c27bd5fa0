"""Runs of elementwise calls of a replay fused into one numba kernel.

An LSTM step's cell math is a dozen ufunc calls on 16 x 128 views, each ~1.5 µs of NumPy's
call overhead for a few microseconds of work; an optimizer's update or a ReLU's backward
(``greater``, ``astype``, ``multiply``) makes full passes over memory for one operation each.
A run of consecutive calls over one shape whose results are exactly rounded (:func:`keeps`:
float ``+ - * /``, negation, ``sqrt``, ``maximum``, ``minimum``; comparisons; bool logic;
integer wrapping arithmetic and bit operations; casts; ``copyto``, an in-place op's write
back), with operands of that shape, broadcast to it, or Python numbers, becomes one generated
loop (:mod:`ember._backend.jit_fused`): each element goes through the whole run in registers,
and intermediates nothing reads after the run are never stored.  IEEE arithmetic in the
dtypes NumPy uses (a number cast to the arrays' dtype), without contraction, gives NumPy's
bits, so a fused replay stays bitwise equal to eager.  ``tanh``/``exp`` are not fused: numba's
scalar calls took 60 µs where NumPy's vector loops took 10 (an LSTM cell), so they end a run.

A run stops before a call whose arrays overlap in memory with another array of the run
(one of them written) other than as the very same array: the fused loop keeps the calls'
order per element only.  Off with ``EMBER_JIT=0`` or without numba (the ``fast`` extra).
"""
import collections
from math import prod

import numpy as np

from .._backend import jit
from . import split

FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
INTS = tuple(np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64, np.uint8))
_BOOL = np.dtype(bool)
_ARITH = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}",
          "divide": "{0} / {1}", "negative": "-{0}", "sqrt": "np.sqrt({0})",
          # NumPy's: the first operand where it is NaN, else the second where equal or NaN
          "maximum": "({0} if {0} > {1} or {0} != {0} else {1})",
          "minimum": "({0} if {0} < {1} or {0} != {0} else {1})",
          "copyto": "{0}"}   # an in-place op's copy back (same dtype)
_LOGIC = {"bitwise_and": "{0} & {1}", "bitwise_or": "{0} | {1}", "bitwise_xor": "{0} ^ {1}",
          "logical_and": "{0} & {1}", "logical_or": "{0} | {1}", "logical_xor": "{0} ^ {1}",
          "invert": "not {0}", "logical_not": "not {0}"}   # on bool arrays (and ints)
_INT_OPS = frozenset(("add", "subtract", "multiply", "negative", "copyto", "bitwise_and",
                      "bitwise_or", "bitwise_xor", "invert"))   # wrapping, as NumPy's
_COMPARE = {"greater": "{0} > {1}", "greater_equal": "{0} >= {1}", "less": "{0} < {1}",
            "less_equal": "{0} <= {1}", "equal": "{0} == {1}", "not_equal": "{0} != {1}"}
OPS = {**_ARITH, **_LOGIC, **_COMPARE, "astype": "R({0})"}   # R: the result's dtype
# a bool array with floats (dropout's ``mask * scale``, ReLU's ``grad * (x > 0)``) computes
# in the float dtype, the mask cast
BOOL_TO_FLOAT = frozenset(("add", "subtract", "multiply", "divide"))
# NumPy's loop for these is slow with a number operand (ReLU's maximum(x, 0): 510 µs for
# 1.4M float32, 150 µs as a kernel): worth a kernel of their own
_ALONE = frozenset(("maximum", "minimum"))


def keeps(op, cdtype, rdtype):
    """Whether ``op`` computing in dtype ``cdtype`` (its array operands') into ``rdtype``
    can be fused: float arithmetic, comparisons, bool logic, integer wrapping arithmetic and
    bit operations, casts from bool or integers and between floats."""
    if op in _COMPARE:
        return rdtype == _BOOL and (cdtype in FLOATS or cdtype in INTS)
    if op == "astype":
        return rdtype in FLOATS and cdtype in FLOATS or \
            (rdtype in FLOATS or rdtype in INTS) and (cdtype == _BOOL or cdtype in INTS)
    if rdtype != cdtype:
        return False
    if cdtype in INTS:
        return op in _INT_OPS
    return op in _ARITH and cdtype in FLOATS or op in _LOGIC and cdtype == _BOOL


def _template(call):
    """The expression of ``call`` on its operands ``{0}``, ``{1}``, in its result's dtype
    (numba computes integers in 64 bits: the result is wrapped back to NumPy's)."""
    rtype = f"np.{call.dtype.name}"
    expr = OPS[call.op].replace("R(", rtype + "(")
    if call.dtype in INTS:
        expr = rtype + "(" + ("~{0}" if call.op == "invert" else expr) + ")"
    return expr


# One recorded call: ufunc name; operands (("a", slot) an array, ("b", slot) an array read
# broadcast to the result's shape, ("s", slot) a Python float read live, ("k", number) a
# constant); the slot written; the new name the call gave its ``out=`` array (or None);
# whether it wrote through ``out=``; the result's dtype; the dtype it computes in (its array
# operands'); its shape; the capture's arrays by slot (broadcast), for the overlap tests.
Call = collections.namedtuple("Call", "op operands written alias out dtype cdtype shape arrays")


def _overlap(call, arrays, written, same=None):
    """Whether an array of ``call`` overlaps another of ``arrays`` (slot -> array, the run's
    and the call's own) in memory, one of them written (``written``: the run's slots written,
    the call's included), other than as the same slot (``same``: other names -> slot): the
    fused loop keeps the order of the calls per element only."""
    same = same or {}
    for s, a in call.arrays.items():
        for t, b in arrays.items():
            if same.get(s, s) != same.get(t, t) and (s in written or t in written):
                try:
                    if np.shares_memory(a, b, max_work=1000):
                        return True
                except np.exceptions.TooHardError:
                    return True
    return False


def _layout(a):
    return a.__array_interface__["data"][0], a.shape, a.strides, a.dtype


def _run(lines, n, rec):
    """The run of fusable calls starting at ``lines[n]``: (its end, exclusive; the positions
    of its calls; the positions of the lines among them that only make views or numbers
    from what the run does not write, which move before the run's kernel; the slots that
    name another's array: ``out=`` arrays named anew, views identical to another; the
    capture's arrays by slot).  The end is ``n`` where that line cannot be fused."""
    first = rec.arith.get(lines[n][0])
    if first is None or _overlap(first, first.arrays, {first.written}):
        return n, [], [], {}, {}
    arrays, written, same = {}, set(), {}
    calls, moved, pending = [], [], []
    for m in range(n, len(lines)):
        i, reads = lines[m][0], lines[m][2]
        if calls and i in rec.views and written.isdisjoint(reads):
            pending.append(m)
            continue
        call = rec.arith.get(i)
        if call is None or call.shape != first.shape:
            break
        same_m = dict(same)
        for s, a in call.arrays.items():
            if s not in arrays and s not in same_m:
                twin = next((t for t, b in arrays.items() if _layout(b) == _layout(a)), None)
                if twin is not None:
                    same_m[s] = same_m.get(twin, twin)
        arrays_m, written_m = {**arrays, **call.arrays}, written | {call.written}
        if _overlap(call, arrays_m, written_m, same_m):
            break
        arrays, written, same = arrays_m, written_m, same_m
        if call.alias:
            same[call.alias] = same.get(call.written, call.written)
            written.add(call.alias)
        calls.append(m)
        moved += pending
        pending = []
    return calls[-1] + 1, calls, moved, same, arrays


def _collapsed(calls):
    """The shape the run's loops go over: its dimensions merged where every array's
    strides allow (a C-contiguous activation is one flat loop: 3x faster than four nested
    loops with an inner 26)."""
    shape = list(calls[0].shape)
    arrays = [a for c in calls for a in c.arrays.values()]
    out = [shape[0]]
    for d in range(1, len(shape)):
        if all(a.strides[d - 1] == a.strides[d] * shape[d] for a in arrays):
            out[-1] *= shape[d]
        else:
            out.append(shape[d])
    return tuple(out)


def _kernel(calls, needed, same):
    """For the run ``calls``: (the source of ``_fused``, its array arguments (slots), those
    read broadcast, its scalar arguments, the fresh slots it stores with their dtypes, the
    shape it loops over, the ``out=`` arrays' new names read later).  ``needed(slot)``:
    whether a slot is read after the run; ``same``: see :func:`_run`."""
    arrays, scalars, consts, bcast = {}, {}, {}, set()
    env, body = {}, []

    def arg(slot):
        return arrays.setdefault(slot, f"A{len(arrays)}")

    for n, call in enumerate(calls):
        vals, dt = [], f"np.{call.cdtype.name}"
        for kind, x in call.operands:
            if kind in "ab":
                x, name = same.get(x, x), x
                if x not in env:
                    if kind == "b" and x == name:   # (a twin has its own kind)
                        bcast.add(x)
                    env[x] = f"v{len(env)}"
                    body.append(f"{env[x]} = {arg(x)}[IDX]")
                cast = call.arrays[name].dtype != call.cdtype   # a bool mask (BOOL_TO_FLOAT)
                vals.append(f"{dt}({env[x]})" if cast else env[x])
            elif kind == "s":   # a Python float: NumPy casts it to the arrays' dtype
                vals.append(f"{dt}({scalars.setdefault(x, f'S{len(scalars)}')})")
            else:
                vals.append(consts.setdefault((repr(float(x)), dt), f"K{len(consts)}"))
        body.append(f"t{n} = " + _template(call).format(*vals))
        env[same.get(call.written, call.written)] = f"t{n}"
    made = {}   # slots the run makes (written first without ``out=``): allocated for it
    for c in calls:
        made.setdefault(same.get(c.written, c.written), (not c.out, c.dtype))
    # stored: what is read after the run, and what the run writes into arrays made before it
    names = collections.defaultdict(list)   # slot -> its names in the run
    for a, w in same.items():
        names[w].append(a)
    stored = [w for w in made if not made[w][0] or any(map(needed, [w] + names[w]))]
    body += [f"{arg(s)}[IDX] = {env[s]}" for s in stored]
    shape = _collapsed(calls)
    idx = ", ".join(f"i{d}" for d in range(len(shape)))
    head = "".join(f"{k} = {dt}(float({v!r}))\n" for (v, dt), k in consts.items())
    src = head + "\n\ndef _fused(" + ", ".join(list(arrays.values()) + list(scalars.values())) + \
        "):\n"
    pad = "    "
    for d in range(len(shape)):   # sizes read from an argument: one kernel for all shapes
        src += pad * (d + 1) + f"for i{d} in range(A0.shape[{d}]):\n"
    pad *= len(shape) + 1
    src += "".join(pad + line.replace("IDX", idx) + "\n" for line in body)
    fresh = [(s, made[s][1]) for s in stored if made[s][0]]
    renamed = {c.alias: same[c.alias] for c in calls if c.alias and needed(c.alias)}
    return src, list(arrays), bcast, list(scalars), fresh, shape, renamed


def fuse(lines, rec, keep):
    """``lines`` ((index, source, reads, writes, pure) each) with every run of two or more
    fusable calls replaced by one line calling its kernel; and the kernels by name."""
    jit_fused = jit.load("jit_fused") if rec.arith else None
    if jit_fused is None:
        return lines, {}
    last = {}
    for n, line in enumerate(lines):
        for s in line[2]:
            last[s] = n
    out, kernels, n = [], {}, 0
    while n < len(lines):
        m, at, moved, same, captured = _run(lines, n, rec)
        if len(at) < 2 and (m == n or rec.arith[lines[n][0]].op not in _ALONE):
            out.append(lines[n])
            n += 1
            continue
        calls = [rec.arith[lines[k][0]] for k in at]
        def needed(slot, m=m):
            return last.get(slot, -1) >= m or slot in keep
        src, slots, bcast, scalars, fresh, shape, names = _kernel(calls, needed, same)
        name = f"_fused{len(kernels)}"
        examples = [captured[s].reshape(shape) for s in slots] + [1.0] * len(scalars)
        try:
            kernels[name] = jit_fused.kernel(src, "_fused", examples)
        except Exception:   # noqa: BLE001 - a run numba cannot compile stays NumPy calls
            out += lines[n:m]
            n = m
            continue
        alloc = "".join(f"{s} = _empty({calls[0].shape!r}, {rec.const(dt)}); "
                        for s, dt in fresh)
        fresh = [s for s, _ in fresh]
        reads = list(dict.fromkeys(s for k in at for s in lines[k][2]
                                   if s in scalars or s in slots and s not in fresh))
        arrays = [f"_bcast({s}, {calls[0].shape!r})" if s in bcast else s for s in slots]
        if shape != calls[0].shape:   # views with the merged dimensions (no copy: see above)
            arrays = [f"{s}.reshape({shape!r})" for s in arrays]
        key = ("fused", n)
        rec.blas_free.add(key)
        out += [lines[k] for k in moved]
        renames = "".join(f"; {a} = {w}" for a, w in names.items())
        nbytes = prod(shape) * max(c.dtype.itemsize for c in calls)
        k = split.parts()
        run = f"_splitk({name}, {k}, " if split.kernel_splits(shape, nbytes, k) else f"{name}("
        out.append((key, alloc + run + f"{', '.join(arrays + scalars)}, )" + renames, reads,
                    fresh + list(names), False))
        n = m
    return out, kernels
