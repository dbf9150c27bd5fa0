"""ember.fx against torch.fx: symbolic tracing, the printed graph and generated code, graph
edits, Interpreter / Transformer, TraceError, concrete_args, wrap, pickling, and a
symbolically traced module going through jit.trace / save / load and ONNX export."""
import copy
import io
import operator
import re
import subprocess
import sys

import numpy as np
import pytest

import ember
import ember.fx as fx
from tests.test_jit import _cnn, models


def _models(torch):
    """tests/test_jit.py's MLP and residual CNN, and a model mixing everything, written
    against ``torch`` (ember or PyTorch)."""
    nn = torch.nn

    class Block(nn.Module):
        """Not a leaf: traced through, its submodules called by their dotted paths."""

        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(8, 8)
            self.scale = nn.Parameter(torch.ones(8))

        def forward(self, x):
            return self.lin(x) * self.scale + x

    class Mixed(nn.Module):
        """Submodule calls, methods, operators, attributes, parameters and buffers."""

        def __init__(self):
            super().__init__()
            self.blocks = nn.Sequential(Block(), Block())
            self.proj = nn.Linear(8, 6)
            self.register_buffer("shift", torch.arange(2.0) / 10)

        def forward(self, x):
            h = self.blocks(x)
            a, b = self.proj(h).chunk(2, dim=-1)
            n = x.shape[0]
            y = torch.cat([a.sigmoid(), -b], 1).view(n, 2, x.size(1) - 5)
            z = y.transpose(1, 2) @ y[:, :, :2] - self.shift
            w = torch.relu(z.sum(dim=-1, keepdim=True)) / 2
            return w.flatten(1) + self.blocks[0].lin.bias[:1], h.mean(0)

    return (*models(torch), Mixed)


MLP, ResidualCNN, Mixed = _models(ember)


def _pair(torch, index):
    """(ember model, the same model in PyTorch with the same weights)."""
    ember.manual_seed(0)
    m = _cnn(ember) if index == 1 else _models(ember)[index]()
    t = _models(torch)[index]()
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    return m.eval(), t.eval()


def _inputs(index):
    return [(5, 4), (2, 3, 8, 8), (3, 8)][index]


def _comparable(text):
    """A printed graph's lines with torch's names as ember's.  torch's Python functionals
    record their defaulted keyword arguments too (``inplace: False``); ember's record what
    the caller passed, so kwargs of ``nn.functional`` calls are left out."""
    lines = []
    for line in text.replace("torch.", "ember.").splitlines():
        if "target=ember.nn.functional." in line:
            line = line[:line.index(", kwargs = ")]
        lines.append(line)
    return lines


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("index", [0, 1, 2], ids=["MLP", "ResidualCNN", "Mixed"])
def test_symbolic_trace_matches_torch_fx(torch, index):
    m, t = _pair(torch, index)
    gm, tgm = fx.symbolic_trace(m), torch.fx.symbolic_trace(t)
    assert isinstance(gm, fx.GraphModule) and isinstance(gm, ember.nn.Module)
    assert type(gm).__name__ == type(tgm).__name__ == type(m).__name__
    assert _comparable(str(gm.graph)) == _comparable(str(tgm.graph))
    assert [n.name for n in gm.graph.nodes] == [n.name for n in tgm.graph.nodes]
    x = ember.randn(*_inputs(index))
    with ember.no_grad():
        got, eager = gm(x), m(x)
    want = tgm(torch.tensor(x.numpy()))
    for g, e, w in zip(*(o if isinstance(o, tuple) else (o,) for o in (got, eager, want))):
        np.testing.assert_allclose(_np(g), _np(e), rtol=0, atol=0)
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-5, atol=1e-5)
    assert list(gm.state_dict()) == list(m.state_dict())


