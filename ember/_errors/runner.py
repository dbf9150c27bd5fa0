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
