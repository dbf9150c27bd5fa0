"""ember.jit.script: modules and functions kept as Python source (control flow as in eager),
compared with eager ember and with torch.jit.script of the same source; save / load without
the user's module; the errors for what cannot be kept."""
import copy
import importlib.util
import itertools
import logging
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember import jit

# One model source, run by ember (`import ember as torch`) and by PyTorch.
_EMBER_HEADER = ("import ember as torch\nimport ember.nn as nn\nimport ember.nn.functional as F\n"
                 "from ember.nn.functional import relu\n")
_TORCH_HEADER = ("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
                 "from torch.nn.functional import relu\n")
_MODELS = '''
import math
from typing import List


def shift(x, k: int):
    return x * 0.5 + k


class Gate(nn.Module):
    def __init__(self, n: int):
        super().__init__()
        self.lin = nn.Linear(n, n)
        self.sign = -1.0

    def forward(self, x):
        if x.sum() > 0:                     # data-dependent
            return self.lin(x)
        return self.lin(x) * self.sign


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 8)
        self.gates = nn.ModuleList([Gate(8), Gate(8)])
        self.norm = nn.BatchNorm1d(8)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        h = F.relu(self.inp(x))
        for gate in self.gates:
            h = gate(h)
        for i in range(h.size(0)):          # shape-dependent
            h = shift(h, i)
        return self.out(self.drop(self.norm(h))) + math.pi

    @torch.jit.export
    def twice(self, x):
        return self.forward(x) * 2

    @torch.jit.unused
    def debug(self, x):
        return x


class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc2(relu(self.fc1(x)))


def shift_all(x, n: int):
    sizes = torch.jit.annotate(List[int], [])
    for i in range(n):
        x = shift(x, i)
        sizes.append(i)
    if x.mean() > 0:
        return x + len(sizes)
    return -x


def gated(x, y):
    return relu(x) * y


def scripting_flag(x):
    if torch.jit.is_scripting():
        return x + 1
    return x - 1
'''

_names = itertools.count()
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")


def _import_file(path):
    name = f"_jit_script_models_{next(_names)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module      # inspect finds class sources through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def models(tmp_path):
    path = tmp_path / "ember_models.py"
    path.write_text(_EMBER_HEADER + _MODELS)
    module = _import_file(path)
    yield module
    del sys.modules[module.__name__]


@pytest.fixture
def torch_models(tmp_path):
    pytest.importorskip("torch")
    path = tmp_path / "torch_models.py"
    path.write_text(_TORCH_HEADER + _MODELS)
    module = _import_file(path)
    yield module
    del sys.modules[module.__name__]


def _close(a, b, tol=1e-5):
    return np.allclose(np.asarray(a.detach().numpy()), np.asarray(b.detach().numpy()),
                       rtol=tol, atol=tol)


def _torch_twin(torch, em, tm):
    tm.load_state_dict({k: torch.tensor(v.detach().numpy())
                        for k, v in em.state_dict().items()})
    return tm


def _inputs():
    x = ember.randn(5, 4)
    return [x, -x.abs() - 1, x.abs() + 1, ember.randn(2, 4)]


# ---- running the kept source ------------------------------------------------------------------
def test_control_flow_matches_eager_and_torch_script(models, torch_models):
    import torch
    m = models.Net().eval()
    scripted = jit.script(m)
    assert isinstance(scripted, jit.RecursiveScriptModule)
    assert isinstance(scripted, jit.ScriptModule)
    assert scripted.original_name == "Net" and not scripted.training
    ts = torch.jit.script(_torch_twin(torch, m, torch_models.Net()).eval())
    with ember.no_grad():
        for x in _inputs():     # both branches of the gates, several loop lengths
            assert _close(scripted(x), m(x))
            assert _close(scripted(x), ts(torch.tensor(x.numpy())))
            assert _close(scripted.twice(x), ts.twice(torch.tensor(x.numpy())))
    assert list(scripted.state_dict()) == list(m.state_dict()) == list(ts.state_dict())
    assert "for gate in self.gates:" in scripted.code and scripted.code.startswith("def forward")


