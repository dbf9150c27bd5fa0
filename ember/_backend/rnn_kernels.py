"""The recurrent layers' whole-sequence kernels: one layer in one direction, forward and
backward through time, on arrays (``ember/_ops/nn_rnn.py`` wraps them as ops).

Rows are PyTorch's packed layout: time-major ``(sum(batch_sizes), features)`` with
non-increasing batch sizes (a padded batch is a packed one whose sizes are all equal).

Each kernel runs on the host (``xp`` None: NumPy) or on a device's array module (``xp``).
A host call is offered first to a NumPy duck array among its arguments, through NEP 18's
``__array_function__`` as NumPy's own functions are: the recording arrays of an
``ember.compile`` capture then record the whole recurrence as one call, which a replay runs
as eager does, instead of recording (and replaying) every per-step NumPy call.

On the host, float32 LSTMs and GRUs do each step's gate arithmetic in one numba kernel
(``jit_rnn``, the ``fast`` extra) when numba is there and ``EMBER_JIT`` is not 0; the NumPy
path computes the same to float rounding (its tanh is NumPy's, the kernel's a rational one
within 4 ulp).
"""
import contextlib
import functools

import numpy as np

from . import jit, parallel


_NDARRAY_FUNCTION = np.ndarray.__array_function__


def _duck(a):
    """``a``'s own ``__array_function__`` when it is a NumPy duck array (ndarray subclasses
    that keep ndarray's are plain arrays here), else None."""
    f = getattr(type(a), "__array_function__", None)
    return None if f is None or f is _NDARRAY_FUNCTION else f


def offered(fn):
    """``fn(*args, xp=None)``, handed to the first NumPy duck array in ``args`` when ``xp`` is
    None (a host call): that array's ``__array_function__`` decides how it runs."""
    @functools.wraps(fn)
    def call(*args, xp=None):
        if xp is None:
            for a in args:
                f = _duck(a)
                if f is not None:
                    types = tuple({type(b) for b in args if _duck(b) is not None})
                    return f(a, call, types, args, {})
        return fn(*args, xp=np if xp is None else xp)
    return call


# ---- shared pieces -----------------------------------------------------------------------------
def _sigmoid_(xp, a):
    """In-place logistic function, written with tanh so that no exp overflows."""
    a *= 0.5
    xp.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _previous(xp, seq, first, reverse):
    """Each step's previous state in a padded sequence of states ``seq`` (steps of ``B`` rows):
    the step before it in the direction of the recurrence, ``first`` for the step it starts."""
    b = first.shape[0]
    parts = (seq[b:], first) if reverse else (first, seq[:seq.shape[0] - b])
    return xp.concatenate([p.astype(seq.dtype, copy=False) for p in parts])


def _spans(bsizes, reverse):
    """(start row, batch size) of each time step, in the order the recurrence visits them."""
    spans, start = [], 0
    for bs in bsizes:
        spans.append((start, bs))
        start += bs
    return spans[::-1] if reverse else spans


def _rows(bsizes, reverse, b0, b1):
    """The rows ``(start, end)`` of sequences b0:b1 at each time step, in the order the
    recurrence visits them (steps where none of them is running left out)."""
    return [(s + b0, s + min(bs, b1)) for s, bs in _spans(bsizes, reverse) if bs > b0]


def _serial_blas(xp):
    """The recurrences' BLAS: single-threaded.  Their per-step GEMMs (a (32, 256) state by a
    (256, 1024) weight) are too small for two BLAS threads, whose waits spin: two threads
    were no faster than one at their best and several times slower on a loaded machine."""
    return parallel._single_threaded_blas() if parallel.is_host(xp) else contextlib.nullcontext()


