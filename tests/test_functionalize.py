"""``torch.func.functionalize`` called eagerly, against torch: outputs, inputs mutated the same
way (written back), outputs that never alias an input, gradients through it, composition with
``grad`` and ``vmap``, and the argument check."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _mutating(mod):
    def f(x, scale, extra=None):
        y = x.view(-1)
        y.mul_(scale)
        x[0] += 1
        out = x.sin() + (0 if extra is None else extra["b"].sum())
        if extra is not None:
            extra["b"].add_(2)
        return out, y
    return f


@pytest.mark.parametrize("remove", ["mutations", "mutations_and_views"])
def test_outputs_and_written_back_inputs(remove):
    data = np.random.default_rng(0).standard_normal((3, 2))
    results = []
    for mod in (ember, torch):
        x, b = mod.tensor(data), mod.arange(4.0)
        out, y = mod.func.functionalize(_mutating(mod), remove=remove)(x, 2.0, {"b": b})
        untouched = mod.ones(2)
        mod.func.functionalize(lambda t: t * 2)(untouched)
        results.append([out.tolist(), y.tolist(), x.tolist(), b.tolist(),
                        y.data_ptr() == x.data_ptr(), untouched._version])
    assert results[0] == results[1]


def test_gradients_through_written_back_inputs():
    data = np.random.default_rng(1).standard_normal(4)
    grads = []
    for mod in (ember, torch):
        leaf = mod.tensor(data, requires_grad=True)
        z = leaf * 1.5
        out = mod.func.functionalize(lambda t: t.add_(1).exp())(z)
        (out.sum() + z.sum()).backward()
        grads.append([leaf.grad.tolist(), type(z.grad_fn).__name__])
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being "
                                               "used in an in-place operation"):
            mod.func.functionalize(lambda t: t.add_(1))(leaf)
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    assert grads[0][1] == grads[1][1]


def test_composes_with_grad_and_vmap():
    data = np.random.default_rng(2).standard_normal((3, 2))
    got = []
    for mod in (ember, torch):
        def f(x):
            y = x.clone()
            y.mul_(x)
            return y.sum()
        g = mod.func.grad(mod.func.functionalize(f))(mod.tensor(data))
        v = mod.func.vmap(mod.func.functionalize(lambda t: t.sin().add_(1)))(mod.tensor(data))
        got.append([g.tolist(), v.tolist()])
    np.testing.assert_allclose(got[0], got[1], rtol=1e-12)


def test_remove_must_name_a_mode():
    messages = []
    for mod in (ember, torch):
        with pytest.raises(RuntimeError) as info:
            mod.func.functionalize(lambda x: x, remove="views")
        messages.append(str(info.value))
    assert messages[0] == messages[1]