def test_nested_tree_shares_parameters(models):
    m = models.Net().eval()
    scripted = jit.script(m)
    assert type(scripted.inp) is nn.Linear and type(scripted.gates) is nn.ModuleList
    assert type(scripted.gates[0]).__name__ == "Gate" and scripted.gates[0].sign == -1.0
    assert [n for n, _ in scripted.named_modules()] == [n for n, _ in m.named_modules()]
    assert scripted.inp.weight is m.inp.weight
    x = ember.randn(3, 4)
    with ember.no_grad():
        m.out.bias.add_(1.0)
        assert _close(scripted(x), m(x))


def test_scripted_function_calls_helper(models, torch_models):
    import torch
    fn = jit.script(models.shift_all)
    tfn = torch.jit.script(torch_models.shift_all)
    assert isinstance(fn, jit.ScriptFunction) and fn.name == "shift_all"
    for x in _inputs():
        for n in (0, 3):
            assert _close(fn(x, n), models.shift_all(x, n))
            assert _close(fn(x, n), tfn(torch.tensor(x.numpy()), n))
    assert fn.code.startswith("def shift_all(x, n: int):")


def test_decorated_function_and_markers():
    @jit.script
    def scaled(x):
        return _helper(x) * 2

    assert isinstance(scaled, jit.ScriptFunction)
    assert _close(scaled(ember.ones(2)), ember.full((2,), 8.0))
    assert "@jit.script" not in scaled.code
    assert jit.ignore(_helper) is _helper and jit.ignore(drop=True)(_helper) is _helper
    assert jit.unused(_helper) is _helper and jit.export(_helper) is _helper
    assert jit.annotate(list, [1]) == [1]


_OFFSET = 3


def _helper(x):
    return x + _OFFSET


def test_is_scripting_inside_scripted_code(models, torch_models):
    import torch
    x = ember.zeros(2)
    assert not jit.is_scripting()
    assert _close(models.scripting_flag(x), ember.full((2,), -1.0))
    assert _close(jit.script(models.scripting_flag)(x), ember.full((2,), 1.0))
    assert float(torch.jit.script(torch_models.scripting_flag)(torch.zeros(2))[0]) == 1.0


def test_train_eval_run_the_real_code(models, torch_models):
    import torch
    m = models.Net()
    twin = copy.deepcopy(m)
    scripted = jit.script(m)
    assert scripted.training and scripted.drop.training
    x = ember.randn(6, 4)
    ember.manual_seed(0)
    out = scripted(x)
    ember.manual_seed(0)
    assert _close(out, twin(x))                                     # dropout, batch statistics
    assert _close(scripted.norm.running_mean, twin.norm.running_mean)
    assert scripted.eval() is scripted and not scripted.training
    assert not scripted.drop.training and not scripted.gates[1].training
    twin.eval()
    ts = torch.jit.script(_torch_twin(torch, twin, torch_models.Net()).eval())
    assert _close(scripted(x), twin(x)) and _close(scripted(x), scripted(x))
    assert _close(scripted(x), ts(torch.tensor(x.numpy())))


# ---- graphs -----------------------------------------------------------------------------------
def test_graph_of_control_flow_free_code_is_the_trace(models):
    m = models.Plain()
    scripted = jit.script(m)
    with pytest.raises(RuntimeError, match="call the scripted module"):
        scripted.graph
    x = ember.randn(3, 4)
    scripted(x)
    assert str(scripted.graph) == str(jit.trace(m, x).graph)
    assert str(jit.trace(scripted, x).graph) == str(scripted.graph)
    assert "relu" in str(scripted.graph)
    given = jit.script(models.Plain(), example_inputs=[(x,)])
    assert str(given.graph) == str(jit.trace(models.Plain(), x).graph)
    gated = jit.script(models.gated)
    y = ember.randn(3, 4)
    gated(x, y)
    assert str(gated.graph) == str(jit.trace(models.gated, (x, y)).graph)
    assert "relu" in str(gated.graph)
    fn = jit.script(models.shift)
    fn(x, 2)                                            # an int argument: no graph
    with pytest.raises(RuntimeError, match="arguments other than tensors"):
        fn.graph


def test_no_graph_for_data_dependent_control_flow(models):
    scripted = jit.script(models.Net().eval())
    scripted(ember.randn(2, 4))
    with pytest.raises(RuntimeError, match=r"Net is kept as Python source and has no graph: "
                                           r"bool\(tensor\) converts a tensor"):
        scripted.graph


