"""``__torch_dispatch__``: wrapper subclasses and dispatch modes, compared with torch 2.13."""
import pytest

import ember

torch = pytest.importorskip("torch")


def _logging_tensor(mod):
    """The classic wrapper subclass: holds an inner tensor, logs each aten call it handles."""
    tree_map = mod.utils._pytree.tree_map

    class LoggingTensor(mod.Tensor):
        log = []

        @staticmethod
        def __new__(cls, elem):
            r = mod.Tensor._make_wrapper_subclass(
                cls, elem.size(), strides=elem.stride(), dtype=elem.dtype, device=elem.device,
                requires_grad=elem.requires_grad)
            r.elem = elem
            return r

        @classmethod
        def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
            def unwrap(e):
                return e.elem if isinstance(e, cls) else e

            def show(a):
                return type(a).__name__ if isinstance(a, mod.Tensor) else \
                    str(a) if isinstance(a, (mod.dtype, mod.memory_format)) else a
            cls.log.append((str(func), tree_map(show, args), tree_map(show, kwargs or {})))
            out = func(*tree_map(unwrap, args), **tree_map(unwrap, kwargs or {}))
            return tree_map(lambda e: cls(e) if isinstance(e, mod.Tensor) else e, out)
    return LoggingTensor


def _both(fn, *shapes, requires_grad=False):
    """``fn(mod, LoggingTensor, *wrapped inputs)`` for torch and ember on the same values:
    (values, log) per module."""
    base = [torch.randn(*s, dtype=torch.float64) for s in shapes]
    results = []
    for mod in (torch, ember):
        LT = _logging_tensor(mod)
        inputs = [LT(mod.tensor(b.numpy()).requires_grad_(requires_grad)) for b in base]
        out = fn(mod, LT, *inputs)
        results.append((out, LT.log))
    return results


def _plain(v):
    if isinstance(v, (torch.Tensor, ember.Tensor)):
        return v.elem.tolist() if hasattr(v, "elem") else v.tolist()
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return v


