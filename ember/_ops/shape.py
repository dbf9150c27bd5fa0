"""Shape ops: joining (cat/stack), splitting (split/chunk/unbind/tensor_split — views, as in
PyTorch), reordering (flip/roll/rot90/movedim), repetition (repeat/tile/repeat_interleave),
triangles and diagonals, flatten/unflatten/unfold, broadcasting helpers.

Gradients are written with ember ops (double backward works); multi-output splits create one
node with one output slot per piece.
"""
import warnings

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import Tensor, _wrap_dim, Size
from ..autograd.graph import node_class, make_node, set_output
from ._core import register, record, _grad_on, needs_grad, write_out, wrap, cast, inplace, grad_for
from . import views as V
from .size_args import int_list


# ---- cat / stack ----------------------------------------------------------------------------------
def _cat_bwd(node, g):
    d, metas = node._args
    grads = []
    off = 0
    for i, (shape, dt) in enumerate(metas):
        if node.next_functions[i][0] is None:
            grads.append(None)
        elif shape == (0,) and g._data.ndim != 1:
            grads.append(g.new_zeros((0,)).to(dt))
        else:
            grads.append(grad_for(g.narrow(d, off, shape[d]), shape, dt))
        if not (shape == (0,) and g._data.ndim != 1):
            off += shape[d]
    return tuple(grads)


CatBackward0 = node_class("CatBackward0", _cat_bwd)


def _cat_check(tensors, dim):
    """Validate like PyTorch; return (wrapped dim, tensors that take part)."""
    if not tensors:
        raise _errors.cat_empty()
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise _errors.cat_zero_dim(i)
    # PyTorch skips legacy empty 1-D tensors of shape [0].
    parts = [t for t in tensors if t._data.shape != (0,)] or [tensors[0]]
    ref = parts[0]._data.shape
    d = _wrap_dim(dim, len(ref))
    for k, t in enumerate(tensors):
        s = t._data.shape
        if s == (0,) and len(ref) != 1:
            continue
        if len(s) != len(ref):
            raise _errors.cat_ndim(ref, s)
        for j in range(len(ref)):
            if j != d and s[j] != ref[j]:
                raise _errors.cat_size_mismatch(d, ref[j], s[j], k)
    return d, parts


@register("cat", autocast={"cpu": "promote"},
          aliases=("concat", "concatenate"), method=False, nodes=("CatBackward0",),
          out=True)
def cat(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    d, parts = _cat_check(tensors, dim)
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0]._dtype
    xp = tensors[0]._device._backend.xp
    res = wrap(xp.concatenate([cast(t._data, dt) for t in parts], axis=d), dt,
               tensors[0]._device)
    if needs_grad(*tensors):
        record(res, CatBackward0, tensors, (),
               (d, [(t._data.shape, t._dtype) for t in tensors]))
    return res if out is None else write_out(out, res)


def _stack_bwd(node, g):
    d, dtypes = node._args
    return tuple(None if node.next_functions[i][0] is None else
                 grad_for(g.select(d, i), g._data.shape[:d] + g._data.shape[d + 1:], dt)
                 for i, dt in enumerate(dtypes))


StackBackward0 = node_class("StackBackward0", _stack_bwd)


@register("stack", autocast={"cpu": "promote"}, method=False, nodes=("StackBackward0",), out=True)
def stack(tensors, dim=0, *, out=None):
    tensors = list(tensors)
    if not tensors:
        raise _errors.stack_empty()
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise _errors.stack_size(i, ref, t)
    d = _wrap_dim(dim, len(ref) + 1)
    dt = D.result_type(*tensors) if len(tensors) > 1 else tensors[0]._dtype
    xp = tensors[0]._device._backend.xp
    res = wrap(xp.stack([cast(t._data, dt) for t in tensors], axis=d), dt, tensors[0]._device)
    if needs_grad(*tensors):
        record(res, StackBackward0, tensors, (), (d, [t._dtype for t in tensors]))
    return res if out is None else write_out(out, res)


@register("hstack", method=False, out=True)
def hstack(tensors, *, out=None):
    ts = atleast_1d(*tensors)
    ts = ts if isinstance(ts, tuple) else (ts,)
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


