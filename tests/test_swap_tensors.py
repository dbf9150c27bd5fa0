"""torch.utils.swap_tensors and torch.__future__'s module-conversion switches, against torch:
what moves with the contents, what stays with the object, torch's refusals, and
``nn.Module._apply`` keeping, overwriting or swapping parameters."""
import weakref

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)


def _state(t):
    return (type(t).__name__, tuple(t.shape), str(t.dtype).replace("ember", "torch"),
            t.requires_grad, t.is_leaf, None if t.grad is None else t.grad.tolist(),
            t.detach().tolist(), dict(vars(t)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_swap_contents_keep_identity(dtype):
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((4,))

    def run(mod):
        t1 = mod.tensor(a, dtype=getattr(mod, dtype), requires_grad=True)
        t1.grad = mod.ones_like(t1)
        t1.note = "first"
        t2 = mod.nn.Parameter(mod.tensor(b, dtype=mod.float64))
        t2.extra = 1
        ids = id(t1), id(t2)
        before = _state(t1), _state(t2)
        mod.utils.swap_tensors(t1, t2)
        assert (id(t1), id(t2)) == ids
        after = _state(t1), _state(t2)
        assert after == before[::-1]
        with mod.no_grad():
            t1.mul_(2)      # the contents are usable afterwards
        return after, t1.tolist(), round((t2 * 3).sum().item(), 6), t1._version, t2._version
    assert run(ember) == run(torch)


def test_swap_hooks_and_grad_accumulation():
    def run(mod):
        seen = []
        t1 = mod.ones(2, requires_grad=True)
        t2 = mod.zeros(3, requires_grad=True)
        t1.register_hook(lambda g: seen.append(("t1 hook", g.shape[0])))
        mod.utils.swap_tensors(t1, t2)
        (t1 * 2).sum().backward()       # a graph made after the swap
        (t2 * 3).sum().backward()
        return seen, t1.grad.tolist(), t2.grad.tolist()
    assert run(ember) == run(torch)


def test_backward_through_a_graph_from_before_the_swap_is_refused():
    def run(mod):
        x = mod.ones(2, requires_grad=True)
        y = (x * 2).sum()
        mod.utils.swap_tensors(x, mod.zeros(2))
        with pytest.raises(RuntimeError) as info:
            y.backward()
        return str(info.value)
    ours, theirs = run(ember), run(torch)
    assert ours == theirs and "poisoned by swap_tensors" in ours


def test_refusals():
    def run(mod):
        out = []
        a, b = mod.ones(2), mod.zeros(2)
        ref = weakref.ref(b)
        for t1, t2 in ((a, b), (b, a)):
            with pytest.raises(RuntimeError) as info:
                mod.utils.swap_tensors(t1, t2)
            out.append(str(info.value))
        del ref

        class Slotted(mod.Tensor):
            __slots__ = ("x",)
        with pytest.raises(RuntimeError) as info:
            mod.utils.swap_tensors(mod.ones(1).as_subclass(Slotted), mod.ones(1))
        out.append(str(info.value))
        return out
    assert run(ember) == run(torch)


@pytest.mark.parametrize("switch", ["swap", "overwrite", None])
def test_module_conversion_switches(switch):
    w = RNG.standard_normal((2, 3))

    def run(mod):
        m = mod.nn.Linear(3, 2)
        with mod.no_grad():
            m.weight.copy_(mod.tensor(w))
        m(mod.ones(1, 3)).sum().backward()
        weight, grad = m.weight, m.weight.grad
        setter = {"swap": mod.__future__.set_swap_module_params_on_conversion,
                  "overwrite": mod.__future__.set_overwrite_module_params_on_conversion}
        if switch:
            setter[switch](True)
        try:
            assert mod.__future__.get_swap_module_params_on_conversion() is (switch == "swap")
            m.double()
        finally:
            if switch:
                setter[switch](False)
        return (m.weight is weight, m.weight.grad is grad, type(m.weight).__name__,
                str(m.weight.dtype).replace("ember", "torch"),
                str(m.weight.grad.dtype).replace("ember", "torch"), m.weight.requires_grad,
                np.allclose(m.weight.detach().numpy(), w),
                m(mod.ones(1, 3, dtype=mod.float64)).dtype.itemsize)
    assert run(ember) == run(torch)