# Calls where one torch call is one aten call in both (PyTorch's composite functions such as
# ``linear`` or ``softmax`` reach their decomposition in torch, the Ember op in Ember).
CALLS = {
    "add_scalar": lambda m, x, y: x + 2,
    "add_alpha": lambda m, x, y: m.add(x, y, alpha=2),
    "mul": lambda m, x, y: x * y,
    "rmul": lambda m, x, y: 3 * x,
    "rsub": lambda m, x, y: 2 - x,
    "rpow": lambda m, x, y: 2 ** x,
    "rdiv": lambda m, x, y: 2 / x,
    "sum": lambda m, x, y: x.sum(),
    "sum_dim": lambda m, x, y: x.sum(dim=1),
    "sum_keepdim": lambda m, x, y: m.sum(x, 1, keepdim=True),
    "mean_dim": lambda m, x, y: x.mean(0),
    "pow": lambda m, x, y: x.pow(2),
    "eq_scalar": lambda m, x, y: x == 1,
    "gt": lambda m, x, y: x > y,
    "view": lambda m, x, y: x.view(3, 2),
    "view_list": lambda m, x, y: x.view([6]),
    "t": lambda m, x, y: x.t(),
    "transpose_contiguous": lambda m, x, y: x.transpose(0, 1).contiguous(),
    "relu": lambda m, x, y: x.relu(),
    "exp": lambda m, x, y: m.exp(x),
    "select": lambda m, x, y: x[0],
    "select2": lambda m, x, y: x[1, 2],
    "slice": lambda m, x, y: x[1:],
    "slice_step": lambda m, x, y: x[None, ..., 0:3:2],
    "select_col": lambda m, x, y: x[:, 0],
    "cat": lambda m, x, y: m.cat([x, y]),
    "stack": lambda m, x, y: m.stack([x, y], 1),
    "max_dim": lambda m, x, y: x.max(0),
    "to_float64": lambda m, x, y: x.to(m.float32),
    "float_noop": lambda m, x, y: x.double(),
    "clone": lambda m, x, y: x.clone(),
    "mm": lambda m, x, y: m.mm(x, y.t()),
    "item": lambda m, x, y: x[0, 0].item(),
    "where": lambda m, x, y: m.where(x > 0, x, y),
    "clamp": lambda m, x, y: x.clamp(min=0),
    "atan2": lambda m, x, y: m.atan2(x, y),
    # (Ember's wrapper passes the keyword-only ``approximate`` positionally)
    "gelu": lambda m, x, y: m.nn.functional.gelu(x, approximate="tanh"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_logging_subclass_sees_torchs_aten_calls(name):
    (t_out, t_log), (e_out, e_log) = _both(lambda m, LT, x, y: CALLS[name](m, x, y),
                                           (2, 3), (2, 3))
    assert e_log == t_log
    _assert_close(_plain(e_out), _plain(t_out))
    assert type(e_out).__name__ == type(t_out).__name__


def _assert_close(e, t):
    if isinstance(t, list):
        assert isinstance(e, list) and len(e) == len(t)
        for a, b in zip(e, t):
            _assert_close(a, b)
    else:
        assert e == pytest.approx(t, rel=1e-12, abs=1e-15)


def test_setitem_and_inplace_ops_reach_the_inner_tensor():
    def fn(m, LT, x, y):
        x[0] = 1
        x[1] = y[0]
        x.add_(y)
        x.mul_(2)
        return x
    (t_out, t_log), (e_out, e_log) = _both(fn, (2, 3), (2, 3))
    # torch fills with a 0-d tensor it makes (fill_.Tensor); so does Ember
    assert e_log == t_log
    _assert_close(_plain(e_out), _plain(t_out))


@pytest.mark.parametrize("fn", [
    lambda m, x, y: (x * y).sum(),
    lambda m, x, y: m.exp(x).sum(),                  # saves its output
    lambda m, x, y: (x.t() @ y).relu().mean(),
    lambda m, x, y: (x[0] * y[1:]).pow(3).sum(),
    lambda m, x, y: m.stack([x, y]).softmax(0).select(0, 1).sum(),
])
def test_autograd_records_on_the_wrapper(fn):
    """Gradients flow through the wrapper (backward ops dispatch too) with torch's values,
    node names and wrapper types."""
    def run(m, LT, x, y):
        z = fn(m, x, y)
        z.backward()
        return z, x.grad, y.grad, type(z.grad_fn).__name__
    (t_out, _), (e_out, _) = _both(run, (3, 3), (3, 3), requires_grad=True)
    for t, e in zip(t_out[:3], e_out[:3]):
        if t is None:
            assert e is None
            continue
        assert type(e).__name__ == type(t).__name__ == "LoggingTensor"
        _assert_close(e.elem.tolist(), t.elem.tolist())
    assert e_out[3] == t_out[3]


def test_wrapper_metadata_and_torch_function_default():
    for mod in (torch, ember):
        LT = _logging_tensor(mod)
        base = mod.zeros(4, 6, dtype=mod.float64)[:, ::2]
        w = LT(base)
        assert w.shape == (4, 3) and w.stride() == base.stride() and w.dtype == mod.float64
        assert w.requires_grad is False and str(w.device) == "cpu"
        assert LT.__torch_function__ is mod._C._disabled_torch_function_impl
        assert mod.Tensor.__torch_dispatch__ is mod._C._disabled_torch_dispatch_impl
        w2 = mod.Tensor._make_wrapper_subclass(LT, (2, 5), requires_grad=True)
        assert w2.shape == (2, 5) and w2.stride() == (5, 1) and w2.requires_grad
        assert w2.dtype == mod.float32


def test_all_handlers_not_implemented_is_torchs_error():
    messages = []
    for mod in (torch, ember):
        class Refusing(mod.Tensor):
            @staticmethod
            def __new__(cls, shape):
                return mod.Tensor._make_wrapper_subclass(cls, shape)

            @classmethod
            def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
                return NotImplemented
        with pytest.raises(TypeError) as info:
            mod.add(Refusing((2,)), 1)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def _counting_mode(mod):
    from collections import Counter

    class CountingMode(mod.utils._python_dispatch.TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.counts = Counter()
            self.inner_modes = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.counts[str(func)] += 1
            self.inner_modes.append(
                mod.utils._python_dispatch._get_current_dispatch_mode() is None)
            return func(*args, **(kwargs or {}))
    return CountingMode


def test_mode_counts_ops_on_plain_tensors_with_autograd():
    results = []
    for mod in (torch, ember):
        Mode = _counting_mode(mod)
        mod.manual_seed(0)
        x = mod.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
        w = mod.tensor([[0.5, 1.5], [-1.0, 2.0]])
        with Mode() as mode:
            assert mod.utils._python_dispatch._get_current_dispatch_mode() is mode
            y = mod.mm(x, w)
            z = (y * 2).sum()
        assert mod.utils._python_dispatch._get_current_dispatch_mode() is None
        z.backward()
        assert type(y.grad_fn).__name__ == "MmBackward0"
        results.append((dict(mode.counts), all(mode.inner_modes), x.grad.tolist(), z.item()))
    assert results[1] == results[0]


def test_mode_sees_backward_and_wrapper_subclass_calls():
    """A mode active during backward sees the backward's ops; a mode above a wrapper subclass
    sees the subclass's calls first (its handler then reaches the subclass's)."""
    outs = []
    for mod in (torch, ember):
        Mode, LT = _counting_mode(mod), _logging_tensor(mod)
        x = LT(mod.tensor([1.0, 2.0]))
        with Mode() as mode:
            r = (x * 3).neg()
        outs.append((dict(mode.counts), [e[0] for e in LT.log], r.elem.tolist()))
        a = mod.tensor([1.0, 2.0], requires_grad=True)
        b = (a * a).sum()
        with Mode() as mode:
            b.backward()
        assert "aten.mul.Tensor" in mode.counts
        outs.append(a.grad.tolist())
    assert outs[2:] == outs[:2]


def test_nested_modes_see_calls_outer_last():
    seen = []
    for mod in (torch, ember):
        base = mod.utils._python_dispatch.TorchDispatchMode
        order = []

        class Named(base):
            def __init__(self, name):
                super().__init__()
                self.name = name

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                order.append((self.name, str(func)))
                return func(*args, **(kwargs or {}))
        with Named("outer"), Named("inner"):
            mod.ones(2).add(1)
        seen.append(order)
    assert seen[1] == seen[0]


def test_aten_overload_called_directly_dispatches():
    for mod in (torch, ember):
        LT = _logging_tensor(mod)
        x = LT(mod.ones(2))
        r = mod.ops.aten.mul.Tensor(x, x)
        assert type(r) is LT and LT.log[-1][0] == "aten.mul.Tensor"


def test_aten_schema_table_is_torchs():
    """``ember/_aten_schemas.json`` (regenerate: ``python -m tests.aten_overloads``)."""
    import json
    from tests import aten_overloads
    assert json.loads(aten_overloads.SCHEMAS.read_text()) == aten_overloads.schemas(torch)


def test_compile_graph_break_is_the_users_with_the_dispatch_layer_on():
    """Once a dispatch subclass exists every op runs through the binding layer's wrappers; a
    ``.item()`` in the user's compiled function is still the user's read: a graph break,
    warned once with the user's line, and calls stay equal to eager."""
    import warnings
    LT = _logging_tensor(ember)
    LT(ember.ones(2)) + 1          # the dispatch layer is on from here

    def f(x):
        s = x.sum().item()
        return x * s

    compiled = ember.compile(f)
    with pytest.warns(UserWarning, match=r"Graph break in compiled code at .*test_torch_dispatch"):
        compiled(ember.randn(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ember.randn(4)
        assert ember.equal(compiled(y), f(y))
