"""``torch.nn.modules.utils``: the argument-expanding helpers libraries import (``_pair`` & co.)
and ``consume_prefix_in_state_dict_if_present``."""
import collections.abc

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _to_tuple(x, n):
    """``x`` as a tuple: an iterable kept as one, anything else repeated ``n`` times (for modules
    whose dimension count ``n`` is a class attribute)."""
    return tuple(x) if isinstance(x, collections.abc.Iterable) else (x,) * n


def _ntuple(n, name="parse"):
    """A parser that keeps an iterable as a tuple and repeats anything else ``n`` times."""
    def parse(x):
        return _to_tuple(x, n)
    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """``t`` reversed with each entry repeated ``n`` times (conv padding to ``F.pad`` order)."""
    return tuple(v for v in reversed(t) for _ in range(n))


def _list_with_default(out_size, defaults):
    """``out_size`` with ``None`` entries taken from the trailing ``defaults`` (adaptive pools)."""
    if isinstance(out_size, int):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    tail = defaults[len(defaults) - len(out_size):]
    return [d if v is None else v for v, d in zip(out_size, tail)]


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip ``prefix`` from the keys of ``state_dict`` (and of its ``_metadata``) in place,
    e.g. ``"module."`` from a ``DataParallel`` / DDP checkpoint."""
    for key in [k for k in state_dict if k.startswith(prefix)]:
        state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is None:
        return
    bare = prefix.replace(".", "")
    for key in [k for k in metadata if k and (k == bare or k.startswith(prefix))]:
        metadata[key[len(prefix):]] = metadata.pop(key)


class _Functional:
    """A module class's ``nn.functional`` function, looked up on each use: as torch's modules
    call ``F.relu(...)`` at run time, code that replaces ``F.relu`` (FLOP counters, tracers)
    sees the modules' calls too."""

    _module = None      # ember.nn.functional, once imported (it imports this module)

    def __init__(self, name):
        self.name = name

    def __get__(self, instance, owner):
        if _Functional._module is None:
            from .. import functional
            _Functional._module = functional
        return getattr(_Functional._module, self.name)
