"""A tape turned into one Python function (the replay program).

The tape's lines become the body of ``def program(s0, s1, ...)``: the inputs are the arrays of
the call's tensors and of the state it touches, every other name is a constant of the capture
(``c3``: a NumPy function, a dtype, the random engine, ...).  A slot is deleted after its last
use, so intermediates are freed as eagerly as they are in eager mode; the returned tuple holds
the slots the caller needs (outputs, new gradients, reassigned state).  Pure calls whose
results nothing reads are left out, and elementwise calls reuse dying operands' buffers.

A kernel that splits one op over threads (``_backend.parallel``) was recorded share after
share; each share becomes a function of its own, and the program runs the shares at once
through the same thread pool, as eager does.  Runs of elementwise calls become one numba
kernel where numba is installed (:mod:`.fuse`).  Large elementwise calls outside such
kernels compute their rows in blocks at once (:mod:`.split`); runs of small GEMMs run with
the BLAS on one thread (:mod:`.blas`).
"""
import re

import numpy as np

from . import blas, fuse, split
from .tape import check

_SOURCE_NAME = "<ember.compile program>"
_CONST = re.compile(r"\bc\d+\b")


def _live_lines(items, keep):
    """The (index, line) ``items`` without the pure calls whose results nothing uses (eager's
    bookkeeping: a reshape tried and dropped, a view made for a check that passed)."""
    live = set(keep)
    out = []
    for i, line in reversed(items):
        _, reads, writes, pure = line
        if pure and live.isdisjoint(writes):   # no writes: a call giving back an existing array
            continue
        live.update(reads)
        out.append((i,) + line)
    out.reverse()
    return out


def _call(job):
    """One share of a replayed parallel segment: (its function, its arguments)."""
    return job[0](*job[1])


def _shares_line(rec, segment, keep, fns):
    """One line giving the shares of a parallel segment (their functions built into ``fns``)
    to the runner the kernel used, or None where they must run in order: a share draws
    random numbers or reads what another share computed."""
    seg, run = segment
    if any(seg[0] <= d < seg[-1] for d in rec.draws):
        return None
    later = set(keep)
    for _, reads, _, _ in rec.lines[seg[-1]:]:
        later.update(reads)
    jobs, targets, reads_all, writes_all, written = [], [], {}, [], set()
    for a, b in zip(seg, seg[1:]):
        ins, outs = {}, {}
        for _, reads, writes, _ in rec.lines[a:b]:
            ins.update((r, None) for r in reads if r not in outs)
            outs.update((w, None) for w in writes)
        if not written.isdisjoint(ins):
            return None
        written.update(outs)
        ins, outs = list(ins), [w for w in outs if w in later]
        name = f"_share{len(fns)}"
        fns[name] = build(rec, ins, outs, a, b, share=name)
        jobs.append(f"({name}, ({''.join(s + ', ' for s in ins)})), ")
        targets.append("(" + "".join(s + ", " for s in outs) + ")")
        reads_all.update(dict.fromkeys(ins))
        writes_all += outs
    src = ", ".join(targets) + f", = {run}(_call, [" + "".join(jobs) + "])"
    return src, list(reads_all), writes_all, False


def _items(rec, first, stop, keep, fns):
    """Lines ``first:stop`` as (index, line), each parallel segment among them as one line."""
    segments = {s[0][0]: s for s in rec.segments if first <= s[0][0] and s[0][-1] <= stop}
    out, i = [], first
    while i < stop:
        segment = segments.get(i)
        line = None if segment is None else _shares_line(rec, segment, keep, fns)
        if line is None:
            out.append((i, rec.lines[i]))
            i += 1
        else:
            out.append((("shares", i), line))
            i = segment[0][-1]
    return out


def _reuse_buffers(lines, rec, keep):
    """Elementwise calls write into an operand's buffer where that operand dies there: a
    fresh array with the result's layout (shape, dtype, strides), made by an elementwise call
    and seen by nothing else (so no view of it exists).  Same kernels, fewer allocations."""
    viewed, last = set(), {}
    for n, (i, _, reads, _, _) in enumerate(lines):
        if i not in rec.elementwise:
            viewed.update(reads)
        for r in reads:
            last[r] = n
    out = []
    for n, (i, src, reads, writes, pure) in enumerate(lines):
        if i in rec.elementwise:
            want = rec.fresh[writes[0]]
            for a in dict.fromkeys(reads):
                if last[a] == n and a not in viewed and a not in keep and \
                        rec.fresh.get(a) == want:
                    src = src[:-1] + f"out={a}, )"
                    break
        out.append((src, reads, writes, pure))
    return out


