"""Bugs real PyTorch programs hit, each checked against torch: whole-model checkpoints with
``weights_only``, ``format`` of 0-d tensors, ``expand`` views that are written into, device
predicates, ``torch.backends.cuda``, storage sizes, and the distributed launcher's mpiexec."""
import io
import subprocess
import sys

import numpy as np
import pytest

import ember
from tests.test_runner import ok, run_ember, run_torch, SCRIPTS

torch = pytest.importorskip("torch")


def _model(mod):
    mod.manual_seed(0)
    return mod.nn.Sequential(mod.nn.Linear(2, 3), mod.nn.ReLU(), mod.nn.MultiheadAttention(4, 2))


def _allowed(mod):
    nn = mod.nn
    return [nn.Sequential, nn.Linear, nn.ReLU, nn.MultiheadAttention,
            nn.modules.linear.NonDynamicallyQuantizableLinear, set]


def _same_parameters(a, b):
    pa, pb = list(a.named_parameters()), list(b.named_parameters())
    assert [n for n, _ in pa] == [n for n, _ in pb]
    for (_, x), (_, y) in zip(pa, pb):
        np.testing.assert_array_equal(x.detach().numpy(), y.detach().numpy())


@pytest.mark.parametrize("weights_only", [False, True])
def test_whole_model_saved_by_torch_loads_in_ember(weights_only):
    buffer = io.BytesIO()
    torch.save(_model(torch), buffer)
    buffer.seek(0)
    with ember.serialization.safe_globals(_allowed(ember)):
        loaded = ember.load(buffer, weights_only=weights_only)
    assert type(loaded) is ember.nn.Sequential
    assert isinstance(loaded[2].out_proj, ember.nn.Linear)
    buffer.seek(0)
    _same_parameters(loaded, torch.load(buffer, weights_only=False))


@pytest.mark.parametrize("weights_only", [False, True])
def test_whole_model_saved_by_ember_loads_in_torch(weights_only):
    model = _model(ember)
    buffer = io.BytesIO()
    ember.save(model, buffer)
    buffer.seek(0)
    with torch.serialization.safe_globals(_allowed(torch)):
        loaded = torch.load(buffer, weights_only=weights_only)
    assert type(loaded) is torch.nn.Sequential
    _same_parameters(model, loaded)
    buffer.seek(0)
    with ember.serialization.safe_globals(_allowed(ember)):
        _same_parameters(model, ember.load(buffer, weights_only=True))


@pytest.mark.slow  # two interpreters (Ember under the runner, torch)
def test_weights_only_refusal_names_torch_under_the_runner():
    script = SCRIPTS / "weights_only_refusal.py"
    assert ok(run_ember(script)) == ok(run_torch(script))


def test_weights_only_refusal_names_ember_outside_the_runner():
    buffer = io.BytesIO()
    ember.save(ember.nn.ReLU(), buffer)
    buffer.seek(0)
    with pytest.raises(Exception, match=r"GLOBAL ember\.nn\.modules\.activation\.ReLU was not an "
                                        r"allowed global by default\. Please use `ember\."):
        ember.load(buffer, weights_only=True)


@pytest.mark.parametrize("value", [454.0, -1.5, 3, True])
@pytest.mark.parametrize("spec", ["", ".2f", ">10", "e"])
def test_format_of_0d_tensor(value, spec):
    if isinstance(value, bool) and spec in (".2f", "e"):
        spec = ""
    got = format(ember.tensor(value), spec)
    assert got == format(torch.tensor(value), spec)
    assert f"{ember.tensor(value)}" == f"{torch.tensor(value)}"


def test_format_of_other_tensors():
    assert f"{ember.tensor([1.0, 2.0])}" == f"{torch.tensor([1.0, 2.0])}"
    p_e, p_t = ember.nn.Parameter(ember.tensor(2.0)), torch.nn.Parameter(torch.tensor(2.0))
    assert f"{p_e}" == f"{p_t}"
    for mod in (torch, ember):
        with pytest.raises(TypeError, match="unsupported format string passed to Tensor"):
            format(mod.tensor([1.0]), ".2f")