def test_generated_code_matches_torch_fx(torch):
    m, t = _pair(torch, 2)
    gm, tgm = fx.symbolic_trace(m), torch.fx.symbolic_trace(t)
    assert gm.code == tgm.code.replace("torch.", "ember.")
    assert "getitem = chunk[0]" in gm.code and "matmul = transpose @ getitem_3" in gm.code
    assert gm.graph.python_code("self").src == gm.code
    assert str(gm).replace("torch.", "ember.").startswith("Mixed(\n  (blocks): Module(")
    assert str(gm) == str(tgm).replace("torch.", "ember.")


def test_graph_module_shares_the_root_attributes():
    m = Mixed()
    gm = fx.symbolic_trace(m)
    assert gm.get_submodule("blocks.0.lin") is m.blocks[0].lin and gm.shift is m.shift
    assert gm.get_parameter("blocks.1.scale") is m.blocks[1].scale
    assert [n for n, _ in gm.named_buffers()] == ["shift"]
    from_dict = fx.GraphModule({"blocks.0.lin": m.blocks[0].lin, "blocks.0.scale": ember.ones(8),
                                "blocks.1.lin": m.blocks[1].lin, "blocks.1.scale": ember.ones(8),
                                "blocks.0.lin.bias": m.blocks[0].lin.bias,
                                "proj": m.proj, "shift": m.shift}, gm.graph)
    assert type(from_dict).__name__ == "GraphModule" and type(gm).__name__ == "Mixed"
    x = ember.randn(3, 8)
    with ember.no_grad():
        np.testing.assert_allclose(_np(from_dict(x)[0]), _np(m(x)[0]), rtol=1e-6)


def test_graph_edit_replace_add_with_mul(torch):
    def f(x, y):
        return ember.relu(x + y) + 1

    def tf(x, y):
        return torch.relu(x + y) + 1

    gms = fx.symbolic_trace(f), torch.fx.symbolic_trace(tf)
    for gm, mod in zip(gms, (ember, torch)):
        for node in gm.graph.nodes:
            if node.op == "call_function" and node.target is operator.add:
                node.target = operator.mul
        gm.recompile()
    gm, tgm = gms
    assert gm.code == tgm.code.replace("torch.", "ember.")
    assert "add_1 = relu * 1" in gm.code      # nodes keep their names
    x, y = ember.randn(4), ember.randn(4)
    np.testing.assert_allclose(_np(gm(x, y)), _np(ember.relu(x * y)), rtol=1e-6)


def test_graph_surgery_matches_torch_fx(torch):
    """Insert a node, reroute uses, erase, dead-code elimination, lint."""
    outs = []
    for mod, fxm in ((ember, fx), (torch, torch.fx)):
        def f(x):
            return mod.relu(x).sum(1) + x.sum(1)
        gm = fxm.symbolic_trace(f)
        g = gm.graph
        relu = next(n for n in g.nodes if n.target is mod.relu)
        with g.inserting_after(relu):
            neg = g.call_function(operator.neg, (relu,))
        relu.replace_all_uses_with(neg, delete_user_cb=lambda user: user is not neg)
        with g.inserting_before(relu):
            dead = g.call_method("exp", (relu.args[0],))
        with pytest.raises(RuntimeError, match="^Tried to erase Node relu but it still had 1 "
                                               r"users in the graph: \{neg: None\}!$"):
            g.erase_node(relu)
        assert dead.users == {} and g.eliminate_dead_code()
        g.lint()
        gm.recompile()
        outs.append((str(g).replace("torch.", "ember."), gm.code.replace("torch.", "ember."),
                     [n.name for n in g.nodes], neg.prev.name, neg.next.name))
    assert outs[0] == outs[1]
    x = ember.randn(3, 4)
    np.testing.assert_allclose(_np(gm(torch.tensor(x.numpy()))),
                               _np((-ember.relu(x)).sum(1) + x.sum(1)), rtol=1e-6)


def test_lint_reports_use_before_definition(torch):
    messages = []
    for mod, fxm in ((ember, fx), (torch, torch.fx)):
        g = fxm.symbolic_trace(lambda x: mod.relu(x) + 1).graph
        relu, add = g.find_nodes(op="call_function", target=mod.relu) + \
            g.find_nodes(op="call_function", target=operator.add)
        relu.prepend(add)
        with pytest.raises(RuntimeError) as info:
            g.lint()
        messages.append(str(info.value).replace("torch.", "ember."))
    assert messages[0] == messages[1]
    assert messages[0].startswith("Argument 'relu' of Node 'add' was used before it has been "
                                  "defined! Please check that Nodes in the graph are "
                                  "topologically ordered\ngraph():")


