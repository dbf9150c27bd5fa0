"""``torch.utils.data._utils.worker``: the worker-side names libraries import (tensordict seeds
its own workers with ``_generate_state``)."""
from .._worker import WorkerInfo, _generate_state, get_worker_info  # noqa: F401

__all__ = ["WorkerInfo", "get_worker_info"]
