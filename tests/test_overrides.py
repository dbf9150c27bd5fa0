"""Extension points, compared with torch: the ``__torch_function__`` protocol helpers of
``torch.overrides`` and ``Tensor.__torch_function__`` / ``_make_subclass`` / ``as_subclass``,
operators defined with ``torch.library`` and called through ``torch.ops``, and the
``torch._C`` names libraries call."""
import pytest

import ember
from test_runner import SCRIPTS, ok, run_ember, run_torch

torch = pytest.importorskip("torch")


@pytest.mark.slow  # two interpreters (Ember under the runner, torch)
@pytest.mark.parametrize("script", ["torch_function.py", "custom_ops.py"])
def test_script_matches_torch(script):
    assert ok(run_ember(SCRIPTS / script)) == ok(run_torch(SCRIPTS / script))


@pytest.mark.parametrize("args, kwargs", [
    (("cpu",), {}), ((), {"dtype": "float64"}), (("cpu", "int32"), {"non_blocking": True}),
    ((), {"memory_format": "channels_last"}), (("tensor16",), {}), ((), {"device": "cpu"}),
])
def test_parse_to(args, kwargs):
    def run(mod):
        def conv(v):
            if v == "tensor16":
                return mod.ones(1, dtype=mod.float16)
            if v in ("float64", "int32", "channels_last"):
                return getattr(mod, v)
            return v
        out = mod._C._nn._parse_to(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
        return tuple(None if x is None else str(x) for x in out)
    assert run(ember) == run(torch)


def test_c_names():
    for mod in (ember, torch):
        assert mod._C._get_tracing_state() is None
        assert mod._C._log_api_usage_once("python.test") is None
        assert mod._C._get_cudnn_enabled() is True
        assert isinstance(mod.Tensor, mod._C._TensorMeta)
        with mod._C.DisableTorchFunctionSubclass():
            pass


def test_make_subclass_and_as_subclass():
    for mod in (ember, torch):
        class Sub(mod.Tensor):
            pass
        base = mod.arange(3.0)
        s = mod.Tensor._make_subclass(Sub, base, True)
        assert type(s) is Sub and s.requires_grad and s.is_leaf
        s.detach()[0] = 7
        assert base[0].item() == 7      # shares memory
        assert type(base.as_subclass(Sub)) is Sub


def test_ops_aten_reaches_builtin_ops():
    a = ember.ones(2)
    assert ember.ops.aten.add.Tensor(a, a).tolist() == torch.ops.aten.add.Tensor(
        torch.ones(2), torch.ones(2)).tolist()
    with pytest.raises(AttributeError, match="'_OpNamespace' 'nolib' object has no attribute"):
        ember.ops.nolib.nothing


def test_tracing_while_function_dispatch_is_on():
    """An overriding subclass instance switches function-form dispatch on for the process;
    fx still records torch's graph, its targets are the public functions (``torch.relu``)."""
    class Sub(ember.Tensor):
        pass
    sub = ember.ones(2).as_subclass(Sub)
    assert type(ember.relu(sub)) is Sub
    codes = []
    for mod in (ember, torch):
        def f(x):
            return mod.relu(x).sum(1) + mod.exp(x).sum(1)
        gm = mod.fx.symbolic_trace(f)
        assert any(n.target is mod.relu for n in gm.graph.nodes)
        codes.append(gm.code.replace("torch.", "ember."))
    assert codes[0] == codes[1]
    x = ember.randn(3, 4)
    gm = ember.fx.symbolic_trace(lambda x: ember.relu(x).sum(1))
    assert ember.equal(gm(x), ember.relu(x).sum(1))
