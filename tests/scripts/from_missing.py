"""``from torch import <missing>``: the error must still name the PyTorch API."""
from torch import some_missing_function  # noqa: F401
