"""The ``_saved_<name>`` attributes torch's built-in backward nodes expose (``MulBackward0``
has ``_saved_self`` and ``_saved_other``, ``SumBackward1`` ``_saved_dim``, ``_saved_keepdim``
and ``_saved_self_sym_sizes``), read off what Ember's node keeps.

Graph-drawing tools (torchviz) list them with ``dir(node)``.  Each node's entry says, per torch
name, where the value is (a small notation, one string per node):

* ``sN``: the node's N-th saved tensor (unpacked: freed or modified ones raise torch's errors);
  ``sN.shape`` / ``sN.stride``: its sizes / strides; ``@K`` after either: ``None`` (``()``
  for sizes and strides) when forward input K needs no gradient (torch saves a value only for
  the gradients that need it); ``~aM`` last: where Ember kept no tensor (a Python number
  operand), that number from ``_args[M]`` as the 0-d tensor torch wraps it in;
* ``a``: the node's ``_args``; ``aN`` / ``aN.M``: an item of it (nested); ``aN.numel``: the
  product of a shape there; ``aN:reduction``: a loss reduction as torch's enum value;
* ``#V``: a constant (Ember's node always has that value, e.g. ``alpha`` of an addition,
  whose scaling Ember records as a separate multiplication).

Sequences come back as tuples and NumPy scalars as Python numbers, as torch returns them.
Nodes or names absent here are not exposed (their values are not kept in a form to report).
"""
import operator
from functools import reduce

from .. import _dtype as D

_NODES = {
    "AddBackward0": "alpha=#1", "SubBackward0": "alpha=#1", "RsubBackward1": "alpha=#1",
    "MulBackward0": "self=s0@1 other=s1@0~a1", "DivBackward0": "self=s0@1 other=s1~a1",
    "MmBackward0": "self=s0@1 mat2=s1@0 self_sym_sizes=s0.shape self_sym_strides=s0.stride@0 "
                   "mat2_sym_sizes=s1.shape mat2_sym_strides=s1.stride@1",
    "BmmBackward0": "self=s0@1 mat2=s1@0",
    "AddmmBackward0": "mat1=s0@2 mat2=s1@1 mat1_sym_sizes=s0.shape mat1_sym_strides=s0.stride@1 "
                      "mat2_sym_sizes=s1.shape mat2_sym_strides=s1.stride@2 beta=a2 alpha=a3",
    "ConvolutionBackward0": "input=s0 weight=s1 stride=a0.s padding=a0.p dilation=a0.d "
                            "groups=a0.groups transposed=a1",
    "SoftmaxBackward0": "dim=a0 result=s0", "LogSoftmaxBackward0": "dim=a0 result=s0",
    "SumBackward0": "self_sym_sizes=a0", "SumBackward1": "self_sym_sizes=a0 dim=a1 keepdim=a2",
    "MeanBackward0": "self_sym_sizes=a0 self_sym_numel=a0.numel",
    "MeanBackward1": "self_sym_sizes=a0 dim=a1 keepdim=a2 self_sym_numel=a0.numel",
    "ViewBackward0": "self_sym_sizes=a0", "ExpandBackward0": "self_sym_sizes=a0",
    "PermuteBackward0": "dims=a0", "TransposeBackward0": "dim0=a0 dim1=a1",
    "UnsqueezeBackward0": "dim=a0", "SqueezeBackward1": "self_sym_sizes=a0",
    "CatBackward0": "dim=a0", "StackBackward0": "dim=a0", "CumsumBackward0": "dim=a0",
    "SelectBackward0": "self_sym_sizes=a0 dim=a1 index=a2",
    "SliceBackward0": "self_sym_sizes=a0 dim=a1 start=a2 end=a3 step=a4",
    "SplitBackward0": "self_sym_sizes=a0 dim=a1 split_size=a2.0",
    "RepeatBackward0": "self_sym_sizes=a0 repeats=a1", "RollBackward0": "shifts=a0 dims=a1",
    "FlipBackward0": "dims=a", "ConstantPadNdBackward0": "pad=a",
    "GatherBackward0": "dim=a1 index=a2", "IndexBackward0": "self_sym_sizes=a0",
    "EmbeddingBackward0": "indices=s0 weight_sym_argsize_0=a0 scale_grad_by_freq=a2 sparse=a3",
    "PowBackward0": "self=s0 exponent=a", "ClampBackward1": "self=s0 min=a0 max=a1",
    "LeakyReluBackward0": "self=s0 negative_slope=a0",
    "HardtanhBackward0": "self=s0 min_val=a0 max_val=a1",
    "SoftplusBackward0": "self=s0 beta=a0 threshold=a1",
    "VarBackward0": "self=s0 dim=a0 keepdim=a1 correction=a3",
    "StdBackward0": "self=s0 result=s1 keepdim=a1",
    "ProdBackward0": "self=s0 result=s1", "AmaxBackward0": "self=s0 dim=a1 keepdim=a2",
    "LinalgVectorNormBackward0": "self=s0 result=s1 keepdim=a2",
    "MseLossBackward0": "self=s0 target=s1 reduction=a0:reduction",
    "AvgPool2DBackward0": "kernel_size=a1.0 padding=a1.2 ceil_mode=a1.3 "
                          "count_include_pad=a1.4 divisor_override=a1.5",
    "WhereBackward0": "condition=s0",
    "NativeBatchNormBackward0": "input=s0 weight=s1 training=a3 eps=a4",
    "NativeLayerNormBackward0": "input=s0 weight=s1 normalized_shape=a2.pshape",
    "NativeGroupNormBackward0": "input=s0 weight=s1 eps=a4",
    "MaxPool2DWithIndicesBackward0": "kernel_size=a1.0 padding=a1.2 dilation=a1.3 ceil_mode=a1.4",
    **{name: "result=s0" for name in (
        "ExpBackward0", "TanhBackward0", "SigmoidBackward0", "ReluBackward0", "SqrtBackward0",
        "RsqrtBackward0")},
    **{name: "self=s0" for name in (
        "LogBackward0", "GeluBackward0", "SinBackward0", "CosBackward0", "AbsBackward0",
        "SiluBackward0", "ErfBackward0")},
}
_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}
_parsed = {}


