"""``torch.nn.modules._functions``: hand-written autograd functions behind some modules."""
from ... import _dtype as D, _errors
from ..._ops import creation as _C
from ...autograd.function import Function
from .. import functional as F

__all__ = ["CrossMapLRN2d"]


def _window_sums(x, lo, hi):
    """``out[:, c] = x[:, lo[c]:hi[c]].sum(1)`` for every channel ``c``, from one cumsum."""
    prefix = F.pad(x.cumsum(1), (0, 0, 0, 0, 1, 0))
    def gather(v):
        return prefix.index_select(1, _C.tensor(v, dtype=D.int64, device=x.device))
    return gather(hi) - gather(lo)


class CrossMapLRN2d(Function):
    """Local response normalisation across channels of a 4-D input, with torch's legacy
    (Lua Torch) window arithmetic kept in both directions: the forward's running window never
    drops channel 0, and the backward uses its own (asymmetric) window."""

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        if input.dim() != 4:
            raise _errors.cross_map_lrn_dims(input.dim())
        ctx.size, ctx.alpha, ctx.beta, ctx.k = size, alpha, beta, k
        channels = input.size(1)
        pre_pad = int((size - 1) / 2 + 1)
        top = [min(c + pre_pad, channels) for c in range(channels)]
        square = input * input
        scale = _window_sums(square, [0] * channels, top)
        # the legacy loop subtracts squares 1 .. c - pre_pad (never 0) once c > pre_pad
        dropped = [c - pre_pad + 1 if c > pre_pad else 1 for c in range(channels)]
        scale = scale - _window_sums(square, [1] * channels, dropped)
        ctx.scale = scale * (alpha / size) + k
        output = input * ctx.scale.pow(-beta)
        ctx.save_for_backward(input, output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, output = ctx.saved_tensors
        size, channels = ctx.size, input.size(1)
        shift = int(size - (size - 1) / 2)
        lo = [min(max(c - shift, 0), channels) for c in range(channels)]
        hi = [max(min(c + size - shift, channels), low) for c, low in zip(range(channels), lo)]
        ratio = grad_output * output / ctx.scale
        accum = _window_sums(ratio, lo, hi)
        grad_input = ctx.scale.pow(-ctx.beta) * grad_output
        grad_input = grad_input - (2 * ctx.alpha * ctx.beta / size) * input * accum
        return grad_input, None, None, None, None
