"""View ops: outputs share memory and the version counter with their input, as in PyTorch.

A view remembers its base tensor and how it was made from its source (``_vfn``), so that an
in-place write into a view that needs grad can rebuild the base's history (CopySlices) by
replaying the view on the base's gradient.
"""
from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _make, _wrap_dim, Size
from ..autograd.graph import (NO_GRAD_VIEW, node_class, make_node, set_output, edge, _init_node,
                              _new)
from ._core import register, _grad_on
from .size_args import int_list


def make_view(src, arr, cls=None, args=None, vfn=None):
    """Wrap ``arr`` (a view of ``src``'s array) as a view tensor of ``src``."""
    out = _make(arr, src._dtype, src._device)
    out._vc = src._vc
    out._base = src if src._base is None else src._base
    out._vfn = (src, vfn, args)
    if src._requires_grad:
        if not _grad_on():  # PyTorch: requires grad, no history, no in-place use once grad is on
            out._requires_grad = True
            out._accum = NO_GRAD_VIEW
        elif cls is not None:
            set_output(make_node(cls, (src,), (), args), out)
    return out


def replay_view(view, t):
    """Apply to ``t`` (shaped like ``view``'s base) the chain of view ops that made ``view``."""
    chain = []
    v = view
    while v._base is not None:
        src, fn, args = v._vfn
        chain.append((fn, args))
        v = src
    for fn, args in reversed(chain):
        t = fn(t, *args) if args is not None else fn(t)
    return t


def _copy_slices_backward(node, g):
    view_ref, fn_node = node._args
    result = g.clone()
    grad_slice = replay_view(view_ref, result)
    res = fn_node._backward(grad_slice.clone())
    if type(res) is not tuple:
        res = (res,)
    if res[0] is None:
        grad_slice.zero_()
    else:
        grad_slice.copy_(res[0])
    return (result,) + tuple(res[1:])


CopySlices = node_class("CopySlices", _copy_slices_backward)
CopySlices.name = lambda self: "torch::autograd::CopySlices"


def _as_view_backward(node, g):
    return (node._args(g),)


def copy_slices(base, view, fn_node):
    """``view`` (of ``base``) was modified in place by the op whose node is ``fn_node``."""
    cs = _new(CopySlices)
    _init_node(cs, (edge(base),) + tuple(fn_node.next_functions[1:]))
    geometry_view = _make(view._data, view._dtype, view._device)
    geometry_view._base = view._base
    geometry_view._vfn = view._vfn
    cs._args = (geometry_view, fn_node)
    base._grad_fn = cs
    base._output_nr = 0
    base._requires_grad = True
    # The view now reads from the rebased base: its history is "a view of that base".
    vnode = _new(AsStridedBackward0)
    _init_node(vnode, ((cs, 0),))
    base_shape = base._data.shape

    def scatter_into_base(g, _v=geometry_view, _shape=base_shape, _like=base):
        full = g.new_zeros(_shape)
        replay_view(_v, full).copy_(g)
        return full
    vnode._args = scatter_into_base
    view._grad_fn = vnode
    view._output_nr = 0
    view._requires_grad = True


AsStridedBackward0 = node_class("AsStridedBackward0", _as_view_backward)


