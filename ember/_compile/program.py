"""A tape turned into one Python function (the replay program).

The tape's lines become the body of ``def program(s0, s1, ...)``: the inputs are the arrays of
the call's tensors and of the state it touches, every other name is a constant of the capture
(``c3``: a NumPy function, a dtype, the random engine, ...).  A slot is deleted after its last
use, so intermediates are freed as eagerly as they are in eager mode; the returned tuple holds
the slots the caller needs (outputs, new gradients, reassigned state).  Pure calls whose
results nothing reads are left out, and elementwise calls reuse dying operands' buffers.
"""
from .tape import check

_SOURCE_NAME = "<ember.compile program>"


def _live_lines(lines, keep, first):
    """``lines`` (numbered from ``first``) without the pure calls whose results nothing uses
    (eager's bookkeeping: a reshape tried and dropped, a view made for a check that passed)."""
    live = set(keep)
    out = []
    for i in range(len(lines) - 1, -1, -1):
        _, reads, writes, pure = lines[i]
        if pure and writes and live.isdisjoint(writes):
            continue
        live.update(reads)
        out.append((first + i,) + lines[i])
    out.reverse()
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


def build(rec, inputs, results, first=0, stop=None):
    """The replay function of ``rec``'s tape (its lines ``first:stop``): takes ``inputs``
    (slot names) in order and returns the slots ``results`` (names) as a tuple."""
    keep = set(results)
    lines = _reuse_buffers(_live_lines(rec.lines[first:stop], keep, first), rec, keep)
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
    body = []
    for i, (src, _, _, _) in enumerate(lines):
        body.append("    " + src)
        if i in dying:
            body.append("    del " + ", ".join(sorted(set(dying[i]))))
    ret = "    return (" + "".join(r + ", " for r in results) + ")"
    src = f"def program({', '.join(inputs)}):\n" + "\n".join(body + [ret]) + "\n"
    namespace = {f"c{i}": c for i, c in enumerate(rec.consts)}
    namespace["check"] = check
    exec(compile(src, _SOURCE_NAME, "exec"), namespace)
    fn = namespace["program"]
    fn.source = src
    return fn
