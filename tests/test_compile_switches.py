"""``compile`` (eager for now), ``torch.compiler``, ``torch._dynamo`` and ``jit.is_tracing``,
compared with torch: what compile returns for modules and functions, its argument checks,
``OptimizedModule``'s state_dict layout and repr, and the switches' answers."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
# Real torch compiles on first call (slow, needs a C compiler); torch's side of these tests only
# builds compiled objects and never calls them, except with the eager backend.
_EAGER = {"backend": "eager"}


def _linear(mod):
    mod.manual_seed(0)
    return mod.nn.Linear(3, 2)


def test_compiled_module_is_an_optimized_module():
    got, expected = ember.compile(_linear(ember)), torch.compile(_linear(torch))
    assert type(got).__name__ == type(expected).__name__ == "OptimizedModule"
    assert isinstance(got, ember._dynamo.OptimizedModule) and isinstance(got, ember.nn.Module)
    assert list(got.state_dict()) == list(expected.state_dict())
    assert repr(got) == repr(expected)
    assert got.in_features == expected.in_features and got.weight is got._orig_mod.weight
    got.eval()
    assert not got.training and not got._orig_mod.training


def test_compiled_module_computes_like_eager():
    model = _linear(ember)
    compiled = ember.compile(model, mode="reduce-overhead", fullgraph=True, dynamic=False)
    x = ember.randn(4, 3)
    np.testing.assert_array_equal(compiled(x).detach().numpy(), model(x).detach().numpy())
    compiled(x).sum().backward()
    assert model.weight.grad is not None
    reference = torch.compile(_linear(torch), **_EAGER)
    reference.load_state_dict({k: torch.from_numpy(v.numpy())
                               for k, v in compiled.state_dict().items()})
    np.testing.assert_allclose(reference(torch.from_numpy(x.numpy())).detach().numpy(),
                               compiled(x).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("form", ["call", "decorator", "decorator_with_args", "backend_fn"])
def test_compile_functions(form):
    def f(x, y=1):
        return x * 2 + y
    if form == "call":
        g = ember.compile(f)
    elif form == "decorator":
        g = ember.compile()(f)
    elif form == "decorator_with_args":
        g = ember.compile(mode="max-autotune", dynamic=True, backend="inductor")(f)
    else:
        g = ember.compile(f, backend=lambda gm, example_inputs: gm.forward)
    assert g.__name__ == "f" and g._torchdynamo_orig_callable is f
    assert g(ember.ones(2), y=3).tolist() == [5.0, 5.0]


def test_compile_disable_returns_the_model():
    for mod in (ember, torch):
        model = _linear(mod)
        assert mod.compile(model, disable=True) is model


def test_compile_is_silent():
    """Compiling warns nothing (capture is real; only graph breaks and limits warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f = ember.compile(lambda x: x + 1)
        assert f(ember.ones(2)).tolist() == [2.0, 2.0]


@pytest.mark.parametrize("kwargs, model", [
    ({"mode": "bogus"}, "fn"),
    ({"mode": "default", "options": {}}, "fn"),
    ({"backend": "no_such_backend"}, "fn"),
    ({}, 3),
])
def test_compile_argument_errors(kwargs, model):
    def check(mod):
        with pytest.raises(Exception) as info:
            mod.compile((lambda x: x) if model == "fn" else model, **kwargs)
        return type(info.value).__name__, str(info.value)
    assert check(ember) == check(torch)


def test_list_backends():
    assert ember.compiler.list_backends() == torch.compiler.list_backends()
    assert set(ember._dynamo.list_backends(exclude_tags=None)) <= set(
        torch._dynamo.list_backends(exclude_tags=None))


def test_switches_outside_a_compiled_region():
    for mod in (torch, ember):
        assert not mod.compiler.is_compiling() and not mod.compiler.is_dynamo_compiling()
        assert not mod.compiler.is_exporting() and not mod._dynamo.is_compiling()

        def f(x):
            return x + 1
        for decorator in (mod.compiler.disable, mod.compiler.disable(recursive=False),
                          mod._dynamo.disable, mod.compiler.allow_in_graph,
                          mod.compiler.assume_constant_result):
            assert decorator(f)(mod.ones(1)).tolist() == [2.0]
        mod.compiler.reset()
        mod._dynamo.reset()
        mod.compiler.cudagraph_mark_step_begin()
        with mod.compiler.set_stance("force_eager"):
            pass


def test_dynamo_config():
    for name in ("cache_size_limit", "recompile_limit", "suppress_errors", "verbose",
                 "capture_scalar_outputs", "automatic_dynamic_shapes", "optimize_ddp"):
        assert getattr(ember._dynamo.config, name) == getattr(torch._dynamo.config, name), name
    config = ember._dynamo.config
    with config.patch(suppress_errors=True, cache_size_limit=64):
        assert config.suppress_errors and config.cache_size_limit == 64
    assert not config.suppress_errors and config.cache_size_limit == 8

    @config.patch("verbose", True)
    def inside():
        return config.verbose
    assert inside() and not config.verbose


def test_jit_is_tracing():
    for mod in (torch, ember):
        seen = []

        class M(mod.nn.Module):
            def forward(self, x):
                seen.append((mod.jit.is_tracing(), mod.jit.is_scripting()))
                return x + 1
        M()(mod.ones(2))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mod.jit.trace(M(), mod.ones(2))
        assert seen[:2] == [(False, False), (True, False)], mod
        assert not mod.jit.is_tracing()