def test_handmade_graph_prints_like_torch_fx(torch):
    texts = []
    for mod, fxm in ((ember, fx), (torch, torch.fx)):
        g = fxm.Graph()
        x = g.placeholder("x")
        k = g.placeholder("k", default_value=2)
        w = g.get_attr("lin.weight")
        y = g.call_module("lin", (x,))
        s = g.call_method("sum", (y,), {"dim": -1})
        with g.inserting_after(y):      # both land right after y: the last one first
            first = g.call_function(mod.relu, (y,))
            second = g.call_function(operator.getitem, (w, (slice(None, 2), Ellipsis)))
        out = g.call_function(mod.cat, ([first, second, s], k))
        g.output((out, {"w": w, "n": [1.5, "a", None]}))
        texts.append((str(g), g.python_code("self").src,
                      [n.name for n in g.nodes], [len(n.users) for n in g.nodes]))
    (graph, code, names, users), (tgraph, tcode, tnames, tusers) = texts
    assert graph == tgraph.replace("torch.", "ember.")
    assert code == tcode.replace("torch.", "ember.")
    assert names == tnames and users == tusers


def test_interpreter_subclass_overrides_call_function(torch):
    results = []
    for mod, fxm, make in ((ember, fx, MLP), (torch, torch.fx, _models(torch)[0])):
        class SwapReluForSigmoid(fxm.Interpreter):
            def call_function(self, target, args, kwargs):
                if target is mod.nn.functional.relu:
                    return mod.sigmoid(*args)
                return super().call_function(target, args, kwargs)

        mod.manual_seed(0)
        m = make()
        if mod is torch:
            m.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ref.state_dict().items()})
        else:
            ref = m
        interp = SwapReluForSigmoid(fxm.symbolic_trace(m))
        x = mod.ones(2, 4)
        with mod.no_grad():
            results.append(_np(interp.run(x)))
            assert [n.op for n in interp.env] == ["output"]   # others freed after last use
    with ember.no_grad():
        want = ref.fc2(ember.sigmoid(ref.fc1(ember.ones(2, 4))))
    np.testing.assert_allclose(results[0], _np(want), rtol=1e-6)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def test_interpreter_errors_match_torch(torch):
    for fxm, mod in ((fx, ember), (torch.fx, torch)):
        gm = fxm.symbolic_trace(lambda x, y: x + y)
        with pytest.raises(RuntimeError, match="^Expected positional argument for parameter y, "
                                               "but one was not passed in!"):
            fxm.Interpreter(gm).run(mod.ones(1))


def test_transformer_rewrites_calls(torch):
    graphs = []
    for mod, fxm in ((ember, fx), (torch, torch.fx)):
        class AddToMul(fxm.Transformer):
            def call_function(self, target, args, kwargs):
                if target is operator.add:
                    target = operator.mul
                return super().call_function(target, args, kwargs)

        def f(x, y):
            return mod.relu(x + y).sum(0) + x.shape[0]

        new = AddToMul(fxm.symbolic_trace(f)).transform()
        graphs.append((str(new.graph).replace("torch.", "ember."),
                       new.code.replace("torch.", "ember.")))
    assert graphs[0] == graphs[1]
    x, y = ember.randn(3), ember.randn(3)
    np.testing.assert_allclose(_np(new(torch.tensor(x.numpy()), torch.tensor(y.numpy()))),
                               _np(ember.relu(x * y).sum(0) * 3), rtol=1e-6)


