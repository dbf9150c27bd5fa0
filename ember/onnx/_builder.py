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


class Builder:
    def __init__(self, onnx):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self._used = set()

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
        self.initializers.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(array),
                                                                   name))
        return name

    def const(self, array, hint="onnx::Constant"):
        return self.initializer(np.asarray(array), self.fresh(hint))

    def ints(self, values):
        return self.const(np.asarray(list(values), dtype=np.int64), "onnx::Ints")

    def scalar(self, value, np_dtype):
        return self.const(np.asarray(value, dtype=np_dtype), "onnx::Scalar")

    def operand(self, v, np_dtype):
        """A tensor operand: a Val's name, or a Python number as a 0-d constant."""
        return v.name if isinstance(v, Val) else self.scalar(v, np_dtype)
