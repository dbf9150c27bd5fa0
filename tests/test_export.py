"""``torch.export`` against torch: the same modules exported by both give the same outputs
through ``.module()``, the same input specs (kinds, placeholder names, targets), state dict
keys, guards and errors."""
import io
import subprocess
import sys

import numpy as np
import pytest
import torch

import ember


def _mlp(lib):
    class MLP(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = lib.nn.Linear(4, 16), lib.nn.Linear(16, 3)

        def forward(self, x):
            return self.fc2(lib.nn.functional.relu(self.fc1(x)))
    return MLP()


def _convnet(lib):
    class ConvNet(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.nn.Conv2d(3, 4, 3, padding=1)
            self.bn = lib.nn.BatchNorm2d(4)
            self.register_buffer("shift", lib.ones(4, 1, 1), persistent=False)
            self.fc = lib.nn.Linear(4, 2)

        def forward(self, x):
            y = lib.relu(self.bn(self.conv(x)) + self.shift)
            return self.fc(y.mean((2, 3)))
    return ConvNet()


def _kwargs_tuple(lib):
    class Pair(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(4, 4)
            self.table = lib.arange(4.0)          # a plain tensor attribute: a constant

        def forward(self, x, pair, *, scale=1.0, bias=None):
            h = self.fc(x) * scale + pair[1].sum()
            if bias is not None:
                h = h + bias
            return h, (h.view(x.shape[0] * 2, -1) + self.table[:2], pair[0].abs())
    return Pair()


def _copy(tm, em, dtype):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return tm.to(dtype), em.to(getattr(ember, str(dtype).split(".")[1]))


def _pair(factory, dtype=torch.float32, train=True):
    tm, em = _copy(factory(torch), factory(ember), dtype)
    tm.train(train)
    em.train(train)
    return tm, em


def _inputs(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(str(dtype).split(".")[1]) for s in shapes]
    return [torch.tensor(a) for a in arrays], [ember.tensor(a) for a in arrays]


def _close(a, b, tol):
    ta, tb = torch.utils._pytree.tree_leaves(a), ember.utils._pytree.tree_leaves(b)
    assert len(ta) == len(tb)
    for x, y in zip(ta, tb):
        np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy(), rtol=tol, atol=tol)


def _specs(ep):
    return [(s.kind.name, s.arg.name, s.target, s.persistent)
            for s in ep.graph_signature.input_specs]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("factory,shape,train", [(_mlp, (5, 4), True), (_convnet, (2, 3, 6, 5), True),
                                                 (_convnet, (2, 3, 6, 5), False)])
def test_module_outputs_specs_and_state_match_torch(factory, shape, train, dtype):
    tm, em = _pair(factory, dtype, train)
    (tx,), (ex,) = _inputs([shape], dtype)
    tep = torch.export.export(tm, (tx,))
    before = {k: v.numpy().copy() for k, v in em.state_dict().items()}
    eep = ember.export.export(em, (ex,))
    for k, v in em.state_dict().items():        # exporting leaves the module's state alone
        np.testing.assert_array_equal(v.numpy(), before[k])
    assert _specs(eep) == _specs(tep)
    assert list(eep.state_dict) == list(tep.state_dict)
    assert list(eep.constants) == [k for k in tep.constants]
    sig, tsig = eep.graph_signature, tep.graph_signature
    assert (sig.parameters, sig.buffers, sig.user_inputs) == \
        (tsig.parameters, tsig.buffers, tsig.user_inputs)
    assert len(sig.user_outputs) == len(tsig.user_outputs)
    tmod, emod = tep.module(), eep.module()
    assert list(emod.state_dict()) == list(tmod.state_dict())
    assert [n for n, _ in emod.named_buffers()] == [n for n, _ in tmod.named_buffers()]
    (tx2,), (ex2,) = _inputs([shape], dtype, seed=1)
    tol = 1e-5 if dtype is torch.float32 else 1e-12
    _close(tep.module()(tx2), eep.module()(ex2), tol)
    _close(tep.state_dict, eep.state_dict, tol)     # running the module updates the state


def test_kwargs_pytree_inputs_and_tuple_outputs():
    tm, em = _pair(_kwargs_tuple)
    (tx, t0, t1), (ex, e0, e1) = _inputs([(3, 4), (2,), (5,)], torch.float32)
    tep = torch.export.export(tm, (tx, (t0, t1)), {"scale": 2.0})
    eep = ember.export.export(em, (ex, (e0, e1)), {"scale": 2.0})
    assert _specs(eep) == _specs(tep)
    assert eep.graph_signature.user_inputs == tep.graph_signature.user_inputs
    assert list(eep.constants) == list(tep.constants) == ["table"]
    assert list(eep.module().state_dict()) == list(tep.module().state_dict())
    assert eep.example_inputs[1] == {"scale": 2.0}
    tout = tep.module()(tx, (t0, t1), scale=2.0)
    eout = eep.module()(ex, (e0, e1), scale=2.0)
    tkw = torch.export.export(tm, (tx,), {"scale": 2.0, "pair": (t0, t1), "bias": t0[:1]})
    ekw = ember.export.export(em, (ex,), {"scale": 2.0, "pair": (e0, e1), "bias": e0[:1]})
    _close(tkw.module()(tx, bias=t0[:1], pair=(t0, t1), scale=2.0),     # keywords reordered
           ekw.module()(ex, bias=e0[:1], scale=2.0, pair=(e0, e1)), 1e-5)
    for lib, ep, x in ((torch, tkw, tx), (ember, ekw, ex)):
        with pytest.raises(ValueError, match=r"Ran into a kwarg keyword mismatch: Got the "
                           r"following keywords \['scale'\] but expected \['scale', 'pair', "
                           r"'bias'\]"):
            ep.module()(x, scale=2.0)
    assert isinstance(eout, tuple) and isinstance(eout[1], tuple)
    _close(tout, eout, 1e-5)
    for lib, ep, x, p in ((torch, tep, tx, (t0, t1)), (ember, eep, ex, (e0, e1))):
        with pytest.raises(AssertionError, match=r"Guard failed: scale == 2\.0"):
            ep.module()(x, p, scale=3.0)
        with pytest.raises(AssertionError, match=r"Guard failed: x\.size\(\)\[0\] == 3"):
            ep.module()(lib.cat([x, x]), p, scale=2.0)
        with pytest.raises(ValueError, match="Trying to flatten user inputs"):
            ep.module()(x, p[:1], scale=2.0)


def test_graph_holds_aten_overloads_as_torch_shows_them():
    class M(torch.nn.Module):
        def forward(self, x):
            return x.relu() * 2 + x.sum()

    class E(ember.nn.Module):
        def forward(self, x):
            return x.relu() * 2 + x.sum()
    tep = torch.export.export(M(), (torch.randn(3),))
    eep = ember.export.export(E(), (ember.randn(3),))
    calls = [(n.name, str(n.target)) for n in tep.graph.nodes if n.op == "call_function"]
    assert [(n.name, str(n.target)) for n in eep.graph.nodes
            if n.op == "call_function"] == calls
    assert "ember.ops.aten.mul.Tensor(relu, 2)" in eep.graph_module.code
    text = str(eep)
    assert text.startswith("ExportedProgram:") and "x: USER_INPUT" in text
    assert "Range constraints: {}" in text
    assert eep.run_decompositions().module()(ember.ones(3)).tolist() == [5.0] * 3


def test_dynamic_batch_runs_other_sizes_and_guards_static_dims():
    tm, em = _pair(_kwargs_tuple)
    (tx, t0, t1), (ex, e0, e1) = _inputs([(5, 4), (2,), (3,)], torch.float32)
    eps = []
    for lib, x, p in ((torch, tx, (t0, t1)), (ember, ex, (e0, e1))):
        batch = lib.export.Dim("batch", min=2, max=64)
        spec = {"x": {0: batch}, "pair": (None, None), "scale": None}
        eps.append(lib.export.export(tm if lib is torch else em, (x, p), {"scale": 1.5},
                                     dynamic_shapes=spec))
    tep, eep = eps
    with pytest.raises(ember._dynamo.exc.UserError, match="its top-level keys must be"):
        ember.export.export(em, (ex, (e0, e1)), dynamic_shapes={"x": None, "bias": None})
    (r,) = tep.range_constraints.values()
    (er,) = eep.range_constraints.values()
    assert (er.lower, er.upper) == (r.lower, r.upper) == (2, 64)
    (tx9, t0, t1), (ex9, e0, e1) = _inputs([(9, 4), (2,), (3,)], torch.float32, seed=2)
    _close(tep.module()(tx9, (t0, t1), scale=1.5), eep.module()(ex9, (e0, e1), scale=1.5),
           1e-5)
    for ep, lib, x in ((tep, torch, tx9), (eep, ember, ex9)):
        p = (lib.randn(2), lib.randn(3))
        with pytest.raises(AssertionError, match=r"Guard failed: x\.size\(\)\[1\] == 4"):
            ep.module()(lib.randn(9, 5), p, scale=1.5)
        with pytest.raises(AssertionError, match=r"Guard failed: x\.size\(\)\[0\] <= 64"):
            ep.module()(lib.randn(65, 4), p, scale=1.5)
        with pytest.raises(AssertionError, match=r"Guard failed: pair\[0\]\.size\(\)\[0\] == 2"):
            ep.module()(x, (lib.randn(3), p[1]), scale=1.5)


def test_dim_auto_and_specialized_dims():
    tm, em = _pair(_mlp)
    eep = ember.export.export(em, (ember.randn(5, 4),), dynamic_shapes=({0: ember.export.Dim.AUTO,
                                                                        1: ember.export.Dim.AUTO},))
    ((lo, hi),) = [(r.lower, r.upper) for r in eep.range_constraints.values()]
    assert lo == 2 and str(hi) == "int_oo"          # dim 1 is a Linear's: static
    assert eep.module()(ember.randn(7, 4)).shape == (7, 3)
    for lib, m in ((torch, tm), (ember, em)):
        with pytest.raises(lib._dynamo.exc.UserError) as info:
            lib.export.export(m, (lib.randn(5, 4),), dynamic_shapes=({1: lib.export.Dim("d")},))
        assert str(info.value).startswith("Constraints violated (d)!")
    assert repr(ember.export.Dim("b", max=10)) == repr(torch.export.Dim("b", max=10))
    assert repr(ember.export.Dim.AUTO) == repr(torch.export.Dim.AUTO)


@pytest.mark.parametrize("read", [lambda x: x.sum() > 0, lambda x: x.max().item() > 0,
                                  lambda x: x.tolist()[0] > 0])
def test_data_dependent_control_flow_is_refused(read):
    def make(lib):
        class C(lib.nn.Module):
            def forward(self, x):
                return x + 1 if read(x) else x - 1
        return C()
    with pytest.raises(RuntimeError, match="Could not guard on data-dependent expression") as t:
        torch.export.export(make(torch), (torch.randn(3),))
    with pytest.raises(RuntimeError, match="Could not guard on data-dependent expression") as e:
        ember.export.export(make(ember), (ember.randn(3),))
    assert type(e.value).__name__ == type(t.value).__name__


def test_refusals_match_torch():
    tm, em = _pair(_mlp)
    results = []
    for lib, m in ((torch, tm), (ember, em)):
        ep = lib.export.export(m, (lib.randn(2, 4),))
        out = []
        for call in (lambda: ep(lib.randn(2, 4)), lambda: ep.module().train(),
                     lambda: ep.module().eval(), lambda: lib.export.export(lambda x: x, (lib.ones(1),)),
                     lambda: lib.export.export(m, lib.ones(1))):
            with pytest.raises(Exception) as info:
                call()
            out.append((type(info.value).__name__, str(info.value)))
        results.append(out)
    assert results[0] == results[1]


def test_save_load_round_trip(tmp_path):
    _, em = _pair(_convnet, train=False)
    x = ember.randn(2, 3, 5, 5)
    ep = ember.export.export(em, (x,), dynamic_shapes={"x": {0: ember.export.Dim("n")}})
    path = tmp_path / "model.pt2"
    ember.export.save(ep, str(path), extra_files={"note.txt": "hi"})
    extra = {"note.txt": ""}
    loaded = ember.export.load(str(path), extra_files=extra)
    assert extra == {"note.txt": "hi"}
    assert _specs(loaded) == _specs(ep) and list(loaded.state_dict) == list(ep.state_dict)
    x3 = ember.randn(3, 3, 5, 5)
    _close(em(x3), loaded.module()(x3), 1e-5)
    with pytest.raises(AssertionError, match="Guard failed"):
        loaded.module()(ember.randn(3, 3, 5, 6))
    buf = io.BytesIO()
    torch.export.save(torch.export.export(torch.nn.Linear(2, 2), (torch.randn(1, 2),)), buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="PyTorch .pt2 archive"):
        ember.export.load(buf)


@pytest.mark.slow
def test_export_is_lazy_and_reachable_as_torch_export():
    code = ("import sys, ember; assert 'ember.export' not in sys.modules; "
            "import ember.compat; ember.compat.install(); import torch.export; "
            "from torch.export import Dim, export, ExportedProgram; print(torch.export.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ember.export"


def test_sequential_names_meta_and_gradients_through_module():
    def make(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1))
    tm, em = _copy(make(torch), make(ember), torch.float64)
    (tx,), (ex,) = _inputs([(6, 3)], torch.float64)
    tep, eep = torch.export.export(tm, (tx,)), ember.export.export(em, (ex,))
    assert _specs(eep) == _specs(tep)
    out = [n for n in eep.graph.nodes if n.op == "call_function"][-1]
    assert tuple(out.meta["val"].shape) == (6, 1) and out.meta["tensor_meta"].dtype is ember.float64
    tep.module()(tx).sum().backward()
    eep.module()(ex).sum().backward()
    for (k, p), (_, q) in zip(tm.named_parameters(), em.named_parameters()):
        np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-10, err_msg=k)


def _pooling(lib):
    class Pool(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = lib.nn.Conv2d(3, 4, 3)
            self.pool = lib.nn.MaxPool2d(2, ceil_mode=True)
            self.avg = lib.nn.AvgPool2d(2)
            self.up = lib.nn.Upsample(scale_factor=2, mode="bilinear")
            self.pad = lib.nn.ReflectionPad2d(1)

        def forward(self, x):
            y = self.pool(self.pad(self.conv(x)))
            return self.up(self.avg(y)).flatten(1)
    return Pool()


def _encoder(lib):
    lib.manual_seed(0)
    return lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)


@pytest.mark.parametrize("factory,shape,dims", [(_pooling, (2, 3, 9, 9), (0,)),
                                                (_encoder, (2, 5, 8), (0, 1))])
def test_layers_without_aten_ops_and_dynamic_products(factory, shape, dims, tmp_path):
    """Layers Ember computes without dispatching ops are recorded as one call; sizes that
    are products of dynamic dims (batch * seq) follow them."""
    tm, em = _pair(factory, torch.float64, train=False)
    (tx,), (ex,) = _inputs([shape], torch.float64)
    tep = torch.export.export(tm, (tx,), dynamic_shapes=({d: torch.export.Dim(f"d{d}", max=64)
                                                          for d in dims},))
    eep = ember.export.export(em, (ex,), dynamic_shapes=({d: ember.export.Dim(f"d{d}", max=64)
                                                          for d in dims},))
    assert not eep.graph_signature.lifted_tensor_constants
    grown = tuple(n + 2 if d in dims else n for d, n in enumerate(shape))
    (tx2,), (ex2,) = _inputs([grown], torch.float64, seed=3)
    _close(tep.module()(tx2), eep.module()(ex2), 1e-10)
    ember.export.save(eep, str(tmp_path / "m.pt2"))
    _close(tep.module()(tx2), ember.export.load(str(tmp_path / "m.pt2")).module()(ex2), 1e-10)


def test_data_dependent_error_imports_from_torchs_module_path():
    """Code catches the data-dependent error by torch's path, as in torch."""
    import importlib
    for lib, path in ((torch, "torch"), (ember, "ember")):
        cls = importlib.import_module(
            f"{path}.fx.experimental.symbolic_shapes").GuardOnDataDependentSymNode

        class M(lib.nn.Module):
            def forward(self, x):
                return x * 2 if x.sum() > 0 else x
        with pytest.raises(cls):
            lib.export.export(M(), (lib.ones(3),))
        assert issubclass(cls, RuntimeError)
