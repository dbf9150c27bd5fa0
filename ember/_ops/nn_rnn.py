"""Recurrent layers: the per-step recurrences in ember ops, and a whole-sequence LSTM layer.

Rows are PyTorch's packed layout: time-major ``(sum(batch_sizes), features)`` with
non-increasing batch sizes (a padded batch is a packed one whose sizes are all equal).

``_lstm_layer`` runs one LSTM layer in one direction as a single op with a single autograd node,
the way cuDNN's and oneDNN's RNN kernels do: the forward loop is array code over the sequence,
and the backward is one hand-written pass back through time whose weight gradients are one GEMM
each over all steps.  An autograd graph of the same recurrence has ~10 nodes per time step.
The backward array code has no graph of its own, so when a graph of the gradient is asked for
(``create_graph=True``) it differentiates a replay of the recurrence in ember ops instead, which
makes double backward exact too.
"""
import contextlib
import os
import sys

from .._backend import jit

from .._tensor import _make
from ..autograd.graph import node_class, set_output
from ._core import register, record, _grad_on


# ---- one time step in ember ops ----------------------------------------------------------------
# ``gi`` is the input projection of this step (biases folded in where the math allows), ``state``
# a tuple ((h,) or (h, c)), ``w`` the layer's (w_hh_t, b_hh, w_hr_t).  Each returns the new state.
def tanh_step(gi, state, w):
    return (gi.addmm(state[0], w[0]).tanh(),)


def relu_step(gi, state, w):
    return (gi.addmm(state[0], w[0]).relu(),)


def lstm_step(gi, state, w):
    h, c = state
    i, f, g, o = gi.addmm(h, w[0]).chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    if w[2] is not None:
        h = h.mm(w[2])
    return h, c


def gru_step(gi, state, w):
    h = state[0]
    gh = h.mm(w[0]) if w[1] is None else w[1].addmm(h, w[0])
    n_h = gh.size(1) // 3
    gi_rz, gi_n = gi.split([2 * n_h, n_h], 1)
    gh_rz, gh_n = gh.split([2 * n_h, n_h], 1)
    r, z = (gi_rz + gh_rz).sigmoid().chunk(2, 1)
    n = (gi_n + r * gh_n).tanh()
    return (n + z * (h - n),)


STEPS = {"RNN_TANH": tanh_step, "RNN_RELU": relu_step, "LSTM": lstm_step, "GRU": gru_step}


def run_direction(step, gis, bsizes, state0, w, reverse):
    """Run ``step`` over the per-step projections ``gis`` (non-increasing batch sizes
    ``bsizes``).  Returns the per-step outputs (in time order) and every sequence's final state."""
    from . import shape as _shape
    steps = len(bsizes)
    outs = [None] * steps
    if not reverse:
        state, finished = state0, []
        for t in range(steps):
            bs = bsizes[t]
            if bs < state[0].shape[0]:    # shorter sequences end here: keep their final state
                finished.append(tuple(s[bs:] for s in state))
                state = tuple(s[:bs] for s in state)
            state = step(gis[t], state, w)
            outs[t] = state[0]
        if finished:
            finished.append(state)
            state = tuple(_shape.cat([f[k] for f in reversed(finished)])
                          for k in range(len(state)))
        return outs, state
    state = tuple(s[:bsizes[-1]] for s in state0) if bsizes[-1] < state0[0].shape[0] else state0
    for t in range(steps - 1, -1, -1):
        bs, have = bsizes[t], state[0].shape[0]
        if bs > have:                     # longer sequences start here, from their h0
            state = tuple(_shape.cat([s, s0[have:bs]]) for s, s0 in zip(state, state0))
        state = step(gis[t], state, w)
        outs[t] = state[0]
    return outs, state


