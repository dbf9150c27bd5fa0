"""Python-level argument errors of torch functions (call signatures)."""

# ---- call signatures (Python-level argument errors of torch functions) ----------------------
def unexpected_kwarg(fn, name):
    return TypeError(f"{fn}() got an unexpected keyword argument '{name}'")


def multiple_values(fn, name):
    return TypeError(f"{fn}() got multiple values for argument '{name}'")


def missing_int_list(fn, arg):
    return TypeError(f'{fn}() missing 1 required positional arguments: "{arg}"')


def _c_type_name(value):
    """The type's name as a C-level ``tp_name`` reads: builtins and Python classes bare,
    extension types with their module (``numpy.ndarray``)."""
    tp = type(value)
    if tp.__module__ == "builtins" or tp.__flags__ & (1 << 9):     # Py_TPFLAGS_HEAPTYPE
        return tp.__name__
    return f"{tp.__module__}.{tp.__qualname__}"


def int_list_type(fn, arg, value, position=1):
    """``value`` is neither an int nor a sequence of ints, for ``fn``'s int-list ``arg``
    (passed at ``position``, or by keyword when None)."""
    where = f" (position {position})" if position else ""
    return TypeError(f"{fn}(): argument '{arg}'{where} must be tuple of ints, not "
                     f"{_c_type_name(value)}")


def int_list_item(fn, arg, pos, value):
    """Item ``pos`` (1-based) of ``fn``'s int-list ``arg`` is not an int."""
    return TypeError(f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos} with "
                     f'error "type must be tuple of ints,but got {_c_type_name(value)}"')


def number_argument(fn, name, value):
    return TypeError(f"{fn}(): argument '{name}' must be Number, not {_c_type_name(value)}")


def positional_count(fn, takes, given):
    return TypeError(f"{fn}() takes {takes} positional arguments but {given} were given")


def one_positional(fn, given):
    return TypeError(f"{fn}() takes 1 positional argument but {given} were given")


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
