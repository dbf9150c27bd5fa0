"""``__torch_dispatch__`` (tensor subclasses and dispatch modes)."""

__all__ = ["dispatch_not_implemented", "dispatch_state_outside_handler"]


def dispatch_not_implemented(op, types):
    handlers = "".join(f"  - tensor subclass {t}\n" for t in types)
    return TypeError(f"Multiple dispatch failed for 'torch._ops.{op}'; all __torch_dispatch__ "
                     f"handlers returned NotImplemented:\n\n{handlers}\nFor more information, "
                     "try re-running with TORCH_LOGS=not_implemented")


def dispatch_state_outside_handler():
    return RuntimeError("Accessing torch dispatch state outside of '__torch_dispatch__' is not "
                        "allowed.")