# ---- save / load ------------------------------------------------------------------------------
_SCRIPT_AND_SAVE = textwrap.dedent("""
    import sys
    import ember
    sys.path.insert(0, sys.argv[1])
    import user_models
    ember.manual_seed(0)
    m = user_models.Net()
    m(ember.randn(8, 4))                   # batch statistics: buffers differ from their init
    m.eval()
    xs = [ember.randn(5, 4), -ember.rand(3, 4) - 1, ember.randn(1, 4)]
    with ember.no_grad():
        expected = [m(x) for x in xs]
    ember.jit.script(m).save(sys.argv[2] + "/net.pt")
    ember.jit.save(ember.jit.script(user_models.shift_all), sys.argv[2] + "/fn.pt")
    ember.save({"xs": xs, "expected": expected, "fn": [user_models.shift_all(x, 2) for x in xs],
                "keys": list(m.state_dict()), "code": ember.jit.script(m).code},
               sys.argv[2] + "/expected.pt")
""")

_LOAD_AND_RUN = textwrap.dedent("""
    import importlib.util
    import sys
    import ember
    assert importlib.util.find_spec("user_models") is None
    m = ember.jit.load(sys.argv[1] + "/net.pt")
    fn = ember.jit.load(sys.argv[1] + "/fn.pt")
    data = ember.load(sys.argv[1] + "/expected.pt")
    with ember.no_grad():
        outs = [m(x) for x in data["xs"]]
    training = m.training
    m.train()
    ember.save({"outs": outs, "fn": [fn(x, 2) for x in data["xs"]], "code": m.code,
                "keys": list(m.state_dict()), "training": training,
                "train": [m.training, m.drop.training, m.gates[0].training]},
               sys.argv[1] + "/got.pt")
""")


@pytest.mark.slow
def test_save_load_in_fresh_process_without_the_class(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "user_models.py").write_text(_EMBER_HEADER + _MODELS)
    subprocess.run([sys.executable, "-c", _SCRIPT_AND_SAVE, str(src), str(tmp_path)],
                   check=True, cwd=str(tmp_path))
    shutil.rmtree(src)
    subprocess.run([sys.executable, "-c", _LOAD_AND_RUN, str(tmp_path)], check=True,
                   cwd=str(tmp_path))
    expected, got = ember.load(str(tmp_path / "expected.pt")), ember.load(str(tmp_path / "got.pt"))
    for a, b in zip(got["outs"], expected["expected"]):
        assert _close(a, b)
    for a, b in zip(got["fn"], expected["fn"]):
        assert _close(a, b)
    assert got["keys"] == expected["keys"] and got["code"] == expected["code"]
    assert got["training"] is False and got["train"] == [True, True, True]


class _Attributes(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 3)
        self.b = nn.Linear(3, 3)
        self.b.weight = self.a.weight                     # tied
        self.register_buffer("steps", ember.zeros((), dtype=ember.int64), persistent=False)
        self.mask = ember.tensor([1.0, 0.0, 1.0])          # a plain tensor attribute
        self.options = {1: (ember.float64, ember.device("cpu")), "size": ember.Size([2, 3]),
                        "nested": [None, True, 2.5, "s", (1, [2])]}

    def forward(self, x):
        return self.b(self.a(x) * self.mask).to(self.options[1][0])


def test_save_load_round_trip_keeps_state(tmp_path):
    m = _Attributes()
    path = str(tmp_path / "m.pt")
    jit.save(jit.script(m), path, _extra_files={"note.txt": b"hi"})
    extra = {"note.txt": ""}
    loaded = jit.load(path, _extra_files=extra)
    assert extra["note.txt"] == b"hi"
    x = ember.randn(2, 3)
    assert _close(loaded(x), m(x)) and loaded(x).dtype == ember.float64
    assert str(jit.trace(loaded, x).graph) == str(jit.trace(m, x).graph)
    assert loaded.b.weight is loaded.a.weight and isinstance(loaded.a.weight, nn.Parameter)
    assert loaded.options == m.options and type(loaded.options["size"]) is ember.Size
    assert list(loaded.state_dict()) == list(m.state_dict())
    assert list(m.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    assert [n for n, _ in loaded.named_buffers()] == ["steps"]
    resaved = str(tmp_path / "again.pt")
    loaded.save(resaved)                                # a loaded module saves again
    assert _close(jit.load(resaved)(x), m(x))


def test_closures_and_local_classes(tmp_path):
    k = 3

    def local_helper(x):
        return x * k

    class Base(nn.Module):
        def scale(self, x):
            return local_helper(x)

    class Local(Base):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x):
            return super().scale(self.lin(x)) + k

    m = Local()
    scripted = jit.script(m)
    x = ember.randn(4, 2)
    assert _close(scripted(x), m(x))
    scripted.save(str(tmp_path / "local.pt"))
    assert _close(jit.load(str(tmp_path / "local.pt"))(x), m(x))


