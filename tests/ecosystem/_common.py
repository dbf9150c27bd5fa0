"""Shared by the ecosystem scripts: deterministic parameters and inputs (the same values
under Ember and PyTorch without either random generator) and result lines.

With ``ECOSYSTEM_TIMING=1`` a script also prints ``TIME <seconds>`` at exit: the time from this
module's import (after torch and the library are imported, and a garbage collection) to the
end, i.e. the workload
(``python -m benchmarks.ecosystem`` compares it between Ember and PyTorch)."""
import atexit
import gc
import math
import os
import time

import torch

if os.environ.get("ECOSYSTEM_TIMING") == "1":
    # A full collection of the libraries' import-time objects lands inside the short timed
    # window or not depending only on where the collector's counters stand after the imports
    # (it did under Ember and not under torch): collect first, under both.
    gc.collect()
    atexit.register(lambda: print(f"TIME {time.perf_counter() - _START:.4f}", flush=True))
_START = time.perf_counter()


def deterministic_(model, scale=1.0):
    """Fill every parameter with a smooth pseudo-random pattern of fan-in-scaled amplitude."""
    with torch.no_grad():
        for k, (_, p) in enumerate(model.named_parameters()):
            n = p.numel()
            fan_in = max(1, n // max(1, p.shape[0])) if p.dim() > 1 else max(1, n)
            vals = torch.sin(torch.arange(n, dtype=torch.float64) * 0.7 + k)
            p.copy_((vals * (scale / math.sqrt(fan_in))).reshape(p.shape).to(p.dtype))
    return model


def inputs(*shape, phase=0.0):
    """A deterministic float32 input of ``shape``."""
    n = math.prod(shape)
    return torch.cos(torch.arange(n, dtype=torch.float64) * 0.01 + phase).reshape(shape).float()


def report(*parts):
    """Print a result line: the test compares these lines (their words and numbers) between
    the run under Ember and the run under PyTorch; everything else printed is ignored."""
    print("RESULT", *parts, flush=True)
