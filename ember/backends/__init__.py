"""``torch.backends``: feature switches and availability queries."""
from . import cpu, cuda, cudnn, mkldnn, mps, openmp  # noqa: F401


def __getattr__(name):
    # (opt_einsum imports the opt-einsum package: loaded on first use)
    if name == "opt_einsum":
        import importlib
        return importlib.import_module(f"{__name__}.opt_einsum")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
