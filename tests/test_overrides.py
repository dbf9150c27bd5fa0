"""Extension points, compared with torch: the ``__torch_function__`` protocol helpers of
``torch.overrides`` and ``Tensor.__torch_function__`` / ``_make_subclass`` / ``as_subclass``,
operators defined with ``torch.library`` and called through ``torch.ops``, and the
``torch._C`` names libraries call."""
import inspect
import json

import pytest

import ember
from tests.test_runner import SCRIPTS, ok, run_ember, run_torch

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


def test_aten_overload_table_is_torchs():
    """``ember/_aten_overloads.json`` (regenerate: ``python -m tests.aten_overloads``)."""
    from tests import aten_overloads
    assert json.loads(aten_overloads.PATH.read_text()) == aten_overloads.table(torch)


def test_aten_packets_and_overloads_as_torch():
    for mod in (ember, torch):
        aten = mod.ops.aten
        assert isinstance(aten.add, mod._ops.OpOverloadPacket)
        assert isinstance(aten.add.Tensor, mod._ops.OpOverload)
        packet = aten.add
        assert aten.add is packet and packet.Tensor is packet.Tensor
        assert packet.Tensor is not packet.Scalar and packet.Tensor.overloadpacket is packet
        assert {packet.Tensor: 1, aten.sort.default: 2, aten.sort.stable: 3}[aten.sort.stable] == 3
        assert packet.overloads() == torch.ops.aten.add.overloads()
    for e, t in ((ember.ops.aten.add, torch.ops.aten.add),
                 (ember.ops.aten.add.Tensor, torch.ops.aten.add.Tensor)):
        assert (repr(e), str(e), e.__name__) == (repr(t), str(t), t.__name__)
    assert ember.ops.aten.add.Tensor.name() == torch.ops.aten.add.Tensor.name()
    for mod in (ember, torch):
        with pytest.raises(AttributeError) as info:
            mod.ops.aten.add.nothing
        assert str(info.value) == "The underlying op of 'aten.add' has no overload name 'nothing'"
        with pytest.raises(AttributeError, match="'_OpNamespace' 'aten' object has no attribute"):
            mod.ops.aten.no_such_op


def _both(fn):
    """``fn(mod)`` for ember and torch, as nested lists / strings."""
    def plain(v):
        if isinstance(v, (tuple, list)):
            return [plain(x) for x in v]
        return (v.tolist(), str(v.dtype).split(".")[1]) if hasattr(v, "tolist") else v
    return plain(fn(ember)), plain(fn(torch))


@pytest.mark.parametrize("call", [
    lambda m: m.ops.aten._to_copy.default(m.arange(3), dtype=m.float64),
    lambda m: m.ops.aten.slice.Tensor(m.arange(24).view(4, 6), 1, 1, -1, 2),
    lambda m: m.ops.aten.slice.Tensor(m.arange(10), 0, None, 100),
    lambda m: m.ops.aten.index.Tensor(m.arange(12).view(3, 4), [None, m.tensor([3, 0])]),
    lambda m: m.ops.aten.index.Tensor(m.arange(12).view(3, 4), [m.tensor([True, False, True])]),
    lambda m: m.ops.aten.alias.default(m.arange(4.0).view(2, 2)),
    lambda m: m.ops.aten.add_.Tensor(m.ones(2), m.arange(2.0)),
    lambda m: m.ops.aten.sort.stable(m.tensor([2, 1, 2, 0]), stable=True),
    lambda m: m.ops.aten.unbind.int(m.arange(6).view(2, 3), 1),
    lambda m: m.ops.aten._sparse_addmm.default(m.zeros(3, 2), m.eye(3).to_sparse(),
                                              m.ones(3, 2), beta=1, alpha=2),
])
def test_aten_only_operators(call):
    got, expected = _both(call)
    assert got == expected


def test_aten_views_and_copies():
    for mod in (ember, torch):
        x = mod.arange(6.0).view(2, 3)
        assert mod.ops.aten.alias.default(x)._base is x._base
        assert mod.ops.aten.slice.Tensor(x, 1, 0, 2)._base is x._base
        copy = mod.ops.aten._to_copy.default(x)
        assert copy._base is None and copy.data_ptr() != x.data_ptr()


