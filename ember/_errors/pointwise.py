"""Pointwise ops and reductions."""
from .base import _CPP_TYPE, legacy_scalar_type


# ---- pointwise ------------------------------------------------------------------------------
def out_requires_grad(node):
    """``out=`` with autograd; ``node`` the result's grad_fn (named after the op), or None."""
    import re
    op = "op" if node is None else re.sub(r"Backward\d*$", "", node.name())
    op = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()
    return RuntimeError(f"{op}(): functions with out=... arguments don't support automatic "
                        "differentiation, but one of the arguments requires grad.")


def out_type(out):
    return TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")


def out_resized_warning(old, new):
    """torch's text (without its C++ source location) for an ``out=`` tensor with elements
    that had to be resized."""
    return (f"An output with one or more elements was resized since it had shape {list(old)}, "
            f"which does not match the required output shape {list(new)}. This behavior is "
            "deprecated, and in a future PyTorch release outputs will not be resized unless they "
            "have zero elements. You can explicitly reuse an out tensor t by resizing it, "
            "inplace, to zero elements with t.resize_(0).")


def no_tensor_operand(a, b):
    return TypeError(f"expected at least one Tensor operand, got {type(a).__name__} and "
                     f"{type(b).__name__}")


def int_zero_division():
    return RuntimeError("ZeroDivisionError")


def derivative_not_implemented(op, namespace="aten::"):
    return RuntimeError(f"derivative for {namespace}{op} is not implemented")


def derivative_not_implemented_for(what):
    """A formula torch leaves out (``not_implemented("zeta")`` in its derivatives table)."""
    return NotImplementedError(f"the derivative for '{what}' is not implemented.")


def polygamma_negative_n():
    return RuntimeError("polygamma(n, x) does not support negative n.")


def mvlgamma_p():
    return RuntimeError("p has to be greater than or equal to 1")


def alpha_type(bool_alpha, name="alpha"):
    """A bool scalar factor (``alpha``, ``beta``) for a non-bool result, or a floating one for an
    integral result."""
    if bool_alpha:
        return RuntimeError(f"Boolean {name} only supported for Boolean results.")
    return RuntimeError(f"For integral input tensors, argument {name} must not be a floating "
                        "point number.")


def alpha_complex():
    return RuntimeError("For non-complex input tensors, argument alpha must not be a complex "
                        "number.")


def bool_operator(op, both=False):
    """``op`` is '-' (subtraction; ``both``: two bool operands), 'neg' or '+'."""
    if op == "+":
        return RuntimeError("The `+` operator, on a bool tensor is not supported.")
    if both:
        return RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                            "supported. Use the `^` or `logical_xor()` operator instead.")
    what = "Negation, the `-` operator, on" if op == "neg" else \
        "Subtraction, the `-` operator, with"
    return RuntimeError(f"{what} a bool tensor is not supported. If you are trying to invert a "
                        "mask, use the `~` or `logical_not()` operator instead.")


def div_rounding_mode(mode):
    return RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                        f"found '{mode}'")


def int_negative_power():
    return RuntimeError("Integers to negative integer powers are not allowed.")


def float_power_inplace_dtype(dtype):
    return RuntimeError(f"the base given to float_power_ has dtype {legacy_scalar_type(dtype)} "
                        "but the operation's result requires dtype Double")


def heaviside_dtypes():
    return RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


def dtype_did_not_match(a, b):
    return RuntimeError(f"{legacy_scalar_type(a)} did not match {legacy_scalar_type(b)}")


def relu_bool():
    return RuntimeError("Boolean inputs not supported for relu")


def where_condition_dtype(dtype):
    return RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                        f"dtype {legacy_scalar_type(dtype)}")


def argument_dtype(name, want, got):
    return RuntimeError(f"expected dtype {_CPP_TYPE[want.name]} for `{name}` but got dtype "
                        f"{_CPP_TYPE[got.name]}")


def addcdiv_integer():
    return RuntimeError(
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
        "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
        "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
        "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
        "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
        "tensor2), for all dtypes.")


def clamp_no_bounds():
    return RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")


def imag_real():
    return RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


def invert_float():
    return TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")


# ---- reductions ---------------------------------------------------------------------------------
def reduction_no_dim(name, index_error=False):
    msg = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
    if index_error:
        return IndexError(msg)
    return RuntimeError(msg + " Specify the reduction dim with the 'dim' argument.")


def reduction_zero_size(name, dim):
    return IndexError(f"{name}(): Expected reduction dim {dim} to have non-zero size.")


def std_var_dtype():
    return RuntimeError("std and var only support floating point and complex dtypes")


def vector_norm_dtype(dtype):
    return RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                        f"input. Got {legacy_scalar_type(dtype)}")


def kernel_not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{legacy_scalar_type(dtype)}\'')


def kth_out_of_range(name, dim=None):
    if name == "topk":
        return RuntimeError("selected index k out of range")
    return RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")


def mean_dtype(name, dtype):
    """``mean`` / ``nanmean`` of an integer or bool dtype."""
    if name == "nanmean":
        return RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                            f"but got {legacy_scalar_type(dtype)}")
    return RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                        f"floating point or complex dtype. Got: {legacy_scalar_type(dtype)}")


def aminmax_empty():
    return RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                        "operation has no identity.")


def arg_reduction_bool(name):
    return RuntimeError(f"{name}(): does not support bool input")


def std_dof_warning():
    return ("std(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).")


def deprecated_scalar_first(name, scalar, n_tensors):
    tensors = ["other"] if n_tensors == 1 else ["tensor1", "tensor2"]
    old = ", ".join(["Tensor input", f"Number {scalar}"] + [f"Tensor {t}" for t in tensors])
    new = ", ".join(["Tensor input"] + [f"Tensor {t}" for t in tensors])
    return (f"This overload of {name} is deprecated:\n\t{name}({old}, *, Tensor out = None)\n"
            f"Consider using one of the following signatures instead:\n\t{name}({new}, *, "
            f"Number {scalar} = 1, Tensor out = None)")
