"""The drop-in runner (``python -m ember.run``) and ``ember.compat``: unmodified PyTorch scripts
(``tests/scripts/``) run in a subprocess on Ember; outputs are compared with real torch where it
is installed."""
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = pathlib.Path(__file__).resolve().parent / "scripts"
TIMEOUT = 120


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_ember(*args, cwd=None):
    """``python -m ember.run ARGS`` in a subprocess (cwd: a neutral directory by default)."""
    return subprocess.run([sys.executable, "-m", "ember.run", *map(str, args)],
                          capture_output=True, text=True, timeout=TIMEOUT, env=_env(),
                          cwd=cwd or SCRIPTS.parent)


def run_torch(script):
    """The same script under real PyTorch (``python script.py``)."""
    pytest.importorskip("torch")
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=TIMEOUT, cwd=SCRIPTS.parent)


def ok(proc):
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.slow  # two interpreters train (4-5 CPU-seconds)
@pytest.mark.parametrize("name", ["linear_regression.py", "mlp_classifier.py"])
def test_training_script_matches_torch(name):
    got = ok(run_ember(SCRIPTS / name))
    assert got.strip()
    assert got == ok(run_torch(SCRIPTS / name))


@pytest.mark.slow
def test_mlp_script_output():
    got = ok(run_ember(SCRIPTS / "mlp_classifier.py"))
    assert "loss decreased: True" in got
    assert "accuracy above 0.9: True" in got
    assert "(fc1): Linear(in_features=4, out_features=16, bias=True)" in got


@pytest.mark.slow
def test_argv_name_and_path():
    got = ok(run_ember(SCRIPTS / "argv_exit.py", "0", "--flag", "x y"))
    assert got.splitlines() == ["argv: ['0', '--flag', 'x y']", "script: argv_exit.py",
                                "name: __main__", "path0 is script dir: True",
                                "__file__ is absolute: True", "tensor: 3"]


@pytest.mark.slow  # an ember and a torch interpreter (5 CPU-seconds)
def test_classes_name_torchs_modules():
    """Under the runner, classes report PyTorch's modules (``<class 'torch.Tensor'>``,
    ``torch.nn.modules.linear``...), and pickles made under those names load."""
    got = ok(run_ember(SCRIPTS / "type_identity.py"))
    assert got == ok(run_torch(SCRIPTS / "type_identity.py"))


@pytest.mark.slow  # an ember and a torch interpreter (3.5 CPU-seconds)
def test_library_import_time_probes():
    got = ok(run_ember(SCRIPTS / "library_probes.py"))
    assert got == ok(run_torch(SCRIPTS / "library_probes.py"))


@pytest.mark.slow
def test_exit_status_propagates():
    proc = run_ember(SCRIPTS / "argv_exit.py", "3")
    assert proc.returncode == 3
    assert "argv: ['3']" in proc.stdout


@pytest.mark.slow
def test_uncaught_exception_traceback():
    proc = run_ember(SCRIPTS / "raises.py")
    assert proc.returncode == 1
    err = proc.stderr
    assert err.startswith("Traceback (most recent call last):")
    assert 'raises.py", line 6, in broken' in err
    assert "# the failing line" in err
    assert err.rstrip().splitlines()[-1].startswith("RuntimeError: ")
    assert "runpy" not in err and "ember/run.py" not in err


@pytest.mark.slow
def test_missing_attribute_is_named():
    proc = run_ember(SCRIPTS / "missing_attr.py")
    assert proc.returncode == 1
    assert proc.stdout == "before\n"
    last = proc.stderr.rstrip().splitlines()[-1]
    assert last.startswith("ember.UnsupportedError: ember does not implement "
                           "torch.some_missing_function")


@pytest.mark.slow
def test_from_import_of_missing_name_is_named():
    proc = run_ember(SCRIPTS / "from_missing.py")
    assert proc.returncode == 1
    assert ("ModuleNotFoundError: ember does not implement torch.some_missing_function"
            in proc.stderr)


def test_missing_module_is_named():
    if importlib.util.find_spec("ember.fft") is not None:
        pytest.skip("ember implements torch.fft now")
    proc = run_ember(SCRIPTS / "missing_module.py")
    assert proc.returncode == 1
    assert "ModuleNotFoundError: ember does not implement torch.fft (no module ember.fft)" \
        in proc.stderr


@pytest.mark.slow
def test_torchvision_maps_to_ember_vision():
    for sub in ("vision", "vision.datasets", "vision.transforms", "vision.models"):
        if importlib.util.find_spec("ember." + sub) is None:
            pytest.skip(f"ember.{sub} not available")
    got = ok(run_ember(SCRIPTS / "uses_vision.py"))
    # the top-level module answers to torchvision's name (libraries compare ``__name__``);
    # the submodules are Ember's own modules
    assert got.split() == ["torchvision", "ember.vision.datasets", "ember.vision.transforms",
                           "ember.vision.models"]


@pytest.mark.slow
def test_module_form(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "main.py").write_text("import sys, torch, ember\nprint(__name__, sys.argv[1:], "
                                 "torch.__name__, torch is ember)\n")
    assert ok(run_ember("-m", "pkg.main", "a", cwd=tmp_path)) == "__main__ ['a'] torch True\n"


@pytest.mark.slow
def test_missing_script_and_usage():
    proc = run_ember("no_such_script.py")
    assert proc.returncode == 2 and "can't open file" in proc.stderr
    assert run_ember().returncode == 2