def _blas_regions(lines, rec):
    """Small GEMMs found exact on one BLAS thread (:mod:`.blas`) run on one thread: the switch
    is made before the first of a run of them and undone before the next call that may use
    the BLAS otherwise (a larger GEMM, a parallel segment, anything not known to be BLAS-free).
    Returns the lines and whether any switch was made."""
    out, on, used = [], False, False
    for line in lines:
        i = line[0]
        if i in rec.one_thread and not on:
            out.append((("blas",), "_blas.enter()", [], [], False))
            on = used = True
        elif on and i not in rec.one_thread and i not in rec.blas_free:
            out.append((("blas",), "_blas.exit()", [], [], False))
            on = False
        out.append(line)
    return out, used


def _split_large(lines, rec):
    """Elementwise calls with large C-contiguous results computed in row blocks at once."""
    k = split.parts()
    out = []
    for i, src, reads, writes, pure in lines:
        if i in rec.elementwise and split.splits(*rec.fresh[writes[0]], k):
            target, call = src.split(" = ", 1)
            fn, args = call.split("(", 1)
            if rec.consts[int(fn[1:])].signature is None:   # not a gufunc (matmul)
                shape, dtype, _ = rec.fresh[writes[0]]
                src = f"{target} = _split({fn}, {shape!r}, {dtype.str!r}, {k}, {args}"
        out.append((i, src, reads, writes, pure))
    return out


def build(rec, inputs, results, first=0, stop=None, share=None):
    """The replay function of ``rec``'s tape (its lines ``first:stop``): takes ``inputs``
    (slot names) in order and returns the slots ``results`` (names) as a tuple.  A ``share``
    (its function's name) of a parallel segment already runs beside the others: its calls are
    not split again, and its inputs' buffers are not reused (other shares may read them
    meanwhile).  ``.source`` holds the code, the shares' functions first."""
    keep, fns = set(results), {}
    stop = len(rec.lines) if stop is None else stop
    lines = _live_lines(_items(rec, first, stop, keep, fns), keep)
    switched, kernels = False, {}
    if not share:
        lines, kernels = fuse.fuse(lines, rec, keep)
        lines, switched = _blas_regions(lines, rec)
        lines = _split_large(lines, rec)
    lines = _reuse_buffers(lines, rec, keep.union(inputs) if share else keep)
    last = {}
    for i, (_, reads, writes, _) in enumerate(lines):
        for s in reads:
            last[s] = i
        for s in writes:
            last.setdefault(s, i)
    dying = {}
    for s, i in last.items():
        if s not in keep:
            dying.setdefault(i, []).append(s)
    pad = "        " if switched else "    "   # in ``try:``, the BLAS's threads given back
    body = ["    _blas = _OneThread()", "    try:"] if switched else []
    for i, (src, _, _, _) in enumerate(lines):
        body.append(pad + src)
        if i in dying:
            body.append(pad + "del " + ", ".join(sorted(set(dying[i]))))
    body.append(pad + "return (" + "".join(r + ", " for r in results) + ")")
    if switched:
        body += ["    finally:", "        _blas.exit()"]
    name = share or "program"
    src = f"def {name}({', '.join(inputs)}):\n" + "\n".join(body) + "\n"
    # only the constants the code names: the capture's dropped lines keep no arrays alive
    namespace = {c: rec.consts[int(c[1:])] for c in set(_CONST.findall(src))
                 if int(c[1:]) < len(rec.consts)}
    namespace.update(fns, check=check, _call=_call, _split=split.call, _splitk=split.kernel,
                     _OneThread=blas.OneThread, _empty=np.empty, _bcast=np.broadcast_to,
                     **kernels)
    exec(compile(src, _SOURCE_NAME, "exec"), namespace)
    fn = namespace[name]
    fn.source = "".join(f.source for f in fns.values()) + src
    return fn
