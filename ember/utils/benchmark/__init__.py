"""``torch.utils.benchmark``: time statements (``Timer``), summarise the times
(``Measurement``) and tabulate many of them (``Compare``), as PyTorch's.

Not provided: the input fuzzers (``Fuzzer``, ``FuzzedParameter``, ``FuzzedTensor``,
``FuzzedSparseTensor``, ``ParameterAlias``) and Callgrind's instruction counts
(``Timer.collect_callgrind``, ``CallgrindStats``, ``FunctionCounts``): the names exist, and
using them raises ``NotImplementedError`` saying so.
"""
from .utils.common import *  # noqa: F401,F403
from .utils.compare import *  # noqa: F401,F403
from .utils.timer import *  # noqa: F401,F403
from .utils import common as _common, compare as _compare, timer as _timer

_UNSUPPORTED = {
    "Fuzzer": "the input fuzzers are not implemented",
    "FuzzedParameter": "the input fuzzers are not implemented",
    "ParameterAlias": "the input fuzzers are not implemented",
    "FuzzedTensor": "the input fuzzers are not implemented",
    "FuzzedSparseTensor": "the input fuzzers are not implemented",
    "CallgrindStats": "instruction counts need Valgrind and a torch build",
    "FunctionCounts": "instruction counts need Valgrind and a torch build",
}


def _unsupported(name, why):
    def __init__(self, *args, **kwargs):
        from ... import _errors
        raise _errors.benchmark_unsupported(name, why)
    return type(name, (), {"__init__": __init__, "__module__": __name__,
                           "__doc__": f"Not provided by Ember: {why}."})


globals().update({name: _unsupported(name, why) for name, why in _UNSUPPORTED.items()})

__all__ = _common.__all__ + _compare.__all__ + _timer.__all__ + list(_UNSUPPORTED)
