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


# ---- the whole-sequence LSTM layer ----------------------------------------------------------------
def _sigmoid_(xp, a):
    """In-place logistic function, written with tanh so that no exp overflows."""
    a *= 0.5
    xp.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _spans(bsizes, reverse):
    """(start row, batch size) of each time step, in the order the recurrence visits them."""
    spans, start = [], 0
    for bs in bsizes:
        spans.append((start, bs))
        start += bs
    return spans[::-1] if reverse else spans


@register("_lstm_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _lstm_layer(gi, h0, c0, w_hh, w_hr, batch_sizes, reverse=False):
    """One LSTM layer, one direction, over packed rows.

    ``gi``: ``(rows, 4H)`` input projections, biases included; ``h0`` ``(B, P)``, ``c0``
    ``(B, H)``; ``w_hh`` ``(4H, P)``; ``w_hr`` ``(P, H)`` or None (P = proj_size or H).
    Returns the output rows ``(rows, P)`` and the final ``h`` ``(B, P)`` and ``c`` ``(B, H)``
    of every sequence.  ``batch_sizes=None``: a padded batch, every step ``B`` rows (read from
    the shapes, so that a traced call replays at any batch size)."""
    if batch_sizes is None:
        batch_sizes = [h0.shape[0]] * (gi.shape[0] // max(h0.shape[0], 1))
    xp = gi._device._backend.xp
    hid = c0.shape[1]
    rows = gi.shape[0]
    dt = gi._data.dtype
    h, c = h0._data.astype(dt, copy=True), c0._data.astype(dt, copy=True)
    acts = xp.empty((rows, 4 * hid), dtype=dt)      # i, f, g, o after their activations
    tcs = xp.empty((rows, hid), dtype=dt)           # tanh(c_t)
    hprev = xp.empty((rows, h.shape[1]), dtype=dt)
    cprev = xp.empty((rows, hid), dtype=dt)
    hcs = None if w_hr is None else xp.empty((rows, hid), dtype=dt)
    out = xp.empty((rows, h.shape[1]), dtype=dt)
    whh_t = w_hh._data.T
    whr_t = None if w_hr is None else w_hr._data.T
    gid = gi._data
    for s, bs in _spans(batch_sizes, reverse):
        e = s + bs
        hp, cp = h[:bs], c[:bs]
        hprev[s:e] = hp
        cprev[s:e] = cp
        a = acts[s:e]
        xp.matmul(hp, whh_t, out=a)
        a += gid[s:e]
        _sigmoid_(xp, a[:, :2 * hid])
        xp.tanh(a[:, 2 * hid:3 * hid], out=a[:, 2 * hid:3 * hid])
        _sigmoid_(xp, a[:, 3 * hid:])
        cn = a[:, hid:2 * hid] * cp
        cn += a[:, :hid] * a[:, 2 * hid:3 * hid]
        tc = xp.tanh(cn, out=tcs[s:e])
        hn = a[:, 3 * hid:] * tc
        if whr_t is not None:
            hcs[s:e] = hn
            hn = hn @ whr_t
        out[s:e] = hn
        h[:bs] = hn
        c[:bs] = cn
    dtype, dev = gi._dtype, gi._device
    res = (_make(out, dtype, dev), _make(h, dtype, dev), _make(c, dtype, dev))
    inputs = (gi, h0, c0, w_hh, w_hr)
    if _grad_on() and any(t is not None and t._requires_grad for t in inputs):
        node = record(res[0], _LstmLayerBackward, inputs, saved=inputs,
                      args=(tuple(batch_sizes), reverse, acts, tcs, hprev, cprev, hcs))
        set_output(node, res[1], 1)
        set_output(node, res[2], 2)
        node._nout = 3
    return res


def _lstm_layer_backward(node, g_out, g_h, g_c):
    gi, h0, c0, w_hh, w_hr = node.saved()
    if _grad_on():
        return _replay_backward(node, (gi, h0, c0, w_hh, w_hr), (g_out, g_h, g_c))
    bsizes, reverse, acts, tcs, hprev, cprev, hcs = node._args
    xp = gi._device._backend.xp
    hid = c0.shape[1]
    dt = acts.dtype
    dh = xp.zeros(h0.shape, dt) if g_h is None else g_h._data.astype(dt, copy=True)
    dc = xp.zeros(c0.shape, dt) if g_c is None else g_c._data.astype(dt, copy=True)
    gout = None if g_out is None else g_out._data
    dgates = xp.empty_like(acts)
    dhs = None if w_hr is None else xp.empty((acts.shape[0], dh.shape[1]), dt)
    whh, whr = w_hh._data, None if w_hr is None else w_hr._data
    for s, bs in reversed(_spans(bsizes, reverse)):
        e = s + bs
        a = acts[s:e]
        i, f, g, o = a[:, :hid], a[:, hid:2 * hid], a[:, 2 * hid:3 * hid], a[:, 3 * hid:]
        dht = dh[:bs] if gout is None else dh[:bs] + gout[s:e]
        if whr is not None:
            dhs[s:e] = dht
            dht = dht @ whr
        tc = tcs[s:e]
        dct = dc[:bs] + dht * o * (1 - tc * tc)
        d = dgates[s:e]
        d[:, :hid] = dct * g * i * (1 - i)
        d[:, hid:2 * hid] = dct * cprev[s:e] * f * (1 - f)
        d[:, 2 * hid:3 * hid] = dct * i * (1 - g * g)
        d[:, 3 * hid:] = dht * tc * o * (1 - o)
        dh[:bs] = d @ whh
        dc[:bs] = dct * f
    need = [node.next_functions[k][0] is not None for k in range(5)]
    dtype, dev = gi._dtype, gi._device

    def wrap(arr, k):
        return _make(arr, dtype, dev) if need[k] else None
    return (wrap(dgates, 0), wrap(dh, 1), wrap(dc, 2),
            wrap(dgates.T @ hprev, 3) if need[3] else None,
            wrap(dhs.T @ hcs, 4) if need[4] else None)


def _replay_backward(node, inputs, grads):
    """The gradients, as a graph: differentiate the recurrence replayed in ember ops."""
    from ..autograd.engine import grad as _grad
    from . import shape as _shape
    gi, h0, c0, w_hh, w_hr = inputs
    bsizes, reverse = node._args[:2]
    want = [k for k, t in enumerate(inputs) if t is not None and node.next_functions[k][0]]
    w = (w_hh.t(), None, None if w_hr is None else w_hr.t())
    outs, state = run_direction(lstm_step, gi.split(list(bsizes)), bsizes, (h0, c0), w,
                                reverse)
    ys = (_shape.cat(outs), state[0], state[1])
    pairs = [(y, g) for y, g in zip(ys, grads) if g is not None]
    got = _grad([y for y, _ in pairs], [inputs[k] for k in want], [g for _, g in pairs],
                create_graph=True, allow_unused=True)
    result = [None] * 5
    for k, g in zip(want, got):
        result[k] = g
    return tuple(result)


_LstmLayerBackward = node_class("MkldnnRnnLayerBackward0", _lstm_layer_backward)
