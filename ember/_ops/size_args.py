"""Int-list arguments (sizes, shapes, dims) read as torch's argument parser reads them:
``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(torch.Size(...))``; items are ints, NumPy
integers, bools (not as a lone argument) or one-element integer tensors (``__index__``)."""
import functools
from operator import index

from .. import _errors


def int_list(args, fn, arg="size", keyword=None):
    """The ints of ``args`` (a function's positional int-list arguments) or of ``keyword`` (the
    same argument passed by name; None when it was not), with torch's errors for anything else:
    the argument is required, so neither given is a ``TypeError`` as torch's parser raises."""
    if keyword is not None:
        if args:
            raise _errors.multiple_values(fn, arg)
        if not isinstance(keyword, (tuple, list)):     # (by name, a lone int is refused)
            raise _errors.int_list_type(fn, arg, keyword, None)
        args = (keyword,)
    elif not args:
        raise _errors.missing_int_list(fn, arg)
    items = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    try:
        out = tuple(map(index, items))
    except TypeError:
        out = None
    if out is None or (items is args and len(args) == 1 and args[0].__class__ is bool):
        raise _refusal(args, items, fn, arg, None if keyword is not None else 1)
    return out


def whole_list_function(fn, name, arg):
    """``torch.<name>(input, <arg>)``, the function form of an op whose method also takes the
    ints unpacked (``t.reshape(2, 3)``): torch's function takes the list whole, so more
    positional arguments and a lone int are refused with its errors."""
    @functools.wraps(fn)
    def function(*args, **kwargs):
        if len(args) > 2:
            raise _errors.positional_count(name, 2, len(args))
        if len(args) == 2 and not isinstance(args[1], (tuple, list)):
            raise _errors.int_list_type(name, arg, args[1], 2)
        return fn(*args, **kwargs)
    return function


def _is_int(x):
    try:
        index(x)
    except TypeError:
        return False
    return True


def _refusal(args, items, fn, arg, position):
    """torch's error for int-list arguments that ``int_list`` refused."""
    if items is args and not (_is_int(args[0]) and args[0].__class__ is not bool):
        if len(args) > 1:
            return _errors.one_positional(fn, len(args))
        return _errors.int_list_type(fn, arg, args[0], position)
    pos = next(i for i, a in enumerate(items, 1) if not _is_int(a))
    return _errors.int_list_item(fn, arg, pos, items[pos - 1])