@register("vstack", aliases=("row_stack",), method=False, out=True)
def vstack(tensors, *, out=None):
    ts = atleast_2d(*tensors)
    return cat(ts if isinstance(ts, tuple) else (ts,), 0, out=out)


@register("dstack", method=False, out=True)
def dstack(tensors, *, out=None):
    ts = atleast_3d(*tensors)
    return cat(ts if isinstance(ts, tuple) else (ts,), 2, out=out)


@register("column_stack", method=False, out=True)
def column_stack(tensors, *, out=None):
    ts = [t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors]
    return cat(ts, 1, out=out)


# ---- split / chunk / unbind / tensor_split (views) ---------------------------------------------------
def _pieces_bwd(node, *grads):
    """Gradient of a split: the pieces' gradients (zeros where none flowed) concatenated."""
    shape, d, sizes = node._args
    like = next(g for g in grads if g is not None)
    parts = []
    for g, n in zip(grads, sizes):
        if g is None:
            s = list(shape)
            s[d] = n
            g = like.new_zeros(s)
        parts.append(g)
    return (cat(parts, d),)


SplitBackward0 = node_class("SplitBackward0", _pieces_bwd)
SplitWithSizesBackward0 = node_class("SplitWithSizesBackward0", _pieces_bwd)


def _split_views(self, d, sizes, cls):
    """The pieces of ``self`` along ``d`` as views sharing one multi-output node."""
    outs = []
    start = 0
    pre = (slice(None),) * d
    arr = self._data
    for n in sizes:
        outs.append(V.make_view(self, arr[pre + (slice(start, start + n),)], None,
                                (d, start, start + n, 1), V._slice_fn))
        start += n
    if _grad_on() and self._requires_grad:
        node = make_node(cls, (self,), (), (arr.shape, d, tuple(sizes)))
        node._nout = len(outs)
        for i, o in enumerate(outs):
            set_output(node, o, nr=i)
    return tuple(outs)


def _split_sizes(size, split_size):
    if split_size == 0:
        if size != 0:
            raise _errors.split_zero(size)
        return [0]
    if split_size < 0:
        raise _errors.split_negative(split_size)
    n, r = divmod(size, split_size)
    return [split_size] * n + ([r] if r or not n else [])


