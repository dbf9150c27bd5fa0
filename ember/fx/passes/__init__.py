"""``torch.fx.passes``: analyses over a traced graph (``shape_prop``: each node's output
shape, dtype and layout)."""


def __getattr__(name):
    if name == "shape_prop":        # loaded on first use, as torch's submodules are
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
