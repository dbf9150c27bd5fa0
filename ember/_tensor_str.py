"""Tensor printing identical to PyTorch's (being written)."""


def tensor_repr(t):
    return f"tensor({t._data!r})"
