"""nn modules: RNN, LSTM, GRU and their cells.

Per layer and direction the input projection of *all* time steps is one GEMM.  An LSTM or GRU
layer then runs as one whole-sequence op with a hand-written backward (``ember/_ops/nn_rnn.py``);
RNN loops over time steps in ember ops (one fused gate GEMM, ``addmm``, per step plus an
activation), so autograd needs nothing special there.  Every input layout is turned into
PyTorch's packed layout first — the time-major rows ``(sum(batch_sizes), features)`` — so
padded and packed inputs share one code path (a padded batch is a packed one whose batch sizes
are all equal).
"""
import math
import numbers
import warnings


from ... import _C, _errors
from ..._ops import creation, shape as _shape
from ..._ops.nn_rnn import STEPS, run_direction, _gru_layer, _lstm_layer, _rnn_layer
from ...autograd import grad_mode
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .._functional import dropout as _dropout_mod
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _input_projection(mode, x, w_ih, b_ih, b_hh):
    """``x @ w_ihᵀ + biases`` for every row at once.  GRU keeps b_hh inside its reset gate."""
    if b_ih is None:
        return x.matmul(w_ih.t())
    bias = b_ih if mode == "GRU" else b_ih + b_hh
    return bias.addmm(x, w_ih.t())


def _unrolled_layer(mode, gi, bsizes, h0, w_hh, b_hh, w_hr, reverse, padded):
    """One layer and direction as per-step ember ops: what a jit trace (and so an ONNX export,
    which maps ops one by one) records instead of the whole-sequence op."""
    gis = gi.view(len(bsizes), -1, gi.size(1)).unbind(0) if padded else gi.split(list(bsizes))
    w = (w_hh.t(), b_hh if mode == "GRU" else None, None if w_hr is None else w_hr.t())
    outs, state = run_direction(STEPS[mode], gis, bsizes, h0, w, reverse)
    return (_shape.cat(outs) if len(outs) > 1 else outs[0]), state


def _rnn_impl(mode, x, bsizes, hx, weights, has_bias, num_layers, dropout, training,
              bidirectional, padded=False):
    """The whole multi-layer recurrence on packed rows ``x`` (``(sum(bsizes), in)``).

    ``hx`` is a tuple of ``(layers * directions, batch, *)`` initial states; returns the packed
    output rows and the tuple of final states.  ``padded``: all batch sizes are equal, and are
    read from the shapes, never named (traces stay batch-generic)."""
    ndir = 2 if bidirectional else 1
    per = len(weights) // (num_layers * ndir)
    h0s = [h.unbind(0) for h in hx]
    finals = [[] for _ in hx]
    sizes = None if padded else list(bsizes)
    unrolled = _C._is_tracing()
    for layer in range(num_layers):
        layer_out = []
        for d in range(ndir):
            idx = layer * ndir + d
            ws = weights[idx * per:(idx + 1) * per]
            w_ih, w_hh = ws[0], ws[1]
            b_ih, b_hh = (ws[2], ws[3]) if has_bias else (None, None)
            w_hr = ws[-1] if per in (3, 5) else None
            gi = _input_projection(mode, x, w_ih, b_ih, b_hh)
            h0 = tuple(h[idx] for h in h0s)
            if unrolled:
                out, state = _unrolled_layer(mode, gi, bsizes, h0, w_hh, b_hh, w_hr, d == 1,
                                             padded)
            elif mode == "LSTM":    # one op (and one autograd node) for the whole sequence
                out, *state = _lstm_layer(gi, h0[0], h0[1], w_hh, w_hr, sizes, d == 1)
            elif mode == "GRU":
                out, *state = _gru_layer(gi, h0[0], w_hh, b_hh, sizes, d == 1)
            else:
                out, *state = _rnn_layer(gi, h0[0], w_hh, sizes, d == 1,
                                         "tanh" if mode == "RNN_TANH" else "relu")
            layer_out.append(out)
            for f, s in zip(finals, state):
                f.append(s)
        x = layer_out[0] if ndir == 1 else _shape.cat(layer_out, 1)
        if dropout > 0 and training and layer < num_layers - 1:
            x = _dropout_mod.dropout(x, dropout, True)
    return x, tuple(_shape.stack(f) for f in finals)


# ---- modules --------------------------------------------------------------------------------
def _uniform_init(module):
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    with grad_mode.no_grad():
        for weight in module.parameters():
            weight.uniform_(-stdv, stdv)


