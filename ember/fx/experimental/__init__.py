"""``torch.fx.experimental``: the parts libraries import."""


def __getattr__(name):
    if name in ("proxy_tensor", "symbolic_shapes"):      # loaded on first use, as torch's
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
