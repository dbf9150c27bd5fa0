"""Stochastic depth: randomly drop whole residual branches (per sample or per batch)."""
import ember

from ... import _errors, nn


def stochastic_depth(input, p, mode, training=True):
    """Zero ``input`` with probability ``p`` — each row (``mode="row"``) or all of it
    (``"batch"``) — and scale what survives by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise _errors.drop_probability(p)
    if mode not in ("batch", "row"):
        raise _errors.stochastic_depth_mode(mode)
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    size = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = ember.empty(size, dtype=input.dtype, device=input.device).bernoulli_(survival)
    if survival > 0.0:
        noise.div_(survival)
    return input * noise


class StochasticDepth(nn.Module):
    """Module form of :func:`stochastic_depth` (active in training mode only)."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