# ---- what cannot be kept ----------------------------------------------------------------------
class _Config:
    scale = 2.0


_LOG = logging.getLogger("ember.test")
_double = (lambda x: x * 2)


class _UsesLambda(nn.Module):
    def forward(self, x):
        return _double(x)


class _UsesLogger(nn.Module):
    def forward(self, x):
        _LOG.debug("forward")
        return x


class _HoldsConfig(nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = _Config()

    def forward(self, x):
        return x * self.cfg.scale


class _Undefined(nn.Module):
    def forward(self, x):
        return x * _not_defined_anywhere        # noqa: F821


def test_unsupported_code_raises_at_script_time():
    with pytest.raises(ember.UnsupportedError, match="cannot keep the lambda"):
        jit.script(_UsesLambda())
    with pytest.raises(ember.UnsupportedError,
                       match="the name '_LOG' in _UsesLogger is a Logger object"):
        jit.script(_UsesLogger())
    with pytest.raises(ember.UnsupportedError,
                       match="attribute 'cfg' of _HoldsConfig is a _Config object"):
        jit.script(_HoldsConfig())
    with pytest.raises(NameError, match="name '_not_defined_anywhere' used in _Undefined"):
        jit.script(_Undefined())
    with pytest.raises(ember.UnsupportedError, match="expects a Module, a function or a class"):
        jit.script(3)


def test_closure_over_an_object_raises():
    cfg = _Config()

    def f(x):
        return x * cfg.scale

    with pytest.raises(ember.UnsupportedError, match="the name 'cfg' in f is a _Config object"):
        jit.script(f)


def test_code_without_source_raises():
    namespace = {"__name__": "generated", "nn": nn}
    exec("def f(x):\n    return x\n\nclass M(nn.Module):\n    def forward(self, x):\n"
         "        return x\n", namespace)
    with pytest.raises(OSError, match="Can't get the source of <function f"):
        jit.script(namespace["f"])
    with pytest.raises(OSError, match="Can't get the source of <class 'generated.M'>"):
        jit.script(namespace["M"]())


def test_extension_class_and_hooks_raise():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    m = _Attributes()
    m.kind = ml_dtypes.bfloat16
    with pytest.raises(ember.UnsupportedError, match="the class bfloat16 has no Python source"):
        jit.script(m)
    m = nn.Linear(2, 2)
    m.register_forward_hook(lambda *args: None)
    with pytest.raises(ember.UnsupportedError, match="Linear module has hooks registered"):
        jit.script(m)


def test_script_reads_installed_packages_by_import(tmp_path):
    """A function reading a module of an installed package (as libraries' own scripted helpers
    read the library's modules) scripts, runs, and saves / loads with an import of it; a
    module that is not installed anywhere (here, a file in a temporary folder) is refused."""
    path = tmp_path / "uses_packages.py"
    path.write_text("import ember\nimport packaging.version as pv\n"
                    "import helper_mod\n\n\n"
                    "def shifted(x):\n    return x + len(pv.__name__)\n\n\n"
                    "def local(x):\n    return x + helper_mod.K\n")
    (tmp_path / "helper_mod.py").write_text("K = 2\n")
    sys.path.insert(0, str(tmp_path))
    try:
        module = _import_file(path)
        scripted = ember.jit.script(module.shifted)
        assert scripted(ember.zeros(1)).tolist() == [17.0]
        ember.jit.save(scripted, tmp_path / "s.pt")
        assert ember.jit.load(tmp_path / "s.pt")(ember.zeros(1)).tolist() == [17.0]
        with pytest.raises(ember.UnsupportedError, match="the module 'helper_mod'; scripted "
                           "code may use modules of ember, the standard library, NumPy and "
                           "installed packages only"):
            ember.jit.script(module.local)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("helper_mod", None)
