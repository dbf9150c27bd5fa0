"""The private torch modules libraries import: ``torch._foreach_*`` (multi-tensor ops),
``torch._C._functorch`` (batched-tensor primitives), ``torch.nn.utils._named_member_accessor``,
``torch._utils``."""

__all__ = ["foreach_empty_list", "foreach_list_lengths", "foreach_scalar_list_length",
           "functorch_no_wrappers", "vmap_batched_with_none_out_dim", "vmap_non_tensor_output",
           "member_not_module", "member_bad_name", "device_module_missing",
           "device_module_argument",
           "make_functional_has_buffers", "ensemble_mismatch", "CONV_TRANSPOSE_MIXIN_DEPRECATED"]


# ---- torch._foreach_* -------------------------------------------------------------------------
def foreach_empty_list():
    return RuntimeError("Tensor list must have at least one tensor.")


def foreach_list_lengths(n, m):
    return RuntimeError(f"Tensor lists must have the same number of tensors, got {n} and {m}")


def foreach_scalar_list_length():
    return RuntimeError("Tensor list must have same number of elements as scalar list.")


# ---- torch._C._functorch's batched-tensor primitives ---------------------------------------
def functorch_no_wrappers():
    return RuntimeError("No wrappers present!")


def vmap_batched_with_none_out_dim(name):
    return ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when "
                      "out_dim is None")


def vmap_non_tensor_output(name, output):
    return ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                      f"{type(output)}. Did you mean to set out_dims= to None for output?")


# ---- torch.nn.utils._named_member_accessor ------------------------------------------------------
def member_not_module(module):
    return TypeError(f"{module} is not an instance of torch.nn.Module")


def member_bad_name(name):
    what = 'can\'t contain "."' if "." in name else 'can\'t be empty string ""'
    return KeyError(f"tensor name {what}")


# ---- torch._utils -------------------------------------------------------------------------------
def device_module_missing(device_type):
    return RuntimeError(f"Device '{device_type}' does not have a corresponding module registered "
                        f"as 'torch.{device_type}'.")


def device_module_argument(value):
    return RuntimeError(f"Invalid value of device '{value}', expect torch.device, str, or None")


# ---- torch._functorch.make_functional ---------------------------------------------------------
def make_functional_has_buffers():
    return RuntimeError("make_functional(model): `model` has buffers. Please use "
                        "make_functional_with_buffers(model) instead.")


def ensemble_mismatch(what):
    """``what``: "none", "mode" or "class"."""
    detail = {"none": "Expected at least one model, got 0.",
              "mode": "Expected all models to have the same training/eval mode.",
              "class": "Expected all models to be of the same class."}[what]
    return RuntimeError(f"combine_state_for_ensemble: {detail}")


# ---- torch.nn.modules.conv ----------------------------------------------------------------------
CONV_TRANSPOSE_MIXIN_DEPRECATED = ("`_ConvTransposeMixin` is a deprecated internal class. "
                                   "Please consider using public APIs.")
