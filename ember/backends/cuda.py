"""``torch.backends.cuda``: CUDA switches.  Ember's NumPy build has no CUDA kernels of its own,
so ``is_built()`` is False as in a CPU-only PyTorch; the switches hold their values so that code
setting and reading them behaves the same (the CuPy backend reads ``matmul.allow_tf32``)."""
import contextlib

__all__ = ["is_built", "matmul", "flash_sdp_enabled", "enable_flash_sdp", "math_sdp_enabled",
           "enable_math_sdp", "mem_efficient_sdp_enabled", "enable_mem_efficient_sdp",
           "cudnn_sdp_enabled", "enable_cudnn_sdp", "sdp_kernel"]


def is_built():
    return False


class cuBLASModule:
    """``matmul.allow_tf32`` & co.: attributes, with torch's defaults."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True
        self.allow_fp16_accumulation = False


matmul = cuBLASModule()
_sdp = {"flash": True, "math": True, "mem_efficient": True, "cudnn": True}


def flash_sdp_enabled():
    return _sdp["flash"]


def enable_flash_sdp(enabled):
    _sdp["flash"] = bool(enabled)


def math_sdp_enabled():
    return _sdp["math"]


def enable_math_sdp(enabled):
    _sdp["math"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _sdp["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    _sdp["mem_efficient"] = bool(enabled)


def cudnn_sdp_enabled():
    return _sdp["cudnn"]


def enable_cudnn_sdp(enabled):
    _sdp["cudnn"] = bool(enabled)


@contextlib.contextmanager
def sdp_kernel(enable_flash=True, enable_math=True, enable_mem_efficient=True,
               enable_cudnn=True):
    """Set the attention-kernel switches inside the ``with`` block."""
    saved = dict(_sdp)
    _sdp.update(flash=enable_flash, math=enable_math, mem_efficient=enable_mem_efficient,
                cudnn=enable_cudnn)
    try:
        yield
    finally:
        _sdp.update(saved)
