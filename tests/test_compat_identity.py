"""Ember's identity as PyTorch under ``python -m ember.run``: ``torch.__version__`` (a
``TorchVersion``), ``torch.version``, ``importlib.metadata`` / ``find_spec`` answers, and import
errors that name ``torch.*``; outside the runner Ember keeps its own version."""
import itertools
import subprocess
import sys

import pytest

from ember.torch_version import TorchVersion
from tests.test_runner import SCRIPTS, TIMEOUT, _env, ok, run_ember, run_torch

_VERSIONS = ["2.13.0+ember.0.1.0", "2.13", "2.13.0", "2.14.0a0", "2.13.0rc1", "2.13.0.dev2024",
             "2.13.0.post1", "2.12.9", "2.13.0+cpu", "2.13.0+cu121", "1.0", "2.13.0+ember.0.2.0",
             "2.13.0a1.dev3", "2.13.0.post1.dev2", "v2.13.0"]
_OPS = ["__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"]


@pytest.mark.parametrize("op", _OPS)
def test_torch_version_compares_like_torchs(op):
    torch_version = pytest.importorskip("torch.torch_version")
    for a, b in itertools.product(_VERSIONS, _VERSIONS + [(2, 13), (2, 13, 0), (2, 14), (1, 9)]):
        expected = getattr(torch_version.TorchVersion(a), op)(b)
        assert getattr(TorchVersion(a), op)(b) == expected, (a, op, b)


def test_torch_version_is_a_string():
    v = TorchVersion("2.13.0+ember.0.1.0")
    assert isinstance(v, str) and v.split("+")[0] == "2.13.0" and hash(v) == hash(str(v))
    assert TorchVersion("2.13") < "garbage"  # not a version: plain string order, as torch's


@pytest.mark.slow  # two interpreters (Ember under the runner, torch)
def test_identity_script_matches_torch():
    got = ok(run_ember(SCRIPTS / "identity.py")).splitlines()
    vision = [line for line in got if line.startswith("torchvision:")]
    assert vision == ["torchvision: (0, 28) (0, 28)"]
    expected = [line for line in ok(run_torch(SCRIPTS / "identity.py")).splitlines()
                if not line.startswith("torchvision:")]
    assert [line for line in got if not line.startswith("torchvision:")] == expected


@pytest.mark.slow
def test_own_version_outside_the_runner():
    code = """
import importlib.metadata as md
import ember, ember.compat as compat, ember.version
own = ember.__version__
assert own == ember.version.EMBER_VERSION and type(own) is str
compat.install()
import torch
assert torch.__version__ == ember.version.__version__ and md.version("torch").startswith("2.13")
compat.uninstall()
assert ember.__version__ == own and type(ember.__version__) is str
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=TIMEOUT, env=_env())
    assert proc.stdout == "ok\n", proc.stderr
