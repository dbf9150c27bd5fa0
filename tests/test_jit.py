"""ember.jit: tracing to an ember.fx graph, replay, save / load without the model's class
(scripting: tests/test_jit_script.py)."""
import subprocess
import sys
import textwrap
import warnings

import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember import jit


def models(torch):
    """The MLP and the residual CNN, written against ``torch``: ember here, and PyTorch too
    where tests/test_fx.py compares with torch.fx."""
    nn, F = torch.nn, torch.nn.functional

    class MLP(nn.Module):
        """The seeds' MLP (tests/scripts/mlp_classifier.py)."""

        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 16)
            self.fc2 = nn.Linear(16, 3)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))

    class ResidualCNN(nn.Module):
        """conv / batch norm / relu / pooling with a skip connection, then a classifier."""

        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.bn = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(8)
            self.pool = nn.MaxPool2d(2)
            self.avg = nn.AvgPool2d(2)
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.drop = nn.Dropout(0.2)
            self.fc = nn.Linear(8, 5)

        def forward(self, x):
            y = self.pool(F.relu(self.bn(self.conv(x))))
            y = F.relu(self.bn2(self.conv2(y)) + y)
            y = self.gap(self.avg(y)).flatten(1)
            return F.log_softmax(self.fc(self.drop(y)), dim=1)

    return MLP, ResidualCNN


MLP, ResidualCNN = models(ember)


def _cnn(torch=ember):
    torch.manual_seed(0)
    m = models(torch)[1]()
    with torch.no_grad():   # non-trivial running statistics
        for bn in (m.bn, m.bn2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
    return m.eval()


def _close(a, b, tol=1e-6):
    if isinstance(a, tuple):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    return a.shape == b.shape and float((a - b).abs().max()) <= tol


def _vision(name):
    models = pytest.importorskip("ember.vision.models")
    ember.manual_seed(0)
    return getattr(models, name)(num_classes=10).eval()


def _mobilenet_v2():
    return _vision("mobilenet_v2")


def _resnet18():
    return _vision("resnet18")


def _encoder_layer():
    ember.manual_seed(0)
    return nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
                                      batch_first=True).eval()


def _lstm():
    ember.manual_seed(0)
    return nn.LSTM(input_size=8, hidden_size=16, num_layers=2, batch_first=True).eval()


@pytest.mark.parametrize("make,shape", [(MLP, (5, 4)), (_cnn, (2, 3, 16, 16))])
def test_trace_matches_eager_at_other_batch_sizes(make, shape):
    m = make()
    traced = jit.trace(m, ember.randn(*shape))
    for n in (1, 7):
        x = ember.randn(n, *shape[1:])
        assert _close(traced(x), m(x))
    assert list(traced.state_dict()) == list(m.state_dict())
    assert isinstance(traced, jit.ScriptModule)


def test_graph_and_code_name_the_ops():
    """The trace is an ember.fx graph: modules inlined, parameters read by get_attr under
    their state_dict names, ember's functions called by call_function."""
    traced = jit.trace(MLP(), ember.randn(2, 4))
    graph = traced.graph
    assert isinstance(graph, ember.fx.Graph)
    assert [(n.op, n.target) for n in graph.nodes] == [
        ("placeholder", "x"), ("get_attr", "fc1.weight"), ("get_attr", "fc1.bias"),
        ("call_function", F.linear), ("call_function", F.relu), ("get_attr", "fc2.weight"),
        ("get_attr", "fc2.bias"), ("call_function", F.linear), ("output", "output")]
    text = str(graph)
    assert "%linear : [num_users=1] = call_function[target=ember.nn.functional.linear](args = " \
        "(%x, %fc1_weight, %fc1_bias), kwargs = {})" in text
    assert text.endswith("return linear_1")
    assert "self.fc1.weight" in traced.code
    assert "def forward(self, x):" in traced.code
    assert "relu = ember.nn.functional.relu(linear);  linear = None" in traced.code


def test_trace_shares_parameters_with_the_module():
    m = MLP()
    traced = jit.trace(m, ember.randn(2, 4))
    with ember.no_grad():
        m.fc2.bias.add_(1.0)
    x = ember.randn(3, 4)
    assert _close(traced(x), m(x))


def test_trace_function_with_operators_and_methods():
    w = ember.randn(3, 3)

    def f(x, y):
        return (2 * x + y).matmul(w).t()[0], x.sum(1) / 3

    x, y = ember.randn(3, 3), ember.randn(3, 3)
    traced = jit.trace(f, (x, y))
    for got, want in zip(traced(x + 1, y), f(x + 1, y)):
        assert _close(got, want)
    constant = traced.graph.find_nodes(op="get_attr")[0]
    assert constant.target == "_tensor_constant0" and traced._tensor_constant0 is not w
    assert _close(traced._tensor_constant0, w)
    assert "matmul = add.matmul(_tensor_constant0)" in traced.code


