"""nn modules: constant / zero / reflection / replication / circular padding (1d, 2d, 3d)."""
from .. import functional as F
from .module import Module
from .utils import _to_tuple

_NAMES = ("ConstantPad", "ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad")
__all__ = [f"{n}{d}d" for n in _NAMES for d in (1, 2, 3)]


class _PadNd(Module):
    """Pads the last ``_nsp`` dims; ``padding`` is an int or a 2*_nsp tuple (last dim first)."""
    __constants__ = ["padding"]
    _nsp = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _to_tuple(padding, 2 * self._nsp)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ReflectionPadNd(_PadNd):
    _mode = "reflect"


class _ReplicationPadNd(_PadNd):
    _mode = "replicate"


class _CircularPadNd(_PadNd):
    _mode = "circular"


def _zero_init(self, padding):
    _ConstantPadNd.__init__(self, padding, 0.0)


def _make(name, bases, nsp, **attrs):
    return type(name, bases, {"_nsp": nsp, "__module__": __name__, **attrs})


# torch's class tree: XPad{n}d derives from _XPadNd, and ZeroPad{n}d from ConstantPad{n}d
for _n in (1, 2, 3):
    for _prefix, _base in (("ConstantPad", _ConstantPadNd), ("ReflectionPad", _ReflectionPadNd),
                           ("ReplicationPad", _ReplicationPadNd), ("CircularPad", _CircularPadNd)):
        globals()[f"{_prefix}{_n}d"] = _make(f"{_prefix}{_n}d", (_base,), _n)
    globals()[f"ZeroPad{_n}d"] = _make(f"ZeroPad{_n}d", (globals()[f"ConstantPad{_n}d"],), _n,
                                      __init__=_zero_init, extra_repr=_PadNd.extra_repr)
del _prefix, _base, _n
