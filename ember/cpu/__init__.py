"""``torch.cpu``: the CPU device module (its ``amp`` names load on first use)."""


def __getattr__(name):
    if name == "amp":
        import importlib
        return importlib.import_module(__name__ + ".amp")
    from .. import _errors
    raise _errors.module_attribute(__name__, name)
