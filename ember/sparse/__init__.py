"""``torch.sparse`` for sparse COO tensors: ``mm``, ``addmm``, ``sum`` and
``check_sparse_tensor_invariants`` (see docs/sparse.md).  The tensors themselves
(``ember.sparse_coo_tensor``, ``Tensor.to_sparse``) live in ``ember._ops.sparse``, the ops in
``ember._ops.sparse_ops``.

Not provided (``MISSING``, which raise ``ember.UnsupportedError``, an AttributeError): the
sparse softmaxes, ``solve``, the semi-structured (2:4) tensors and ``as_sparse_gradcheck``.
"""
import functools

from .. import _errors
from .._ops import sparse as _sparse
from .._ops.sparse_ops import sparse_addmm as addmm, sparse_mm as mm  # noqa: F401
from .._ops.sparse_ops import sparse_sum as sum  # noqa: A004

__all__ = ["addmm", "check_sparse_tensor_invariants", "mm", "sum"]

MISSING = ("softmax", "log_softmax", "solve", "SparseSemiStructuredTensor",
           "SparseSemiStructuredTensorCUTLASS", "SparseSemiStructuredTensorCUSPARSELT",
           "to_sparse_semi_structured", "as_sparse_gradcheck")


class check_sparse_tensor_invariants:
    """Whether ``sparse_coo_tensor`` checks its indices against the size when not told
    (``check_invariants=None``): off by default; on inside ``with
    check_sparse_tensor_invariants():`` (or a function it decorates), or after ``enable()``."""

    @staticmethod
    def is_enabled():
        return _sparse.INVARIANT_CHECKS[0]

    @staticmethod
    def enable():
        _sparse.INVARIANT_CHECKS[0] = True

    @staticmethod
    def disable():
        _sparse.INVARIANT_CHECKS[0] = False

    def __init__(self, enable=True):
        self.state = enable
        self.saved_state = None

    def __enter__(self):
        if self.saved_state is not None:
            raise _errors.sparse_invariants_nested()
        self.saved_state = self.is_enabled()
        _sparse.INVARIANT_CHECKS[0] = self.state

    def __exit__(self, *exc):
        _sparse.INVARIANT_CHECKS[0] = self.saved_state
        self.saved_state = None

    def __call__(self, fn):
        @functools.wraps(fn)
        def checked(*args, **kwargs):
            with check_sparse_tensor_invariants(self.state):
                return fn(*args, **kwargs)
        return checked


def __getattr__(name):
    if name in MISSING:
        raise _errors.unsupported(f"torch.sparse.{name}")
    raise _errors.module_attribute(__name__, name)
