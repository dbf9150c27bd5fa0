"""Python-level argument errors of torch functions (call signatures)."""

# ---- call signatures (Python-level argument errors of torch functions) ----------------------
def unexpected_kwarg(fn, name):
    return TypeError(f"{fn}() got an unexpected keyword argument '{name}'")


def multiple_values(fn, name):
    return TypeError(f"{fn}() got multiple values for argument '{name}'")


def argument_type(fn, arg, pos, value, expected="Tensor"):
    return TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be {expected}, not "
                     f"{type(value).__name__}")


def invalid_arguments(fn, args, signatures):
    """No overload of ``fn`` takes ``args``; ``signatures``: its overloads as torch lists them."""
    got = ", ".join(type(a).__name__ for a in args)
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({got}), but "
                     "expected one of:\n" + "".join(f" * ({s})\n" for s in signatures))


def index_select_scalar(n):
    return RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {n} value(s)")


def unique_zero_sized():
    return RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot "
                        "be applied")
