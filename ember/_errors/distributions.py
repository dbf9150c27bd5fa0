"""torch.distributions' messages: parameter and support validation, shapes, constructors."""


def _fmt(value):
    """How torch's f-strings show a tensor: a 0-d tensor formats as its Python number."""
    return value.item() if getattr(value, "dim", None) is not None and value.dim() == 0 \
        else value


def dist_invalid_parameter(param, value, dist, constraint):
    return ValueError(f"Expected parameter {param} ({type(value).__name__} of shape "
                      f"{tuple(value.shape)}) of distribution {dist!r} to satisfy the constraint "
                      f"{constraint!r}, but found invalid values:\n{_fmt(value)}")


def dist_outside_support(value, dist, support):
    return ValueError(f"Expected value argument ({type(value).__name__} of shape "
                      f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                      f"distribution {dist!r}, but found invalid values:\n{_fmt(value)}")


def dist_value_not_tensor():
    return ValueError("The value argument to log_prob must be a Tensor")


def dist_event_shape_mismatch(shape, event_shape):
    return ValueError(f"The right-most size of value must match event_shape: {shape} vs "
                      f"{event_shape}.")


def dist_not_broadcastable(actual, expected):
    return ValueError(f"Value is not broadcastable with batch_shape+event_shape: {actual} vs "
                      f"{expected}.")


def dist_probs_or_logits():
    return ValueError("Either `probs` or `logits` must be specified, but not both.")


def dist_min_one_dim(param):
    return ValueError(f"`{param}` parameter must be at least one-dimensional.")


def dist_no_mode(cls):
    return NotImplementedError(f"{cls} does not implement mode")


def dist_custom_init_expand(cls_name, base_name):
    return NotImplementedError(f"Subclass {cls_name} of {base_name} that defines a custom "
                               "__init__ method must also define a custom .expand() method.")


def dist_set_default_validate_args():
    return ValueError()


def dist_dependent_check():
    return ValueError("Cannot determine validity of dependent constraint")


def dist_dependent_static(what):
    return NotImplementedError(f".{what} cannot be determined statically")


def dist_value_dim(expected, got):
    return ValueError(f"Expected value.dim() >= {expected} but got {got}")


def dist_cannot_transform(name):
    return NotImplementedError(f"Cannot transform {name} constraints")


def dist_constraint_type(constraint):
    return TypeError("Expected constraint to be either a Constraint subclass or instance, but "
                     f"got {constraint}")


def dist_kl_not_a_class():
    # torch's check only reaches ``issubclass``, which rejects anything but a class
    return TypeError("issubclass() arg 1 must be a class")


def dist_kl_not_implemented(p, q):
    return NotImplementedError(f"No KL(p || q) is implemented for p type {p} and q type {q}")


def dist_independent_ndims(ndims, batch_ndims):
    return ValueError("Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), "
                      f"actual {ndims} vs {batch_ndims}")


def dist_not_implemented(what):
    return NotImplementedError(what)


def dist_bad_shape(message):
    return ValueError(message)
