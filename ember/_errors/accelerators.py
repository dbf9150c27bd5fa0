"""Device modules of accelerators Ember has no backend for (``torch.xpu``, ``torch.mps``), as a
CPU-only PyTorch build answers them."""


def xpu_not_compiled():
    return AssertionError("Torch not compiled with XPU enabled")


def mps_unavailable(call):
    """``call``: the name of the MPS runtime function torch would have reached."""
    return RuntimeError(f"Cannot execute {call}() without MPS backend.")


# ``torch.accelerator``'s deprecated ``*_idx`` spellings ({} names the new one)
ACCELERATOR_IDX_DEPRECATED = "Use `{}` instead."
