"""``default_collate`` (a list of samples -> one batch) and ``default_convert`` (one sample's
NumPy parts -> tensors), with torch's type rules.

``collate`` dispatches on the type of the batch's first element through ``collate_fn_map``
(exact type first, then ``isinstance`` in insertion order), and recurses through mappings,
namedtuples and sequences itself.
"""
import collections.abc
import copy
import re

import numpy as np

from ... import _errors
from ... import _dtype as D
from ..._tensor import Tensor
from ..._ops.creation import as_tensor, tensor
from ..._ops.shape import stack

_STRING_OR_OBJECT = re.compile(r"[SaUO]")   # NumPy dtype kinds that cannot become tensors


def _rebuild(elem, values):
    """``values`` in a container of ``elem``'s type, else a dict / list (torch's fallbacks)."""
    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(values)
                return clone
            return type(elem)(values)
        except TypeError:
            return dict(values)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*values)
    if isinstance(elem, tuple):
        return list(values)
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(elem)(values)
    except TypeError:
        return list(values)


def collate(batch, *, collate_fn_map=None):
    elem = batch[0]
    if collate_fn_map is not None:
        fn = collate_fn_map.get(type(elem))
        if fn is None:
            fn = next((f for t, f in collate_fn_map.items() if isinstance(elem, t)), None)
        if fn is not None:
            return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map)
                               for k in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return _rebuild(elem, [collate(s, collate_fn_map=collate_fn_map)
                               for s in zip(*batch)])
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise _errors.collate_ragged()
        return _rebuild(elem, [collate(s, collate_fn_map=collate_fn_map)
                               for s in zip(*batch)])
    raise _errors.collate_bad_type(type(elem))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return stack(batch, 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    dtype = batch[0].dtype
    if _STRING_OR_OBJECT.search(dtype.str) is not None:
        raise _errors.collate_bad_type(dtype)
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return as_tensor(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return tensor(batch, dtype=D.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    return tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    (np.ndarray, np.memmap): collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Stack a list of samples into a batch: tensors and arrays gain a leading batch dimension,
    Python floats / ints / bools become float64 / int64 / bool tensors, strings stay lists,
    and dicts, namedtuples and sequences are collated field by field."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Turn the NumPy arrays and scalars inside one sample into tensors (nothing else)."""
    if isinstance(data, Tensor):
        return data
    kind = type(data)
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "bytes_"):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT.search(data.dtype.str):
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data


def pin_memory(data):
    """``data`` with every tensor inside it copied to pinned memory (what ``DataLoader`` with
    ``pin_memory=True`` does to each batch); other objects with a ``pin_memory`` method are
    asked to pin themselves."""
    if isinstance(data, Tensor):
        return data.pin_memory()
    if isinstance(data, (str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: pin_memory(v) for k, v in data.items()})
    if isinstance(data, collections.abc.Sequence):
        return _rebuild(data, [pin_memory(d) for d in data])
    if hasattr(data, "pin_memory"):
        return data.pin_memory()
    return data
