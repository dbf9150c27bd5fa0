"""``torch._foreach_*`` (multi-tensor ops on lists)."""

__all__ = ["foreach_empty_list", "foreach_list_lengths", "foreach_scalar_list_length"]


def foreach_empty_list():
    return RuntimeError("Tensor list must have at least one tensor.")


def foreach_list_lengths(n, m):
    return RuntimeError(f"Tensor lists must have the same number of tensors, got {n} and {m}")


def foreach_scalar_list_length():
    return RuntimeError("Tensor list must have same number of elements as scalar list.")
