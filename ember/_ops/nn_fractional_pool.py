"""Fractional max pooling (``fractional_max_pool2d`` / ``3d``): max pooling over windows whose
starts follow torch's pseudo-random interval sequences, one per plane, drawn from
``_random_samples`` (N, C, 2 or 3) in [0, 1).  The values are a ``gather`` of the input at the
chosen indices, so the gradient (and its own gradient) follows; the node carries torch's name."""
import numpy as np

from .. import _dtype as D
from .._tensor import _make
from ._core import register
from .copies import _renamed


def _starts(samples, in_size, out_size, pool):
    """Window starts (…, out_size) for samples u (…): int((i + u) a) - int(u a) with
    a = (in - pool) / (out - 1), in the samples' precision; the last start is in - pool."""
    dt = samples.dtype
    i = np.arange(out_size, dtype=dt)
    if out_size > 1:
        alpha = dt.type(in_size - pool) / dt.type(out_size - 1)
        u = samples[..., None]
        seq = ((i + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    else:
        seq = np.zeros(samples.shape + (out_size,), np.int64)
    seq[..., -1] = in_size - pool
    return seq


def _pool_indices(x, samples, kernel, out):
    """Flat (within each plane) indices of the maxima: (N, C, *out)."""
    spatial = x.shape[2:]
    k = len(spatial)
    # torch's sample order: (W, H) for 2-D pooling but (T, H, W) for 3-D
    order = (1, 0) if k == 2 else (0, 1, 2)
    starts = [_starts(samples[..., order[d]], spatial[d], out[d], kernel[d]) for d in range(k)]
    best_val = best_idx = None
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    for offs in np.ndindex(*kernel):
        idx = None
        for d in range(k):
            pos = starts[d] + offs[d]                       # (N, C, out_d)
            shape = [pos.shape[0], pos.shape[1]] + [1] * k
            shape[2 + d] = out[d]
            pos = pos.reshape(shape)
            idx = pos if idx is None else idx * spatial[d] + pos
        idx = np.broadcast_to(idx, x.shape[:2] + tuple(out))
        val = np.take_along_axis(flat, idx.reshape(x.shape[0], x.shape[1], -1), 2).reshape(
            idx.shape)
        if best_val is None:
            best_val, best_idx = val, idx.copy()
        else:
            take = (val > best_val) | np.isnan(val)
            best_val = np.where(take, val, best_val)
            best_idx = np.where(take, idx, best_idx)
    return best_idx


def _fractional(name, node):
    def op(input, kernel_size, output_size, random_samples):
        k = len(kernel_size)
        batched = input.dim() == k + 2
        x = input if batched else input.unsqueeze(0)
        idx = _pool_indices(x._data, random_samples._data.reshape(x.shape[0], x.shape[1], k),
                            tuple(kernel_size), tuple(output_size))
        indices = _make(np.ascontiguousarray(idx), D.int64, input._device)
        flat = x.reshape(x.shape[0], x.shape[1], -1)
        out = flat.gather(2, indices.reshape(x.shape[0], x.shape[1], -1)).reshape(indices.shape)
        if not batched:
            out, indices = out.squeeze(0), indices.squeeze(0)
        if out._grad_fn is not None:
            out._grad_fn = _renamed(out._grad_fn, node)
        return out, indices
    op.__name__ = op.__qualname__ = name
    # torch has the op only as torch._C._nn.<name>: F.<name> is its public form
    return register(name, method=False, function=False, nodes=(node,))(op)


fractional_max_pool2d = _fractional("fractional_max_pool2d", "FractionalMaxPool2DBackward0")
fractional_max_pool3d = _fractional("fractional_max_pool3d", "FractionalMaxPool3DBackward0")
