"""``torch.sparse`` for sparse COO tensors: ``mm``, ``addmm`` and ``sum`` (see docs/sparse.md).
The tensors themselves (``ember.sparse_coo_tensor``, ``Tensor.to_sparse``) live in
``ember._ops.sparse``."""
from .._ops.sparse import sparse_addmm as addmm, sparse_mm as mm, sparse_sum as sum  # noqa: A004

__all__ = ["addmm", "mm", "sum"]