@pytest.mark.parametrize("make", [
    lambda m: m.arange(5).expand(1, -1),
    lambda m: m.arange(5).expand((1, -1)),
    lambda m: m.arange(10)[::2].expand(1, 1, -1),
    lambda m: m.arange(6).reshape(2, 3).t().expand(1, 3, 2),
    lambda m: m.arange(6).reshape(2, 3).expand(2, 3),
])
def test_expand_without_repeats_is_a_writable_view(make):
    """BERT's position ids: a buffer built from ``arange(n).expand(1, -1)`` is copied into."""
    e, t = make(ember), make(torch)
    assert e.stride() == t.stride() and e.shape == t.shape
    e.copy_(ember.ones(e.shape, dtype=e.dtype) * 7)
    t.copy_(torch.ones(t.shape, dtype=t.dtype) * 7)
    np.testing.assert_array_equal(e._base.numpy(), t._base.numpy())


def test_expand_with_repeats_still_refuses_writes():
    for mod, exc in ((torch, RuntimeError), (ember, RuntimeError)):
        x = mod.arange(3).expand(2, -1)
        assert x.stride() == (0, 1)
        with pytest.raises(exc, match="more than one element of the written-to tensor"):
            x.add_(1)


@pytest.mark.parametrize("name", ["is_cpu", "is_cuda", "is_xpu", "is_mps", "is_meta", "is_ipu",
                                  "is_maia", "is_mtia", "is_vulkan", "is_sparse", "is_quantized"])
def test_device_predicates(name):
    assert getattr(ember.ones(2), name) == getattr(torch.ones(2), name)


def test_is_view_and_type_as():
    for mod in (torch, ember):
        base = mod.ones(4)
        assert not base._is_view() and base[1:]._is_view() and base.view(2, 2)._is_view()
    e = ember.ones(3).type_as(ember.zeros(1, dtype=ember.float64))
    assert str(e.dtype) == str(torch.ones(3).type_as(torch.zeros(1, dtype=torch.float64)).dtype)


def test_backends_flags_match_cpu_torch():
    tb, eb = torch.backends, ember.backends
    assert eb.cuda.is_built() == tb.cuda.is_built()
    for flag in ("allow_tf32", "allow_fp16_reduced_precision_reduction",
                 "allow_bf16_reduced_precision_reduction"):
        assert getattr(eb.cuda.matmul, flag) == getattr(tb.cuda.matmul, flag), flag
    for fn in ("flash_sdp_enabled", "math_sdp_enabled", "mem_efficient_sdp_enabled",
               "cudnn_sdp_enabled"):
        assert getattr(eb.cuda, fn)() == getattr(tb.cuda, fn)(), fn
    with eb.cuda.sdp_kernel(enable_flash=False):
        assert not eb.cuda.flash_sdp_enabled()
    assert eb.cuda.flash_sdp_enabled()
    for flag in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(eb.cudnn, flag) == getattr(tb.cudnn, flag), flag
    assert eb.cudnn.is_available() == tb.cudnn.is_available()
    assert eb.cudnn.version() == tb.cudnn.version()
    with eb.cudnn.flags(enabled=False, deterministic=True):
        assert not eb.cudnn.enabled and eb.cudnn.deterministic
    assert eb.cudnn.enabled and not eb.cudnn.deterministic
    assert eb.mkldnn.enabled == tb.mkldnn.enabled
    assert eb.mps.is_available() == tb.mps.is_available()
    assert eb.cpu.get_cpu_capability() == tb.cpu.get_cpu_capability()


def test_storage_sizeof_counts_its_bytes():
    def grows(mod):
        small, big = mod.ones(3).untyped_storage(), mod.ones(1000).untyped_storage()
        return sys.getsizeof(big) - sys.getsizeof(small)
    assert grows(ember) == grows(torch)


