"""Small ops torch lists as OpInfos: ``fill`` (out of place), ``sum_to_size``, ``gcd`` / ``lcm``,
``dist`` and ``hash_tensor``."""
from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim
from ..autograd.graph import node_class, save_output
from ._core import register, record, needs_grad, binary, sum_to, _grad_on
from .norms import vector_norm_grad, _vector_norm_arr
from .pointwise import _reject
from .size_args import int_list


# ---- fill ---------------------------------------------------------------------------------------
FillBackward0 = node_class("FillBackward0", lambda node, g: (g.new_zeros(g.shape),))
# fill(Tensor value): the value receives the sum of the gradient
FillBackward1 = node_class("FillBackward1", lambda node, g: (g.new_zeros(g.shape), g.sum()))


@register("fill", method=False, nodes=("FillBackward0", "FillBackward1"))
def fill(input, value):
    """``input``'s shape and dtype filled with ``value`` (a number or a 0-d tensor)."""
    res = _make(input._data.copy(), input._dtype, input._device)
    res.fill_(value.detach() if isinstance(value, Tensor) else value)
    if needs_grad(input, value):
        if isinstance(value, Tensor):
            record(res, FillBackward1, (input, value))
        else:
            record(res, FillBackward0, (input,))
    return res


# ---- sum_to_size --------------------------------------------------------------------------------
@register("sum_to_size", function=False, nodes=("SumBackward1", "ViewBackward0"))
def sum_to_size(self, *sizes, size=None):
    """``self`` summed down to ``size``, which ``self``'s shape must expand from."""
    size = int_list(sizes, "sum_to_size", "size", size)
    shape = self._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != t for s, t in zip(size, shape[lead:])):
        raise _errors.sum_to_size_not_expandable(size, shape)
    if not size:
        return self.sum()
    return sum_to(self, size)


# ---- gcd / lcm ----------------------------------------------------------------------------------
def _integer_only(kernel):
    return _reject(kernel, lambda dt: dt.category > 1)


gcd, gcd_ = binary("gcd", lambda a, b, be: be.xp.gcd(a, b), check=_integer_only("gcd_cpu"))
lcm, lcm_ = binary("lcm", lambda a, b, be: be.xp.lcm(a, b), check=_integer_only("lcm_cpu"))


# ---- dist ---------------------------------------------------------------------------------------
def _dist_bwd(node, g):
    a, b, norm = node.saved()
    p = node._args
    if p == 0:      # torch's gradient of the 0-"norm" (a count) is undefined, not zero
        return None, None
    diff = a - b
    d = vector_norm_grad(diff, norm, g, p, tuple(range(diff.ndim)), True)
    ga = sum_to(d, a._data.shape) if node.next_functions[0][0] is not None else None
    gb = -sum_to(d, b._data.shape) if node.next_functions[1][0] is not None else None
    return ga, gb


DistBackward0 = node_class("DistBackward0", _dist_bwd)


@register("dist", nodes=("DistBackward0",))
def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast)."""
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise _errors.norm_input_dtype(input._dtype)
    diff = input.detach() - other.detach()
    xp = diff._device._backend.xp
    p = float(p)
    a = xp.abs(diff._data).astype(diff._dtype.to_real().np) if diff._dtype.is_complex \
        else diff._data
    norm = _vector_norm_arr(xp, a, p, tuple(range(a.ndim)), False)
    res = _make(xp.asarray(norm, dtype=a.dtype), diff._dtype.to_real(), diff._device)
    if _grad_on() and needs_grad(input, other):
        node = record(res, DistBackward0, (input, other), (input, other, None), p)
        save_output(node, res, 2)
    return res



# ---- hash_tensor --------------------------------------------------------------------------------
_xor_check = _reject("xor_sum_cpu", lambda dt: dt.is_complex)


@register("hash_tensor", differentiable=False)
def hash_tensor(input, dim=None, *, keepdim=False, mode=0):
    """The xor of the elements' 64-bit patterns (floats as float64, integers as int64) over
    ``dim`` (every dim by default), as uint64."""
    if mode != 0:
        raise _errors.hash_tensor_mode(mode)
    _xor_check(input._dtype)
    a = input._data
    dims = tuple(range(a.ndim)) if dim is None else \
        tuple(_wrap_dim(d, max(a.ndim, 1)) for d in ((dim,) if isinstance(dim, int) else dim))
    if dim is None and a.size == 0:
        raise _errors.hash_tensor_empty()
    for d in dims:
        if a.ndim and a.shape[d] == 0:
            raise _errors.hash_tensor_empty_dim(d)
    xp = input._device._backend.xp
    wide = a.astype(xp.float64 if input._dtype.is_floating_point else xp.int64)
    bits = wide.view(xp.uint64)
    out = xp.bitwise_xor.reduce(bits, axis=dims, keepdims=keepdim) if a.ndim else bits
    return _make(xp.asarray(out, dtype=xp.uint64), D.uint64, input._device)
