"""torch.library: operators defined in Python."""


def library_bad_name(qualname):
    return ValueError(f"Expected there to be a namespace in {qualname}, i.e. The operator name "
                      "should look something like ns::foo")


def library_no_kernel(ns, name):
    return NotImplementedError(f"{ns}::{name}: no implementation was registered (use "
                               "Library.impl or torch.library.impl)")


def library_kind(kind):
    return ValueError(f"Unsupported kind: {kind}")


def library_no_overload(packet, overload):
    return AttributeError(f"The underlying op of '{packet}' has no overload name '{overload}'")


def library_no_op(ns, name):
    return AttributeError(f"'_OpNamespace' '{ns}' object has no attribute '{name}'")


def infer_schema_failed(what, sig):
    return ValueError(f"infer_schema(func): {what} Got func with signature {sig})")


def infer_schema_mutates_args():
    return ValueError("mutates_args must either be a sequence of the names of the arguments that "
                      "are mutated or the string 'unknown'. ")


def fallthrough_called():
    return NotImplementedError("fallthrough_kernel() should never be called.")


def library_autocast_device(device_type):
    return ValueError(f"Device type '{device_type}' does not support autocast.")


class OpCheckError(Exception):
    """What ``torch.library.opcheck`` raises when one of its tests fails."""


def opcheck_failed(test, detail):
    return OpCheckError(f"opcheck(op, ...): {test} failed with {detail} (scroll up for stack "
                        "trace)")


def opcheck_tolerances():
    return ValueError("opcheck(op, ...): if you specify one of rtol/atol, you must specify both")


def opcheck_test_utils(tests, known):
    return ValueError(f"opcheck(op, ..., test_utils={tests}), expected test_utils to be subset "
                      f"of {known} but it was not")


def opcheck_not_overload(kind):
    return ValueError("opcheck(op, ...): op must be instance of torch._ops.OpOverload, e.g. "
                      f"torch.ops.aten.sin.default, got {kind}")


def opcheck_mutated(name):
    return RuntimeError(f"Argument {name} is not defined as mutable but was mutated")


def opcheck_no_autograd(op):
    return RuntimeError(f"{op}: inputs require grad but no output does: the operator has no "
                        "autograd registration (use register_autograd)")


def opcheck_no_fake(packet, fn_name):
    return RuntimeError(f"There was no fake impl registered for <CustomOpDef({packet._ns}::"
                        f"{packet._name})>. This is necessary for torch.compile/export/fx "
                        f"tracing to work. Please use `{fn_name}.register_fake` to add an "
                        "fake impl.")


def impl_abstract_renamed():
    return FutureWarning("`torch.library.impl_abstract` was renamed to "
                         "`torch.library.register_fake`. Please use that instead; we will remove "
                         "`torch.library.impl_abstract` in a future version of PyTorch.")


class MetadataMismatchError(RuntimeError):
    """A fake kernel's output differs from the real one in shape or dtype."""


def opcheck_fake_mismatch(op, what, real, fake):
    return MetadataMismatchError(f"When comparing the output of {op} on FakeTensor and concrete Tensors, "
                        f"found mismatched tensor metadata: {what} {real} and {fake} are not "
                        "equal!")


def opcheck_results_differ(op, rtol, atol):
    return AssertionError(f"{op}: two runs on the same inputs gave different results (rtol="
                          f"{rtol}, atol={atol})")
