"""torch.autograd.graph.saved_tensors_hooks / save_on_cpu / disable_saved_tensors_hooks:
gradients and hook call counts against torch."""
import pytest

import ember
from tests._autograd_compare import compare, leaf


def _scenario(T, make_hooks):
    x = leaf(T, [[1.0, -2.0], [0.5, 3.0]])
    calls = {"pack": 0, "unpack": 0}

    def pack(t):
        calls["pack"] += 1
        return t * 1

    def unpack(t):
        calls["unpack"] += 1
        return t
    with make_hooks(T, pack, unpack):
        y = (x * x).sin().exp().sum()
    y.backward()
    return x.grad, calls["pack"] > 0, calls["unpack"] > 0


def test_pack_and_unpack_hooks_give_torch_gradients():
    compare(lambda T: _scenario(T, lambda T, p, u: T.autograd.graph.saved_tensors_hooks(p, u)))


def test_save_on_cpu_and_outside_the_block():
    def case(T):
        x = leaf(T, [0.3, -1.2, 2.0])
        with T.autograd.graph.save_on_cpu():
            y = (x.tanh() * x).sum()
        z = (x * 3).exp().sum()        # saved after the block: untouched
        (y + z).backward()
        return x.grad
    compare(case)


def test_disable_saved_tensors_hooks():
    def case(T):
        with T.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
            with T.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    compare(case)


def test_hooks_module_paths():
    from ember.autograd.graph import save_on_cpu, saved_tensors_hooks
    assert issubclass(save_on_cpu, saved_tensors_hooks)
    pytest.importorskip("torch")
