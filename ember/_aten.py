"""Operators that PyTorch exposes only as ``torch.ops.aten.<name>`` (no public ``torch.<name>``),
written with Ember's public ops so that code calling or registering them runs: ``_to_copy``,
``_pin_memory``, ``alias``, ``slice``, ``index``, ``_convolution``, ``_sparse_addmm``,
``_sparse_mm_reduce_impl``, ``_local_scalar_dense``, ``lift_fresh``, ``sym_size``."""
import builtins

from . import _errors


def _to_copy(self, *, dtype=None, layout=None, device=None, pin_memory=None,
             non_blocking=False, memory_format=None):
    """A new tensor with ``self``'s values (never ``self`` itself), converted as asked."""
    out = self.to(device=device, dtype=dtype, non_blocking=non_blocking, copy=True,
                  **({} if memory_format is None else {"memory_format": memory_format}))
    return out.pin_memory() if pin_memory else out


def _pin_memory(self, device=None):
    return self.pin_memory(device) if device is not None else self.pin_memory()


def alias(self):
    """A view of all of ``self``."""
    return self.view(self.shape)


def slice(self, dim=0, start=None, end=None, step=1):
    """``self[..., start:end:step, ...]`` along ``dim`` (a view)."""
    dim = dim + self.dim() if dim < 0 else dim
    return self[(builtins.slice(None),) * dim + (builtins.slice(start, end, step),)]


def index(self, indices):
    """Advanced indexing by a list of index tensors (None: the whole dim)."""
    return self[tuple(builtins.slice(None) if i is None else i for i in indices)]


def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                 groups, benchmark=False, deterministic=False, cudnn_enabled=True,
                 allow_tf32=True):
    """``convolution`` with the backend switches of the native call (they choose nothing here)."""
    from ._ops import nn_conv
    return nn_conv.convolution(input, weight, bias, stride, padding, dilation, transposed,
                               output_padding, groups)


def _sparse_addmm(self, mat1, mat2, *, beta=1, alpha=1):
    from . import sparse
    return sparse.addmm(self, mat1, mat2, beta=beta, alpha=alpha)


def _sparse_mm_reduce_impl(self, other, reduce):
    """Runs on sparse CSR tensors only in PyTorch; Ember's sparse tensors are COO."""
    raise _errors.sparse_backend_not_implemented(
        "_sparse_mm_reduce_impl", "SparseCPU" if self.is_sparse else "CPU")


def _local_scalar_dense(self):
    """The value of a one-element tensor as a Python number (``Tensor.item``)."""
    return self.item()


def lift_fresh(self):
    return self


def sym_size(self, dim):
    """The size of ``self`` along ``dim`` (exported graphs read a dynamic size with it)."""
    return self.size(dim)


KERNELS = {f.__name__: f for f in (_to_copy, _pin_memory, alias, slice, index, _convolution,
                                   _sparse_addmm, _sparse_mm_reduce_impl, _local_scalar_dense,
                                   lift_fresh, sym_size)}
