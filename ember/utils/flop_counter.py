"""``torch.utils.flop_counter``: count the FLOPs of matrix products and convolutions.

PyTorch counts at the ATen level (``aten.mm``, ``aten.addmm``, ``aten.bmm``, ``aten.baddbmm``,
``aten.convolution``, ``aten.convolution_backward``, the CUDA attention kernels); Ember counts
the ember functions that are those ops, with PyTorch's formulas, and names the counts the same
way: ``matmul`` is split as ATen splits it (folded ``mm`` or ``bmm``; vector products are not
counted), backward products are counted when backward runs inside the mode, and each count is
attributed to ``"Global"`` and to every module running at the time (``"Sequential.0"``).
While the mode is active the counted functions are swapped for counting wrappers wherever they
are bound; outside it nothing is wrapped.  As in PyTorch on CPU, CPU attention is not counted.
"""
import math
import threading
from collections import defaultdict

from .._tensor import Tensor
from .._ops import _bindings

__all__ = ["FlopCounterMode", "register_flop_formula"]


class _AtenOp:
    """The name of an ATen op, as ``get_flop_counts`` keys it (prints as ``aten.mm``)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"aten.{self.name}"

    __str__ = __repr__

    def __eq__(self, other):
        return self is other or str(other) == str(self)

    def __hash__(self):
        return hash(str(self))


class _Aten:
    def __getattr__(self, name):
        op = _AtenOp(name)
        setattr(self, name, op)
        return op


aten = _Aten()


# ---- PyTorch's formulas (shapes in, FLOPs out) ---------------------------------------------
def mm_flop(a_shape, b_shape, *args, out_shape=None, **kwargs):
    m, k = a_shape
    _, n = b_shape
    return m * n * 2 * k


def addmm_flop(self_shape, a_shape, b_shape, out_shape=None, **kwargs):
    return mm_flop(a_shape, b_shape)


def bmm_flop(a_shape, b_shape, out_shape=None, **kwargs):
    b, m, k = a_shape
    _, _, n = b_shape
    return b * m * n * 2 * k


def baddbmm_flop(self_shape, a_shape, b_shape, out_shape=None, **kwargs):
    return bmm_flop(a_shape, b_shape)


def conv_flop_count(x_shape, w_shape, out_shape, transposed=False):
    """2 * (output positions, or input positions if transposed) * filter size * batch *
    out channels * in channels per group."""
    batch = x_shape[0]
    positions = (x_shape if transposed else out_shape)[2:]
    c_out, c_in, *filt = w_shape
    return math.prod(positions) * math.prod(filt) * batch * c_out * c_in * 2


def conv_flop(x_shape, w_shape, _bias, _stride, _padding, _dilation, transposed, *args,
              out_shape=None, **kwargs):
    return conv_flop_count(x_shape, w_shape, out_shape, transposed=transposed)


def conv_backward_flop(grad_out_shape, x_shape, w_shape, transposed, output_mask, grad_shapes):
    def t(shape):
        return [shape[1], shape[0]] + list(shape[2:])
    flops = 0
    if output_mask[0]:
        flops += conv_flop_count(grad_out_shape, w_shape, grad_shapes[0], not transposed)
    if output_mask[1]:
        if transposed:
            flops += conv_flop_count(t(grad_out_shape), t(x_shape), t(grad_shapes[1]), False)
        else:
            flops += conv_flop_count(t(x_shape), t(grad_out_shape), t(grad_shapes[1]), False)
    return flops


def sdpa_flop_count(query_shape, key_shape, value_shape):
    b, h, s_q, d_q = query_shape
    s_k = key_shape[-2]
    d_v = value_shape[-1]
    return (bmm_flop((b * h, s_q, d_q), (b * h, d_q, s_k))
            + bmm_flop((b * h, s_q, s_k), (b * h, s_k, d_v)))


flop_registry = {aten.mm: mm_flop, aten.addmm: addmm_flop, aten.bmm: bmm_flop,
                 aten.baddbmm: baddbmm_flop, aten.convolution: conv_flop}


def register_flop_formula(targets, get_raw=False):
    """Register ``formula(*shapes, out_shape=...)`` for the op keys ``targets``."""
    def register(formula):
        for target in targets if isinstance(targets, (list, tuple)) else (targets,):
            flop_registry[target] = formula
        return formula
    return register


# ---- what each ember function counts as -------------------------------------------------------
def _shape(x):
    return tuple(x.shape)


def _matmul_ops(a, b, out):
    """``matmul`` as ATen runs it: dot / mv are not counted, 2-D right operands give a folded
    ``mm``, batched ones a ``bmm`` over the broadcast batch."""
    da, db = a.dim(), b.dim()
    if db == 1:
        return []
    if db == 2:
        m = math.prod(a.shape[:-1]) if da > 1 else 1
        return [(aten.mm, ((m, a.shape[-1]), tuple(b.shape)))]
    batch = math.prod(out.shape[:-2])
    m = a.shape[-2] if da > 1 else 1
    return [(aten.bmm, ((batch, m, a.shape[-1]), (batch,) + tuple(b.shape[-2:])))]


def _counted_functions():
    from .._ops import linalg as L, nn_conv
    table = {
        L.mm: lambda args, kw, out: [(aten.mm, (_shape(args[0]), _shape(args[1])))],
        L.bmm: lambda args, kw, out: [(aten.bmm, (_shape(args[0]), _shape(args[1])))],
        L.addmm: lambda args, kw, out: [(aten.addmm, tuple(map(_shape, args[:3])))],
        L.baddbmm: lambda args, kw, out: [(aten.baddbmm, tuple(map(_shape, args[:3])))],
        L.matmul: lambda args, kw, out: _matmul_ops(args[0], args[1], out),
        nn_conv.convolution: lambda args, kw, out: [
            (aten.convolution, (_shape(args[0]), _shape(args[1]), None, None, None, None,
                                args[6]))],
    }
    try:
        from ..nn._functional.attention import scaled_dot_product_attention as sdpa
        table[sdpa] = lambda args, kw, out: (
            [] if args[0].device.type == "cpu" else
            [(aten._scaled_dot_product_flash_attention,
              (_shape(args[0]), _shape(args[1]), _shape(args[2])))])
    except ImportError:
        pass
    return table


flop_registry[aten._scaled_dot_product_flash_attention] = \
    lambda q, k, v, out_shape=None, **kw: sdpa_flop_count(q, k, v)


# ---- the mode -----------------------------------------------------------------------------------
_lock = threading.Lock()
_active = []                    # FlopCounterModes entered, innermost last
_state = {"table": None, "conv_backward": None}
_busy = threading.local()


def _table():
    if _state["table"] is None:
        _state["table"] = _counted_functions()
    return _state["table"]


def _wrap(fn, original):
    ops_of = _table()[original]

    def counting(*args, **kwargs):
        if getattr(_busy, "on", False) or not _active:
            return fn(*args, **kwargs)
        _busy.on = True
        try:
            out = fn(*args, **kwargs)
        finally:
            _busy.on = False
        for mode in list(_active):
            mode._count(ops_of(args, kwargs, out), out)
        return out
    counting.__name__ = fn.__name__
    counting.__qualname__ = fn.__qualname__
    counting.__wrapped__ = fn
    return counting


def _conv_backward_counting(original):
    def backward(node, g):
        x, w = node.saved()
        _, transposed, _ = node._args
        if getattr(_busy, "on", False) or not _active:
            return original(node, g)
        _busy.on = True
        try:
            grads = original(node, g)
        finally:
            _busy.on = False
        mask = [grads[0] is not None, grads[1] is not None]
        shapes = [_shape(gr) if gr is not None else None for gr in grads[:2]]
        flops = conv_backward_flop(_shape(g), _shape(x), _shape(w), transposed, mask, shapes)
        for mode in list(_active):
            mode._add(aten.convolution_backward, flops)
        return grads
    return backward


_bindings.register_layer("flop_counter", 1, _table, _wrap)


def _install():
    from .._ops import nn_conv
    _bindings.set_active("flop_counter", True)
    node = nn_conv.ConvolutionBackward0
    _state["conv_backward"] = node.__dict__["_backward"]
    node._backward = _conv_backward_counting(_state["conv_backward"])


def _uninstall():
    from .._ops import nn_conv
    _bindings.set_active("flop_counter", False)
    nn_conv.ConvolutionBackward0._backward = _state["conv_backward"]


class FlopCounterMode:
    """Context manager counting FLOPs per op and per module; ``display`` prints the table
    (which needs the ``tabulate`` package, as in PyTorch) on exit."""

    def __init__(self, mods=None, depth=2, display=True, custom_mapping=None):
        self.flop_counts = defaultdict(lambda: defaultdict(int))
        self.depth = depth
        self.display = display
        if mods is not None:
            import warnings
            warnings.warn("mods argument is not needed anymore, you can stop passing it",
                          stacklevel=2)
        self.flop_registry = {**flop_registry, **(custom_mapping or {})}
        self._parents = ["Global"]
        self._names = {}
        self._hooks = []

    # -- counting ---------------------------------------------------------------------------
    def _count(self, ops, out):
        for op, shapes in ops:
            formula = self.flop_registry.get(op)
            if formula is not None:
                self._add(op, formula(*shapes, out_shape=_shape(out)))
        if ops and isinstance(out, Tensor) and out.grad_fn is not None and \
                len(self._parents) > 1:
            self._attribute_backward(out.grad_fn, list(self._parents))

    def _add(self, op, flops):
        for name in set(self._parents):
            self.flop_counts[name][op] += flops

    def _attribute_backward(self, node, parents):
        """Count the backward of ``node`` for the modules that ran its forward."""
        saved = []

        def enter(grads):
            saved.append(self._parents)
            self._parents = parents

        def leave(grad_inputs, grad_outputs):
            if saved:
                self._parents = saved.pop()
        node.register_prehook(enter)
        node.register_hook(leave)

    # -- module tracking --------------------------------------------------------------------
    def _name(self, module):
        name = self._names.get(id(module))
        if name is None:
            name = self._names[id(module)] = type(module).__name__
        for child_name, child in module.named_children():
            self._names.setdefault(id(child), f"{name}.{child_name}")
        return name

    def _pre_forward(self, module, args):
        self._parents = self._parents + [self._name(module)]

    def _post_forward(self, module, args, output):
        name = self._name(module)
        if name in self._parents:
            i = len(self._parents) - 1 - self._parents[::-1].index(name)
            self._parents = self._parents[:i] + self._parents[i + 1:]

    # -- results ----------------------------------------------------------------------------
    def get_total_flops(self):
        return sum(self.flop_counts["Global"].values())

    def get_flop_counts(self):
        return {k: dict(v) for k, v in self.flop_counts.items()}

    def get_table(self, depth=None):
        depth = self.depth if depth is None else depth
        depth = 999999 if depth is None else depth
        import tabulate
        tabulate.PRESERVE_WHITESPACE = True
        total = self.get_total_flops()
        suffix = _suffix(total)
        subsumed = False

        def rows(name, level):
            nonlocal subsumed
            flops = sum(self.flop_counts[name].values())
            subsumed |= flops >= total
            pad = " " * level
            out = [[pad + name, _with_suffix(flops, suffix), _percent(flops, total)]]
            out += [[pad + " - " + str(k), _with_suffix(v, suffix), _percent(v, total)]
                    for k, v in self.flop_counts[name].items()]
            return out

        values = []
        for name in sorted(self.flop_counts):
            if name != "Global" and name.count(".") + 1 <= depth:
                values += rows(name, name.count("."))
        if "Global" in self.flop_counts and not subsumed:
            for row in values:
                row[0] = " " + row[0]
            values = rows("Global", 0) + values
        if not values:
            values = [["Global", "0", "0%"]]
        return tabulate.tabulate(values, headers=["Module", "FLOP", "% Total"],
                                 colalign=("left", "right", "right"))

    # -- context ----------------------------------------------------------------------------
    def __enter__(self):
        self.flop_counts.clear()
        self._parents = ["Global"]
        from ..nn.modules import module as M
        self._hooks = [M.register_module_forward_pre_hook(self._pre_forward),
                       M.register_module_forward_hook(self._post_forward)]
        with _lock:
            if not _active:
                _install()
            _active.append(self)
        return self

    def __exit__(self, *exc):
        with _lock:
            _active.remove(self)
            if not _active:
                _uninstall()
        for h in self._hooks:
            h.remove()
        if self.display:
            print(self.get_table(self.depth))
        return False


_SUFFIXES = ["", "K", "M", "B", "T"]


def _suffix(number):
    return _SUFFIXES[max(0, min(len(_SUFFIXES) - 1, (len(str(number)) - 2) // 3))]


def _with_suffix(number, suffix):
    index = _SUFFIXES.index(suffix)
    return f"{number / 1000 ** index:.3f}" + _SUFFIXES[index]


def _percent(num, denom):
    return "0%" if denom == 0 else f"{num / denom:.2%}"
