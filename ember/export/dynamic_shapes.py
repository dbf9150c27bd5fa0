"""``Dim`` and the ``dynamic_shapes=`` argument of ``export``.

A spec gives, for each tensor among the inputs, a hint per dimension: a named ``Dim`` (the
same name in two places means the same size), ``Dim.AUTO`` (dynamic if the program allows it,
else static), ``Dim.DYNAMIC`` (must be dynamic), ``Dim.STATIC`` / ``None`` / an int (static).
:func:`leaf_hints` reads the spec against the inputs' structure, as torch matches them: a dict
keyed by ``forward``'s parameter names, or a tuple / list in their order, nested as the
inputs are; a tensor's own spec is a dict ``{dim: hint}`` or a sequence with one hint per dim.
"""
from .. import _errors
from ..utils import _pytree

__all__ = ["Dim", "ShapesCollection"]


class _IntInfinity:
    """``int_oo``: the unbounded maximum of a ``Dim``."""

    def __repr__(self):
        return "int_oo"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, _IntInfinity)

    def __hash__(self):
        return hash("int_oo")

    def __ge__(self, other):
        return True

    def __gt__(self, other):
        return not isinstance(other, _IntInfinity)

    def __le__(self, other):
        return isinstance(other, _IntInfinity)

    def __lt__(self, other):
        return False


int_oo = _IntInfinity()


class _DimHint:
    """``Dim.AUTO`` / ``Dim.DYNAMIC`` / ``Dim.STATIC``."""

    def __init__(self, kind):
        self.type = kind

    def __repr__(self):
        return f"DimHint({self.type})"


class Dim:
    """``Dim(name, *, min=None, max=None)``: a named dynamic size (``min`` defaults to 0 in
    the record and 2 in practice, as in torch)."""
    AUTO = _DimHint("AUTO")
    DYNAMIC = _DimHint("DYNAMIC")
    STATIC = _DimHint("STATIC")

    def __init__(self, name, *, min=None, max=None):
        lo = 0 if min is None else min
        hi = int_oo if max is None else max
        if hi is not int_oo and hi < lo:
            raise _errors.export_dim_range(name, lo, hi)
        self.__name__, self.min, self.max = name, lo, hi

    def __repr__(self):
        parts = [repr(self.__name__)]
        if self.min != 2:
            parts.append(f"min={self.min}")
        if self.max is not int_oo:
            parts.append(f"max={self.max}")
        return f"Dim({', '.join(parts)})"


class ShapesCollection:
    """Hints keyed by the input tensors themselves: ``shapes[x] = {0: batch}``;
    ``dynamic_shapes(mod, args, kwargs)`` gives the spec ``export`` takes."""

    def __init__(self):
        self._by_id = {}

    def __setitem__(self, t, hints):
        self._by_id[id(t)] = (t, hints)

    def __getitem__(self, t):
        return self._by_id[id(t)][1]

    def dynamic_shapes(self, m, args, kwargs=None):
        def spec(value):
            if id(value) in self._by_id:
                return self._by_id[id(value)][1]
            if isinstance(value, (list, tuple)):
                return type(value)(spec(v) for v in value)
            if isinstance(value, dict):
                return {k: spec(v) for k, v in value.items()}
            return None
        return spec(tuple(args) + tuple((kwargs or {}).values()))


def _tensor_hints(t, spec, path):
    if spec is None:
        return {}
    if isinstance(spec, dict):
        return {d % t.dim(): h for d, h in spec.items() if _is_dynamic(h)}
    if isinstance(spec, (list, tuple)):
        if len(spec) != t.dim():
            raise _errors.export_dynamic_shapes_mismatch(
                path, f"a tensor of {t.dim()} dims, but its spec has {len(spec)} entries")
        return {d: h for d, h in enumerate(spec) if _is_dynamic(h)}
    raise _errors.export_dynamic_shapes_mismatch(path, f"a tensor, but its spec is {spec!r}")


def _is_dynamic(hint):
    return isinstance(hint, Dim) or hint is Dim.AUTO or hint is Dim.DYNAMIC


def _walk(value, spec, path, out):
    from .._tensor import Tensor
    if isinstance(value, Tensor):
        out.append(_tensor_hints(value, spec, path))
        return
    node_type = _pytree._get_node_type(value)
    if node_type not in _pytree.SUPPORTED_NODES:       # a constant (int, float, None...)
        return
    children = list(_pytree._keyed_children(value, node_type))
    if spec is None:
        specs = [None] * len(children)
    elif isinstance(spec, (list, tuple)) and isinstance(value, (list, tuple)) and \
            len(spec) == len(value):
        specs = list(spec)
    elif isinstance(spec, dict) and isinstance(value, dict) and set(spec) == set(value):
        specs = [spec[k] for k in value]
    else:
        raise _errors.export_dynamic_shapes_mismatch(
            path, f"a {type(value)}, but `dynamic_shapes{path}` is not")
    for (key, child), s in zip(children, specs):
        _walk(child, s, f"{path}{key}", out)


def leaf_hints(named_inputs, dynamic_shapes):
    """``{axis: hint}`` for each tensor leaf of the inputs (``{name: value}`` in ``forward``'s
    order), in flattening order; the dims without a dynamic hint are absent."""
    if isinstance(dynamic_shapes, (list, tuple)):
        if len(dynamic_shapes) != len(named_inputs):
            raise _errors.export_dynamic_shapes_mismatch(
                "", f"{len(named_inputs)} inputs, but `dynamic_shapes` has "
                f"{len(dynamic_shapes)} entries")
        dynamic_shapes = dict(zip(named_inputs, dynamic_shapes))
    dynamic_shapes = dynamic_shapes or {}
    if set(dynamic_shapes) - set(named_inputs):
        raise _errors.export_dynamic_shapes_keys(list(named_inputs), list(dynamic_shapes))
    out = []
    for name, value in named_inputs.items():
        _walk(value, dynamic_shapes.get(name), f"[{name!r}]", out)
    return out