_MIN_WEIGHT_ROWS = 32     # fewer rows per weight-gradient GEMM: not worth a thread
# A batch's sequences split over two threads from these sizes: at least this many sequences,
# and this many multiply-adds in a time step's products.  The split costs a thread hand-off
# per call and the per-step Python of both halves, which the GIL serialises.  At 2^20 (batch
# 16, hidden 128) a layer's forward took 0.75 ms in halves against 0.98 whole, but the whole
# training step (python -m benchmarks --only lstm, quiet machine, split on and off
# alternated) ran at 126-130 steps/s in halves against 148-159 whole; at 2^23 (batch 32,
# hidden 256) halves gave 9.9 steps/s against 8.8.
_MIN_SPLIT_BATCH = 8
_MIN_SPLIT_MACS = 1 << 22


def _halves(xp, bsizes, step_macs):
    """The sequence ranges ``[(b0, b1)]`` that run on threads of their own: two of about equal
    rows on the host with two threads or more, when a step's product (``step_macs`` for the
    whole batch) is worth it; else the whole batch."""
    n = bsizes[0] if bsizes else 0
    if (not parallel.is_host(xp) or n < max(2, _MIN_SPLIT_BATCH) or
            step_macs < _MIN_SPLIT_MACS or parallel.workers() < 2):
        return [(0, n)]
    if bsizes[-1] == n:         # a padded batch
        cut = (n + 1) // 2
    else:   # rows of sequences 0:b: sum(min(bs, b)); cut where it reaches half of all rows
        running = np.cumsum(np.bincount(bsizes, minlength=n + 1)[::-1])[::-1]   # steps k runs
        cut = int(np.searchsorted(2 * np.cumsum(running[1:]), sum(bsizes))) + 1
    return [(0, cut), (cut, n)] if cut < n else [(0, n)]


def _overlaps(xp, rows):
    """Whether a pool thread multiplies out the recurrent weight's gradient beside a backward
    recurrence of ``rows`` rows."""
    return parallel.is_host(xp) and rows >= 2 * _MIN_WEIGHT_ROWS and parallel.workers() >= 2


def _backward_parts(xp, bsizes, step_macs, weight_wanted):
    """The sequence ranges of a backward recurrence (see ``_back_through_time``)."""
    if weight_wanted and _overlaps(xp, sum(bsizes)):
        return [(0, bsizes[0])]
    return _halves(xp, bsizes, step_macs)


def _macs(state, *weights):
    """The multiply-adds of one time step's products over the whole batch (``state`` its
    ``(B, *)`` state, ``weights`` the step's weights, None: absent)."""
    return state.shape[0] * sum(w.size for w in weights if w is not None)


def _part_rows(parts):
    """The most sequences one of ``parts`` runs (the rows of its per-step products)."""
    return max(b1 - b0 for b0, b1 in parts)


def _across_batch(xp, parts, recurrence):
    """Run ``recurrence(b0, b1)`` for each of the sequence ranges ``parts`` (``_halves``): two
    at once on two threads, each with a single-threaded BLAS (the sequences of a batch are
    independent, and each thread's per-step products stay serial), or one on this thread."""
    if len(parts) == 1:
        with _serial_blas(xp):
            recurrence(*parts[0])
        return
    parallel.run(lambda part: recurrence(*part), parts)


