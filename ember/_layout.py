"""``torch.layout`` and ``torch.memory_format``: named singletons that print as torch's.

Ember's tensors are strided, or sparse COO (``ember._ops.sparse``; no CSR); nested tensors
are strided or jagged (``ember.nested``).  A memory format
lays a strided tensor's elements out in memory (``ember._ops.memory_format``).
"""


class _Named:
    __slots__ = ("name",)
    _registry = None

    def __init__(self, name):
        self.name = name
        self._registry[name] = self

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_lookup, (type(self).__name__, self.name))


class layout(_Named):
    __slots__ = ()
    _registry = {}


class memory_format(_Named):
    __slots__ = ()
    _registry = {}


def _lookup(kind, name):
    return {"layout": layout, "memory_format": memory_format}[kind]._registry[name]


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
jagged = layout("jagged")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
legacy_contiguous_format = contiguous_format    # (torch's old name for it)

for _cls in (layout, memory_format):
    _cls.__module__ = "torch"
del _cls
