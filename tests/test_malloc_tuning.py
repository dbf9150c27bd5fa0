"""Ember raises glibc's malloc thresholds so that a training step's multi-MiB temporaries are
reused from the heap instead of being mapped afresh (counted as minor page faults)."""
import json
import os
import subprocess
import sys

import pytest

from ember._backend import malloc_tuning

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

_STEPS = """
import json, resource
import numpy as np
import ember
def step():   # five 6 MiB temporaries alive at once, then freed: like a training step
    arrays = [np.ones(1_500_000, np.float32) for _ in range(5)]
    return sum(float(a[0]) for a in arrays)
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print(json.dumps((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20))
"""


def _faults_per_step(**env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", _STEPS], env={**environ, **env},
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.slow
def test_tuning_removes_page_faults_of_repeated_temporaries():
    if not malloc_tuning.apply():
        pytest.skip("not glibc")
    tuned = _faults_per_step()
    default = _faults_per_step(EMBER_MALLOC_TUNING="0")
    assert default > 1000          # 30 MiB of fresh pages per step with glibc's defaults
    assert tuned < default / 10


@pytest.mark.parametrize("env,expected", [
    ({}, True),
    ({"EMBER_MALLOC_TUNING": "0"}, False),
    ({"MALLOC_MMAP_THRESHOLD_": "131072"}, False),
    ({"MALLOC_TRIM_THRESHOLD_": "0"}, False),
    ({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=131072"}, False),
    ({"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX512F"}, True),
])
def test_user_settings_win(env, expected):
    assert malloc_tuning.wanted(env) is expected