def _trace_errors(fxm, mod):
    def branch(x):
        if x.sum() > 0:
            return x
        return -x

    def loop(x):
        return [r for r in x]

    def length(x):
        return len(x)

    out = []
    for f in (branch, loop, length):
        try:
            fxm.symbolic_trace(f)
        except Exception as e:      # noqa: BLE001  (comparing what each library raises)
            out.append((type(e).__name__, [c.__name__ for c in type(e).__mro__[1:]], str(e)))
    return out


def _bindings():
    return (ember.add, ember.Tensor.__add__, ember.Tensor.view, ember.nn.functional.relu,
            ember.nn.Module.__call__, ember.nn.Module.__getattr__, ember.nn.ReLU.__dict__["_fn"])


def test_data_dependent_control_flow_raises_trace_error(torch):
    before = _bindings()
    with pytest.raises(fx.proxy.TraceError, match="^symbolically traced variables cannot be "
                                                  "used as inputs to control flow$"):
        fx.symbolic_trace(lambda x: x if x.sum() > 0 else -x)
    assert issubclass(fx.proxy.TraceError, ValueError)
    assert _trace_errors(fx, ember) == _trace_errors(torch.fx, torch)
    assert all(a is b for a, b in zip(before, _bindings()))     # tracing patches are undone


def test_tuple_unpacking_of_a_proxy(torch):
    def f(x):
        a, b = x.chunk(2)
        return b, a

    def tf(x):
        a, b = x.chunk(2)
        return b, a

    gm, tgm = fx.symbolic_trace(f), torch.fx.symbolic_trace(tf)
    assert gm.code == tgm.code
    b, a = gm(ember.arange(4.0))
    assert a.tolist() == [0.0, 1.0] and b.tolist() == [2.0, 3.0]


def _ember_names(text):
    return text.replace("torch.", "ember.")


def test_concrete_args(torch):
    pairs = []
    for mod, fxm in ((ember, fx), (torch, torch.fx)):
        def f(x, y=None, flag=False, n=2):
            if y is not None:
                x = x + y
            if flag:
                x = x.relu()
            return x * n

        gm = fxm.symbolic_trace(f, concrete_args={"y": None, "flag": True, "n": fxm.PH})
        pairs.append([_ember_names(text) for text in (str(gm.graph), gm.code)])
        x = mod.tensor([-1.0, 2.0])
        assert gm(x, None, True, 3).tolist() == [0.0, 6.0]
        with pytest.raises(AssertionError, match="^flag has been specialized to have value "
                                                 "True but got another value$"):
            gm(x, None, False)
        with pytest.raises(AssertionError, match="^y has been specialized to have value None"):
            gm(x, x, True)
    assert pairs[0] == pairs[1]


def my_scale(x, k):
    """A leaf of symbolic tracing (wrapped below): recorded as one call."""
    return x * k if k > 0 else x


fx.wrap("my_scale")


def test_wrapped_function_is_one_call():
    gm = fx.symbolic_trace(lambda x: my_scale(x, 3) + 1)
    calls = [n for n in gm.graph.nodes if n.op == "call_function"]
    assert calls[0].target is my_scale and calls[0].args[1] == 3
    # (the generated name is the function's module path with underscores, as torch.fx's)
    assert f'ember.fx._symbolic_trace.wrap("{__name__.replace(".", "_")}_my_scale")' in gm.code
    assert gm(ember.ones(2)).tolist() == [4.0, 4.0]
    again = fx.symbolic_trace(gm)           # the generated code keeps it wrapped
    assert [n.target for n in again.graph.nodes if n.op == "call_function"][0] is my_scale
    with pytest.raises(NotImplementedError, match="top level of a module"):
        fx.wrap("my_scale")