def names(node_type):
    """torch's saved-value names for a node class name, each with (kind, where): the parsed
    entry (empty when the node exposes none)."""
    entry = _parsed.get(node_type)
    if entry is None:
        entry = _parsed[node_type] = dict(_parse(item)
                                          for item in _NODES.get(node_type, "").split())
    return entry


def _parse(item):
    name, _, where = item.partition("=")
    if where.startswith("#"):
        return name, ("const", int(where[1:]))
    where, _, convert = where.partition(":")
    if where.startswith("s"):
        where, _, number = where[1:].partition("~")
        where, _, need = where.partition("@")
        index, _, part = where.partition(".")
        return name, ("saved", (int(index), part, int(need) if need else None,
                                int(number[1:]) if number else None))
    path = tuple(where[1:].split(".")) if len(where) > 1 else ()
    return name, ("args", (path, convert))


def is_tensor(node_type, name):
    found = names(node_type).get(name)
    return found is not None and found[0] == "saved" and not found[1][1]


def value(node, name):
    """The value of ``node._saved_<name>`` (KeyError when the node has no such name)."""
    kind, where = names(type(node).__name__)[name]
    if kind == "const":
        return where
    if kind == "saved":
        index, part, need, number = where
        if need is not None and node.next_functions[need][0] is None:
            return () if part else None
        t = node.saved()[index]
        if t is None and number is not None:
            return _wrapped_number(node._args[number])
        if not part:
            return t
        return tuple(t.shape) if part == "shape" else tuple(t.stride())
    path, convert = where
    v = node._args
    for step in path:
        if step == "numel":
            v = reduce(operator.mul, v, 1)
        else:
            v = v[int(step)] if step.isdigit() else getattr(v, step)
    return _REDUCTIONS[v] if convert == "reduction" else _plain(v)


def _wrapped_number(v):
    """A Python number as torch's wrapped-number tensor: 0-d, int64 / float64 / complex128."""
    from .._device import cpu
    from .._tensor import _make
    dt = {bool: D.bool_, int: D.int64, float: D.float64, complex: D.complex128}[type(v)]
    return _make(cpu._backend.xp.asarray(v, dtype=dt.np), dt, cpu)


def _plain(v):
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    item = getattr(v, "item", None)     # a NumPy scalar
    return item() if item is not None and not hasattr(v, "_data") else v
