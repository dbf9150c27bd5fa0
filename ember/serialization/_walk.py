"""The tensors inside a loaded object, with their key paths (``model.layer.weight``,
``optimizer.state[0].exp_avg``): what error messages and ``python -m ember.serialization
inspect`` name."""
import collections

from .._tensor import Tensor


def _children(obj):
    if isinstance(obj, dict):
        return ((k, v, "key") for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return ((i, v, "index") for i, v in enumerate(obj))
    if isinstance(obj, Tensor) or not hasattr(obj, "__dict__"):
        return ()
    state = vars(obj)
    if isinstance(state.get("_modules"), dict):         # an nn.Module: state_dict-like names
        return ((k, v, "key") for name in ("_parameters", "_buffers", "_modules")
                for k, v in state.get(name, {}).items())
    return ((k, v, "key") for k, v in state.items())


def _join(path, key, kind):
    if kind == "index":
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def iter_tensors(obj):
    """``(key path, tensor)`` for every tensor reachable from ``obj`` through dicts, lists,
    tuples and object attributes, in order, each object once."""
    todo, seen = collections.deque([("", obj)]), set()
    while todo:
        path, o = todo.popleft()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, Tensor):
            yield path or "<root>", o
        todo.extend((_join(path, k, kind), v) for k, v, kind in _children(o))


def built_on(t, raw):
    """Whether tensor ``t`` (still on the host) views the storage bytes ``raw``."""
    start, p = raw.ctypes.data, t._data.ctypes.data
    return start <= p < start + raw.nbytes