def test_sparse_mm_reduce_runs_on_csr_only():
    for mod in (ember, torch):
        for a in (mod.eye(3), mod.eye(3).to_sparse()):
            with pytest.raises(NotImplementedError, match="Could not run "
                               "'aten::_sparse_mm_reduce_impl' with arguments from the '"
                               + ("SparseCPU" if a.is_sparse else "CPU") + "' backend"):
                mod.ops.aten._sparse_mm_reduce_impl.default(a, mod.ones(3, 2), "sum")


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


def _layers_after_unwrapping():
    from ember._ops import _bindings
    ember.ones(2).as_subclass(ember.Tensor)
    ember.nn.Parameter(ember.ones(2)).as_subclass(ember.Tensor)
    return sorted(_bindings._active)


@pytest.mark.slow  # a fresh interpreter importing the test module and torch (2.6 CPU-seconds)
def test_unwrapping_to_tensor_keeps_dispatch_off():
    """``t.as_subclass(Tensor)`` (torchvision's tv_tensors unwrap so) makes plain Tensors, which
    never take part in dispatch: no binding layer is switched on (fresh process: a layer stays
    on once an overriding subclass has had instances)."""
    from tests import isolated
    assert isolated.run(_layers_after_unwrapping) == []


def test_watched_class_statements_pass_every_keyword_to_the_metaclass():
    """Under the runner every class statement goes through Ember's ``__build_class__``: class
    keywords named like its own parameters (``name``, ``func``: TensorLy-Torch's
    ``metaclass=..., name=''``) still reach the metaclass, as in plain Python."""
    class Meta(type):
        def __new__(mcs, cls_name, bases, namespace, **kwargs):
            cls = super().__new__(mcs, cls_name, bases, namespace)
            cls.keywords = kwargs
            return cls

    def define():
        class Named(metaclass=Meta, name="", func=1):
            pass
        return Named.keywords

    plain = define()
    ember.overrides.watch_class_statements(True)
    try:
        watched = define()
    finally:
        ember.overrides.watch_class_statements(False)
    assert watched == plain == {"name": "", "func": 1}


# ---- the catalogue: get_overridable_functions, resolve_name, ignored and testing overrides ----
def _listed(mod, namespace):
    """The names in ``namespace`` bound to one of its overridable functions."""
    funcs = mod.overrides.get_overridable_functions()[namespace]
    return {n for n in dir(namespace) if not n.startswith("_")
            and any(getattr(namespace, n) is f for f in funcs)}


@pytest.mark.parametrize("path", ["functional", "nn.functional", "linalg", "fft"])
def test_overridable_namespaces_match_torch(path):
    def ns(mod):
        obj = mod
        for part in path.split("."):
            obj = getattr(obj, part)
        return obj
    ours, theirs = _listed(ember, ns(ember)), _listed(torch, ns(torch))
    present = {n for n in theirs if hasattr(ns(ember), n)}
    # F.sigmoid / F.tanh: torch ignores its deprecated aliases, Ember binds torch.sigmoid there
    shared = {n for n in ours - present if getattr(ns(ember), n) is getattr(ember, n, None)}
    assert ours - shared == present and len(present) > 0.9 * len(theirs)


