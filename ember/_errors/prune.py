"""nn.utils.prune."""


def prune_not_pruned(module):
    return AssertionError(f"Module {module} has to be pruned")


def prune_multiple_hooks(name, module):
    return AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of "
                          f"module {module}. Use a PruningContainer.")


def prune_importance_shape(what, got, want):
    """``what``: ``"parameter <name> of <module>"`` (a module's parameter) or ``"tensor t"``."""
    return AssertionError(f"importance_scores should have the same shape as {what}, got {got} "
                          f"vs {want}")


def prune_remove_unpruned(module):
    return AssertionError(f"Module {module} has to be pruned before pruning can be removed")


def prune_not_method(method):
    return TypeError(f"{type(method)} is not a BasePruningMethod subclass")


def prune_container_name(container, tensor_name, found):
    return ValueError(f"Can only add pruning methods acting on the parameter named "
                      f"'{tensor_name}' to PruningContainer {container}. Found '{found}'")


def prune_structured_needs_dim():
    return AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have the '
                          "attribute `dim` defined.")


def prune_dim_out_of_bounds(n_dims):
    return IndexError(f"Index is out of bounds for tensor with dimensions {n_dims}")


def prune_unknown_type(kind):
    return ValueError(f"Unrecognized PRUNING_TYPE {kind}")


def prune_mask_shape(default_shape, mask_shape):
    return AssertionError(f"default_mask shape {default_shape} must match self.mask shape "
                          f"{mask_shape}")


def prune_global_not_iterable():
    return TypeError("global_unstructured(): parameters is not an Iterable")


def prune_global_scores_type():
    return TypeError("global_unstructured(): importance_scores must be of type dict")


def prune_global_structured(method, kind):
    return TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                     f"Found method {method} of type {kind}")


def prune_remove_missing(name, module):
    return ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning "
                      "can be removed")


def prune_amount_type(amount):
    return TypeError(f"Invalid type for amount: {amount}. Must be int or float.")


def prune_amount_range(amount):
    return ValueError(f"amount={amount} should either be a float in the range [0, 1] or a "
                      "non-negative integer")


def prune_amount_too_big(amount, size):
    return ValueError(f"amount={amount} should be smaller than the number of parameters to "
                      f"prune={size}")


def prune_structured_dims(shape):
    return ValueError("Structured pruning can only be applied to multidimensional tensors. "
                      f"Found tensor of shape {shape} with {len(shape)} dims")


def prune_invalid_dim(dim, shape):
    return IndexError(f"Invalid index {dim} for tensor of size {shape}")