def test_grad_fn_has_no_saved_tensors():
    """Only custom Functions have ``saved_tensors``; built-in nodes do not (as in torch)."""
    for mod in (torch, ember):
        x = mod.ones(2, requires_grad=True)
        assert not hasattr((x * x).grad_fn, "saved_tensors")


def test_launcher_finds_mpiexec_next_to_python(tmp_path, monkeypatch):
    """An environment's bin folder need not be on PATH (venv not activated)."""
    from ember.distributed import run
    launcher = tmp_path / "mpiexec"
    launcher.write_text("#!/bin/sh\n")
    launcher.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", "")
    assert run.command(run._parser().parse_args(["x.py"]))[0] == str(launcher)


@pytest.mark.slow
def test_launcher_without_mpiexec_says_how_to_install():
    proc = subprocess.run([sys.executable, "-m", "ember.distributed.run", "--mpiexec",
                           "no_such_mpiexec", "x.py"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 127
    assert "pip install 'ember[distributed]'" in proc.stderr and "Traceback" not in proc.stderr


_SAVED_CASES = {
    "mul": lambda m, a, b: a * b, "div": lambda m, a, b: a / b, "mm": lambda m, a, b: a @ b,
    "addmm": lambda m, a, b: m.addmm(a, a, b), "exp": lambda m, a, b: a.exp(),
    "tanh": lambda m, a, b: a.tanh(), "sigmoid": lambda m, a, b: a.sigmoid(),
    "log": lambda m, a, b: a.log(), "pow": lambda m, a, b: a ** 3,
    "softmax": lambda m, a, b: a.softmax(-1), "sin": lambda m, a, b: a.sin(),
    "mse": lambda m, a, b: m.nn.functional.mse_loss(a, b), "sum": lambda m, a, b: a.sum(),
    "view": lambda m, a, b: a.view(-1), "neg": lambda m, a, b: -a,
}


@pytest.mark.parametrize("name", sorted(_SAVED_CASES))
def test_node_saved_tensor_attributes(name):
    """``_saved_<name>`` / ``_raw_saved_<name>``: what graph-drawing tools read off each node."""
    data = np.random.default_rng(0).random((2, 3, 3)) + 0.5

    def saved(mod):
        a, b = (mod.tensor(x, requires_grad=True) for x in data)
        fn = _SAVED_CASES[name](mod, a, b).grad_fn
        attrs = [n for n in dir(fn) if n.startswith(("_saved_", "_raw_saved_"))
                 and isinstance(getattr(fn, n.replace("_raw", "")), mod.Tensor)]
        return fn, {n: getattr(fn, n) for n in attrs if n.startswith("_saved_")}, attrs
    e_fn, e_vals, e_attrs = saved(ember)
    t_fn, t_vals, t_attrs = saved(torch)
    assert e_attrs == t_attrs
    for n in t_vals:
        np.testing.assert_allclose(e_vals[n].detach().numpy(), t_vals[n].detach().numpy())
    assert not hasattr(e_fn, "_saved_no_such") and not hasattr(t_fn, "_saved_no_such")


def test_comparisons_with_non_numbers_as_torch():
    """``t == None`` is False and ``t != "a"`` True (torch's operators return NotImplemented
    for non-numbers); ordering against them is Python's TypeError; numbers compare."""
    def run(mod):
        x = mod.tensor([1.0, 2.0])
        out = [x == None, x != None, x == "a", x != "a", x == [1.0, 2.0],  # noqa: E711
               x == object(), (x == np.float32(2)).tolist(), (x < 2).tolist(),
               (2.0 >= x).tolist(), None in [x]]
        for bad in (lambda: x < None, lambda: x >= "a"):
            try:
                bad()
            except TypeError as e:
                out.append(str(e).replace("ember.", "torch."))
        return out
    assert run(ember) == run(torch)
