"""``torch.nn.grad`` (also ``torch.nn.functional.grad``): a convolution's input and weight
gradients as functions, compared with torch, and differentiated again."""
import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")

CASES = [   # nd, groups, stride, padding, dilation, spatial size
    (1, 1, 1, 0, 1, 9), (1, 2, 2, 1, 1, 8), (2, 1, 1, 1, 1, 6), (2, 2, 2, 1, 1, 7),
    (2, 1, (1, 2), (2, 0), (2, 1), 7), (3, 1, 1, 1, 1, 4), (3, 2, 2, 0, 1, 5)]


def _tensors(lib, nd, groups, size, dtype, rng):
    def make(shape):
        return lib.tensor(rng.standard_normal(shape), dtype=getattr(lib, dtype),
                          requires_grad=True)
    return make((2, 4, *(size,) * nd)), make((6, 4 // groups, *(3,) * nd))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("nd, groups, stride, padding, dilation, size", CASES)
def test_input_and_weight_gradients_and_their_gradients(nd, groups, stride, padding, dilation,
                                                        size, dtype):
    results = []
    for lib in (ember, torch):
        rng = np.random.default_rng(nd * 10 + groups)
        x, w = _tensors(lib, nd, groups, size, dtype, rng)
        out = getattr(lib.nn.functional, f"conv{nd}d")(x, w, None, stride, padding, dilation,
                                                        groups)
        go = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=getattr(lib, dtype),
                        requires_grad=True)
        args = (stride, padding, dilation, groups)
        gi = getattr(lib.nn.grad, f"conv{nd}d_input")(x.shape, w, go, *args)
        gw = getattr(lib.nn.functional.grad, f"conv{nd}d_weight")(x, w.shape, go, *args)
        (gi.square().sum() + gw.square().sum()).backward()
        with lib.no_grad():
            quiet = getattr(lib.nn.grad, f"conv{nd}d_input")(x.shape, w, go, *args)
        results.append((gi.detach(), gw.detach(), w.grad, go.grad, x.grad, quiet.requires_grad))
    tol = 1e-4 if dtype == "float32" else 1e-10
    compare(*results, rtol=tol, atol=tol)


def test_gradients_of_constants_do_not_require_grad():
    for lib in (ember, torch):
        x, w = lib.ones(1, 2, 5, 5), lib.ones(3, 2, 3, 3)
        assert not lib.nn.grad.conv2d_input(x.shape, w, lib.ones(1, 3, 3, 3)).requires_grad
        assert not lib.nn.grad.conv2d_weight(x, w.shape, lib.ones(1, 3, 3, 3)).requires_grad


@pytest.mark.parametrize("grad_output_shape", [(2, 6, 4, 4), (2, 5, 3, 3)])
def test_a_grad_output_of_the_wrong_size_is_refused(grad_output_shape):
    for lib in (ember, torch):
        x, w = lib.ones(2, 4, 7, 7), lib.ones(6, 2, 3, 3)
        with pytest.raises(RuntimeError):
            lib.nn.grad.conv2d_input(x.shape, w, lib.ones(grad_output_shape), stride=2, groups=2)
    with pytest.raises(RuntimeError, match=r"tensor.size\[\d\] =="):
        ember.nn.grad.conv2d_weight(ember.ones(2, 4, 7, 7), (6, 2, 3, 3),
                                    ember.ones(grad_output_shape), stride=2, groups=2)
