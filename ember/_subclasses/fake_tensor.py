"""``torch._subclasses.fake_tensor``: ``FakeTensor`` (for ``isinstance`` checks) and
``is_fake``."""
from .._tensor import Tensor

__all__ = ["FakeTensor", "is_fake"]


class FakeTensor(Tensor):
    """A tensor with metadata and no data, in PyTorch's tracing machinery.  Ember never makes
    one: it is here so that ``isinstance(x, FakeTensor)`` checks run (and answer False)."""

    def __new__(cls, *args, **kwargs):
        from .. import _errors
        raise _errors.unsupported_attribute(
            "torch._subclasses.FakeTensor", "ember tensors always hold data")


def is_fake(x):
    """Whether ``x`` is a fake tensor (one without data): never, for Ember's tensors."""
    return isinstance(x, FakeTensor)
