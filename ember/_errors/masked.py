"""torch.masked: dims, masks and result dtypes of the masked reductions."""


def masked_dim_repeated(d):
    return RuntimeError(f"dim={d} appears multiple times in the list of dims")


def masked_mask_ndim():
    return IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher "
                      "than of the input)")


def masked_mean_dtype(source, dtype):
    return ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either a "
                      f"floating point or complex dtype. Got: {dtype}")


def masked_median_int():
    return ValueError("masked median expects no fully masked out rows if dtype is not floating "
                      "point")


def masked_identity(op, dtype):
    return NotImplementedError(f"identity of {op} on {dtype} input")


def masked_std_var_args():
    return AssertionError("Only one of unbiased and correction may be given")
