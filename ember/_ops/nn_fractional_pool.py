"""Fractional max pooling (``fractional_max_pool2d`` / ``3d``): max pooling over windows whose
starts follow torch's pseudo-random interval sequences, one per plane, drawn from
``_random_samples`` (N, C, 2 or 3) in [0, 1).  The values are a ``gather`` of the input at the
chosen indices, so the gradient (and its own gradient) follows; the node carries torch's name."""
import itertools

from .. import _dtype as D
from .._tensor import _make
from ._core import register
from .copies import _renamed


def _starts(xp, samples, in_size, out_size, pool):
    """Window starts (…, out_size) for samples u (…): int((i + u) a) - int(u a) with
    a = (in - pool) / (out - 1), in the samples' precision; the last start is in - pool."""
    dt = samples.dtype
    i = xp.arange(out_size, dtype=dt)
    if out_size > 1:
        alpha = dt.type(in_size - pool) / dt.type(out_size - 1)
        u = samples[..., None]
        seq = ((i + u) * alpha).astype(xp.int64) - (u * alpha).astype(xp.int64)
    else:
        seq = xp.zeros(samples.shape + (out_size,), xp.int64)
    seq[..., -1] = in_size - pool
    return seq


def _pool_indices(xp, x, samples, kernel, out):
    """Flat (within each plane) indices of the maxima: (N, C, *out)."""
    spatial = x.shape[2:]
    k = len(spatial)
    # torch's sample order: (W, H) for 2-D pooling but (T, H, W) for 3-D
    order = (1, 0) if k == 2 else (0, 1, 2)
    starts = [_starts(xp, samples[..., order[d]], spatial[d], out[d], kernel[d])
              for d in range(k)]
    best_val = best_idx = None
    flat = x.reshape(x.shape[0], x.shape[1], -1)
    for offs in itertools.product(*(range(n) for n in kernel)):
        idx = None
        for d in range(k):
            pos = starts[d] + offs[d]                       # (N, C, out_d)
            shape = [pos.shape[0], pos.shape[1]] + [1] * k
            shape[2 + d] = out[d]
            pos = pos.reshape(shape)
            idx = pos if idx is None else idx * spatial[d] + pos
        idx = xp.broadcast_to(idx, x.shape[:2] + tuple(out))
        val = xp.take_along_axis(flat, idx.reshape(x.shape[0], x.shape[1], -1), 2).reshape(
            idx.shape)
        if best_val is None:
            best_val, best_idx = val, idx.copy()
        else:
            take = (val > best_val) | xp.isnan(val)
            best_val = xp.where(take, val, best_val)
            best_idx = xp.where(take, idx, best_idx)
    return best_idx


def _fractional(name, node):
    def op(input, kernel_size, output_size, random_samples):
        k = len(kernel_size)
        batched = input.dim() == k + 2
        x = input if batched else input.unsqueeze(0)
        xp = input._device._backend.xp
        idx = _pool_indices(xp, x._data, random_samples._data.reshape(x.shape[0], x.shape[1], k),
                            tuple(kernel_size), tuple(output_size))
        indices = _make(xp.ascontiguousarray(idx), D.int64, input._device)
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
