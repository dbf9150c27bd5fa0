"""The ATen operators that are not public torch functions, for ``torch.ops.aten.<name>``:
in-place forms (``add_``), ``_to_copy``, ``slice``, ``index``, ``alias``, ``_pin_memory``,
``_sparse_addmm``, each computed as Ember computes its public counterpart.  Libraries name
them as keys of their ``__torch_dispatch__`` tables (torch_geometric's index tensors) and may
call them."""
from . import _errors

__all__ = ["lookup"]


def _to_copy(self, *, dtype=None, layout=None, device=None, pin_memory=None,
             non_blocking=False, memory_format=None):
    return self.to(device=device, dtype=dtype, non_blocking=non_blocking, copy=True)


def _slice(self, dim=0, start=None, end=None, step=1):
    index = [slice(None)] * self.dim()
    index[dim] = slice(start, end, step)
    return self[tuple(index)]


def _index(self, indices):
    return self[tuple(slice(None) if i is None else i for i in indices)]


def _alias(self):
    return self.view(self.shape)


def _pin_memory(self, device=None):
    return self.pin_memory()


def _sparse_addmm(input, mat1, mat2, *, beta=1, alpha=1):
    from . import sparse
    return sparse.addmm(input, mat1, mat2, beta=beta, alpha=alpha)


def _sparse_mm_reduce_impl(self, other, reduce):
    raise _errors.unsupported("torch.ops.aten._sparse_mm_reduce_impl",
                              "it multiplies sparse CSR tensors, which Ember does not have")


_ONLY = {"_to_copy": _to_copy, "slice": _slice, "index": _index, "alias": _alias,
         "_pin_memory": _pin_memory, "_sparse_addmm": _sparse_addmm,
         "_sparse_mm_reduce_impl": _sparse_mm_reduce_impl}


def lookup(name):
    """The function for ATen operator ``name`` that ``ember.<name>`` is not, or None."""
    if name.endswith("_") and not name.startswith("_"):
        from ._ops._core import OPS
        op = OPS.get(name[:-1])
        return None if op is None else op.inplace
    return _ONLY.get(name)
