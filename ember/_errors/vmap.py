"""torch.func.vmap's messages (argument checks, randomness, unbatchable operations)."""

__all__ = ["vmap_no_rule", "vmap_dynamic_shape", "vmap_random", "vmap_randomness_value",
           "vmap_item", "vmap_data_dependent", "vmap_in_dims_type",
           "vmap_in_dims_structure", "vmap_in_dim_range", "vmap_in_dim_non_tensor",
           "vmap_no_inputs", "vmap_sizes", "vmap_no_batched_input", "vmap_output_type",
           "vmap_out_dims_structure", "vmap_chunk_size", "vmap_out_arg",
           "vmap_escaped", "vmap_same_randomness_batched", "vmap_different_inplace_unbatched",
           "vmap_not_supported", "legacy_vmap_output_type", "LEGACY_VMAP_DEPRECATED"]


_NO_DIMS = object()


def _call(func, in_dims=_NO_DIMS):
    name = getattr(func, "__name__", repr(func))
    return f"vmap({name})(<inputs>)" if in_dims is _NO_DIMS \
        else f"vmap({name}, in_dims={in_dims}, ...)(<inputs>)"


def vmap_no_rule(op):
    return RuntimeError(f"Batching rule not implemented for aten::{op}. "
                        "We could not generate a fallback.")


def vmap_dynamic_shape(op):
    return RuntimeError("vmap: We do not support batching operators that can output dynamic "
                        f"shape. Attempted to vmap over aten::{op}. Please file an issue at "
                        "https://github.com/pytorch/pytorch/issues if you need this feature.")


def vmap_random():
    return RuntimeError("vmap: called random operation while in randomness error mode. Please "
                        "either use the 'same' or 'different' randomness flags on vmap or "
                        "perform the randomness operation out of vmap")


def vmap_randomness_value(value):
    return RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                        f"'same'. Got {value}")


def vmap_item():
    return RuntimeError("vmap: It looks like you're calling .item() on a Tensor. We don't "
                        "support vmap over calling .item() on a Tensor, please try to rewrite "
                        "what you're doing with other operations. If error is occurring "
                        "somewhere inside PyTorch internals, please file a bug report.")


def vmap_data_dependent():
    return RuntimeError("vmap: It looks like you're attempting to use a Tensor in some "
                        "data-dependent control flow. We don't support that yet, please file "
                        "an issue at https://github.com/pytorch/pytorch/issues .")


def vmap_in_dims_type(func, in_dims):
    return ValueError(f"{_call(func, in_dims)}: expected `in_dims` to be int or a (potentially "
                      "nested) tuple matching the structure of inputs, got: "
                      f"{type(in_dims)}.")


def vmap_in_dims_structure(func, in_dims, in_spec, args_spec):
    return ValueError(f"{_call(func, in_dims)}: in_dims is not compatible with the structure "
                      f"of `inputs`. in_dims has structure {in_spec} but inputs has structure "
                      f"{args_spec}.")


def vmap_in_dim_range(func, in_dims, in_dim, ndim):
    return ValueError(f"{_call(func, in_dims)}: Got in_dim={in_dim} for some input, but that "
                      f"input is a Tensor of dimensionality {ndim} so expected in_dim to "
                      f"satisfy -{ndim} <= in_dim < {ndim}.")


def vmap_in_dim_non_tensor(func, in_dims, in_dim, arg):
    return ValueError(f"{_call(func, in_dims)}: Got in_dim={in_dim} for an input but the input "
                      f"is of type {type(arg)}. We cannot vmap over non-Tensor arguments, "
                      "please use None as the respective in_dim")


def vmap_no_inputs(func):
    return ValueError(f"{_call(func)}: got no inputs. Maybe you forgot to add inputs, or you "
                      "are trying to vmap over a function with no inputs. The latter is "
                      "unsupported.")


def vmap_sizes(sizes):
    return ValueError("vmap: Expected all tensors to have the same size in the mapped "
                      f"dimension, got sizes {sizes} for the mapped dimension")


def vmap_no_batched_input():
    return ValueError("vmap: Expected at least one Tensor to vmap over")


def vmap_output_type(func, value):
    name = getattr(func, "__name__", repr(func))
    return ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                      f"{type(value)}. Did you mean to set out_dims= to None for output?")


def legacy_vmap_output_type(func, value, index):
    """``torch._vmap_internals``' refusal of a non-tensor output (``index`` None: the only one)."""
    name = getattr(func, "__name__", repr(func))
    where = "as the return" if index is None else f"for return {index}"
    return ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                      f"{type(value)} {where}.")


LEGACY_VMAP_DEPRECATED = ("Please use `torch.vmap` instead of `torch._vmap_internals.vmap`.")


def vmap_out_dims_structure(func, out_dims, dims_spec, out_spec):
    name = getattr(func, "__name__", repr(func))
    return ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                      f"compatible with the structure of `outputs`. out_dims has structure "
                      f"{dims_spec} but outputs has structure {out_spec}.")


def vmap_chunk_size(chunk_size):
    return ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")


def vmap_escaped():
    return RuntimeError("vmap: a function without a batching rule computed with the data of a "
                        "BatchedTensor (was it bound before vmap started?); ember cannot batch "
                        "it")


def vmap_out_arg(op):
    return RuntimeError(f"Batching rule not implemented for aten::{op}.out; the fallback path "
                        "doesn't work on out= or view ops.")


def vmap_same_randomness_batched():
    return RuntimeError("Vmap does not currently support same randomness with a batched tensor "
                        "input. Please file an issue with functorch")


def vmap_different_inplace_unbatched():
    return RuntimeError("vmap: Cannot ask for different inplace randomness on an unbatched "
                        "tensor. This will appear like same randomness. If this is necessary "
                        "for your usage, please file an issue with functorch.")


def vmap_not_supported(op):
    return RuntimeError(f"vmap: we do not yet support aten::{op}. Please file an issue")
