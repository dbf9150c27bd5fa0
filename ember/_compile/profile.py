"""Where a replay's time goes: kernel calls against the interpreter running the program.

``profile(compiled, call, steps)`` runs ``call()`` (which calls the compiled function, already
warm) ``steps`` times plain, ``steps`` times with each captured program timed, and ``steps``
times with every callable constant of the programs (the NumPy functions, ufuncs, array methods
and thread runners the tape names) wrapped in a timer.  The kernels' sum, against the program's
time, splits a step into kernel time and the rest: the generated code's own bytecode (slot
loads, argument tuples, ``del``); the step's time outside the program is the call's guards and
argument handling.  A parallel segment counts as one call of its runner.  Times are CPU
times of the process (a shared machine's waits left out; run the BLAS on one thread, or its
workers' time counts too), medians over the steps; the wrapper's own cost is calibrated and
taken out.
"""
import collections
import statistics
import time

clock = time.process_time


def _name(fn):
    owner = getattr(fn, "__self__", None)   # a ufunc's method (np.add.reduce)
    name = getattr(fn, "__name__", None) or type(fn).__name__
    if owner is not None and isinstance(getattr(owner, "__name__", None), str) and \
            owner.__class__.__name__ == "ufunc":
        return f"{owner.__name__}.{name}"
    return name


def _programs(compiled):
    out = []
    for entry in compiled.cache.values():
        if entry.eager is None:
            out.append(entry.program)
            if entry.backward is not None:   # the backward program, in its wrapper's closure
                out += [c.cell_contents for c in entry.backward.__closure__
                        if hasattr(c.cell_contents, "source")]
    return out


def _timed(fn, cell):
    def timed(*args, **kwargs):
        t0 = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            cell[0] += clock() - t0
            cell[1] += 1
    return timed


def _wrapper_cost(n=20000):
    """Seconds a timed wrapper adds inside its own measurement, per call."""
    cell = [0.0, 0]
    f = _timed(len, cell)
    for _ in range(n):
        f(())
    return cell[0] / n


def _instrument(fn, totals):
    """Wrap the callable constants of ``fn``'s namespace; returns an undo list."""
    g = fn.__globals__
    undo = []
    for k, v in list(g.items()):
        if (k[0] == "c" and k[1:].isdigit() or k.startswith("_fused")) and callable(v) and \
                not isinstance(v, type):   # the constants and the fused kernels (:mod:`.fuse`)
            undo.append((g, k, v))
            g[k] = _timed(v, totals[_name(v)])
    return undo


def _median_step(call, steps):
    times = []
    for _ in range(steps):
        t0 = clock()
        call()
        times.append(clock() - t0)
    return statistics.median(times)


def profile(compiled, call, steps=10):
    """{"step": s, "program": s, "kernels": {name: (s, calls)}} per step of ``call``."""
    step = _median_step(call, steps)
    entries = [e for e in compiled.cache.values() if e.eager is None]
    saved = [e.program for e in entries]
    spent, cell = [], [0.0, 0]
    for e in entries:
        e.program = _timed(e.program, cell)
    try:
        for _ in range(steps):
            before = cell[0]
            call()
            spent.append(cell[0] - before)
    finally:
        for e, p in zip(entries, saved):
            e.program = p
    totals = collections.defaultdict(lambda: [0.0, 0])
    undo = [u for p in _programs(compiled) for u in _instrument(p, totals)]
    per_step = []
    try:
        for _ in range(steps):
            before = sum(c[0] for c in totals.values())
            call()
            per_step.append(sum(c[0] for c in totals.values()) - before)
    finally:
        for g, k, v in undo:
            g[k] = v
    cost = _wrapper_cost()
    calls = sum(c for _, c in totals.values()) // steps
    # each kernel's share of the median step's kernel time (its mean is skewed by outliers)
    scale = (statistics.median(per_step) - calls * cost) / (sum(s for s, _ in totals.values())
                                                             / steps - calls * cost)
    return {"step": step, "program": statistics.median(spent),
            "kernels": {n: ((s / steps - c // steps * cost) * scale, c // steps)
                        for n, (s, c) in totals.items()}}


def report(title, result, top=8):
    """A few lines of text: the split, then the ``top`` kernels by time."""
    kern = sum(s for s, _ in result["kernels"].values())
    calls = sum(c for _, c in result["kernels"].values())
    ms = 1e3
    lines = [f"{title}: step {result['step'] * ms:.2f} ms = kernels {kern * ms:.2f} ms "
             f"({calls} calls) + interpreter {(result['program'] - kern) * ms:.2f} ms + "
             f"outside the program {(result['step'] - result['program']) * ms:.2f} ms"]
    for n, (s, c) in sorted(result["kernels"].items(), key=lambda kv: -kv[1][0])[:top]:
        lines.append(f"    {n:28s} {s * ms:8.3f} ms {c:6d} calls")
    return "\n".join(lines)