def _back_through_time(xp, parts, rows, steps, weight_grad):
    """Run the backward recurrence ``steps(b0, b1)`` (a generator over sequences b0:b1 that
    yields each step's rows once their pre-activation gradients are written) over ``parts``
    (``_backward_parts``) and return the recurrent weight's gradient, the sum of
    ``weight_grad(r0, r1)`` over the ``rows`` (None: not wanted).  With the whole batch on
    the host with threads, a pool thread multiplies out each finished eighth of the rows
    while the recurrence goes on: the two threads as busy as with the batch's halves and
    the weight's gradient after them, for less CPU time (the eighths cost the GEMM 15% more,
    the halves the recurrence up to 25%)."""
    if weight_grad is None or len(parts) > 1 or not _overlaps(xp, rows):
        def drain(b0, b1):
            for _ in steps(b0, b1):
                pass
        _across_batch(xp, parts, drain)
        return None if weight_grad is None else weight_grad(0, rows)
    chunk = max(_MIN_WEIGHT_ROWS, rows // 8)

    def recurrence(hand):
        """The recurrence, handing over each chunk; the last one is shared: the pool thread
        takes its first half, and this thread multiplies out (and returns) the rest."""
        lo = hi = None
        done = 0
        for s, e in steps(*parts[0]):    # a step's rows are next to the previous step's
            lo, hi = (s, e) if lo is None else (min(lo, s), max(hi, e))
            done += e - s
            if hi - lo >= chunk and done < rows:
                hand((lo, hi))
                lo = None
        mid = (lo + hi) // 2
        if mid > lo:
            hand((lo, mid))
        return weight_grad(mid, hi)

    total = []

    def add(r):     # on the pool thread, in order: no sum of parts after the recurrence
        part = weight_grad(*r)
        if total:
            total[0] += part
        else:
            total.append(part)
    last = parallel.overlapped(recurrence, add)[0]
    if not total:
        return last
    total[0] += last
    return total[0]


# OpenBLAS's SkylakeX kernels (AVX-512 cores, Zen 4 included) multiply products of up to 100^3
# multiply-adds with small-matrix kernels, which skip packing the operands: there a step's
# product cut into column blocks under that size runs faster than the whole one (one thread,
# us per product: (16, 128) @ (128, 512) 29 -> 20 in 2 blocks, (32, 256) @ (256, 1024)
# 268 -> 166 in 10, (16, 512) @ (512, 128) 29 -> 20 in 2).  Other core types (Haswell, ...)
# never take those kernels, and the blocks would only add calls.
_SMALL_GEMM = 1_000_000
_SMALL_GEMM_CORES = ("skylakex", "cooperlake", "sapphirerapids")


@functools.lru_cache(maxsize=None)
def _small_gemm_kernels():
    """Whether the host BLAS is an OpenBLAS whose core type has the small-matrix kernels."""
    ctl = parallel._blas()
    return ctl is not None and any(
        lib.internal_api == "openblas" and
        str(getattr(lib, "architecture", "")).lower() in _SMALL_GEMM_CORES
        for lib in ctl.lib_controllers)


def _step_weight(xp, w, rows):
    """``w.T`` as C-ordered column blocks ``[(j0, j1, block)]``, the right operand of every
    step's ``state @ w.T`` (``rows`` the state's rows; one block off the host or without
    small-matrix kernels).  A recurrence reuses it at each step, and OpenBLAS multiplies by a
    C-ordered copy faster than by the transposed view (a (32, 256) state by a (256, 1024)
    weight: 265 against 292 us on one thread, 428 against 560 us wall on two)."""
    wt = w.T
    n = wt.shape[1]
    width = _SMALL_GEMM // max(rows * wt.shape[0], 1) // 16 * 16
    if xp is not np or width < 16 or width >= n or not _small_gemm_kernels():
        return [(0, n, xp.ascontiguousarray(wt))]
    blocks = -(-n // width)
    width = -(-n // (16 * blocks)) * 16       # as many blocks, evened out
    return [(j, min(j + width, n), xp.ascontiguousarray(wt[:, j:j + width]))
            for j in range(0, n, width)]


def _step_product(xp, a, blocks, out):
    """``out = a @ w.T`` from ``w``'s ``_step_weight`` blocks."""
    if len(blocks) == 1:
        xp.matmul(a, blocks[0][2], out=out)
        return
    for j0, j1, b in blocks:
        xp.matmul(a, b, out=out[:, j0:j1])


def _gate_kernels(xp, dt):
    """``jit_rnn`` for a float32 recurrence on the host, or None (see the module docstring;
    the first call in a process loads numba, about a second)."""
    return jit.load("jit_rnn") if xp is np and dt == np.float32 else None


def _state(xp, a, dt, shape):
    """A gradient (or None: zeros) as a fresh array of ``dt``."""
    return xp.zeros(shape, dt) if a is None else a.astype(dt, copy=True)


# ---- LSTM ----------------------------------------------------------------------------------------
@offered
def lstm_forward(gi, h0, c0, w_hh, w_hr, batch_sizes, reverse, xp):
    """One LSTM layer: ``gi`` ``(rows, 4H)`` input projections with the biases, ``h0``
    ``(B, P)``, ``c0`` ``(B, H)``, ``w_hh`` ``(4H, P)``, ``w_hr`` ``(P, H)`` or None (P =
    proj_size or H).  Returns the output rows ``(rows, P)``, the final ``h`` and ``c`` of
    every sequence, then what ``lstm_backward`` takes: the activated gates, ``tanh(c_t)``,
    each step's previous ``h`` and ``c`` (and the unprojected ``h`` with ``w_hr``)."""
    hid = c0.shape[1]
    rows = gi.shape[0]
    dt = gi.dtype
    h, c = h0.astype(dt, copy=True), c0.astype(dt, copy=True)
    acts = xp.empty((rows, 4 * hid), dtype=dt)      # i, f, g, o after their activations
    tcs = xp.empty((rows, hid), dtype=dt)           # tanh(c_t)
    cs = xp.empty((rows, hid), dtype=dt)            # c_t
    hcs = None if w_hr is None else xp.empty((rows, hid), dtype=dt)
    out = xp.empty((rows, h.shape[1]), dtype=dt)
    # A padded batch (every step B rows) reads each step's state straight from the previous
    # step's rows and builds the per-step previous states afterwards in one copy each; a packed
    # one keeps the state of every sequence in ``h``, ``c`` and copies it out per step.
    uniform = len(set(batch_sizes)) == 1
    if not uniform:
        hprev, cprev = xp.empty((rows, h.shape[1]), dtype=dt), xp.empty((rows, hid), dtype=dt)
    kern = _gate_kernels(xp, dt)
    if kern is None:
        # sigmoid(x) = (tanh(x / 2) + 1) / 2: with the i, f, o pre-activations halved up front
        # (exact: a power of two), one tanh per step covers all four gates
        half = xp.ones(4 * hid, dtype=dt)
        half[:2 * hid] = half[3 * hid:] = 0.5
        whh, gid = w_hh * half[:, None], gi * half
    else:
        whh, gid = w_hh, xp.ascontiguousarray(gi)
    parts = _halves(xp, batch_sizes, _macs(h, w_hh, w_hr))
    whh_t = _step_weight(xp, whh, _part_rows(parts))
    whr_t = None if w_hr is None else _step_weight(xp, w_hr, _part_rows(parts))

    def gates(s, e, a, cp):
        """Step rows s:e: activate the gates ``a`` (holding ``h_prev @ W_hh^T``) and write
        the cell and ``o * tanh(c)`` (into ``out``, or ``hcs`` to be projected)."""
        hn = out[s:e] if whr_t is None else hcs[s:e]
        if kern is not None:
            kern.lstm_forward_step(a, gid[s:e], cp, cs[s:e], tcs[s:e], hn)
            return
        a += gid[s:e]
        xp.tanh(a, out=a)
        for sig in (a[:, :2 * hid], a[:, 3 * hid:]):
            sig *= 0.5
            sig += 0.5
        cn = xp.multiply(a[:, hid:2 * hid], cp, out=cs[s:e])
        cn += a[:, :hid] * a[:, 2 * hid:3 * hid]
        xp.multiply(a[:, 3 * hid:], xp.tanh(cn, out=tcs[s:e]), out=hn)

    def sequences(b0, b1):
        """The recurrence of sequences b0:b1 (independent of the others: ``_across_batch``
        may run two ranges at once)."""
        hp, cp = h[b0:b1], c[b0:b1]
        for s, e in _rows(batch_sizes, reverse, b0, b1):
            if not uniform:
                hp, cp = h[b0:b0 + e - s], c[b0:b0 + e - s]
                hprev[s:e] = hp
                cprev[s:e] = cp
            a = acts[s:e]
            _step_product(xp, hp, whh_t, a)
            gates(s, e, a, cp)
            if whr_t is not None:
                _step_product(xp, hcs[s:e], whr_t, out[s:e])
            hn, cn = out[s:e], cs[s:e]
            if uniform:
                hp, cp = hn, cn
            else:
                h[b0:b0 + e - s] = hn
                c[b0:b0 + e - s] = cn
        if uniform:
            h[b0:b1], c[b0:b1] = hp, cp
    _across_batch(xp, parts, sequences)
    if uniform:
        hprev, cprev = _previous(xp, out, h0, reverse), _previous(xp, cs, c0, reverse)
    return (out, h, c, acts, tcs, hprev, cprev) + (() if hcs is None else (hcs,))


@offered
def lstm_backward(g_out, g_h, g_c, h0, c0, w_hh, w_hr, batch_sizes, reverse, want_w, want_wr,
                  acts, tcs, hprev, cprev, *hcs, xp):
    """The gradients of ``lstm_forward`` (``acts`` ... ``hcs`` its saved arrays; a ``g_*``
    None: no gradient reached that output): of the projections ``gi``, ``h0``, ``c0``, then
    ``w_hh`` if ``want_w`` and ``w_hr`` if ``want_wr``."""
    hid = c0.shape[1]
    dt = acts.dtype
    dh, dc = _state(xp, g_h, dt, h0.shape), _state(xp, g_c, dt, c0.shape)
    dgates = xp.empty_like(acts)
    dhs = None if w_hr is None else xp.empty((acts.shape[0], dh.shape[1]), dt)
    parts = _backward_parts(xp, batch_sizes, _macs(dh, w_hh, w_hr), want_w)
    whh = _step_weight(xp, w_hh.T, _part_rows(parts))
    kern = _gate_kernels(xp, dt)
    if kern is None:
        # the activations' derivatives for every step at once: a(1-a) for the sigmoid gates,
        # 1 - a^2 for the cell input g and for tanh(c)
        der, dtc = xp.empty_like(acts), xp.empty_like(tcs)
        xp.subtract(1, acts, out=der)
        der *= acts
        gs = acts[:, 2 * hid:3 * hid]
        xp.subtract(1, gs * gs, out=der[:, 2 * hid:3 * hid])
        xp.subtract(1, tcs * tcs, out=dtc)
    elif g_out is not None:
        g_out = xp.ascontiguousarray(g_out)

    def gates(s, e, state, dht, g):
        """Step rows s:e: the gates' pre-activation gradients into ``dgates`` and the
        previous cell's gradient into ``dc`` from ``dht`` (+ ``g``: output rows, or None)."""
        a, d = acts[s:e], dgates[s:e]
        if kern is not None:
            kern.lstm_backward_step(dht, g, a, tcs[s:e], cprev[s:e], dc[state], d)
            return
        if g is not None:
            dht = dht + g
        dct = dht * a[:, 3 * hid:]
        dct *= dtc[s:e]
        dct += dc[state]
        xp.multiply(dct, a[:, 2 * hid:3 * hid], out=d[:, :hid])
        xp.multiply(dct, cprev[s:e], out=d[:, hid:2 * hid])
        xp.multiply(dct, a[:, :hid], out=d[:, 2 * hid:3 * hid])
        xp.multiply(dht, tcs[s:e], out=d[:, 3 * hid:])
        d *= der[s:e]
        xp.multiply(dct, a[:, hid:2 * hid], out=dc[state])

    def sequences(b0, b1):
        """Back through time for sequences b0:b1 (as in the forward)."""
        for s, e in reversed(_rows(batch_sizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            g = None if g_out is None else g_out[s:e]
            if w_hr is None:
                gates(s, e, state, dh[state], g)
            else:
                dhs[s:e] = dh[state] if g is None else dh[state] + g
                gates(s, e, state, dhs[s:e] @ w_hr, None)
            yield s, e
            _step_product(xp, dgates[s:e], whh, dh[state])
    dw = _back_through_time(xp, parts, acts.shape[0], sequences,
                            (lambda r0, r1: dgates[r0:r1].T @ hprev[r0:r1]) if want_w else None)
    return ((dgates, dh, dc) + (() if dw is None else (dw,)) +
            ((dhs.T @ hcs[0],) if want_wr else ()))


# ---- GRU -----------------------------------------------------------------------------------------
@offered
def gru_forward(gi, h0, w_hh, b_hh, batch_sizes, reverse, xp):
    """One GRU layer: ``gi`` ``(rows, 3H)`` input projections with ``b_ih``; ``b_hh`` stays
    inside the reset gate, as in PyTorch.  Returns the output rows ``(rows, H)``, the final
    ``h`` ``(B, H)`` and what ``gru_backward`` takes (gates r, z; n; ``W_hn h + b_hn``; each
    step's previous ``h``)."""
    hid = h0.shape[1]
    rows, dt = gi.shape[0], gi.dtype
    h = h0.astype(dt, copy=True)
    rz = xp.empty((rows, 2 * hid), dtype=dt)
    ns = xp.empty((rows, hid), dtype=dt)
    ghn = xp.empty((rows, hid), dtype=dt)
    hprev = xp.empty((rows, hid), dtype=dt)
    out = xp.empty((rows, hid), dtype=dt)
    parts = _halves(xp, batch_sizes, _macs(h, w_hh))
    whh_t = _step_weight(xp, w_hh, _part_rows(parts))
    gh_all = xp.empty((h.shape[0], 3 * hid), dtype=dt)
    kern = _gate_kernels(xp, dt)
    if kern is not None:
        gi = xp.ascontiguousarray(gi)

    def gates(s, e, gh, hp):
        """Step rows s:e: the gates, the candidate and the new state (into ``out``) from
        ``gh`` (holding ``h_prev @ W_hh^T``) and the previous state ``hp``."""
        if kern is not None:
            kern.gru_forward_step(gh, b_hh, gi[s:e], hp, rz[s:e], ns[s:e], ghn[s:e], out[s:e])
            return
        if b_hh is not None:
            gh += b_hh
        a = rz[s:e]
        xp.add(gi[s:e, :2 * hid], gh[:, :2 * hid], out=a)
        _sigmoid_(xp, a)
        ghn[s:e] = gh[:, 2 * hid:]
        n = xp.multiply(a[:, :hid], gh[:, 2 * hid:], out=ns[s:e])
        n += gi[s:e, 2 * hid:]
        xp.tanh(n, out=n)
        hn = xp.subtract(hp, n, out=out[s:e])
        hn *= a[:, hid:]
        hn += n

    def sequences(b0, b1):
        """The recurrence of sequences b0:b1 (as in ``lstm_forward``)."""
        for s, e in _rows(batch_sizes, reverse, b0, b1):
            state = slice(b0, b0 + e - s)
            hp = h[state]
            hprev[s:e] = hp
            gh = gh_all[state]
            _step_product(xp, hp, whh_t, gh)
            gates(s, e, gh, hp)
            h[state] = out[s:e]
    _across_batch(xp, parts, sequences)
    return out, h, rz, ns, ghn, hprev


@offered
def gru_backward(g_out, g_h, h0, w_hh, batch_sizes, reverse, want_w, want_b, rz, ns, ghn,
                 hprev, xp):
    """The gradients of ``gru_forward``: of ``gi``, ``h0``, then ``w_hh`` if ``want_w`` and
    ``b_hh`` if ``want_b``."""
    hid = h0.shape[1]
    dt = rz.dtype
    dh = _state(xp, g_h, dt, h0.shape)
    dgi = xp.empty((rz.shape[0], 3 * hid), dt)
    dgh = xp.empty_like(dgi)
    parts = _backward_parts(xp, batch_sizes, _macs(dh, w_hh), want_w)
    whh = _step_weight(xp, w_hh.T, _part_rows(parts))
    dhh = xp.empty(h0.shape, dt)
    kern = _gate_kernels(xp, dt)
    if kern is not None and g_out is not None:
        g_out = xp.ascontiguousarray(g_out)

    def gates(s, e, state):
        """Step rows s:e: the pre-activation gradients into ``dgi``, ``dgh``, and ``dh``'s
        own part ``dh * z`` of the previous state's gradient into ``dh``."""
        g = None if g_out is None else g_out[s:e]
        if kern is not None:
            kern.gru_backward_step(dh[state], g, rz[s:e], ns[s:e], ghn[s:e], hprev[s:e],
                                   dgi[s:e], dgh[s:e])
            return
        dht = dh[state] if g is None else dh[state] + g
        r, z, n, hp = rz[s:e, :hid], rz[s:e, hid:], ns[s:e], hprev[s:e]
        dn = dht * (1 - z) * (1 - n * n)
        dgi[s:e, 2 * hid:] = dn
        dgh[s:e, 2 * hid:] = dn * r
        dgi[s:e, :hid] = dgh[s:e, :hid] = dn * ghn[s:e] * r * (1 - r)
        dgi[s:e, hid:2 * hid] = dgh[s:e, hid:2 * hid] = dht * (hp - n) * z * (1 - z)
        xp.multiply(dht, z, out=dh[state])

    def sequences(b0, b1):
        for s, e in reversed(_rows(batch_sizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            gates(s, e, state)
            yield s, e
            step = dhh[state]
            _step_product(xp, dgh[s:e], whh, step)
            dh[state] += step
    dw = _back_through_time(xp, parts, rz.shape[0], sequences,
                            (lambda r0, r1: dgh[r0:r1].T @ hprev[r0:r1]) if want_w else None)
    return (dgi, dh) + (() if dw is None else (dw,)) + ((dgh.sum(0),) if want_b else ())


# ---- Elman RNN -----------------------------------------------------------------------------------
@offered
def rnn_forward(gi, h0, w_hh, batch_sizes, reverse, nonlinearity, xp):
    """One tanh/relu RNN layer: ``gi`` ``(rows, H)`` input projections with both biases.
    Returns the output rows ``(rows, H)``, the final ``h`` ``(B, H)`` and each step's
    previous ``h``."""
    dt = gi.dtype
    h = h0.astype(dt, copy=True)
    out = xp.empty(gi.shape, dtype=dt)
    hprev = xp.empty(gi.shape, dtype=dt)
    parts = _halves(xp, batch_sizes, _macs(h, w_hh))
    whh_t = _step_weight(xp, w_hh, _part_rows(parts))

    def sequences(b0, b1):
        for s, e in _rows(batch_sizes, reverse, b0, b1):
            state = slice(b0, b0 + e - s)
            hp = h[state]
            hprev[s:e] = hp
            a = out[s:e]
            _step_product(xp, hp, whh_t, a)
            a += gi[s:e]
            if nonlinearity == "tanh":
                xp.tanh(a, out=a)
            else:
                xp.maximum(a, 0, out=a)
            h[state] = a
    _across_batch(xp, parts, sequences)
    return out, h, hprev


@offered
def rnn_backward(g_out, g_h, h0, w_hh, batch_sizes, reverse, nonlinearity, want_w, out, hprev,
                 xp):
    """The gradients of ``rnn_forward`` (``out`` its output rows): of ``gi``, ``h0``, then
    ``w_hh`` if ``want_w``."""
    dh = _state(xp, g_h, out.dtype, h0.shape)
    dpre = xp.empty_like(out)
    parts = _backward_parts(xp, batch_sizes, _macs(dh, w_hh), want_w)
    whh = _step_weight(xp, w_hh.T, _part_rows(parts))

    def sequences(b0, b1):
        for s, e in reversed(_rows(batch_sizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            dht = dh[state] if g_out is None else dh[state] + g_out[s:e]
            y = out[s:e]
            d = xp.multiply(dht, 1 - y * y if nonlinearity == "tanh" else y > 0,
                            out=dpre[s:e])
            yield s, e
            _step_product(xp, d, whh, dh[state])
    dw = _back_through_time(xp, parts, out.shape[0], sequences,
                            (lambda r0, r1: dpre[r0:r1].T @ hprev[r0:r1]) if want_w else None)
    return (dpre, dh) + (() if dw is None else (dw,))
