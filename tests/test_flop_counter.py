"""torch.utils.flop_counter against torch: per-op and per-module FLOP counts (forward and
backward) for linear layers, convolutions, matmul's ATen decompositions, and the table."""
import numpy as np
import pytest

import ember
from ember.utils.flop_counter import FlopCounterMode as EFlops

torch = pytest.importorskip("torch")
from torch.utils.flop_counter import FlopCounterMode as TFlops  # noqa: E402


def _counts(fc):
    return {k: {str(op): n for op, n in v.items()} for k, v in fc.get_flop_counts().items()}


def _randn(lib, *shape, grad=False):
    a = np.random.default_rng(len(shape)).standard_normal(shape).astype("float32")
    return lib.tensor(a, requires_grad=grad)


CASES = {
    "mlp_fwd_bwd": lambda L: L.nn.Sequential(L.nn.Linear(8, 16), L.nn.ReLU(),
                                             L.nn.Linear(16, 4))(
        _randn(L, 3, 5, 8, grad=True)).sum().backward(),
    "mlp_2d": lambda L: L.nn.Sequential(L.nn.Linear(8, 4), L.nn.Linear(4, 2))(_randn(L, 3, 8)),
    "nested_modules": lambda L: L.nn.Sequential(L.nn.Sequential(L.nn.Linear(4, 4)),
                                                L.nn.Linear(4, 2))(
        _randn(L, 2, 4, grad=True)).sum().backward(),
    "conv_groups": lambda L: L.nn.Conv2d(3, 6, 3, groups=3)(
        _randn(L, 2, 3, 8, 8, grad=True)).sum().backward(),
    "conv1d_stride": lambda L: L.nn.Conv1d(2, 4, 3, stride=2)(_randn(L, 1, 2, 9)),
    "conv_transpose": lambda L: L.nn.ConvTranspose1d(3, 2, 3)(
        _randn(L, 2, 3, 7, grad=True)).sum().backward(),
    "vecmat": lambda L: L.matmul(_randn(L, 3), _randn(L, 3, 4)),
    "mv": lambda L: L.mv(_randn(L, 2, 3), _randn(L, 3)),
    "bmm": lambda L: L.bmm(_randn(L, 2, 3, 4), _randn(L, 2, 4, 5)),
    "baddbmm": lambda L: L.baddbmm(_randn(L, 2, 3, 5), _randn(L, 2, 3, 4), _randn(L, 2, 4, 5)),
    "matmul_batched": lambda L: _randn(L, 2, 2, 3, 4) @ _randn(L, 2, 2, 4, 5),
    "matmul_folded": lambda L: _randn(L, 2, 3, 4) @ _randn(L, 4, 5),
    "linear_nobias": lambda L: L.nn.functional.linear(_randn(L, 2, 3, 4), _randn(L, 5, 4)),
    "mm_backward": lambda L: (_randn(L, 3, 4, grad=True) @ _randn(L, 4, 2, grad=True))
    .sum().backward(),
    "bmm_backward": lambda L: (_randn(L, 2, 3, 4, grad=True) @ _randn(L, 2, 4, 2))
    .sum().backward(),
    "sdpa_cpu": lambda L: L.nn.functional.scaled_dot_product_attention(
        _randn(L, 1, 2, 3, 4), _randn(L, 1, 2, 3, 4), _randn(L, 1, 2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_counts_match_torch(name):
    results = []
    for lib, mode in ((ember, EFlops), (torch, TFlops)):
        with mode(display=False) as fc:
            CASES[name](lib)
        results.append((fc.get_total_flops(), _counts(fc)))
    assert results[0] == results[1]


def test_table_matches_torch():
    pytest.importorskip("tabulate")
    tables = []
    for lib, mode in ((ember, EFlops), (torch, TFlops)):
        with mode(display=False) as fc:
            CASES["nested_modules"](lib)
        tables.append((fc.get_table(), fc.get_table(depth=1)))
    assert tables[0] == tables[1]


def test_nothing_is_wrapped_outside_the_mode():
    from ember._ops import linalg as L, nn_conv
    before = (ember.mm, L.matmul, nn_conv.ConvolutionBackward0.__dict__["_backward"])
    with EFlops(display=False):
        assert ember.mm is not before[0]
    assert (ember.mm, L.matmul, nn_conv.ConvolutionBackward0.__dict__["_backward"]) == before