# ---- shape helpers ----------------------------------------------------------------------------
def infer_shape(shape, numel):
    """``shape`` (a tuple) with its -1 filled in from ``numel``; PyTorch's errors for a bad one."""
    known, neg = 1, -1
    for i, s in enumerate(shape):
        if s >= 0:
            known *= s
        elif s == -1 and neg < 0:
            neg = i
        else:
            return _checked_shape(shape, numel)
    if neg < 0:
        if known == numel:
            return shape
    elif known and not numel % known:
        return shape[:neg] + (numel // known,) + shape[neg + 1:]
    return _checked_shape(shape, numel)


def _checked_shape(shape, numel):
    """infer_shape's slow path, which raises the error PyTorch gives for ``shape``."""
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise _errors.view_infer_twice()
    for i, s in enumerate(shape):
        if s < -1:
            raise _errors.view_invalid_dim(i, shape)
    if neg:
        rest = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                rest *= s
        if rest == 0 and numel == 0:
            raise _errors.view_infer_empty(shape)
        if rest == 0 or numel % rest:
            raise _errors.shape_invalid(shape, numel)
        shape[neg[0]] = numel // rest
    else:
        n = 1
        for s in shape:
            n *= s
        if n != numel:
            raise _errors.shape_invalid(shape, numel)
    return tuple(shape)


# ---- view / reshape -----------------------------------------------------------------------------
def _view_bwd(node, g):
    return (g.reshape(node._args[0]),)


ViewBackward0 = node_class("ViewBackward0", _view_bwd)
UnsafeViewBackward0 = node_class("UnsafeViewBackward0", _view_bwd)
ReshapeAliasBackward0 = node_class("ReshapeAliasBackward0", _view_bwd)


def _reshape_view_fn(t, shape):
    return t.view(shape)


@register("view", nodes=("ViewBackward0",), function=False)
def view(self, *sizes, size=None, dtype=None):
    if len(sizes) == 1 and sizes[0].__class__ is not int:
        s0 = sizes[0]
        if isinstance(s0, D.dtype) or s0 in (float, int, bool):
            return _view_dtype(self, D.to_dtype(s0))
    elif dtype is not None and not sizes and size is None:
        return _view_dtype(self, D.to_dtype(dtype))
    shape = infer_shape(int_list(sizes, "view", "size", size), self._data.size)
    arr = self._device._backend.view_reshape(self._data, shape)
    if arr is None:
        raise _errors.view_stride_incompatible()
    return _shape_view(self, arr, shape)


def _shape_view(self, arr, shape, reshape=False):
    """``arr`` (``self``'s array viewed as ``shape``) as the view tensor ``self.view(shape)``;
    for ``reshape`` of a non-contiguous tensor PyTorch names the node ReshapeAliasBackward0."""
    out = make_view(self, arr, None, (shape,), _reshape_view_fn)
    if _grad_on() and self._requires_grad:
        cls = ReshapeAliasBackward0 if reshape and not self.is_contiguous() else ViewBackward0
        set_output(make_node(cls, (self,), (), (self._data.shape,)), out)
    return out


def _view_dtype(self, dt):
    old, new = self._dtype.itemsize, dt.itemsize
    if new != old:      # the last dimension is re-read as more or fewer elements
        a = self._data
        if a.ndim == 0:
            raise _errors.view_dtype_zero_dim(self._dtype, dt)
        if new > old and a.shape[-1] * old % new:
            raise _errors.view_dtype_condition(f"size(-1) must be divisible by {new // old}",
                                               self._dtype, dt, a.shape[-1])
        if a.shape[-1] != 1 and a.strides[-1] != old:
            raise _errors.view_dtype_condition("stride(-1) must be 1", self._dtype, dt,
                                               a.strides[-1] // old)
        if new > old:
            offset = self.storage_offset()
            if offset * old % new:
                raise _errors.view_dtype_condition(
                    f"storage_offset() must be divisible by {new // old}", self._dtype, dt,
                    offset)
    out = _make(self._data.view(dt.np), dt, self._device)
    out._vc = self._vc
    return out


@register("reshape", nodes=("ViewBackward0", "ReshapeAliasBackward0", "UnsafeViewBackward0",
                           "CloneBackward0"), whole_list="shape")
def reshape(input, *sizes, shape=None):
    """``torch.reshape(input, shape)``; the method also takes the sizes unpacked."""
    shape = infer_shape(int_list(sizes, "reshape", "shape", shape), input._data.size)
    arr = input._device._backend.view_reshape(input._data, shape)
    if arr is not None:
        return _shape_view(input, arr, shape, reshape=True)
    # A copy is needed: PyTorch records clone + _unsafe_view.
    c = input.clone(memory_format="contiguous")
    out = _make(c._data.reshape(shape), c._dtype, c._device)
    if _grad_on() and c._requires_grad:
        set_output(make_node(UnsafeViewBackward0, (c,), (), (c._data.shape,)), out)
    return out


@register("view_as", nodes=("ViewBackward0",), function=False)
def view_as(self, other):
    return view(self, other._data.shape)


@register("reshape_as", function=False)
def reshape_as(self, other):
    return reshape(self, other._data.shape)


# ---- transpose / permute / t ----------------------------------------------------------------------
def _perm_bwd(node, g):
    perm = node._args[0]
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return (g.permute(inv),)


PermuteBackward0 = node_class("PermuteBackward0", _perm_bwd)


def _transpose_bwd(node, g):
    return (g.transpose(*node._args),)


TransposeBackward0 = node_class("TransposeBackward0", _transpose_bwd)
TBackward0 = node_class("TBackward0", lambda node, g: (g.t(),))


def _permute_fn(t, dims):
    return t.permute(dims)


@register("permute", nodes=("PermuteBackward0",), whole_list="dims")
def permute(input, *sizes, dims=None):
    """``torch.permute(input, dims)``; the method also takes the dims unpacked."""
    nd = input._data.ndim
    dims = tuple(_wrap_dim(d, nd) for d in int_list(sizes, "permute", "dims", dims))
    if len(dims) != nd:
        raise _errors.permute_length(nd, len(dims))
    if len(set(dims)) != nd:
        raise _errors.permute_duplicate()
    return make_view(input, input._data.transpose(dims), PermuteBackward0, (dims,), _permute_fn)


def _transpose_fn(t, d0, d1):
    return t.transpose(d0, d1)


@register("transpose", aliases=("swapdims",), nodes=("TransposeBackward0",))
def transpose(input, dim0, dim1):
    nd = input._data.ndim
    d0, d1 = _wrap_dim(dim0, nd), _wrap_dim(dim1, nd)
    return make_view(input, input._data.swapaxes(d0, d1) if nd else input._data,
                     TransposeBackward0, (d0, d1), _transpose_fn)


@register("swapaxes", nodes=("TransposeBackward0",))
def swapaxes(input, axis0, axis1):
    """``transpose`` under NumPy's name, with NumPy's argument names (as torch has it)."""
    return transpose(input, axis0, axis1)


def _t_fn(t):
    return t.t()


@register("t", nodes=("TBackward0",))
def t(input):
    nd = input._data.ndim
    if nd > 2:
        raise _errors.t_dims(nd)
    return make_view(input, input._data.T, TBackward0, None, _t_fn)


@register("adjoint", method=True)
def adjoint(input):
    nd = input._data.ndim
    if nd < 2:
        if nd:
            raise _errors.adjoint_dims(nd)
        import warnings
        warnings.warn(_errors.adjoint_0d_warning(), UserWarning, stacklevel=2)
        return input.conj()
    return transpose(input, -2, -1).conj() if input._dtype.is_complex else transpose(input, -2, -1)


# ---- expand ------------------------------------------------------------------------------------------
def _expand_bwd(node, g):
    from ._core import sum_to
    return (sum_to(g, node._args[0]),)


ExpandBackward0 = node_class("ExpandBackward0", _expand_bwd)


def _expand_fn(t, shape):
    return t.expand(shape)


@register("expand", nodes=("ExpandBackward0",), function=False)
def expand(self, *sizes, size=None, implicit=False):
    sizes = int_list(sizes, "expand", "size", size)
    src = self._data.shape
    nd = len(sizes)
    if nd < len(src):
        raise _errors.expand_too_few(self, sizes)
    lead = nd - len(src)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise _errors.expand_leading_negative(s)
            target.append(s)
            continue
        cur = src[i - lead]
        if s == -1:
            target.append(cur)
        elif cur != s and cur != 1:
            raise _errors.expand_mismatch(cur, s, list(sizes), i, list(src))
        else:
            target.append(s)
    target = tuple(target)
    if target[lead:] == src and all(n == 1 for n in target[:lead]):
        # Nothing repeats: a writable view whose new unit dims get torch's strides (BERT copies
        # into ``arange(n).expand(1, -1)``), where broadcast_to would give stride 0, read-only.
        arr = self._data.reshape(target)
    else:
        arr = self._device._backend.xp.broadcast_to(self._data, target)
    out = make_view(self, arr, None, (target,), _expand_fn)
    if _grad_on() and self._requires_grad:
        set_output(make_node(ExpandBackward0, (self,), (), (src,)), out)
    return out


@register("expand_as", nodes=("ExpandBackward0",), function=False)
def expand_as(self, other):
    return expand(self, other._data.shape)


@register("broadcast_to", nodes=("ExpandBackward0",), whole_list="size")
def broadcast_to(input, *sizes, size=None):
    """``torch.broadcast_to(input, size)``; the method also takes the sizes unpacked."""
    return expand(input, int_list(sizes, "broadcast_to", "size", size))


# ---- squeeze / unsqueeze -----------------------------------------------------------------------------
def _unsqueeze_bwd(node, g):
    return (g.squeeze(node._args[0]),)


def _squeeze_bwd(node, g):
    return (g.reshape(node._args[0]),)


UnsqueezeBackward0 = node_class("UnsqueezeBackward0", _unsqueeze_bwd)
SqueezeBackward0 = node_class("SqueezeBackward0", _squeeze_bwd)
SqueezeBackward1 = node_class("SqueezeBackward1", _squeeze_bwd)
SqueezeBackward2 = node_class("SqueezeBackward2", _squeeze_bwd)


def _unsqueeze_fn(t, dim):
    return t.unsqueeze(dim)


@register("unsqueeze", nodes=("UnsqueezeBackward0",))
def unsqueeze(input, dim):
    nd = input._data.ndim + 1
    d = _wrap_dim(dim, nd)
    shape = input._data.shape[:d] + (1,) + input._data.shape[d:]
    out = make_view(input, input._data.reshape(shape), None, (d,), _unsqueeze_fn)
    if _grad_on() and input._requires_grad:
        set_output(make_node(UnsqueezeBackward0, (input,), (), (d,)), out)
    return out


def _squeeze_fn(t, shape):
    return t.view(shape) if t._data.size else t.reshape(shape)


@register("squeeze", nodes=("SqueezeBackward0", "SqueezeBackward1", "SqueezeBackward2"))
def squeeze(input, dim=None):
    shape = input._data.shape
    nd = len(shape)
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        cls = SqueezeBackward0
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        cls = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
        wd = {_wrap_dim(d, nd) for d in dims} if nd else set()
        new = tuple(s for i, s in enumerate(shape) if not (i in wd and s == 1))
    out = make_view(input, input._data.reshape(new), None, (new,), _squeeze_fn)
    if _grad_on() and input._requires_grad:
        set_output(make_node(cls, (input,), (), (shape,)), out)
    return out


# ---- select / narrow / slicing -----------------------------------------------------------------------
def zeros_holding(g, shape, view):
    """A view's gradient: zeros of the base's ``shape`` (batched under vmap when g is) with
    ``g`` copied into ``view(zeros)``."""
    full = g.new_zeros(shape)
    view(full).copy_(g)
    return full


def _select_bwd(node, g):
    shape, dim, index = node._args
    return (zeros_holding(g, shape, lambda full: full.select(dim, index)),)


SelectBackward0 = node_class("SelectBackward0", _select_bwd)


def _select_fn(t, dim, index):
    return t.select(dim, index)


@register("select", nodes=("SelectBackward0",))
def select(input, dim, index):
    nd = input._data.ndim
    if nd == 0:
        raise _errors.select_0d()
    d = _wrap_dim(dim, nd)
    size = input._data.shape[d]
    i = int(index)
    if i < -size or i >= size:
        raise _errors.select_index(i, input._data.shape, dim)
    if i < 0:
        i += size
    key = (slice(None),) * d + (i, Ellipsis)   # Ellipsis: a 0-d view, never a scalar
    out = make_view(input, input._data[key], None, (d, i), _select_fn)
    if _grad_on() and input._requires_grad:
        set_output(make_node(SelectBackward0, (input,), (), (input._data.shape, d, i)), out)
    return out


def _slice_bwd(node, g):
    shape, dim, start, stop, step = node._args
    full = g.new_zeros(shape)
    key = (slice(None),) * dim + (slice(start, stop, step),)
    full[key] = g
    return (full,)


SliceBackward0 = node_class("SliceBackward0", _slice_bwd)


def _slice_fn(t, dim, start, stop, step):
    return slice_dim(t, dim, start, stop, step)


def slice_dim(self, dim, start, stop, step=1):
    """Basic slicing along one dim (a view); the building block of ``narrow`` and ``[a:b]``."""
    key = (slice(None),) * dim + (slice(start, stop, step),)
    out = make_view(self, self._data[key], None, (dim, start, stop, step), _slice_fn)
    if _grad_on() and self._requires_grad:
        set_output(make_node(SliceBackward0, (self,), (), (self._data.shape, dim, start, stop,
                                                             step)), out)
    return out


@register("narrow", nodes=("SliceBackward0",))
def narrow(input, dim, start, length):
    nd = input._data.ndim
    d = _wrap_dim(dim, nd)
    size = input._data.shape[d]
    start = int(start)
    if start < -size or start > size:
        raise _errors.narrow_start(start, size)
    if start < 0:
        start += size
    if start + length > size or length < 0:
        raise _errors.narrow_length(start, length, size)
    return slice_dim(input, d, start, start + length, 1)


# ---- as_strided ----------------------------------------------------------------------------------
def _storage_positions(n, geometry, device):
    """For each element of a tensor with ``geometry`` (size, element strides, offset) into a
    storage of ``n`` elements, its position in that storage (an int64 tensor)."""
    import numpy as np
    from . import creation
    size, stride, offset = geometry
    pos = np.lib.stride_tricks.as_strided(np.arange(offset, n, dtype=np.int64), size,
                                          tuple(8 * s for s in stride))
    return creation.tensor(pos, device=device)


def _as_strided_bwd(node, g):
    """Scatter-add the gradient into the storage positions the output read, then gather the
    positions of the input's elements (the input may itself be a strided view)."""
    from . import creation
    n, in_geometry, out_geometry = node._args
    flat = creation.zeros(n, dtype=g._dtype, device=g._device)
    flat.index_put_((_storage_positions(n, out_geometry, g._device).reshape(-1),),
                    g.reshape(-1), accumulate=True)
    return (flat[_storage_positions(n, in_geometry, g._device)],)


AsStridedBackward0b = node_class("AsStridedBackward0", _as_strided_bwd)


def _as_strided_fn(t, size, stride, offset):
    return t.as_strided(size, stride, offset)


@register("as_strided", nodes=("AsStridedBackward0",))
def as_strided(input, size, stride, storage_offset=None):
    be = input._device._backend
    size = tuple(int(s) for s in size)
    stride = tuple(int(s) for s in stride)
    isz = input._dtype.itemsize
    root = be.root(input._data)
    off = be.storage_offset(input._data) if storage_offset is None else int(storage_offset)
    need = off + sum((s - 1) * st for s, st in zip(size, stride) if s > 0) + 1 if all(size) else 0
    if need > root.size:
        raise _errors.as_strided_bounds(size, stride, off, isz, need, root.size)
    flat = root.reshape(-1) if root.flags.c_contiguous else root
    arr = be.as_strided(flat[off:] if flat.ndim == 1 else flat, size,
                        tuple(s * isz for s in stride))
    out = make_view(input, arr, None, (size, stride, storage_offset), _as_strided_fn)
    if _grad_on() and input._requires_grad:
        in_geometry = (input._data.shape, tuple(s // isz for s in input._data.strides),
                       be.storage_offset(input._data))
        set_output(make_node(AsStridedBackward0b, (input,), (),
                             (root.size, in_geometry, (size, stride, off))), out)
    return out


@register("detach", method=False)
def detach(input):
    return input.detach()


def shape_of(t):
    return Size(t._data.shape)


# ---- in-place view ops: self takes the view's shape and strides ------------------------------
# their node names in PyTorch (the in-place overloads' numbering)
_INPLACE_NODE = {"TBackward0": "TBackward1", "TransposeBackward0": "TransposeBackward1",
                 "UnsqueezeBackward0": "UnsqueezeBackward1", "SqueezeBackward0": "SqueezeBackward3",
                 "SqueezeBackward1": "SqueezeBackward4", "SqueezeBackward2": "SqueezeBackward5",
                 "AsStridedBackward0": "AsStridedBackward1"}
_INPLACE_CLASSES = {}


def _inplace_view(method):
    """``Tensor.<method>_``: ``self`` becomes its own ``<method>`` view (same data, new
    geometry), keeping the view's autograd history under the in-place node name."""
    def op_(self, *args, **kwargs):
        from ._core import check_inplace
        check_inplace(self)
        out = getattr(self, method)(*args, **kwargs)
        self._data = out._data
        node = out._grad_fn
        if node is not None:
            name = _INPLACE_NODE.get(type(node).__name__)
            if name is not None:
                cls = _INPLACE_CLASSES.get(name)
                if cls is None:
                    cls = _INPLACE_CLASSES[name] = node_class(name, type(node)._backward)
                node.__class__ = cls
            self._grad_fn, self._output_nr = node, out._output_nr
        return self
    op_.__name__ = op_.__qualname__ = method + "_"
    return op_


for _name in ("t", "transpose", "swapaxes", "swapdims", "squeeze", "unsqueeze", "as_strided"):
    setattr(Tensor, _name + "_", _inplace_view(_name))
