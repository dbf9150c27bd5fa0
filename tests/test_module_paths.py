"""Every public class of torch.nn.modules.*, torch.optim.* and torch.utils.data.* that Ember
has imports under the runner from torch's own module path (``cls.__module__``), e.g.
``torch.nn.modules.activation.MultiheadAttention`` or ``torch.optim.adam.Adam``."""
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import pytest

from tests.test_runner import ROOT, SCRIPTS, TIMEOUT, _env

_PACKAGES = ("torch.nn", "torch.nn.modules", "torch.optim", "torch.utils.data")
_EXTRA = ("torch._tensor:Tensor", "torch.nn.parameter:Parameter", "torch.storage:UntypedStorage",
          "torch.autograd.function:Function", "torch.autograd.graph:Node",
          "torch.nn.utils.rnn:PackedSequence", "torch.optim.lr_scheduler:LRScheduler")
# Classes whose canonical module is torch's C extension or a private helper module: the public
# path is what programs import.
_PRIVATE_HOMES = ("torch._C", "torch.nn.modules.linear_cross_entropy_options")


def _torch_classes():
    """canonical ``module:qualname`` -> public ``module:name`` paths where torch exports it."""
    classes = {}
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        names = [package_name] + [f"{package_name}.{m.name}"
                                  for m in pkgutil.iter_modules(package.__path__)
                                  if not m.name.startswith("_")]
        for module_name in names:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            for name, obj in vars(module).items():
                if name.startswith("_") or not inspect.isclass(obj):
                    continue
                home = obj.__module__
                if not home.startswith(_PACKAGES) or home.startswith(_PRIVATE_HOMES):
                    continue
                canonical = f"{home}:{obj.__qualname__}"
                classes.setdefault(canonical, []).append(f"{module_name}:{name}")
    for path in _EXTRA:
        classes.setdefault(path, [path.replace(":", ".").rpartition(".")[0] + ":" +
                                  path.rpartition(":")[2]])
    return classes


@pytest.fixture(scope="module")
def report():
    pytest.importorskip("torch")
    classes = _torch_classes()
    proc = subprocess.run([sys.executable, "-m", "ember.run", str(SCRIPTS / "module_paths.py")],
                          input=json.dumps(classes), capture_output=True, text=True,
                          timeout=TIMEOUT, env=_env(), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_classes_import_from_torchs_module_path(report):
    assert report["wrong"] == []


@pytest.mark.slow
def test_missing_classes_are_listed(report):
    """Not a failure: the torch classes Ember lacks (documented in docs/compat.md)."""
    print("\nclasses Ember does not have:", *sorted(report["missing"]), sep="\n  ")
    assert "torch.nn.modules.linear:Linear" not in report["missing"]
