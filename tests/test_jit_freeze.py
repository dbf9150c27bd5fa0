"""``jit.freeze`` / ``jit.optimize_for_inference`` against torch: the frozen copy computes what
the eval-mode module does (torch folds batch norm: float32 tolerance), holds no parameters,
buffers or state, gives outputs that do not require grad, survives ``jit.save`` / ``load``,
and does not see later changes to the original's weights."""
import io
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.nn.Conv2d(2, 4, 3, padding=1)
            self.bn = lib.nn.BatchNorm2d(4)
            self.fc = lib.nn.Linear(4 * 5 * 5, 3)

        def forward(self, x):
            return self.fc(lib.relu(self.bn(self.conv(x))).flatten(1))

        @lib.jit.export
        def features(self, x):
            return self.conv(x)
    return Net


def _pair(seed=0):
    """The same eval-mode network in both libraries (torch's initial weights, running stats
    set away from the defaults so that the batch norm matters)."""
    nets = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        nets.append(_net(lib)())
    t, e = nets
    with torch.no_grad():
        t.bn.running_mean.uniform_(-1, 1)
        t.bn.running_var.uniform_(0.5, 2)
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t.eval(), e.eval()


def _x(lib, seed=1):
    return lib.tensor(np.random.default_rng(seed).standard_normal((2, 2, 5, 5)).astype("float32"))


def _close(e, t):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("how", ["script", "trace"])
def test_freeze_as_torch(how):
    t, e = _pair()
    frozen = []
    for lib, m in ((torch, t), (ember, e)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = lib.jit.script(m) if how == "script" else lib.jit.trace(m, _x(lib))
            frozen.append(lib.jit.freeze(s))
    ft, fe = frozen
    out_t, out_e = ft(_x(torch)), fe(_x(ember))
    _close(out_e, out_t)
    assert out_e.requires_grad is out_t.requires_grad is False
    for f in frozen:
        assert list(f.parameters()) == [] and list(f.buffers()) == []
        assert list(f.state_dict()) == []
    with ember.no_grad():               # the original's later changes do not reach the copy
        e.conv.weight.zero_()
    _close(fe(_x(ember)), out_t)


@pytest.mark.parametrize("how", ["script", "trace"])
def test_frozen_module_saves_and_loads(how):
    _, e = _pair()
    s = ember.jit.script(e) if how == "script" else ember.jit.trace(e, _x(ember))
    frozen = ember.jit.freeze(s)
    expected = frozen(_x(ember))
    buf = io.BytesIO()
    ember.jit.save(frozen, buf)
    buf.seek(0)
    loaded = ember.jit.load(buf)
    _close(loaded(_x(ember)), expected)
    assert list(loaded.state_dict()) == []


def test_optimize_for_inference_as_torch():
    t, e = _pair()
    t.train()
    e.train()
    out = [lib.jit.optimize_for_inference(lib.jit.script(m), other_methods=["features"])
           for lib, m in ((torch, t), (ember, e))]
    assert e.training is t.training     # (eval() is called on the scripted module)
    _close(out[1](_x(ember)), out[0](_x(torch)))
    _close(out[1].features(_x(ember)), out[0].features(_x(torch)))


@pytest.mark.parametrize("case", ["not scripted", "training", "unknown name",
                                  "optimize not scripted"])
def test_freeze_errors_as_torch(case):
    t, e = _pair()
    messages = []
    for lib, m in ((torch, t), (ember, e)):
        with pytest.raises(RuntimeError) as info:
            if case == "not scripted":
                lib.jit.freeze(m)
            elif case == "training":
                lib.jit.freeze(lib.jit.script(m.train()))
            elif case == "unknown name":
                lib.jit.freeze(lib.jit.script(m), preserved_attrs=["nonexistent"])
            else:
                lib.jit.optimize_for_inference(m)
        messages.append(str(info.value))
    assert messages[1] == messages[0]
