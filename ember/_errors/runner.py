"""The drop-in runner and the torch / torchvision aliases."""
from .base import unsupported


# ---- drop-in runner (ember.run / ember.compat) ------------------------------------------------
def unsupported_module(api, why):
    return ModuleNotFoundError(f"ember does not implement {api} ({why})")


def unsupported_attribute(api, target):
    return unsupported(api, f"{target} has no attribute {api.rpartition('.')[2]!r}")


def cannot_import_name(name, module, path):
    """Python's ``from module import name`` failure, naming the module the user imported."""
    where = f" ({path})" if path else " (unknown location)"
    return ImportError(f"cannot import name {name!r} from {module!r}{where}", name=module,
                       path=path)


# ---- torch.cuda without a GPU (the CPU-only build's answers) -----------------------------------
def cuda_not_compiled(why=None):
    """torch's CPU-only answer, then (second line) why ember has no CUDA and what to install."""
    from .tensor import CUDA_INSTALL_HINT
    return AssertionError("Torch not compiled with CUDA enabled\n(ember: "
                          + (f"{why}; " if why else "") + CUDA_INSTALL_HINT + ")")


def cuda_dummy_class(name):
    return RuntimeError(f"Tried to instantiate dummy base class {name}")


def backend_not_linked(device_type):
    return RuntimeError(f"PyTorch is not linked with support for {device_type} devices")


def cpu_no_events():
    return RuntimeError("cpu backend doesn't support events.")


def event_timing_disabled():
    return ValueError("Both events must be created with argument 'enable_timing=True'.")


def cuda_stream_needs_cuda():
    return RuntimeError("torch.cuda.Stream requires CUDA support")


def nvtx_missing():
    return RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")


def cuda_not_built():
    return RuntimeError("PyTorch was compiled without CUDA support")
