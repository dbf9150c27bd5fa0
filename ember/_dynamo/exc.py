"""``torch._dynamo.exc``: the compiler's exception types."""
from .._errors.compiler import (TorchDynamoException, InvalidBackend, Unsupported,
                                UncapturedHigherOrderOpError)
from .._errors.deployment import UserError

__all__ = ["TorchDynamoException", "InvalidBackend", "Unsupported",
           "UncapturedHigherOrderOpError",
           "UserError"]
