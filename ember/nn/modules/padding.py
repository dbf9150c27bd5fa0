"""nn modules: constant / zero / reflection / replication / circular padding (1d, 2d, 3d)."""
from .. import functional as F
from .module import Module

_NAMES = ("ConstantPad", "ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad")
__all__ = [f"{n}{d}d" for n in _NAMES for d in (1, 2, 3)]


class _PadNd(Module):
    """Pads the last ``_nsp`` dims; ``padding`` is an int or a 2*_nsp tuple (last dim first)."""
    __constants__ = ["padding"]
    _nsp = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        n = 2 * self._nsp
        self.padding = tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * n

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


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


def _make(prefix, base, mode, nsp):
    return type(f"{prefix}{nsp}d", (base,), {"_nsp": nsp, "_mode": mode, "__module__": __name__})


_BASES = {"ConstantPad": (_ConstantPadNd, "constant"), "ZeroPad": (_ZeroPadNd, "constant"),
          "ReflectionPad": (_PadNd, "reflect"), "ReplicationPad": (_PadNd, "replicate"),
          "CircularPad": (_PadNd, "circular")}
for _prefix, (_base, _mode) in _BASES.items():
    for _n in (1, 2, 3):
        globals()[f"{_prefix}{_n}d"] = _make(_prefix, _base, _mode, _n)
del _prefix, _base, _mode, _n
