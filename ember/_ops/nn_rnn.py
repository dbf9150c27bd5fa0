"""Recurrent layers: the per-step recurrences in ember ops, and whole-sequence layer ops.

Rows are PyTorch's packed layout: time-major ``(sum(batch_sizes), features)`` with
non-increasing batch sizes (a padded batch is a packed one whose sizes are all equal).

``_lstm_layer`` (``_gru_layer``, ``_rnn_layer``) runs one layer in one direction as a single op
with a single autograd node, the way cuDNN's and oneDNN's RNN kernels do: the forward loop is
array code over the sequence (``ember/_backend/rnn_kernels.py``), and the backward is one
hand-written pass back through time whose weight gradients are one GEMM each over all steps.
An autograd graph of the same recurrence has ~10 nodes per time step.  The backward array code
has no graph of its own, so when a graph of the gradient is asked for (``create_graph=True``) it
differentiates a replay of the recurrence in ember ops instead, which makes double backward
exact too.
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


# ---- whole-sequence layer ops -------------------------------------------------------------------
def _padded_sizes(gi, h0):
    """A padded batch's sizes, read from the shapes (a traced call replays at any batch)."""
    return [h0.shape[0]] * (gi.shape[0] // max(h0.shape[0], 1))


def _kernel(name, like, *args):
    """``rnn_kernels.<name>`` on ``args`` (arrays and host values): on the CPU a host call
    (which a capture records whole), elsewhere with the device's array module."""
    from .._backend import rnn_kernels
    fn = getattr(rnn_kernels, name)
    dev = like._device
    return fn(*args) if dev.type == "cpu" else fn(*args, xp=dev._backend.xp)


def _data(t):
    return None if t is None else t._data


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


def _wanted(node, k):
    """Whether the node's input ``k`` needs a gradient."""
    return node.next_functions[k][0] is not None


def _wrap_grads(node, like, got, n):
    """The gradient tensors of the node's inputs from a backward kernel's arrays ``got``: one
    for each of the first ``n`` inputs, then one for each later input that needs a gradient."""
    later = iter(got[n:])
    grads = []
    for k in range(len(node.next_functions)):
        a = got[k] if k < n else next(later) if _wanted(node, k) else None
        grads.append(_make(a, like._dtype, like._device) if _wanted(node, k) else None)
    return tuple(grads)


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


@register("_lstm_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _lstm_layer(gi, h0, c0, w_hh, w_hr, batch_sizes, reverse=False):
    """One LSTM layer, one direction, over packed rows.

    ``gi``: ``(rows, 4H)`` input projections, biases included; ``h0`` ``(B, P)``, ``c0``
    ``(B, H)``; ``w_hh`` ``(4H, P)``; ``w_hr`` ``(P, H)`` or None (P = proj_size or H).
    Returns the output rows ``(rows, P)`` and the final ``h`` ``(B, P)`` and ``c`` ``(B, H)``
    of every sequence.  ``batch_sizes=None``: a padded batch, every step ``B`` rows (read from
    the shapes, so that a traced call replays at any batch size)."""
    bsizes = tuple(_padded_sizes(gi, h0) if batch_sizes is None else batch_sizes)
    res = _kernel("lstm_forward", gi, gi._data, h0._data, c0._data, w_hh._data, _data(w_hr),
                  bsizes, reverse)
    return _outputs(_LstmLayerBackward, (gi, h0, c0, w_hh, w_hr), res[:3],
                    (bsizes, reverse) + tuple(res[3:]))


def _lstm_layer_backward(node, g_out, g_h, g_c):
    gi, h0, c0, w_hh, w_hr = node.saved()
    if _grad_on():
        w = (w_hh.t(), None, None if w_hr is None else w_hr.t())
        return _replay_backward(node, lstm_step, (gi, h0, c0, w_hh, w_hr), (h0, c0), w,
                                (g_out, g_h, g_c))
    bsizes, reverse, *saved = node._args
    got = _kernel("lstm_backward", gi, _data(g_out), _data(g_h), _data(g_c), h0._data,
                  c0._data, w_hh._data, _data(w_hr), bsizes, reverse, _wanted(node, 3),
                  _wanted(node, 4), *saved)
    return _wrap_grads(node, gi, got, 3)


@register("_gru_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _gru_layer(gi, h0, w_hh, b_hh, batch_sizes, reverse=False):
    """One GRU layer, one direction, over packed rows (see ``_lstm_layer``).

    ``gi``: ``(rows, 3H)`` input projections with ``b_ih``; ``b_hh`` stays inside the reset
    gate, as in PyTorch.  Returns the output rows ``(rows, H)`` and the final ``h`` ``(B, H)``."""
    bsizes = tuple(_padded_sizes(gi, h0) if batch_sizes is None else batch_sizes)
    res = _kernel("gru_forward", gi, gi._data, h0._data, w_hh._data, _data(b_hh), bsizes,
                  reverse)
    return _outputs(_GruLayerBackward, (gi, h0, w_hh, b_hh), res[:2],
                    (bsizes, reverse) + tuple(res[2:]))


def _gru_layer_backward(node, g_out, g_h):
    gi, h0, w_hh, b_hh = node.saved()
    if _grad_on():
        return _replay_backward(node, gru_step, (gi, h0, w_hh, b_hh), (h0,),
                                (w_hh.t(), b_hh, None), (g_out, g_h))
    bsizes, reverse, *saved = node._args
    got = _kernel("gru_backward", gi, _data(g_out), _data(g_h), h0._data, w_hh._data, bsizes,
                  reverse, _wanted(node, 2), _wanted(node, 3), *saved)
    return _wrap_grads(node, gi, got, 2)


@register("_rnn_layer", method=False, function=False, nodes=("MkldnnRnnLayerBackward0",))
def _rnn_layer(gi, h0, w_hh, batch_sizes, reverse=False, nonlinearity="tanh"):
    """One tanh/relu RNN layer, one direction, over packed rows (see ``_lstm_layer``).

    ``gi``: ``(rows, H)`` input projections with both biases.  Returns the output rows
    ``(rows, H)`` and the final ``h`` ``(B, H)``."""
    bsizes = tuple(_padded_sizes(gi, h0) if batch_sizes is None else batch_sizes)
    res = _kernel("rnn_forward", gi, gi._data, h0._data, w_hh._data, bsizes, reverse,
                  nonlinearity)
    return _outputs(_RnnLayerBackward, (gi, h0, w_hh), res[:2],
                    (bsizes, reverse, nonlinearity, res[0], res[2]))


def _rnn_layer_backward(node, g_out, g_h):
    gi, h0, w_hh = node.saved()
    bsizes, reverse, nonlinearity, out, hprev = node._args
    if _grad_on():
        step = tanh_step if nonlinearity == "tanh" else relu_step
        return _replay_backward(node, step, (gi, h0, w_hh), (h0,), (w_hh.t(), None, None),
                                (g_out, g_h))
    got = _kernel("rnn_backward", gi, _data(g_out), _data(g_h), h0._data, w_hh._data, bsizes,
                  reverse, nonlinearity, _wanted(node, 2), out, hprev)
    return _wrap_grads(node, gi, got, 2)


_LstmLayerBackward = node_class("MkldnnRnnLayerBackward0", _lstm_layer_backward)
_GruLayerBackward = node_class("MkldnnRnnLayerBackward0", _gru_layer_backward)
_RnnLayerBackward = node_class("MkldnnRnnLayerBackward0", _rnn_layer_backward)
