"""The allow-list of globals a ``weights_only`` load may resolve.

By default: the ``torch.*`` names checkpoints use (mapped to Ember, see ``_rebuild``), plain
containers and a few data constructors, each wrapped so that its arguments can only build data.
Users extend it with ``add_safe_globals`` (objects, or ``(object, "module.name")`` pairs).
"""
import collections
import contextlib

from .. import _errors, _names
from . import _rebuild

_ENCODINGS = ("latin1", "latin-1", "utf-8", "utf8", "ascii")


def _codecs_encode(obj, encoding="utf-8", errors="strict"):
    """Protocol-2 pickles spell ``bytes`` as ``_codecs.encode(str, "latin1")``."""
    if not isinstance(obj, str) or encoding not in _ENCODINGS or errors != "strict":
        raise _errors.safe_global_argument("encode")
    return obj.encode(encoding)


def _bytearray(*args):
    if args and not isinstance(args[0], (bytes, str, list)):
        raise _errors.safe_global_argument("bytearray")
    return bytearray(*args)


_DEFAULTS = dict(_rebuild.TORCH_NAMES)
_DEFAULTS.update({
    "collections.OrderedDict": collections.OrderedDict,
    "builtins.set": set,
    "builtins.frozenset": frozenset,
    "builtins.complex": complex,
    "builtins.slice": slice,
    "builtins.bytearray": _bytearray,
    "_codecs.encode": _codecs_encode,
})

# Allowed as names (a class to rebuild into), never as something to call.
NOT_CALLABLE = frozenset(id(o) for o in (_rebuild.TORCH_NAMES["torch.Tensor"],))

_user = {}


def _qualified_name(obj):
    return f"{obj.__module__}.{obj.__qualname__}"


def add_safe_globals(safe_globals):
    """Allow ``weights_only`` loads to resolve these globals (objects or ``(obj, name)``)."""
    for entry in safe_globals:
        if isinstance(entry, tuple):
            obj, name = entry
        else:
            obj, name = entry, _qualified_name(entry)
        _user[name] = obj


def get_safe_globals():
    """The globals added by ``add_safe_globals`` (as PyTorch returns them)."""
    return [obj if _qualified_name_or_none(obj) == name else (obj, name)
            for name, obj in _user.items()]


def _qualified_name_or_none(obj):
    try:
        return _qualified_name(obj)
    except AttributeError:
        return None


def clear_safe_globals():
    _user.clear()


@contextlib.contextmanager
def safe_globals(globals_list):
    """Allow these globals inside the ``with`` block only."""
    saved = dict(_user)
    add_safe_globals(globals_list)
    try:
        yield
    finally:
        _user.clear()
        _user.update(saved)


# Modules never allowed, even when the user allow-lists something from them (as torch).
BLOCKED_MODULES = frozenset(("sys", "os", "posix", "nt"))


def lookup(full_name):
    """The object allowed under ``full_name`` (a torch name also finds Ember's), or None."""
    obj = _user.get(full_name)
    if obj is None:
        obj = _user.get(_names.to_ember(full_name) or full_name)
    return _DEFAULTS.get(full_name) if obj is None else obj


def is_user_allowed(obj):
    """True for an object the user allow-listed (may be called / BUILT like a class)."""
    return any(o is obj for o in _user.values())
