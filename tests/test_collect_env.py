"""``python -m ember.info`` reports versions, CPU, BLAS and backends without importing extras."""
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.utils import collect_env


def test_report_names_versions_and_backends():
    info = dict(collect_env.get_env_info()[:9])
    assert info["Ember version"] == ember.__version__
    assert info["NumPy"] == np.__version__
    labels = [label for label, _ in collect_env.get_env_info()]
    assert "NumPy BLAS" in labels and "CPU vector extensions" in labels
    backends = [v for label, v in collect_env.get_env_info() if label == "Backend"]
    assert backends[0] == "CPU (NumPy): available"
    assert backends[1].startswith("CUDA: ")


@pytest.mark.slow
def test_module_entry_point_prints_the_report():
    proc = subprocess.run([sys.executable, "-m", "ember.info"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Collecting environment information..."
    assert any(line.startswith("NumPy:") and np.__version__ in line for line in lines)
    assert any(line.startswith("Python:") for line in lines)


def test_missing_optional_package_names_its_extra(monkeypatch):
    real = collect_env._version
    monkeypatch.setattr(collect_env, "_version",
                        lambda dist: None if dist == "tqdm" else real(dist))
    assert ("tqdm", "not installed (pip install 'ember[examples]')") in collect_env.get_env_info()