# ---- whole-sequence layers: shared pieces --------------------------------------------------------
def _sigmoid_(xp, a):
    """In-place logistic function, written with tanh so that no exp overflows."""
    a *= 0.5
    xp.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _padded_sizes(gi, h0):
    """A padded batch's sizes, read from the shapes (a traced call replays at any batch)."""
    return [h0.shape[0]] * (gi.shape[0] // max(h0.shape[0], 1))


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
    from .._backend import parallel
    return parallel._single_threaded_blas() if parallel.is_host(xp) else contextlib.nullcontext()


_MIN_WEIGHT_ROWS = 32     # fewer rows per weight-gradient GEMM: not worth a thread


def _back_through_time(xp, steps, rows, weight_grad):
    """Run the backward recurrence ``steps`` (a generator that yields each step's rows once
    their pre-activation gradients are written) and return the recurrent weight's gradient,
    the sum of ``weight_grad(r0, r1)`` over the rows (None: not wanted).  On the host, a pool
    thread multiplies out each finished eighth of the rows while the recurrence goes on."""
    from .._backend import parallel
    if weight_grad is None or not parallel.is_host(xp) or rows < 2 * _MIN_WEIGHT_ROWS:
        with _serial_blas(xp):
            for _ in steps:
                pass
        return None if weight_grad is None else weight_grad(0, rows)
    chunk = max(_MIN_WEIGHT_ROWS, rows // 8)

    def recurrence(hand):
        lo = hi = None
        for s, e in steps:          # a step's rows are next to the previous step's
            lo, hi = (s, e) if lo is None else (min(lo, s), max(hi, e))
            if hi - lo >= chunk:
                hand((lo, hi))
                lo = None
        if lo is not None:
            hand((lo, hi))

    parts = parallel.overlapped(recurrence, lambda r: weight_grad(*r))[1]
    for part in parts[1:]:
        parts[0] += part
    return parts[0]


def _step_weight(xp, w, rows, device):
    """``w.T`` as C-ordered column blocks ``[(j0, j1, block)]``, the right operand of every
    step's ``state @ w.T`` (``rows`` the state's rows; see ``_step_product``).  A recurrence
    reuses it at each step, and OpenBLAS multiplies by a C-ordered copy faster than by the
    transposed view (a (32, 256) state by a (256, 1024) weight: 265 against 292 us on one
    thread, 428 against 560 us wall on two)."""
    wt = w.T
    width = _SMALL_GEMM // max(rows * wt.shape[0], 1) // 16 * 16
    if device.type != "cpu" or width < 16 or width >= wt.shape[1]:
        return [(0, wt.shape[1], xp.ascontiguousarray(wt))]
    return [(j, min(j + width, wt.shape[1]), xp.ascontiguousarray(wt[:, j:j + width]))
            for j in range(0, wt.shape[1], width)]


# OpenBLAS (SkylakeX kernels and later) multiplies products of up to 100^3 multiply-adds with
# its small-matrix kernels, which skip the packing of the operands: a step's product cut into
# column blocks under that size runs faster than the whole one (one thread, us per product:
# (16, 128) @ (128, 512) 29 -> 20 in 2 blocks, (32, 256) @ (256, 1024) 268 -> 164 in 16,
# (16, 512) @ (512, 128) 29 -> 20 in 2).
_SMALL_GEMM = 1_000_000


def _step_product(xp, a, blocks, out):
    """``out = a @ w.T`` from ``w``'s ``_step_weight`` blocks."""
    if len(blocks) == 1:
        xp.matmul(a, blocks[0][2], out=out)
        return
    for j0, j1, b in blocks:
        xp.matmul(a, b, out=out[:, j0:j1])


# The numba gate kernels (``jit_rnn``) replace about ten NumPy passes per time step, each a few
# microseconds of call overhead; loading numba costs about a second (0.5-0.6 s its import, the
# rest the kernels' cached machine code), so by default they are loaded once numba is already
# in the process, or once the NumPy gate arithmetic has taken about that long (estimated at
# ``_NS_STEP`` per time step).  EMBER_JIT=1 loads them at the first LSTM step, EMBER_JIT=0 never.
_JIT_AFTER_NS = 1e9
_NS_STEP = 25_000
_JIT = []               # [jit_rnn or None], once decided
_numpy_ns = [0.0]


def _gate_kernels(xp, dt, steps):
    """``jit_rnn`` for a float32 recurrence of ``steps`` time steps on the host, or None."""
    from .._backend import parallel
    if not parallel.is_host(xp) or dt != xp.float32:
        return None
    if not _JIT:
        mode = os.environ.get("EMBER_JIT")
        _numpy_ns[0] += steps * _NS_STEP
        if mode == "0" or (mode != "1" and "numba" not in sys.modules
                           and _numpy_ns[0] < _JIT_AFTER_NS):
            return None
        _JIT.append(jit.load("jit_rnn"))
    return _JIT[0]


# ---- the whole-sequence LSTM layer ----------------------------------------------------------------
@register("_lstm_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _lstm_layer(gi, h0, c0, w_hh, w_hr, batch_sizes, reverse=False):
    """One LSTM layer, one direction, over packed rows.

    ``gi``: ``(rows, 4H)`` input projections, biases included; ``h0`` ``(B, P)``, ``c0``
    ``(B, H)``; ``w_hh`` ``(4H, P)``; ``w_hr`` ``(P, H)`` or None (P = proj_size or H).
    Returns the output rows ``(rows, P)`` and the final ``h`` ``(B, P)`` and ``c`` ``(B, H)``
    of every sequence.  ``batch_sizes=None``: a padded batch, every step ``B`` rows (read from
    the shapes, so that a traced call replays at any batch size)."""
    batch_sizes = _padded_sizes(gi, h0) if batch_sizes is None else batch_sizes
    xp = gi._device._backend.xp
    hid = c0.shape[1]
    rows = gi.shape[0]
    dt = gi._data.dtype
    h, c = h0._data.astype(dt, copy=True), c0._data.astype(dt, copy=True)
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
    kern = _gate_kernels(xp, dt, len(batch_sizes))
    if kern is None:
        # sigmoid(x) = (tanh(x / 2) + 1) / 2: with the i, f, o pre-activations halved up front
        # (exact: a power of two), one tanh per step covers all four gates
        half = xp.ones(4 * hid, dtype=dt)
        half[:2 * hid] = half[3 * hid:] = 0.5
        whh, gid = w_hh._data * half[:, None], gi._data * half
    else:
        whh, gid = w_hh._data, xp.ascontiguousarray(gi._data)
    whh_t = _step_weight(xp, whh, h.shape[0], gi._device)
    whr_t = None if w_hr is None else _step_weight(xp, w_hr._data, h.shape[0], gi._device)

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
        """The recurrence of sequences b0:b1 (independent of the others; run over the whole
        batch: on an idle machine the BLAS threads beat splitting the batch over threads)."""
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
    with _serial_blas(xp):
        sequences(0, h.shape[0])
    if uniform:
        hprev, cprev = _previous(xp, out, h0._data, reverse), _previous(xp, cs, c0._data, reverse)
    return _outputs(_LstmLayerBackward, (gi, h0, c0, w_hh, w_hr), (out, h, c),
                    (tuple(batch_sizes), reverse, acts, tcs, hprev, cprev, hcs))


def _outputs(cls, inputs, arrays, args):
    """Wrap a layer's output arrays; record one ``cls`` node for all of them when needed."""
    like = inputs[0]
    res = tuple(_make(a, like._dtype, like._device) for a in arrays)
    if _grad_on() and any(t is not None and t._requires_grad for t in inputs):
        node = record(res[0], cls, inputs, saved=inputs, args=args)
        for nr in range(1, len(res)):
            set_output(node, res[nr], nr)
        node._nout = len(res)
    return res


def _lstm_layer_backward(node, g_out, g_h, g_c):
    gi, h0, c0, w_hh, w_hr = node.saved()
    if _grad_on():
        w = (w_hh.t(), None, None if w_hr is None else w_hr.t())
        return _replay_backward(node, lstm_step, (gi, h0, c0, w_hh, w_hr), (h0, c0), w,
                                (g_out, g_h, g_c))
    bsizes, reverse, acts, tcs, hprev, cprev, hcs = node._args
    xp = gi._device._backend.xp
    hid = c0.shape[1]
    dt = acts.dtype
    dh = xp.zeros(h0.shape, dt) if g_h is None else g_h._data.astype(dt, copy=True)
    dc = xp.zeros(c0.shape, dt) if g_c is None else g_c._data.astype(dt, copy=True)
    gout = None if g_out is None else g_out._data
    dgates = xp.empty_like(acts)
    dhs = None if w_hr is None else xp.empty((acts.shape[0], dh.shape[1]), dt)
    whr = None if w_hr is None else w_hr._data
    whh = _step_weight(xp, w_hh._data.T, dh.shape[0], gi._device)
    kern = _gate_kernels(xp, dt, len(bsizes))
    if kern is None:
        # the activations' derivatives for every step at once: a(1-a) for the sigmoid gates,
        # 1 - a^2 for the cell input g and for tanh(c)
        der, dtc = xp.empty_like(acts), xp.empty_like(tcs)
        xp.subtract(1, acts, out=der)
        der *= acts
        gs = acts[:, 2 * hid:3 * hid]
        xp.subtract(1, gs * gs, out=der[:, 2 * hid:3 * hid])
        xp.subtract(1, tcs * tcs, out=dtc)
    elif gout is not None:
        gout = xp.ascontiguousarray(gout)

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
        """Back through time for sequences b0:b1 (the whole batch, as in the forward)."""
        for s, e in reversed(_rows(bsizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            g = None if gout is None else gout[s:e]
            if whr is None:
                gates(s, e, state, dh[state], g)
            else:
                dhs[s:e] = dh[state] if g is None else dh[state] + g
                gates(s, e, state, dhs[s:e] @ whr, None)
            yield s, e
            _step_product(xp, dgates[s:e], whh, dh[state])
    dw = _back_through_time(xp, sequences(0, dh.shape[0]), acts.shape[0],
                            _wanted(node, 3, lambda r0, r1: dgates[r0:r1].T @ hprev[r0:r1]))
    return _wrap_grads(node, gi, (lambda: dgates, lambda: dh, lambda: dc,
                                  lambda: dw, lambda: dhs.T @ hcs))


def _wanted(node, k, fn):
    """``fn`` if the node's input ``k`` needs a gradient, else None."""
    return fn if node.next_functions[k][0] is not None else None


def _wrap_grads(node, like, makers):
    """The gradient tensors of the node's inputs; ``makers[k]()`` computes input k's array,
    called only for the inputs that need a gradient."""
    return tuple(_make(make(), like._dtype, like._device)
                 if node.next_functions[k][0] is not None else None
                 for k, make in enumerate(makers))


def _replay_backward(node, step, inputs, state0, w, grads):
    """The gradients of ``inputs`` (``inputs[0]`` the projections), as a graph: differentiate
    the recurrence replayed in ember ops with ``step``."""
    from ..autograd.engine import grad as _grad
    from . import shape as _shape
    bsizes, reverse = node._args[:2]
    want = [k for k, t in enumerate(inputs)
            if t is not None and node.next_functions[k][0] is not None]
    outs, state = run_direction(step, inputs[0].split(list(bsizes)), bsizes, state0, w,
                                reverse)
    pairs = [(y, g) for y, g in zip((_shape.cat(outs), *state), grads) if g is not None]
    got = _grad([y for y, _ in pairs], [inputs[k] for k in want], [g for _, g in pairs],
                create_graph=True, allow_unused=True)
    result = [None] * len(inputs)
    for k, g in zip(want, got):
        result[k] = g
    return tuple(result)


# ---- the whole-sequence GRU layer -----------------------------------------------------------------
@register("_gru_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _gru_layer(gi, h0, w_hh, b_hh, batch_sizes, reverse=False):
    """One GRU layer, one direction, over packed rows (see ``_lstm_layer``).

    ``gi``: ``(rows, 3H)`` input projections with ``b_ih``; ``b_hh`` stays inside the reset
    gate, as in PyTorch.  Returns the output rows ``(rows, H)`` and the final ``h`` ``(B, H)``."""
    batch_sizes = _padded_sizes(gi, h0) if batch_sizes is None else batch_sizes
    xp = gi._device._backend.xp
    hid = h0.shape[1]
    rows, dt = gi.shape[0], gi._data.dtype
    h = h0._data.astype(dt, copy=True)
    rz = xp.empty((rows, 2 * hid), dtype=dt)
    ns = xp.empty((rows, hid), dtype=dt)
    ghn = xp.empty((rows, hid), dtype=dt)
    hprev = xp.empty((rows, hid), dtype=dt)
    out = xp.empty((rows, hid), dtype=dt)
    whh_t = _step_weight(xp, w_hh._data, h.shape[0], gi._device)
    gh_all = xp.empty((h.shape[0], 3 * hid), dtype=dt)
    bhh = None if b_hh is None else b_hh._data
    gid = gi._data

    def sequences(b0, b1):
        """The recurrence of sequences b0:b1 (the whole batch, as in ``_lstm_layer``)."""
        for s, e in _rows(batch_sizes, reverse, b0, b1):
            state = slice(b0, b0 + e - s)
            hp = h[state]
            hprev[s:e] = hp
            gh = gh_all[:e - s]
            _step_product(xp, hp, whh_t, gh)
            if bhh is not None:
                gh += bhh
            a = rz[s:e]
            xp.add(gid[s:e, :2 * hid], gh[:, :2 * hid], out=a)
            _sigmoid_(xp, a)
            ghn[s:e] = gh[:, 2 * hid:]
            n = xp.multiply(a[:, :hid], gh[:, 2 * hid:], out=ns[s:e])
            n += gid[s:e, 2 * hid:]
            xp.tanh(n, out=n)
            hn = hp - n
            hn *= a[:, hid:]
            hn += n
            out[s:e] = hn
            h[state] = hn
    with _serial_blas(xp):
        sequences(0, h.shape[0])
    return _outputs(_GruLayerBackward, (gi, h0, w_hh, b_hh), (out, h),
                    (tuple(batch_sizes), reverse, rz, ns, ghn, hprev))


def _gru_layer_backward(node, g_out, g_h):
    gi, h0, w_hh, b_hh = node.saved()
    if _grad_on():
        return _replay_backward(node, gru_step, (gi, h0, w_hh, b_hh), (h0,),
                                (w_hh.t(), b_hh, None), (g_out, g_h))
    bsizes, reverse, rz, ns, ghn, hprev = node._args
    xp = gi._device._backend.xp
    hid = h0.shape[1]
    dt = rz.dtype
    dh = xp.zeros(h0.shape, dt) if g_h is None else g_h._data.astype(dt, copy=True)
    gout = None if g_out is None else g_out._data
    dgi = xp.empty((rz.shape[0], 3 * hid), dt)
    dgh = xp.empty_like(dgi)
    whh = _step_weight(xp, w_hh._data.T, dh.shape[0], gi._device)
    dhh = xp.empty(h0.shape, dt)

    def sequences(b0, b1):
        for s, e in reversed(_rows(bsizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            dht = dh[state] if gout is None else dh[state] + gout[s:e]
            r, z, n, hp = rz[s:e, :hid], rz[s:e, hid:], ns[s:e], hprev[s:e]
            dn = dht * (1 - z) * (1 - n * n)
            dgi[s:e, 2 * hid:] = dn
            dgh[s:e, 2 * hid:] = dn * r
            dgi[s:e, :hid] = dgh[s:e, :hid] = dn * ghn[s:e] * r * (1 - r)
            dgi[s:e, hid:2 * hid] = dgh[s:e, hid:2 * hid] = dht * (hp - n) * z * (1 - z)
            yield s, e
            step = dhh[:e - s]
            _step_product(xp, dgh[s:e], whh, step)
            step += dht * z
            dh[state] = step
    dw = _back_through_time(xp, sequences(0, dh.shape[0]), rz.shape[0],
                            _wanted(node, 2, lambda r0, r1: dgh[r0:r1].T @ hprev[r0:r1]))
    return _wrap_grads(node, gi, (lambda: dgi, lambda: dh, lambda: dw, lambda: dgh.sum(0)))


_GruLayerBackward = node_class("MkldnnRnnLayerBackward0", _gru_layer_backward)
# ---- the whole-sequence Elman RNN layer ---------------------------------------------------------
@register("_rnn_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _rnn_layer(gi, h0, w_hh, batch_sizes, reverse=False, nonlinearity="tanh"):
    """One tanh/relu RNN layer, one direction, over packed rows (see ``_lstm_layer``).

    ``gi``: ``(rows, H)`` input projections with both biases.  Returns the output rows
    ``(rows, H)`` and the final ``h`` ``(B, H)``."""
    batch_sizes = _padded_sizes(gi, h0) if batch_sizes is None else batch_sizes
    xp = gi._device._backend.xp
    dt = gi._data.dtype
    h = h0._data.astype(dt, copy=True)
    out = xp.empty(gi.shape, dtype=dt)
    hprev = xp.empty(gi.shape, dtype=dt)
    whh_t = _step_weight(xp, w_hh._data, h.shape[0], gi._device)
    gid = gi._data

    def sequences(b0, b1):
        for s, e in _rows(batch_sizes, reverse, b0, b1):
            state = slice(b0, b0 + e - s)
            hp = h[state]
            hprev[s:e] = hp
            a = out[s:e]
            _step_product(xp, hp, whh_t, a)
            a += gid[s:e]
            if nonlinearity == "tanh":
                xp.tanh(a, out=a)
            else:
                xp.maximum(a, 0, out=a)
            h[state] = a
    with _serial_blas(xp):
        sequences(0, h.shape[0])
    return _outputs(_RnnLayerBackward, (gi, h0, w_hh), (out, h),
                    (tuple(batch_sizes), reverse, nonlinearity, out, hprev))


def _rnn_layer_backward(node, g_out, g_h):
    gi, h0, w_hh = node.saved()
    bsizes, reverse, nonlinearity, out, hprev = node._args
    if _grad_on():
        step = tanh_step if nonlinearity == "tanh" else relu_step
        return _replay_backward(node, step, (gi, h0, w_hh), (h0,), (w_hh.t(), None, None),
                                (g_out, g_h))
    xp = gi._device._backend.xp
    dh = xp.zeros(h0.shape, out.dtype) if g_h is None else g_h._data.astype(out.dtype, copy=True)
    gout = None if g_out is None else g_out._data
    dpre = xp.empty_like(out)
    whh = _step_weight(xp, w_hh._data.T, dh.shape[0], gi._device)

    def sequences(b0, b1):
        for s, e in reversed(_rows(bsizes, reverse, b0, b1)):
            state = slice(b0, b0 + e - s)
            dht = dh[state] if gout is None else dh[state] + gout[s:e]
            y = out[s:e]
            d = xp.multiply(dht, 1 - y * y if nonlinearity == "tanh" else y > 0,
                            out=dpre[s:e])
            yield s, e
            _step_product(xp, d, whh, dh[state])
    dw = _back_through_time(xp, sequences(0, dh.shape[0]), out.shape[0],
                            _wanted(node, 2, lambda r0, r1: dpre[r0:r1].T @ hprev[r0:r1]))
    return _wrap_grads(node, gi, (lambda: dpre, lambda: dh, lambda: dw))


_RnnLayerBackward = node_class("MkldnnRnnLayerBackward0", _rnn_layer_backward)
_LstmLayerBackward = node_class("MkldnnRnnLayerBackward0", _lstm_layer_backward)