def _check_type(name, value, kind):
    if not isinstance(value, kind):
        raise _errors.rnn_arg_type(name, kind, value)


class RNNBase(Module):
    """Shared parameters, checks and driver of RNN / LSTM / GRU (PyTorch's layout and names)."""
    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._check_args(dropout)
        if mode not in _GATES:
            raise _errors.rnn_mode_unknown(mode)
        gate_size = _GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_in = input_size if layer == 0 else real_hidden * num_directions
                shapes = [("weight_ih_l{}{}", (gate_size, layer_in)),
                          ("weight_hh_l{}{}", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for fmt, shape in shapes:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(creation.empty(shape, dtype=dtype,
                                                                 device=device)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def _check_args(self, dropout):
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise _errors.rnn_dropout_range()
        if dropout > 0 and self.num_layers == 1:
            warnings.warn(_errors.rnn_dropout_single_layer(dropout, self.num_layers), stacklevel=3)
        _check_type("bias", self.bias, bool)
        _check_type("batch_first", self.batch_first, bool)
        _check_type("input_size", self.input_size, int)
        if self.input_size <= 0:
            raise _errors.rnn_size_positive("input_size")
        _check_type("hidden_size", self.hidden_size, int)
        if self.hidden_size <= 0:
            raise _errors.rnn_size_positive("hidden_size")
        if self.num_layers <= 0:
            raise _errors.rnn_num_layers()
        if self.proj_size < 0:
            raise _errors.rnn_proj_size_negative()
        if self.proj_size >= self.hidden_size:
            raise _errors.rnn_proj_size_too_big()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, w) for w in ws] for ws in self._all_weights]

    def flatten_parameters(self):
        """No-op: there is no cuDNN weight buffer to compact."""

    def reset_parameters(self):
        _uniform_init(self)

    # ---- checks (PyTorch's messages) -----------------------------------------------------------
    def check_input(self, input, batch_sizes):
        wdt = self._flat_weights[0].dtype
        if input.dtype != wdt:
            raise _errors.rnn_dtype_mismatch(input, wdt)
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise _errors.rnn_input_dims(input, expected)
        if self.input_size != input.size(-1):
            raise _errors.rnn_input_size_mismatch(input, self.input_size)

    def _expected_size(self, input, batch_sizes, last):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, last)

    def get_expected_hidden_size(self, input, batch_sizes):
        return self._expected_size(input, batch_sizes, self.proj_size or self.hidden_size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx.index_select(1, permutation)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---- driver -------------------------------------------------------------------------------
    def _state_shapes(self):
        """Trailing size of each state tensor ((h,) or (h, c))."""
        return (self.hidden_size,)

    def _zeros_state(self, first_step):
        """Zero initial states shaped ``(layers * directions, batch, size)``, derived from the
        rows of the first time step (a zero column, broadcast) rather than from a Python batch
        size, so that a traced graph replays at any batch size."""
        n = self.num_layers * (2 if self.bidirectional else 1)
        column = creation.zeros_like(first_step.narrow(-1, 0, 1))
        return tuple(column.unsqueeze(0).expand(n, -1, size).contiguous()
                     for size in self._state_shapes())

    def _check_hx_dims(self, hx, is_batched):
        want = 3 if is_batched else 2
        if hx.dim() != want:
            kind = "batched 3-D" if is_batched else "unbatched 2-D"
            raise _errors.rnn_hx_dims(kind, want, hx)

    def _as_state(self, hx):
        return (hx,)

    def _from_state(self, state):
        return state[0]

    def forward(self, input, hx=None):
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        is_batched = True
        if packed:
            input, batch_sizes, sorted_indices, unsorted_indices = input
            bsizes = batch_sizes.tolist()
            batch = bsizes[0]
        else:
            batch_sizes = sorted_indices = unsorted_indices = None
            if input.dim() not in (2, 3):
                got = f"{input.dim()}D tensor" if self.mode.startswith("RNN") else \
                    f"{input.dim()}D"
                raise _errors.rnn_input_dims_value(name, got)
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            if hx is not None:
                self._check_hx_dims(hx, is_batched)
                if not is_batched:
                    hx = self._map_state(hx, lambda t: t.unsqueeze(1))
            batch = input.size(batch_dim)
        if hx is None:
            state = self._zeros_state(input[:batch] if packed else
                                      input.select(1 - batch_dim, 0))
        else:
            state = self._as_state(self.permute_hidden(hx, sorted_indices))
        self.check_forward_args(input, self._from_state(state), batch_sizes)
        if packed:
            rows = input
        else:
            steps = input.size(1 if self.batch_first else 0)
            if self.batch_first:
                input = input.transpose(0, 1)
            rows = input.reshape(-1, input.size(2))     # -1, not steps * batch: see above
            bsizes = [batch] * steps
        out, state = _rnn_impl(self.mode, rows, bsizes, state, self._flat_weights, self.bias,
                               self.num_layers, self.dropout, self.training, self.bidirectional,
                               padded=not packed)
        hidden = self.permute_hidden(self._from_state(state), unsorted_indices)
        if packed:
            return PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices), hidden
        out = out.view(steps, -1, out.size(1))
        if self.batch_first:
            out = out.transpose(0, 1)
        if not is_batched:
            out = out.squeeze(batch_dim)
            hidden = self._map_state(hidden, lambda t: t.squeeze(1))
        return out, hidden

    @staticmethod
    def _map_state(hx, fn):
        return fn(hx)