def test_resolve_name_and_membership():
    for mod in (ember, torch):
        o = mod.overrides
        names = {o.resolve_name(f): f for f in (mod.add, mod.nn.functional.relu, mod.linalg.norm,
                                                 mod.fft.rfft, mod.stft, mod.Tensor.shape.__get__,
                                                 mod.Tensor.grad.__set__, mod.nn.functional.conv2d)}
        assert sorted(names) == sorted([
            "torch.add", "torch.nn.functional.relu", "torch.linalg.norm", "torch.fft.rfft",
            "torch.functional.stft", "torch.Tensor.shape.__get__", "torch.Tensor.grad.__set__",
            "torch.nn.functional.conv2d"])
        assert o.resolve_name(lambda x: x) is None
        funcs = o.get_overridable_functions()
        assert mod.add in funcs[mod] and mod.nn.functional.relu in funcs[mod.nn.functional]
        assert funcs[mod.Tensor.shape] == [mod.Tensor.shape.__get__]
        assert mod.tensor not in funcs[mod] and mod.Tensor.__add__ in funcs[mod.Tensor]
        ignored = o.get_ignored_functions()
        assert {mod.Tensor.as_subclass, mod.tensor, mod.zeros, mod.manual_seed} <= ignored
        assert mod.add not in ignored and mod.Tensor.sum not in ignored
        tests = o.get_testing_overrides()
        for f in (mod.add, mod.nn.functional.relu, mod.linalg.norm, mod.Tensor.shape.__get__):
            assert tests[f](*[None] * _required(tests[f])) == -1
        assert list(inspect.signature(tests[mod.nn.functional.relu]).parameters) == [
            "input", "inplace"]
        assert mod.zeros not in tests
    ours = [ember.overrides.resolve_name(f) for f in ember.overrides.get_ignored_functions()]
    theirs = torch.overrides.get_ignored_functions()
    assert None not in ours and len(ours) > 150
    for name in ours:
        obj = torch
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)
        assert obj in theirs, name


def _required(fn):
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in inspect.signature(fn).parameters.values())


def test_resolve_name_while_a_mode_is_active():
    for mod in (ember, torch):
        seen = []

        class Names(mod.overrides.BaseTorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append(mod.overrides.resolve_name(func))
                return super().__torch_function__(func, types, args, kwargs)
        with Names():
            r = mod.add(mod.ones(2), 1)
            mod.nn.functional.relu(r)
        assert mod.add in mod.overrides.get_overridable_functions()[mod]
        assert seen[-2:] == ["torch.add", "torch.nn.functional.relu"] and r.tolist() == [2., 2.]


def _scaled_mul(mod):
    o = mod.overrides

    def scaled_mul(a, b):
        if o.has_torch_function((a, b)):
            return o.handle_torch_function(scaled_mul, (a, b), a, b)
        return a * b + 1
    return scaled_mul


def test_redispatch_function():
    for mod in (ember, torch):
        calls = []

        class Logging(mod.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args, kwargs=None):
                calls.append(func.__name__)
                return mod.overrides.redispatch_function(func, types, args, kwargs)
        scaled_mul = _scaled_mul(mod)
        x = mod.tensor([3.0]).as_subclass(Logging)
        r = scaled_mul(x, mod.tensor([4.0]).as_subclass(Logging))
        assert r.tolist() == [13.0] and calls[:2] == ["scaled_mul", "mul"]

        class Mode(mod.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args, kwargs=None):
                calls.append(func.__name__)
                with self:
                    return mod.overrides.redispatch_function(func, types, args, kwargs)
        calls.clear()
        a, b = mod.tensor([3.0]), mod.tensor([4.0])
        with Mode():
            r = scaled_mul(a, b)
        assert r.tolist() == [13.0] and calls[:3] == ["scaled_mul", "mul", "add"]


def test_wrap_torch_function_and_reentrant_dispatch():
    for mod in (ember, torch):
        @mod.overrides.wrap_torch_function(lambda a, b=None: (a,))
        def double(a, b=None):
            return a * 2

        class Sub(mod.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return ("seen", func.__name__) if func is double else \
                    super().__torch_function__(func, types, args, kwargs or {})
        assert double.__name__ == "double" and double(mod.ones(1)).tolist() == [2.0]
        assert double(mod.ones(1).as_subclass(Sub)) == ("seen", "double")
        with pytest.raises(RuntimeError, match="outside of '__torch_dispatch__'"):
            with mod.overrides.enable_reentrant_dispatch():
                pass
        seen = []

        class Log(mod.utils._python_dispatch.TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                seen.append(str(func))
                with mod.overrides.enable_reentrant_dispatch():
                    return func(*args, **(kwargs or {}))
        x = mod.ones(2)
        with Log():
            out = x.add(1)
        assert out.tolist() == [2.0, 2.0] and seen == ["aten.add.Tensor"]
