"""``torch._subclasses``: the names libraries probe for fake tensors.  Ember's tensors always
hold data (``ember.compile`` records real arrays, not fake tensors), so no ``FakeTensor`` is
ever made; the class exists for ``isinstance`` checks and ``is_fake`` answers False for
every ordinary tensor."""
from .fake_tensor import FakeTensor, is_fake

__all__ = ["FakeTensor", "is_fake"]
