"""Building tensors out of several: ``block_diag`` (a registered op with torch's
``BlockDiagBackward0``), ``cartesian_prod`` and ``combinations`` (composed of ops)."""
import itertools

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._device import cpu
from .._tensor import _make
from ..autograd.graph import node_class
from . import shape as S
from ._core import register, record, needs_grad


def _as_matrix_shape(t, i):
    nd = t._data.ndim
    if nd > 2:
        raise _errors.block_diag_dims(i, nd)
    return (1, 1) if nd == 0 else (1, t._data.shape[0]) if nd == 1 else t._data.shape


def _block_diag_bwd(node, g):
    grads = []
    for i, ((r, c), (r0, c0), inp_shape, inp_dtype) in enumerate(node._args):
        if node.next_functions[i][0] is None:
            grads.append(None)
            continue
        block = g.narrow(0, r0, r).narrow(1, c0, c).reshape(inp_shape)
        grads.append(block if block._dtype is inp_dtype else block.to(inp_dtype))
    return tuple(grads)


BlockDiagBackward0 = node_class("BlockDiagBackward0", _block_diag_bwd)


@register("block_diag", method=False, nodes=("BlockDiagBackward0",))
def block_diag(*tensors):
    shapes = [_as_matrix_shape(t, i) for i, t in enumerate(tensors)]
    dt = D.result_type(*tensors) if tensors else D.get_default_dtype()
    dev = tensors[0]._device if tensors else cpu
    xp = dev._backend.xp
    rows, cols = sum(s[0] for s in shapes), sum(s[1] for s in shapes)
    out = xp.zeros((rows, cols) if tensors else (1, 0), dtype=dt.np)
    offsets, r0, c0 = [], 0, 0
    for t, (r, c) in zip(tensors, shapes):
        out[r0:r0 + r, c0:c0 + c] = t._data.reshape(r, c)
        offsets.append((r0, c0))
        r0, c0 = r0 + r, c0 + c
    res = _make(out, dt, dev)
    if needs_grad(*tensors):
        record(res, BlockDiagBackward0, tensors, (), [
            (s, o, t._data.shape, t._dtype) for s, o, t in zip(shapes, offsets, tensors)])
    return res


def _check_vector(t):
    if t._data.ndim != 1:
        raise _errors.expect_1d(t._data.shape)


@register("cartesian_prod", method=False)
def cartesian_prod(*tensors):
    for t in tensors:
        _check_vector(t)
    if len(tensors) == 1:
        return tensors[0]
    grids = S.meshgrid(*tensors, indexing="ij")
    return S.stack([g.reshape(-1) for g in grids], 1)


@register("combinations", method=False)
def combinations(input, r=2, with_replacement=False):
    """All length-``r`` combinations of the elements of a 1-D ``input``, one per row."""
    _check_vector(input)
    if r < 0:
        raise _errors.expect_nonnegative(r)
    if r == 0:
        return _make(input._device._backend.xp.empty((0,), input._dtype.np), input._dtype,
                     input._device)
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(pick(range(input._data.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    from .creation import tensor
    cols = [input.index_select(0, tensor(idx[:, k], device=input._device)) for k in range(r)]
    return S.stack(cols, 1)
