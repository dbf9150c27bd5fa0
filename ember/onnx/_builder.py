"""The ONNX graph under construction: node, constant and initializer bookkeeping."""
import numpy as np


class Val:
    """A tensor value of the exported graph: its ONNX name and an eager example (for shapes
    and dtypes, taken from a replay of the trace on the example inputs)."""
    __slots__ = ("name", "example")

    def __init__(self, name, example):
        self.name, self.example = name, example

    @property
    def shape(self):
        return tuple(self.example.shape)

    @property
    def rank(self):
        return len(self.example.shape)

    @property
    def np_dtype(self):
        return self.example.dtype.np


class Sym(int):
    """A size that follows the dynamic axes: its example value as an int, plus ``name``, the
    ONNX int64 tensor of shape ``[1]`` computing it from the inputs' runtime shapes."""

    def __new__(cls, value, name):
        self = super().__new__(cls, value)
        self.name = name
        return self


class Builder:
    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self._used = set()
        self._dims = {}     # (input name, axis) -> its runtime size, int64 [1]

    def fresh(self, hint):
        name, i = hint, 0
        while name in self._used:
            i += 1
            name = f"{hint}_{i}"
        self._used.add(name)
        return name

    def op(self, op_type, inputs, n_out=1, **attrs):
        """Append a node; returns its output name (or names when ``n_out > 1``)."""
        outs = [self.fresh(f"/{op_type}_{len(self.nodes)}_out{i}" if n_out > 1 else
                           f"/{op_type}_{len(self.nodes)}") for i in range(n_out)]
        ins = [x.name if isinstance(x, Val) else x for x in inputs]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(self.onnx.helper.make_node(op_type, ins, outs,
                                                     name=f"/{op_type}_{len(self.nodes)}",
                                                     **attrs))
        return outs[0] if n_out == 1 else outs

    def initializer(self, array, name):
        self._used.add(name)
        array = np.asarray(array, order="C")     # (ascontiguousarray would make 0-d 1-d)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def const(self, array, hint="onnx::Constant"):
        return self.initializer(np.asarray(array), self.fresh(hint))

    def ints(self, values):
        """A 1-D int64 tensor; :class:`Sym` entries are computed at run time (Concat)."""
        values = list(values)
        if not any(isinstance(v, Sym) for v in values):
            return self.const(np.asarray(values, dtype=np.int64), "onnx::Ints")
        pieces, run = [], []
        for v in values + [None]:
            if isinstance(v, Sym) or v is None:
                if run:
                    pieces.append(self.ints(run))
                    run = []
                if v is not None:
                    pieces.append(v.name)
            else:
                run.append(v)
        return pieces[0] if len(pieces) == 1 else self.op("Concat", pieces, axis=0)

    def sym(self, value, base, terms):
        """``Sym(value)`` computed as ``base + sum(coef * size)`` over ``terms``, a list of
        ``(coef, input name, axis)``."""
        total = None
        for coef, name, axis in terms:
            dim = self._dims.get((name, axis))
            if dim is None:
                dim = self._dims[(name, axis)] = self.op("Shape", [name], start=axis,
                                                         end=axis + 1)
            if coef != 1:
                dim = self.op("Mul", [dim, self.ints([coef])])
            total = dim if total is None else self.op("Add", [total, dim])
        if base:
            total = self.op("Add", [total, self.ints([base])])
        return Sym(value, total)

    def scalar(self, value, np_dtype):
        return self.const(np.asarray(value, dtype=np_dtype), "onnx::Scalar")

    def operand(self, v, np_dtype):
        """A tensor operand: a Val's name, or a Python number as a 0-d constant."""
        return v.name if isinstance(v, Val) else self.scalar(v, np_dtype)