# ---- the PyTorch tutorials, run as scripts ---------------------------------------------------
_RANDOM_NUMBER = re.compile(r"-?\d+\.\d+(e[+-]?\d+)?")


def _without_random_values(text):
    """Mask numbers with decimals (the random ones; constant tensors print as ``1.``) and
    object addresses, keeping every line's structure."""
    return _RANDOM_NUMBER.sub("R", re.sub(r" at 0x[0-9a-f]+", " at 0x?", text))


@pytest.mark.parametrize("name", ["TENSORS_TUTORIAL", "AUTOGRAD_TUTORIAL"])
def test_tutorial_script_matches_torch(name, tmp_path):
    tutorials = pytest.importorskip("test_tutorials")
    script = tmp_path / "tutorial.py"
    script.write_text(getattr(tutorials, name))
    got = ok(run_ember(script))
    expected = ok(run_torch(script))
    assert len(got.splitlines()) == len(expected.splitlines())
    assert _without_random_values(got) == _without_random_values(expected)


# ---- ember.compat in this interpreter --------------------------------------------------------
@pytest.mark.slow  # two interpreters, one importing torch (3.3 CPU-seconds)
def test_compat_install_uninstall():
    code = """
import sys
import ember, ember.compat as compat
real = sys.modules.get("torch")
compat.install()
import torch, torch.nn.functional as F
from torch.optim.lr_scheduler import StepLR
assert torch is ember and F is ember.nn.functional
assert StepLR is ember.optim.lr_scheduler.StepLR
assert StepLR.__module__ == "torch.optim.lr_scheduler" and ember.Tensor.__module__ == "torch"
assert not hasattr(torch, "some_missing")
try:
    torch.nn.some_missing
except ember.UnsupportedError as e:
    assert "torch.nn.some_missing" in str(e), e
compat.uninstall()
assert sys.modules.get("torch") is real
assert StepLR.__module__ == "ember.optim.lr_scheduler" and ember.Tensor.__module__ == "ember._tensor"
try:
    ember.some_missing
except AttributeError as e:
    assert not isinstance(e, ember.UnsupportedError)
print("ok")
"""
    for prelude in ("", "import torch\n"):
        if prelude and importlib.util.find_spec("torch") is None:
            continue
        proc = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True,
                              text=True, timeout=TIMEOUT, env=_env())
        assert proc.stdout == "ok\n", proc.stderr


@pytest.mark.slow
def test_importing_a_submodule_keeps_the_function_the_package_bound(tmp_path):
    """``torchvision.ops.roi_align`` is a function bound by the package over its submodule of
    the same name; importing the submodule by its path (as libraries do) leaves it so, as in
    torchvision, where the package's own import registered the submodule first."""
    script = tmp_path / "submodule_names.py"
    script.write_text(
        "from torchvision.ops.roi_align import roi_align\n"
        "from torchvision.ops.ps_roi_align import ps_roi_align\n"
        "import torchvision\n"
        "from torchvision.ops import roi_align as f, ps_roi_align as g\n"
        "print(f is roi_align, g is ps_roi_align, callable(torchvision.ops.roi_align))\n")
    assert ok(run_ember(script)).split() == ["True", "True", "True"]


_TENSOR_LIKE = (
    "class {name}:\n"
    "    @classmethod\n"
    "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
    "        return ('handled by {name}', func.__name__)\n")


@pytest.mark.slow  # two ember and two torch interpreters (8 CPU-seconds)
@pytest.mark.parametrize("where", ["imported module", "script"])
def test_tensor_likes_dispatch_and_class_bodies_see_their_caller(where, tmp_path):
    """A class defining ``__torch_function__`` outside Tensor makes torch functions dispatch
    to it, whether a module the script imports defines it or the script itself.  The class
    statements of imported modules run as in Python: a class body's caller frame is the
    module's (``overrides``' ``@override`` reads it; Tianshou's classes use it)."""
    (tmp_path / "library.py").write_text(
        "import sys\nimport torch\n\n"
        "class Base:\n"
        "    caller = sys._getframe(1).f_code.co_name, sys._getframe(1).f_globals['__name__']\n"
        "\n\n" + _TENSOR_LIKE.format(name="Imported"))
    script = tmp_path / "tensor_like.py"
    if where == "script":
        script.write_text("import torch\n\n" + _TENSOR_LIKE.format(name="Own") +
                          "\nprint(torch.mul(Own(), 2))\n")
    else:
        script.write_text("import torch\nimport library\n\nprint(library.Base.caller)\n"
                          "print(torch.add(library.Imported(), 1))\n")
    assert ok(run_ember(script, cwd=tmp_path)) == ok(run_torch(script))


@pytest.mark.slow
def test_embers_own_classes_leave_dispatch_off(tmp_path):
    """fx's ``Proxy`` defines ``__torch_function__`` and, under the runner, reports
    ``torch.fx.proxy`` as its module: loading it and then importing a module leaves
    function-level dispatch off (Ember's modules are not looked at for tensor-likes)."""
    (tmp_path / "fresh_module.py").write_text("X = 1\n")
    script = tmp_path / "own_classes.py"
    script.write_text("import torch.fx\nprint(torch.fx.Proxy.__module__)\nimport fresh_module\n"
                      "from ember._ops import _bindings\nprint(sorted(_bindings._active))\n")
    assert ok(run_ember(script, cwd=tmp_path)).split("\n")[:2] == ["torch.fx.proxy", "[]"]