def test_tracing_restores_every_binding():
    before = (ember.add, ember.Tensor.__add__, F.relu, ember.Tensor.item, nn.ReLU.__dict__["_fn"])
    jit.trace(_cnn(), ember.randn(1, 3, 8, 8))
    with pytest.raises(RuntimeError, match="invalid for input of size 4"):
        jit.trace(lambda x: x.view(5), ember.randn(2, 2))
    after = (ember.add, ember.Tensor.__add__, F.relu, ember.Tensor.item, nn.ReLU.__dict__["_fn"])
    assert all(a is b for a, b in zip(before, after))


def test_python_value_conversion_warns():
    def f(x):
        return x * 2 if bool(x.sum() > 0) else x * x.max().item()

    with pytest.warns(jit.TracerWarning, match="Python value"):
        jit.trace(f, ember.ones(3))


def test_check_trace_warns_on_divergence():
    with pytest.warns(jit.TracerWarning, match="does not match"):
        jit.trace(lambda x: x + ember.randn(3), ember.ones(3))


@pytest.mark.parametrize("bad", [3, "x", [ember.ones(2), 1.5]])
def test_unsupported_example_inputs(bad):
    with pytest.raises(ember.UnsupportedError, match="example inputs must be tensors"):
        jit.trace(lambda *a: a[0], bad)


def test_unsupported_output():
    with pytest.raises(ember.UnsupportedError, match="must return tensors"):
        jit.trace(lambda x: [x], ember.ones(2))
    traced = jit.trace(lambda x: [x * 2], ember.ones(2), strict=False)
    assert _close(traced(ember.ones(2))[0], ember.full((2,), 2.0))


_LOAD_AND_RUN = textwrap.dedent("""
    import sys
    import ember
    m = ember.jit.load(sys.argv[1])
    m.eval()
    xs = ember.load(sys.argv[2])
    ember.save({"outs": [m(x) for x in xs], "keys": list(m.state_dict()),
                "code": m.code}, sys.argv[3])
""")


# The LSTM's trace unrolls its time steps (a fixed sequence length) but not its batch size.
@pytest.mark.slow
@pytest.mark.parametrize("make,shape,batches", [
    (MLP, (5, 4), (1, 7)), (_cnn, (2, 3, 16, 16), (1, 7)),
    (_mobilenet_v2, (2, 3, 32, 32), (1, 3)), (_resnet18, (2, 3, 32, 32), (1, 3)),
    (_encoder_layer, (2, 5, 32), (1, 7)), (_lstm, (2, 5, 8), (1, 2, 7))])
def test_save_load_in_fresh_process_without_class(make, shape, batches, tmp_path):
    m = make()
    traced = jit.trace(m, ember.randn(*shape))
    path, inputs, result = tmp_path / "model.pt", tmp_path / "in.pt", tmp_path / "out.pt"
    traced.save(str(path))
    xs = [ember.randn(n, *shape[1:]) for n in batches]
    ember.save(xs, str(inputs))
    subprocess.run([sys.executable, "-c", _LOAD_AND_RUN, str(path), str(inputs), str(result)],
                   check=True, cwd=str(tmp_path))
    got = ember.load(str(result))
    with ember.no_grad():
        for x, out in zip(xs, got["outs"]):
            assert _close(out, m(x), 1e-5)
    assert got["keys"] == list(m.state_dict()) and got["code"] == traced.code


def test_load_round_trip_in_process(tmp_path):
    m = _cnn()
    path = tmp_path / "cnn.pt"
    jit.save(jit.trace(m, ember.randn(2, 3, 8, 8)), str(path))
    loaded = jit.load(str(path))
    x = ember.randn(3, 3, 8, 8)
    assert _close(loaded(x), m(x))
    assert not loaded.training and loaded.original_name == "ResidualCNN"
    for k, v in m.state_dict().items():
        assert _close(loaded.state_dict()[k].double(), v.double(), 0)
    assert {n for n, _ in loaded.named_parameters()} == {n for n, _ in m.named_parameters()}
    loaded.train()
    assert loaded.training


def test_load_rejects_other_files(tmp_path):
    path = tmp_path / "weights.pt"
    ember.save({"a": ember.ones(2)}, str(path))
    with pytest.raises(RuntimeError, match="not an ember.jit archive"):
        jit.load(str(path))


def test_resnet18_trace_save_load(tmp_path):
    m = _resnet18()
    traced = jit.trace(m, ember.randn(1, 3, 32, 32))
    jit.save(traced, str(tmp_path / "r.pt"))
    loaded = jit.load(str(tmp_path / "r.pt"))
    x = ember.randn(2, 3, 32, 32)
    assert _close(loaded(x), m(x), 1e-5)
