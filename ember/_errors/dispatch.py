"""``__torch_dispatch__`` (tensor subclasses and dispatch modes) and functorch's batched-tensor
primitives (``torch._C._functorch``)."""

__all__ = ["dispatch_not_implemented", "functorch_no_wrappers", "vmap_batched_with_none_out_dim",
           "vmap_non_tensor_output"]


def dispatch_not_implemented(op, types):
    handlers = "".join(f"  - tensor subclass {t}\n" for t in types)
    return TypeError(f"Multiple dispatch failed for 'torch._ops.{op}'; all __torch_dispatch__ "
                     f"handlers returned NotImplemented:\n\n{handlers}\nFor more information, "
                     "try re-running with TORCH_LOGS=not_implemented")


# ---- torch._C._functorch's batched-tensor primitives ---------------------------------------
def functorch_no_wrappers():
    return RuntimeError("No wrappers present!")


def vmap_batched_with_none_out_dim(name):
    return ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when "
                      "out_dim is None")


def vmap_non_tensor_output(name, output):
    return ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                      f"{type(output)}. Did you mean to set out_dims= to None for output?")
