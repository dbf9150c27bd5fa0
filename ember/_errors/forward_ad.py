"""Messages of forward-mode AD (``torch.autograd.forward_ad`` and ``torch.func.jvp``)."""

__all__ = ["fwd_no_level", "fwd_nested_level", "fwd_exit_not_last", "fwd_not_float",
           "fwd_already_dual", "fwd_tangent_size", "fwd_not_implemented",
           "jvp_not_tuple", "jvp_tangents_structure", "jvp_no_tensors",
           "jvp_not_tensor", "jvp_output_not_tensor", "jvp_aux_output",
           "linearize_tangents_structure", "linearize_tangent_mismatch"]


def fwd_no_level():
    return RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                        "make sure to enter_dual_level() first.")


def fwd_nested_level():
    return RuntimeError("Nested forward mode AD is not supported at the moment")


def fwd_exit_not_last():
    return RuntimeError("Trying to exit a forward AD level that was not the last one that was "
                        "created. This is not supported.")


def fwd_not_float(what, dtype):
    return ValueError(f"Expected {what} to be floating point or complex, but got: {dtype}")


def fwd_already_dual(level):
    return RuntimeError("Making a dual Tensor based on a Tensor that already has a forward "
                        f"gradient at the same level {level} is not supported.")


def fwd_tangent_size(shape, tshape):
    return RuntimeError(
        "Trying to set a forward gradient that has a different size than that of the original "
        f"Tensor, this is not supported. Tensor is of size {list(shape)} while the given "
        f"forward gradient is of size {list(tshape)}.")


def fwd_not_implemented(op):
    return NotImplementedError(
        f"Trying to use forward AD with {op} that does not support it because it has not been "
        "implemented yet.\nPlease file an issue to PyTorch at https://github.com/pytorch/pytorch/"
        "issues/new?template=feature-request.yml so that we can prioritize its implementation or "
        "submit a PR adding the implementation to derivatives.yaml")


def jvp_not_tuple(what):
    return RuntimeError(f"jvp(f, primals, tangents): Expected {what} to be a tuple. "
                        f"E.g. it should be valid to call f(*{what}).")


def jvp_tangents_structure(p, t):
    return RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the "
                        "same python structure. For example, if primals is a tuple of 3 "
                        "tensors, tangents also must be. Got primals with structure "
                        f"{p} and tangents with structure {t}")


def jvp_no_tensors():
    return RuntimeError("jvp(f, primals, tangents): Expected primals to contain at least one "
                        "Tensor.")


def jvp_not_tensor(got):
    return RuntimeError("jvp(f, primals, tangents): Expected primals to only contain Tensors, "
                        f"got {got}")


def jvp_output_not_tensor(api, got):
    api = "jvp(f, primals, tangents)" if api.startswith("jacfwd") else api
    return RuntimeError(f"{api}: expected f(*primals) to return only tensors, got unsupported "
                        f"type {got}")


def jvp_aux_output():
    return RuntimeError("jvp(f, primals, tangents): output of function f should be a tuple: "
                        "(output, aux) if has_aux is True")


def linearize_tangents_structure(p, t):
    return RuntimeError(f"Expected the tangents {t} to have the same argspec as the primals {p}")


def linearize_tangent_mismatch(primal, tangent, i=0):
    if not hasattr(tangent, "shape") or tuple(tangent.shape) != tuple(primal.shape):
        what, got, want = "shape", getattr(tangent, "shape", type(tangent)), primal.shape
    else:
        what, got, want = "dtype", tangent.dtype, primal.dtype
    return RuntimeError(f"tangent:{i} with {what} {got} in flattened pytree doesn't match the "
                        f"{what} {want} of the corresponding primal.")
