"""torch keeps older package names for ``torch.ao``'s (``torch.quantization``,
``torch.nn.quantized``...): they hold the same modules and objects."""
import sys


def alias_submodules(alias, target, names):
    """Register ``target.<name>`` as ``alias.<name>`` for each of ``names`` (so importing either
    gives one module); returns the attributes the alias package should bind (the modules,
    except where ``target`` binds the name to something else, e.g. the function
    ``fuse_modules``)."""
    package = sys.modules[target]
    bound = {}
    for name in names:
        module = sys.modules[f"{target}.{name}"]
        sys.modules[f"{alias}.{name}"] = module
        bound[name] = getattr(package, name, module)
    return bound
