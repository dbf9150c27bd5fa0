"""Dense float32 matmul throughput in GFLOP/s (2*m*k*n flops per product)."""
import functools

from . import models
from .harness import Workload


def setup(lib, m, k, n):
    a, _ = models.random_batch(lib, (m, k), seed=1)
    b, _ = models.random_batch(lib, (k, n), seed=2)
    return a, b


def matmul(state):
    a, b = state
    a @ b


def _workload(m, k, n, calls):
    return Workload(f"matmul_{m}x{k}x{n}", f"matmul {m}x{k} @ {k}x{n} float32",
                    functools.partial(setup, m=m, k=k, n=n), matmul, calls=calls,
                    unit="GFLOP/s", scale=2 * m * k * n / 1e9)


WORKLOADS = [_workload(64, 784, 512, 200), _workload(1024, 1024, 1024, 10)]