@register("split", nodes=("SplitBackward0", "SplitWithSizesBackward0"))
def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """``torch.split(tensor, split_size_or_sections, dim)`` and ``Tensor.split(split_size,
    dim)`` (one function serves both, so either keyword name is accepted)."""
    if split_size is not None:
        split_size_or_sections = split_size
    d = _wrap_dim(dim, tensor._data.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        return _split_views(tensor, d, _split_sizes(size, int(split_size_or_sections)),
                            SplitBackward0)
    return split_with_sizes(tensor, split_size_or_sections, d)


@register("split_with_sizes", nodes=("SplitWithSizesBackward0",))
def split_with_sizes(input, split_sizes, dim=0):
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    sizes = [int(s) for s in split_sizes]
    if sum(sizes) != size or any(s < 0 for s in sizes):
        raise _errors.split_sizes_sum(size, d, sizes)
    return _split_views(input, d, sizes, SplitWithSizesBackward0)


@register("chunk", nodes=("SplitBackward0",))
def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise _errors.chunk_nonpositive(chunks)
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if size == 0:
        return _split_views(input, d, [0] * chunks, SplitWithSizesBackward0)
    return _split_views(input, d, _split_sizes(size, -(-size // chunks)), SplitBackward0)


def _unbind_bwd(node, *grads):
    shape, d = node._args
    like = next(g for g in grads if g is not None)
    inner = shape[:d] + shape[d + 1:]
    return (stack([like.new_zeros(inner) if g is None else g for g in grads], d),)


UnbindBackward0 = node_class("UnbindBackward0", _unbind_bwd)


@register("unbind", nodes=("UnbindBackward0",))
def unbind(input, dim=0):
    nd = input._data.ndim
    if nd == 0:
        raise _errors.no_dims(0)
    d = _wrap_dim(dim, nd)
    arr = input._data
    pre = (slice(None),) * d
    outs = tuple(V.make_view(input, arr[pre + (i, Ellipsis)], None, (d, i), V._select_fn)
                 for i in range(arr.shape[d]))
    if _grad_on() and input._requires_grad:
        node = make_node(UnbindBackward0, (input,), (), (arr.shape, d))
        node._nout = len(outs)
        for i, o in enumerate(outs):
            set_output(node, o, nr=i)
    return outs


_TENSOR_SPLIT_SIGNATURES = ("Tensor input, tuple of ints indices, int dim = 0",
                            "Tensor input, Tensor tensor_indices_or_sections, int dim = 0",
                            "Tensor input, int sections, int dim = 0")


def _split_points(fn, input, sections, indices, tensor_indices_or_sections, signatures):
    """The one of torch's three keywords for the split points that the call gave (positionally,
    the first slot takes any of them)."""
    given = [v for v in (sections, indices, tensor_indices_or_sections) if v is not None]
    if len(given) != 1:
        raise _errors.invalid_arguments(fn, (input, *given), signatures)
    return given[0]


@register("tensor_split", nodes=("SliceBackward0",))
def tensor_split(input, sections=None, dim=0, *, indices=None, tensor_indices_or_sections=None):
    ios = _split_points("tensor_split", input, sections, indices, tensor_indices_or_sections,
                        _TENSOR_SPLIT_SIGNATURES)
    d = _wrap_dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if isinstance(ios, Tensor):
        ios = ios.item() if ios._data.ndim == 0 else ios.tolist()
    if isinstance(ios, (int, np.integer)):
        n = int(ios)
        if n <= 0:
            raise _errors.sections_nonpositive(n)
        q, r = divmod(size, n)
        bounds = [i * q + min(i, r) for i in range(n + 1)]
    else:
        bounds = [0] + [min(max(int(i) if i >= 0 else int(i) + size, 0), size)
                        for i in ios] + [size]
    return tuple(V.slice_dim(input, d, bounds[i], max(bounds[i], bounds[i + 1]), 1)
                 for i in range(len(bounds) - 1))


def _split_family(fn, dim):
    signatures = ("Tensor input, int sections", "Tensor input, tuple of ints indices")

    def op(input, sections=None, *, indices=None):
        indices_or_sections = _split_points(fn, input, sections, indices, None, signatures)
        if input._data.ndim < (dim + 1 if dim >= 0 else 1):
            raise _errors.split_family_dims(fn, dim, input)
        d = dim if dim >= 0 else (1 if input._data.ndim > 1 else 0)
        if isinstance(indices_or_sections, int) and input._data.shape[d] % indices_or_sections:
            raise _errors.split_family_divisible(fn, d, indices_or_sections, input)
        return tensor_split(input, indices_or_sections, d)
    op.__name__ = op.__qualname__ = fn
    return op


hsplit = register("hsplit", nodes=("SliceBackward0",))(_split_family("hsplit", -1))
vsplit = register("vsplit", nodes=("SliceBackward0",))(_split_family("vsplit", 0))
dsplit = register("dsplit", nodes=("SliceBackward0",))(_split_family("dsplit", 2))


# ---- flip / roll / rot90 ---------------------------------------------------------------------------
def _unique_dims(dims, nd):
    out = tuple(_wrap_dim(int(d), nd) for d in dims)
    seen = set()
    for d in out:
        if d in seen:
            raise _errors.dim_repeated(d)
        seen.add(d)
    return out


FlipBackward0 = node_class("FlipBackward0", lambda node, g: (g.flip(node._args),))


@register("flip", nodes=("FlipBackward0",), whole_list="dims")
def flip(input, *sizes, dims=None):
    """``torch.flip(input, dims)``; the method also takes the dims unpacked."""
    dims = _unique_dims(int_list(sizes, "flip", "dims", dims), input._data.ndim)
    arr = input._data
    # in the input's memory order, as torch's result keeps its layout (channels-last...)
    r = (input._device._backend.xp.flip(arr, dims) if dims and arr.ndim else arr).copy(order="K")
    res = wrap(r, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, FlipBackward0, (input,), (), dims)
    return res


@register("fliplr", nodes=("FlipBackward0",))
def fliplr(input):
    if input._data.ndim < 2:
        raise _errors.flip_min_dims(2)
    return flip(input, (1,))


@register("flipud", nodes=("FlipBackward0",))
def flipud(input):
    if input._data.ndim < 1:
        raise _errors.flip_min_dims(1)
    return flip(input, (0,))


def _roll_bwd(node, g):
    shifts, dims = node._args
    return (g.roll(tuple(-s for s in shifts), dims),)


RollBackward0 = node_class("RollBackward0", _roll_bwd)


@register("roll", nodes=("RollBackward0",))
def roll(input, shifts, dims=None):
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(map(int, shifts))
    if dims is not None:
        dims = (int(dims),) if isinstance(dims, (int, np.integer)) else tuple(map(int, dims))
        if len(shifts) != len(dims):
            raise _errors.roll_align(shifts, dims)
        dims = tuple(_wrap_dim(d, input._data.ndim) for d in dims)
    elif len(shifts) != 1:
        raise _errors.roll_align(shifts, ())
    xp = input._device._backend.xp
    r = xp.roll(input._data, shifts if dims is not None else shifts[0], dims)
    res = wrap(r, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, RollBackward0, (input,), (), (shifts, dims))
    return res


Rot90Backward0 = node_class("Rot90Backward0",
                            lambda node, g: (g.rot90(-node._args[0], node._args[1]),))


@register("rot90", nodes=("Rot90Backward0",))
def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    nd = input._data.ndim
    if len(dims) != 2:
        raise _errors.rot90_dims_len(dims)
    if nd < 2:
        raise _errors.rot90_total_dims(nd)
    d0, d1 = _wrap_dim(dims[0], nd), _wrap_dim(dims[1], nd)
    if d0 == d1:
        raise _errors.rot90_same_dims(d0, d1)
    xp = input._device._backend.xp
    res = wrap(xp.rot90(input._data, k, (d0, d1)).copy(), input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, Rot90Backward0, (input,), (), (k, (d0, d1)))
    return res


# ---- repeat / tile / repeat_interleave -----------------------------------------------------------------
def _repeat_bwd(node, g):
    shape, reps = node._args
    padded = (1,) * (len(reps) - len(shape)) + tuple(shape)
    inter = []
    for r, s in zip(reps, padded):
        inter += [r, s]
    summed = g.reshape(inter).sum(tuple(range(0, 2 * len(reps), 2))) if reps else g
    return (summed.reshape(shape),)


RepeatBackward0 = node_class("RepeatBackward0", _repeat_bwd)


@register("repeat", nodes=("RepeatBackward0",), function=False)
def repeat(input, *sizes, repeats=None):
    reps = int_list(sizes, "repeat", "repeats", repeats)
    arr = input._data
    if len(reps) < arr.ndim:
        raise _errors.repeat_dims()
    xp = input._device._backend.xp
    res = wrap(xp.tile(arr.reshape((1,) * (len(reps) - arr.ndim) + arr.shape), reps),
               input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, RepeatBackward0, (input,), (), (arr.shape, reps))
    return res


@register("tile", nodes=("RepeatBackward0",), whole_list="dims")
def tile(input, *sizes, dims=None):
    """``torch.tile(input, dims)``; the method also takes the sizes unpacked: ``x.tile(2, 3)``."""
    dims = int_list(sizes, "tile", "dims", dims)
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + dims)


@register("repeat_interleave", nodes=("ViewBackward0", "IndexSelectBackward0"))
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    xp = input._device._backend.xp
    if repeats is None:   # repeat_interleave(repeats): indices repeated by their counts
        counts = input._data.reshape(-1)
        return wrap(xp.repeat(xp.arange(counts.size), counts), D.int64, input._device)
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    d = _wrap_dim(dim, input._data.ndim)
    if isinstance(repeats, Tensor) and repeats._data.size != 1:
        size = input._data.shape[d] if input._data.ndim else 1
        if repeats._data.ndim != 1 or repeats._data.shape[0] != size:
            raise _errors.repeat_interleave_size(d, size, repeats)
        idx = xp.repeat(xp.arange(size), repeats._data)
        return input.index_select(d, wrap(idx, D.int64, input._device))
    r = int(repeats)
    if input._data.ndim == 0:
        input = input.reshape(1)
    shape = input._data.shape
    big = input.unsqueeze(d + 1).expand(*shape[:d + 1], r, *shape[d + 1:])
    return big.clone(memory_format="contiguous").view(*shape[:d], shape[d] * r, *shape[d + 1:])


# ---- movedim / flatten / unflatten / ravel --------------------------------------------------------
def _dim_list(x, nd):
    x = (x,) if isinstance(x, (int, np.integer)) else tuple(x)
    return [_wrap_dim(int(d), nd) for d in x]


@register("movedim", aliases=("moveaxis",), nodes=("PermuteBackward0",))
def movedim(input, source, destination):
    nd = input._data.ndim
    src, dst = _dim_list(source, nd), _dim_list(destination, nd)
    if len(src) != len(dst):
        raise _errors.movedim_len(src, dst)
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise _errors.movedim_repeated(name, ds)
    order = [d for d in range(nd) if d not in src]
    perm = [None] * nd
    for s, t in zip(src, dst):
        perm[t] = s
    it = iter(order)
    perm = [p if p is not None else next(it) for p in perm]
    return input.permute(*perm) if nd else V.view(input, ())


@register("flatten", nodes=("ViewBackward0", "UnsafeViewBackward0"))
def flatten(input, start_dim=0, end_dim=-1):
    shape = input._data.shape
    if not shape:
        return input.reshape(1)
    s, e = _wrap_dim(start_dim, len(shape)), _wrap_dim(end_dim, len(shape))
    if s > e:
        raise _errors.flatten_order()
    if s == e:
        return input
    n = 1
    for k in shape[s:e + 1]:
        n *= k
    return input.reshape(shape[:s] + (n,) + shape[e + 1:])


@register("unflatten", nodes=("ViewBackward0",))
def unflatten(input, dim, sizes):
    shape = input._data.shape
    d = _wrap_dim(dim, len(shape))
    sizes = list(int_list((sizes,), "unflatten", "sizes"))
    if not sizes:
        raise _errors.unflatten_empty()
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    if (-1 in sizes and (known == 0 or shape[d] % known)) or (-1 not in sizes and
                                                              known != shape[d]):
        raise _errors.unflatten_sizes(sizes, d, shape)
    return input.reshape(shape[:d] + tuple(sizes) + shape[d + 1:])


@register("ravel", nodes=("ViewBackward0",))
def ravel(input):
    return input.contiguous().view(-1)


# ---- unfold / diagonal / diag / diag_embed ----------------------------------------------------------
def _unfold_bwd(node, g):
    shape, d, size, step = node._args
    nwin = g._data.shape[d]
    xp = g._device._backend.xp
    idx = (xp.arange(nwin)[:, None] * step + xp.arange(size)).reshape(-1)
    gm = g.movedim(-1, d + 1).flatten(d, d + 1) if shape else g.reshape(-1)
    base = g.new_zeros(shape if shape else (1,))
    return (base.index_add(d, wrap(idx, D.int64, g._device), gm).reshape(shape),)


UnfoldBackward0 = node_class("UnfoldBackward0", _unfold_bwd)


def _unfold_fn(t, d, size, step):
    return t.unfold(d, size, step)


@register("unfold", nodes=("UnfoldBackward0",), function=False)
def unfold(input, dimension, size, step):
    arr = input._data
    nd = arr.ndim
    d = _wrap_dim(dimension, nd)
    n = arr.shape[d] if nd else 1
    if size > n:
        raise _errors.unfold_size(d, n, size)
    if step <= 0:
        raise _errors.unfold_step(step)
    if not nd:
        shape, strides = (size,), (0,)
    else:
        st = arr.strides
        shape = arr.shape[:d] + ((n - size) // step + 1,) + arr.shape[d + 1:] + (size,)
        strides = st[:d] + (st[d] * step,) + st[d + 1:] + (st[d],)
    view = input._device._backend.as_strided(arr, shape, strides)
    return _view_with(input, view, UnfoldBackward0, (arr.shape, d, size, step), _unfold_fn,
                      (d, size, step))


def _view_with(src, arr, cls, node_args, vfn, vargs):
    """A view of ``src`` whose node's args (``node_args``) differ from its replay args."""
    out = V.make_view(src, arr, None, vargs, vfn)
    if _grad_on() and src._requires_grad:
        set_output(make_node(cls, (src,), (), node_args), out)
    return out


def _diag_geometry(arr, offset, d1, d2):
    """Shape and byte strides of the diagonal view, and the byte offset of its first element."""
    n1, n2 = arr.shape[d1], arr.shape[d2]
    length = max(0, min(n1 - max(0, -offset), n2 - max(0, offset)))
    keep = [i for i in range(arr.ndim) if i not in (d1, d2)]
    shape = tuple(arr.shape[i] for i in keep) + (length,)
    strides = tuple(arr.strides[i] for i in keep) + (arr.strides[d1] + arr.strides[d2],)
    start = [0] * arr.ndim
    if length:
        start[d2 if offset >= 0 else d1] = abs(offset)
    return shape, strides, tuple(start)


def _diagonal_bwd(node, g):
    shape, offset, d1, d2 = node._args
    return (V.zeros_holding(g, shape, lambda full: full.diagonal(offset, d1, d2)),)


DiagonalBackward0 = node_class("DiagonalBackward0", _diagonal_bwd)
DiagonalBackward0_copy = node_class("DiagonalBackward0_copy", _diagonal_bwd)


def _diagonal_fn(t, offset, d1, d2):
    return t.diagonal(offset, d1, d2)


@register("diagonal", nodes=("DiagonalBackward0",))
def diagonal(input, offset=0, dim1=0, dim2=1):
    arr = input._data
    nd = arr.ndim
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise _errors.diagonal_same_dims(dim1, dim2)
    shape, strides, start = _diag_geometry(arr, offset, d1, d2)
    sub = arr[tuple(slice(s, None) for s in start)] if any(start) else arr
    view = input._device._backend.as_strided(sub, shape, strides)
    return _view_with(input, view, DiagonalBackward0, (arr.shape, offset, d1, d2),
                      _diagonal_fn, (offset, d1, d2))


def _diag_embed_bwd(node, g):
    offset, d1, d2 = node._args
    return (g.diagonal(offset, d1, d2),)


DiagEmbedBackward0 = node_class("DiagEmbedBackward0", _diag_embed_bwd)


@register("diag_embed", nodes=("DiagEmbedBackward0",))
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    arr = input._data
    nd = arr.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise _errors.diagonal_same_dims(dim1, dim2)
    n = (arr.shape[-1] if arr.ndim else 1) + abs(offset)
    rest = list(arr.shape[:-1])
    shape = []
    for i in range(nd):
        shape.append(n if i in (d1, d2) else rest.pop(0))
    xp = input._device._backend.xp
    out = xp.zeros(shape, input._dtype.np)
    dshape, strides, start = _diag_geometry(out, offset, d1, d2)
    sub = out[tuple(slice(s, None) for s in start)]
    input._device._backend.as_strided(sub, dshape, strides)[...] = arr
    res = wrap(out, input._dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, DiagEmbedBackward0, (input,), (), (offset, d1, d2))
    return res


@register("diag", nodes=("DiagEmbedBackward0", "DiagonalBackward0_copy"), out=True)
def diag(input, diagonal=0, *, out=None):
    nd = input._data.ndim
    if nd == 1:
        res = diag_embed(input, diagonal, 0, 1)
    elif nd == 2:
        v = globals()["diagonal"](input.detach(), diagonal, 0, 1)
        res = wrap(v._device._backend.copy(v._data), input._dtype, input._device)
        if _grad_on() and input._requires_grad:
            record(res, DiagonalBackward0_copy, (input,), (),
                   (input._data.shape, diagonal, 0, 1))
    else:
        raise _errors.diag_dims(nd)
    return res if out is None else write_out(out, res)


# ---- tril / triu -------------------------------------------------------------------------------
def _tri(name, kernel_name):
    cls = node_class(name.capitalize() + "Backward0",
                     lambda node, g: (getattr(g, kernel_name)(node._args),))

    def op(input, diagonal=0, *, out=None):
        if input._data.ndim < 2:
            raise _errors.tri_dims(kernel_name)
        xp = input._device._backend.xp
        res = wrap(getattr(xp, kernel_name)(input._data, diagonal), input._dtype, input._device)
        if _grad_on() and input._requires_grad:
            record(res, cls, (input,), (), diagonal)
        return res if out is None else write_out(out, res)
    op.__name__ = op.__qualname__ = name
    op_ = inplace(op)
    register(name, nodes=(cls.__name__,), out=True, inplace=op_)(op)
    return op, op_


tril, tril_ = _tri("tril", "tril")
triu, triu_ = _tri("triu", "triu")


# ---- atleast_nd / broadcasting / meshgrid --------------------------------------------------------
def _atleast(n, promote):
    def op(*tensors):
        ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) \
            else tensors
        res = tuple(promote(t) if t._data.ndim < n else t for t in ts)
        return res[0] if len(tensors) == 1 and isinstance(tensors[0], Tensor) else res
    op.__name__ = op.__qualname__ = f"atleast_{n}d"
    return register(f"atleast_{n}d", method=False)(op)


def _to_3d(t):
    nd = t._data.ndim
    if nd == 0:
        return t.reshape(1, 1, 1)
    return t.unsqueeze(0).unsqueeze(-1) if nd == 1 else t.unsqueeze(-1)


atleast_1d = _atleast(1, lambda t: t.reshape(1))
atleast_2d = _atleast(2, lambda t: t.reshape(1, 1) if t._data.ndim == 0 else t.unsqueeze(0))
atleast_3d = _atleast(3, _to_3d)


@register("broadcast_shapes", method=False)
def broadcast_shapes(*shapes):
    shapes = [(s,) if isinstance(s, (int, np.integer)) else tuple(s) for s in shapes]
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for k, s in enumerate(shapes):
        for i in range(1, len(s) + 1):
            if s[-i] < 0:
                raise _errors.broadcast_negative(s, i)
            if s[-i] == 1:
                continue
            if out[-i] != 1 and out[-i] != s[-i]:
                raise _errors.broadcast_shapes_mismatch(k, s, out, i)
            out[-i] = s[-i]
    return Size(out)


@register("broadcast_tensors", method=False, nodes=("ExpandBackward0",))
def broadcast_tensors(*tensors):
    ts = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    try:
        shape = tuple(np.broadcast_shapes(*[t._data.shape for t in ts]))
    except ValueError:
        _first_mismatch(ts)
    return tuple(t if t._data.shape == shape else t.expand(shape) for t in ts)


def _first_mismatch(ts):
    shape = ts[0]._data.shape
    for t in ts[1:]:
        try:
            shape = np.broadcast_shapes(shape, t._data.shape)
        except ValueError:
            raise _errors.broadcast_mismatch(shape, t._data.shape) from None


@register("meshgrid", method=False, nodes=("ExpandBackward0",))
def meshgrid(*tensors, indexing=None):
    ts = list(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) \
        else list(tensors)
    if indexing is None:
        warnings.warn(_errors.meshgrid_indexing_warning(), UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise _errors.meshgrid_indexing(indexing)
    for t in ts:
        if t._data.ndim > 1:
            raise _errors.meshgrid_dims(t)
    n = len(ts)
    swap = indexing == "xy" and n >= 2
    sizes = [t._data.size for t in ts]
    if swap:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, t in enumerate(ts):
        pos = (1 - i if i < 2 else i) if swap else i
        shape = [1] * n
        shape[pos] = -1
        out.append(t.reshape(shape).expand(sizes))
    return tuple(out)


# ---- narrow_copy ---------------------------------------------------------------------------------
def _narrow_copy_bwd(node, g):
    shape, d, start, length = node._args
    return (V.zeros_holding(g, shape, lambda full: full.narrow(d, start, length)),)


NarrowCopyBackward0 = node_class("NarrowCopyBackward0", _narrow_copy_bwd)


@register("narrow_copy", nodes=("NarrowCopyBackward0",), out=True)
def narrow_copy(input, dim, start, length, *, out=None):
    with_grad = _grad_on() and input._requires_grad
    v = V.narrow(input.detach(), dim, start, length)
    res = wrap(v._device._backend.copy(v._data), input._dtype, input._device)
    if with_grad:
        d = _wrap_dim(dim, input._data.ndim)
        s = int(start) + (input._data.shape[d] if start < 0 else 0)
        record(res, NarrowCopyBackward0, (input,), (), (input._data.shape, d, s, length))
    return res if out is None else write_out(out, res)


@register("diagflat", nodes=("DiagEmbedBackward0",))
def diagflat(input, offset=0):
    return diag_embed(input.reshape(-1), offset, 0, 1)