def test_custom_tracer_leaves():
    class Block(ember.nn.Module):
        def forward(self, x):
            return x + 1

    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.act = ember.nn.ReLU()
            self.seq = ember.nn.Sequential(ember.nn.Tanh())

        def forward(self, x):
            return self.seq(self.act(self.block(x)))

    tracer = fx.Tracer()
    net = Net()
    assert tracer.is_leaf_module(net.act, "act") and not tracer.is_leaf_module(net.seq, "seq")
    assert not tracer.is_leaf_module(net.block, "block")
    assert [n.target for n in tracer.trace(net).nodes][1:4] == [operator.add, "act", "seq.0"]

    class BlockIsLeaf(fx.Tracer):
        def is_leaf_module(self, m, qualified_name):
            return isinstance(m, Block) or super().is_leaf_module(m, qualified_name)

    graph = BlockIsLeaf().trace(net)
    assert [(n.op, n.target) for n in graph.nodes][1] == ("call_module", "block")
    assert fx.GraphModule(net, graph)(ember.zeros(2)).tolist() == pytest.approx([0.7615942] * 2)


def test_pickle_and_deepcopy():
    m = Mixed()
    gm = fx.symbolic_trace(m)
    buf = io.BytesIO()
    ember.save(gm, buf)
    buf.seek(0)
    loaded = ember.load(buf, weights_only=False)
    dup = copy.deepcopy(gm)
    x = ember.randn(3, 8)
    with ember.no_grad():
        want = gm(x)
        for other in (loaded, dup):
            assert type(other).__name__ == "Mixed" and other.code == gm.code
            assert list(other.state_dict()) == list(m.state_dict())
            for g, w in zip(other(x), want):
                np.testing.assert_allclose(_np(g), _np(w), rtol=1e-6)
    assert dup.proj.weight is not gm.proj.weight


def test_symbolic_traced_module_through_jit_and_onnx(tmp_path):
    m = _cnn(ember)
    gm = fx.symbolic_trace(m)
    traced = ember.jit.trace(gm, ember.randn(2, 3, 8, 8))
    assert "call_module" not in str(traced.graph)      # jit inlines every module
    assert list(traced.state_dict()) == list(m.state_dict())
    path = tmp_path / "gm.pt"
    ember.jit.save(traced, str(path))
    loaded = ember.jit.load(str(path))
    x = ember.randn(4, 3, 8, 8)
    with ember.no_grad():
        np.testing.assert_allclose(_np(loaded(x)), _np(m(x)), rtol=1e-5, atol=1e-6)
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    got = ember.onnx.verify(gm, (x,), str(tmp_path / "gm.onnx"), input_names=["x"],
                            dynamic_axes={"x": {0: "batch"}})
    assert got[0].shape == (4, 5)
    ops = {n.op_type for n in onnx.load(str(tmp_path / "gm.onnx")).graph.node}
    assert {"Conv", "BatchNormalization", "MaxPool", "LogSoftmax"} <= ops


def test_print_readable(torch):
    m, t = _pair(torch, 2)
    text = fx.symbolic_trace(m).print_readable(print_output=False)
    ttext = torch.fx.symbolic_trace(t).print_readable(print_output=False)
    ttext = re.sub(r"\n\s*# No stacktrace found for following nodes", "", ttext)
    assert text == ttext.replace("torch.", "ember.")


def test_assert_like_torch(torch):
    for lib in (ember, torch):
        lib._assert(True, "unused")
        lib._assert(lib.tensor(1.0) > 0, "unused")
        with pytest.raises(AssertionError, match="^shape mismatch$"):
            lib._assert(False, "shape mismatch")


@pytest.mark.slow
def test_public_names_match_torch_fx_and_load_lazily(torch):
    """``ember.fx`` offers torch.fx's names, each module loaded on first use: asking
    ``isinstance(x, fx.Proxy)`` (as libraries do in forward) loads neither the tracer nor nn."""
    for name in fx.__all__:
        assert name in dir(fx)
        if hasattr(torch.fx, name):
            assert type(getattr(fx, name)).__name__ == type(getattr(torch.fx, name)).__name__
    with pytest.raises(AttributeError, match="^module 'ember.fx' has no attribute 'nope'$"):
        fx.nope
    code = ("import sys, ember, ember.fx\n"
            "assert not isinstance(1, ember.fx.Proxy)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('ember.fx', 'ember.nn'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert eval(out) == ["ember.fx", "ember.fx._codegen", "ember.fx._optable", "ember.fx.graph",
                         "ember.fx.node", "ember.fx.proxy"]
