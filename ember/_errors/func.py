"""torch.func: the function transforms (grad, vjp, jacrev, functional_call, ...)."""
from .base import UnsupportedError


def transform_arg_not_tensor(x):
    return ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")


def argnums_type(argnums):
    return RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")


def argnum_type(argnum):
    return RuntimeError(f"argnum must be int, got: {type(argnum)}")


def argnum_range(argnum, num_args):
    return RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def argnums_empty():
    return RuntimeError("argnums must be non-empty")


def argnums_not_unique(argnums):
    return RuntimeError(f"argnums elements must be unique, got {argnums}")


def has_aux_output(api):
    return RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                        "if has_aux is True")


def grad_output_not_tensor(output):
    return RuntimeError("grad_and_value(f)(*args): Expected f(*args) "
                        f"to return a Tensor, got {type(output)}")


def grad_output_not_scalar(dim):
    return RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                        f"got tensor with {dim} dims. Maybe you wanted to use the vjp or "
                        "jacrev APIs instead?")


def transform_empty_output(api, output):
    return RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                        f"(got output = {output})")


def transform_output_not_tensor(api, value):
    return RuntimeError(f"{api}: expected f(*primals) to return only tensors, "
                        f"got unsupported type {type(value)}")


def transform_output_type(value):
    return RuntimeError(f"Expected tensors, got unsupported type {type(value)}")


def vjp_output_dtype(dtype):
    return RuntimeError("vjp(f, ...): All outputs of f must be floating-point or complex "
                        f"Tensors, got Tensor with dtype {dtype}")


def vjp_cotangent_structure(cotangents, outputs):
    return RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                        "structure of outputs to the function. "
                        f"cotangents: {cotangents}, primal output: {outputs}")


def transform_complex(api, is_input, idx):
    what = "inputs" if is_input else "outputs"
    return RuntimeError(f"{api}: Expected all {what} to be real but received complex tensor "
                        f"at flattened input idx: {idx}")


def jacrev_chunk_size():
    return ValueError("jacrev: `chunk_size` should be greater than 0.")


def transform_needs(api, missing):
    """A torch.func transform whose machinery Ember lacks (vmap, forward-mode AD)."""
    return UnsupportedError(f"ember does not implement torch.func.{api}: it needs {missing}, "
                            "which Ember does not have yet")


# ---- functional_call / stack_module_state ----------------------------------------------------
def functional_call_dicts_type(value):
    return ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                      f"dicts, but got {type(value)}")


def functional_call_dict_elements():
    return ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")


def functional_call_repeated_keys(keys):
    return ValueError(f"{keys} appeared in multiple dictionaries; behavior of functional call "
                      "is ambiguous")


def functional_call_tied_values(names):
    return ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                      "which are tied. Consider using tie_weights=False")


def reparametrize_keys(module_name, missing, unexpected):
    msgs = []
    if unexpected:
        msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
    if missing:
        msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
    return RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
        module_name, "\n\t".join(msgs)))


def reparametrize_no_attribute(module_name, attr):
    return AttributeError(f"{module_name} has no attribute `{attr}`")


def reparametrize_not_tensor(what):
    return TypeError(f"{what} is not an instance of torch.Tensor")


def reparametrize_attr_not_tensor(name, value):
    return TypeError(f"attribute `{name}`: {value} is not an instance of torch.Tensor")


def reparametrize_not_module(name, value):
    return TypeError(f"submodule `{name}`: {value} is not an instance of torch.nn.Module")


STATELESS_DEPRECATED = (
    "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
    "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
    "which is a drop-in replacement.")


def stack_module_state_empty():
    return RuntimeError("stack_module_state: Expected at least one model, got 0.")


def stack_module_state_mode():
    return RuntimeError("stack_module_state: Expected all models to have the same "
                        "training/eval mode.")


def stack_module_state_class():
    return RuntimeError("stack_module_state: Expected all models to be of the same class.")


def stack_module_state_requires_grad(name):
    return RuntimeError(f"Expected {name} from each model to have the same .requires_grad")


def functionalize_remove(remove):
    return RuntimeError(
        f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. "
        "Valid options are:\n     remove='mutations': all inplace and out= operators will be "
        "removed from the program, and replaced with their out-of-place equivalents.\n     "
        "remove='mutations_and_views': In addition to the above, all aliasing operators {view} "
        "will be replaced with their non-aliasing counterparts, {view}_copy.\n")


class DimensionBindError(Exception):
    """A ``rearrange`` pattern's sizes do not fit the tensor (functorch.dim's error)."""


def rearrange_pattern(side, problem):
    return ValueError(f"rearrange: invalid pattern {side.strip()!r}: {problem}")


def rearrange_names(names):
    return ValueError("Identifiers only on one side of rearrange expression (should be on "
                      f"both): {names}")


def rearrange_rank(ndim, dims):
    return ValueError(f"rearrange: the pattern names {dims} dims for a tensor of {ndim}")


def rearrange_bind(message):
    return DimensionBindError(message)
