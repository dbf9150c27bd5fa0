"""Per-op overhead: a chain of 100 pointwise ops on 16-element tensors.

On tensors this small the arithmetic is free, so the rate measures the framework's fixed cost
per op (dispatch, dtype/device resolution, autograd bookkeeping).
"""
from .harness import Workload

CHAIN = 100


def setup(lib):
    return lib, lib.rand(16, requires_grad=True), lib.rand(16, requires_grad=True)


def chain(x, y):
    """100 tiny pointwise ops (25 x 4 kinds)."""
    for _ in range(CHAIN // 4):
        x = x * y
        x = x + y
        x = x.sigmoid()
        x = x - 0.5
    return x


def forward(state):
    lib, x, y = state
    with lib.no_grad():
        chain(x, y)


def forward_backward(state):
    _, x, y = state
    chain(x, y).sum().backward()
    x.grad = None
    y.grad = None


WORKLOADS = [
    Workload("overhead_fwd", "100 tiny pointwise ops, forward", setup, forward, calls=200,
             unit="ops/s", scale=CHAIN),
    Workload("overhead_fwdbwd", "100 tiny pointwise ops, forward+backward", setup,
             forward_backward, calls=100, unit="ops/s", scale=CHAIN),
]
