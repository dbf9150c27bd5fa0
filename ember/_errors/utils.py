"""utils: checkpoint, hooks, _pytree, testing and the other ``torch.utils`` modules."""


# ---- torch.utils.hooks ----------------------------------------------------------------------
def hook_not_serialized_warning(hook):
    return (f"backward hook {hook!r} on tensor will not be serialized.  If this is expected, "
            "you can decorate the function with @torch.utils.hooks.unserializable_hook to "
            "suppress this warning")


# ---- torch.utils.checkpoint -----------------------------------------------------------------
CHECKPOINT_NO_GRAD_INPUTS = "None of the inputs have requires_grad=True. Gradients will be None"


def checkpoint_use_reentrant_warning(sequential=False):
    if sequential:
        return ("torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter "
                "should be passed explicitly. In version 2.9 we will raise an exception if "
                "use_reentrant is not passed. use_reentrant=False is recommended, but if you "
                "need to preserve the current default behavior, you can pass "
                "use_reentrant=True. Refer to docs for more details on the differences between "
                "the two variants.")
    return ("torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.")


def checkpoint_unexpected_kwargs(kwargs):
    return ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))


def checkpoint_context_fn_reentrant():
    return ValueError("Passing `context_fn` or `debug` is only supported when "
                      "use_reentrant=False.")


def checkpoint_no_output_grad():
    return RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                        "necessary")


def checkpoint_detach_variable(inputs):
    return RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                        f"{type(inputs).__name__}")


def checkpoint_recompute_mismatch(cls, detail):
    return cls("torch.utils.checkpoint: Recomputed values for the following tensors have "
               "different metadata than during the forward pass.\n" + detail)


def checkpoint_outer_graph(cls):
    return cls("torch.utils.checkpoint (Ember): with use_reentrant=False, a tensor that "
               "requires grad and is not a leaf must be passed to the checkpointed function as "
               "an argument, not captured from outside it.")
