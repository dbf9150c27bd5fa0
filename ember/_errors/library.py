"""torch.library: operators defined in Python."""


def library_bad_name(qualname):
    return ValueError(f"Expected there to be a namespace in {qualname}, i.e. The operator name "
                      "should look something like ns::foo")


def library_no_kernel(ns, name):
    return NotImplementedError(f"{ns}::{name}: no implementation was registered (use "
                               "Library.impl or torch.library.impl)")


def library_untyped(fn, param):
    import inspect
    return ValueError(f"infer_schema(func): Parameter {param} must have a type annotation. Got "
                      f"func with signature {inspect.signature(fn)})")


def library_kind(kind):
    return ValueError(f"Unsupported kind: {kind}")


def library_no_overload(packet, overload):
    return AttributeError(f"The underlying op of '{packet}' has no overload name '{overload}'")


def library_no_op(ns, name):
    return AttributeError(f"'_OpNamespace' '{ns}' object has no attribute '{name}'")