class RNN(RNNBase):
    """Elman RNN with tanh or ReLU non-linearity."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise _errors.rnn_proj_size_unsupported()
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise _errors.rnn_nonlinearity_invalid(self.nonlinearity)
        super().__init__(mode, *args, **kwargs)


class GRU(RNNBase):
    """Multi-layer gated recurrent unit over a sequence (reset, update and new gates)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise _errors.rnn_proj_size_unsupported()
        super().__init__("GRU", *args, **kwargs)


class LSTM(RNNBase):
    """Multi-layer long short-term memory over a sequence (input, forget, cell and output
    gates; optional projection of the hidden state)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def _state_shapes(self):
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def _as_state(self, hx):
        return tuple(hx)

    def _from_state(self, state):
        return tuple(state)

    @staticmethod
    def _map_state(hx, fn):
        return fn(hx[0]), fn(hx[1])

    def _check_hx_dims(self, hx, is_batched):
        want = 3 if is_batched else 2
        if hx[0].dim() != want or hx[1].dim() != want:
            kind = "batched 3-D" if is_batched else "unbatched 2-D"
            raise _errors.lstm_hx_dims(kind, want, hx)

    def get_expected_cell_size(self, input, batch_sizes):
        return self._expected_size(input, batch_sizes, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)


# ---- cells ----------------------------------------------------------------------------------
class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(creation.empty((g, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(creation.empty((g, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(creation.empty((g,), dtype=dtype, device=device))
            self.bias_hh = Parameter(creation.empty((g,), dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        _uniform_init(self)

    def _check_dims(self, input, hx):
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise _errors.rnn_cell_dims(name, "input", input)
        if isinstance(hx, tuple):
            for i, v in enumerate(hx):
                if v.dim() not in (1, 2):
                    raise _errors.rnn_cell_dims(name, f"hx[{i}]", v)
        elif hx is not None and hx.dim() not in (1, 2):
            raise _errors.rnn_cell_dims(name, "hidden", hx)

    def _cell(self, mode, input, state):
        """One step of ``mode`` on a (batched) input; returns the new state tuple."""
        gi = _input_projection(mode, input, self.weight_ih, self.bias_ih, self.bias_hh)
        w = (self.weight_hh.t(), self.bias_hh if mode == "GRU" else None, None)
        return STEPS[mode](gi, state, w)

    def _run(self, mode, input, hx, nstates):
        self._check_dims(input, hx)
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = creation.zeros((input.size(0), self.hidden_size), dtype=input.dtype,
                                   device=input.device)
            state = (zeros,) * nstates
        else:
            state = tuple(hx) if nstates == 2 else (hx,)
            if not is_batched:
                state = tuple(s.unsqueeze(0) for s in state)
        state = self._cell(mode, input, state)
        if not is_batched:
            state = tuple(s.squeeze(0) for s in state)
        return state if nstates == 2 else state[0]


class RNNCell(RNNCellBase):
    """One step of an Elman RNN with tanh or ReLU non-linearity."""
    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            self._check_dims(input, hx)
            raise _errors.rnn_nonlinearity_unknown(self.nonlinearity)
        mode = "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"
        return self._run(mode, input, hx, 1)


class LSTMCell(RNNCellBase):
    """One step of an LSTM: ``(h, c)`` from the input and the previous ``(h, c)``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._run("LSTM", input, hx, 2)


class GRUCell(RNNCellBase):
    """One step of a GRU: ``h`` from the input and the previous ``h``."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._run("GRU", input, hx, 1)
