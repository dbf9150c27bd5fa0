"""Int-list arguments (sizes, shapes, dims) read as torch's argument parser reads them:
``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(torch.Size(...))``; items are ints, NumPy
integers, bools (not as a lone argument) or one-element integer tensors (``__index__``)."""
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
