"""``F.linear_cross_entropy``: shapes of the input, the projection and the target."""


def lce_input_dim(nd):
    return RuntimeError(f"expected input with dimensionality 1 or 2, got {nd}")


def lce_weight_dim(nd):
    return RuntimeError(f"expected linear_weight with dimensionality at least 2, got {nd}")


def lce_in_features(a, b):
    return RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                        f"got {a} and {b}, respectively")


def lce_bias_shape(expected, got):
    return RuntimeError(f"expected linear_bias shape {expected}, got {got}")


def lce_unbatched(weight_shape, in_features, input_shape):
    return RuntimeError(f"K-dimensional loss defined by linear_weight shape {weight_shape} "
                        f"requires batched input, (N, {in_features}), got unbatched input with "
                        f"shape {input_shape}")


def lce_ignore_index_probabilities():
    return RuntimeError("ignore_index cannot be specified when target contains probabilities")
