"""``torch.fx.experimental.symbolic_shapes``: the exception ``torch.export`` raises when traced
code reads a tensor's data into Python (``if x.sum() > 0``).  Ember has no symbolic shapes
(``ShapeEnv``, the ``guard_*`` helpers are not provided: see docs/deployment.md)."""
from ..._errors.deployment import GuardOnDataDependentSymNode

__all__ = ["GuardOnDataDependentSymNode"]
