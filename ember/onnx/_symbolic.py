"""How each traced op becomes ONNX nodes (opset 18).

A handler gets the :class:`Builder`, the call's arguments bound to the traced function's
parameter names (tensors as :class:`Val`, everything else as recorded) and the eager result of
the call (for its dtype and shape); it returns the ONNX name of the result.
"""
import math

import numpy as np

from .. import _errors
from ..nn.modules.utils import _to_tuple
from ._builder import Val

SYMBOLIC = {}


def symbolic(*names):
    def deco(fn):
        for n in names:
            SYMBOLIC[n] = fn
        return fn
    return deco


def _dt(out):
    return out.dtype.np


def _axis(d, rank):
    return d + rank if d < 0 else d


def _shape_arg(shape):
    """``view(2, 3)`` and ``view((2, 3))`` alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) \
        else tuple(shape)


def _int_list(a, keyword):
    """An int-list argument given unpacked or as one sequence (the ops' ``*sizes``), or by
    name (``keyword``: ``reshape(shape=...)``, ``permute(dims=...)``)."""
    value = a.get(keyword)
    return tuple(value) if value is not None else _shape_arg(a["sizes"])


# ---- elementwise ----------------------------------------------------------------------------
def _binary(op_type, first="input", second="other", swap=False):
    def handler(b, a, out):
        x, y = a[first], a[second]
        if swap:
            x, y = y, x
        dt = _dt(out)
        alpha = a.get("alpha", 1)
        y = b.operand(y, dt)
        if alpha != 1:
            y = b.op("Mul", [y, b.scalar(alpha, dt)])
        return b.op(op_type, [b.operand(x, dt), y])
    return handler


for _names, _op in ((("add", "add_", "Tensor.__add__"), "Add"), (("sub", "sub_"), "Sub"),
                    (("mul", "mul_"), "Mul"), (("div", "div_"), "Div"),
                    (("pow",), "Pow"), (("matmul", "Tensor.__matmul__"), "MatMul"),
                    (("maximum",), "Max"), (("minimum",), "Min")):
    symbolic(*_names)(_binary(_op))
symbolic("mm", "bmm")(_binary("MatMul", second="mat2"))
symbolic("Tensor.__radd__")(_binary("Add", swap=True))
symbolic("Tensor.__rmul__")(_binary("Mul", swap=True))
symbolic("Tensor.__rsub__")(_binary("Sub", swap=True))
symbolic("Tensor.__rtruediv__")(_binary("Div", swap=True))
symbolic("Tensor.__rpow__")(_binary("Pow", swap=True))
symbolic("Tensor.__rmatmul__")(_binary("MatMul", swap=True))
symbolic("rsub")(_binary("Sub", swap=True))


def _unary(op_type, arg="input", **attrs):
    def handler(b, a, out):
        return b.op(op_type, [a[arg]], **attrs)
    return handler


for _names, _op in ((("relu", "relu_", "nn.functional.relu"), "Relu"),
                    (("sigmoid", "sigmoid_"), "Sigmoid"), (("tanh", "tanh_"), "Tanh"),
                    (("exp",), "Exp"), (("log",), "Log"), (("sqrt",), "Sqrt"),
                    (("abs",), "Abs"), (("neg",), "Neg"), (("reciprocal",), "Reciprocal"),
                    (("erf",), "Erf"), (("sin",), "Sin"), (("cos",), "Cos"),
                    (("floor",), "Floor"), (("ceil",), "Ceil"), (("sign",), "Sign"),
                    (("nn.functional.softsign",), "Softsign"), (("mish", "nn.functional.mish"),
                                                                "Mish"),
                    (("hardswish", "nn.functional.hardswish"), "HardSwish"),
                    (("clone", "contiguous", "detach", "Tensor.detach", "positive"),
                     "Identity")):
    symbolic(*_names)(_unary(_op))
symbolic("hardsigmoid", "nn.functional.hardsigmoid")(
    _unary("HardSigmoid", alpha=1.0 / 6, beta=0.5))
symbolic("selu", "nn.functional.selu")(_unary("Selu"))


@symbolic("rsqrt")
def _rsqrt(b, a, out):
    return b.op("Reciprocal", [b.op("Sqrt", [a["input"]])])


@symbolic("silu", "nn.functional.silu")
def _silu(b, a, out):
    return b.op("Mul", [a["input"], b.op("Sigmoid", [a["input"]])])


@symbolic("log_sigmoid")
def _log_sigmoid(b, a, out):
    return b.op("Log", [b.op("Sigmoid", [a["input"]])])


@symbolic("leaky_relu", "leaky_relu_", "nn.functional.leaky_relu")
def _leaky_relu(b, a, out):
    return b.op("LeakyRelu", [a["input"]], alpha=float(a.get("negative_slope", 0.01)))


@symbolic("elu", "nn.functional.elu")
def _elu(b, a, out):
    return b.op("Elu", [a["input"]], alpha=float(a.get("alpha", 1.0)))


@symbolic("celu", "nn.functional.celu")
def _celu(b, a, out):
    return b.op("Celu", [a["input"]], alpha=float(a.get("alpha", 1.0)))


@symbolic("hardtanh", "hardtanh_", "nn.functional.hardtanh", "nn.functional.relu6")
def _hardtanh(b, a, out):
    lo, hi = (0.0, 6.0) if "min_val" not in a else (a["min_val"], a["max_val"])
    dt = _dt(out)
    return b.op("Clip", [a["input"], b.scalar(lo, dt), b.scalar(hi, dt)])


@symbolic("clamp", "clamp_")
def _clamp(b, a, out):
    dt = _dt(out)
    lo, hi = a.get("min"), a.get("max")
    if isinstance(lo, Val) or isinstance(hi, Val):
        raise _errors.onnx_unsupported("clamp", "tensor bounds")
    return b.op("Clip", [a["input"], "" if lo is None else b.scalar(lo, dt),
                         "" if hi is None else b.scalar(hi, dt)])


@symbolic("softplus", "nn.functional.softplus")
def _softplus(b, a, out):
    beta = a.get("beta", 1.0)
    if beta == 1:
        return b.op("Softplus", [a["input"]])
    dt = _dt(out)
    scaled = b.op("Mul", [a["input"], b.scalar(beta, dt)])
    return b.op("Div", [b.op("Softplus", [scaled]), b.scalar(beta, dt)])


@symbolic("gelu", "nn.functional.gelu")
def _gelu(b, a, out):
    """Opset 18 has no Gelu: ``x/2 * (1 + erf(x/sqrt 2))`` or the tanh approximation."""
    x, dt = a["input"], _dt(out)
    if a.get("approximate", "none") == "tanh":
        inner = b.op("Mul", [b.op("Add", [x, b.op("Mul", [b.op("Pow", [x, b.scalar(3, dt)]),
                                                         b.scalar(0.044715, dt)])]),
                             b.scalar(math.sqrt(2 / math.pi), dt)])
        gate = b.op("Tanh", [inner])
    else:
        gate = b.op("Erf", [b.op("Div", [x, b.scalar(math.sqrt(2), dt)])])
    half = b.op("Mul", [x, b.scalar(0.5, dt)])
    return b.op("Mul", [half, b.op("Add", [gate, b.scalar(1, dt)])])


def _softmax(op_type):
    def handler(b, a, out):
        x = a["input"]
        if a.get("dtype") is not None:
            raise _errors.onnx_unsupported(op_type, "dtype=")
        return b.op(op_type, [x], axis=_axis(a["dim"], x.rank))
    return handler


symbolic("softmax", "nn.functional.softmax")(_softmax("Softmax"))
symbolic("log_softmax", "nn.functional.log_softmax")(_softmax("LogSoftmax"))


@symbolic("masked_fill", "masked_fill_")
def _masked_fill(b, a, out):
    dt = _dt(out)
    value = a["value"]
    fill = b.op("Cast", [value], to=b.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dt))) \
        if isinstance(value, Val) else b.scalar(value, dt)
    return b.op("Where", [a["mask"], fill, a["input"]])


# ---- linear algebra -------------------------------------------------------------------------
@symbolic("nn.functional.linear")
def _linear(b, a, out):
    x, w, bias = a["input"], a["weight"], a.get("bias")
    if x.rank == 2 and bias is not None:
        return b.op("Gemm", [x, w, bias], transB=1)
    y = b.op("MatMul", [x, b.op("Transpose", [w], perm=[1, 0])])
    return y if bias is None else b.op("Add", [y, bias])


@symbolic("addmm")
def _addmm(b, a, out):
    return b.op("Gemm", [a["mat1"], a["mat2"], a["input"]], alpha=float(a.get("alpha", 1)),
                beta=float(a.get("beta", 1)))


@symbolic("baddbmm")
def _baddbmm(b, a, out):
    """``beta * input + alpha * (batch1 @ batch2)``: Gemm is 2-D only, so MatMul, Mul and Add."""
    dt = _dt(out)
    prod, acc = b.op("MatMul", [a["batch1"], a["batch2"]]), a["input"]
    if a.get("alpha", 1) != 1:
        prod = b.op("Mul", [prod, b.scalar(a["alpha"], dt)])
    if a.get("beta", 1) != 1:
        acc = b.op("Mul", [acc, b.scalar(a["beta"], dt)])
    return b.op("Add", [acc, prod])


@symbolic("t")
def _t(b, a, out):
    x = a["input"]
    return b.op("Identity", [x]) if x.rank < 2 else b.op("Transpose", [x], perm=[1, 0])


@symbolic("transpose")
def _transpose(b, a, out):
    x = a["input"]
    perm = list(range(x.rank))
    d0, d1 = _axis(a["dim0"], x.rank), _axis(a["dim1"], x.rank)
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return b.op("Transpose", [x], perm=perm)


@symbolic("permute")
def _permute(b, a, out):
    x = a["input"]
    return b.op("Transpose", [x], perm=[_axis(d, x.rank) for d in _int_list(a, "dims")])


# ---- shapes ---------------------------------------------------------------------------------
def _reshape_to(b, x, shape):
    """Reshape keeping a leading batch dim symbolic: a target that starts with the input's
    own first dim copies it (ONNX's 0) so that dynamic batch sizes still work."""
    shape = list(shape)
    if shape and x.rank and shape[0] == x.shape[0]:
        shape[0] = 0
    return b.op("Reshape", [x, b.ints(shape)])


@symbolic("view")
def _view(b, a, out):
    return _reshape_to(b, a["input"], _int_list(a, "size"))


@symbolic("reshape")
def _reshape(b, a, out):
    return _reshape_to(b, a["input"], _int_list(a, "shape"))


@symbolic("flatten")
def _flatten(b, a, out):
    x = a["input"]
    start, end = _axis(a.get("start_dim", 0), x.rank), _axis(a.get("end_dim", -1), x.rank)
    if x.rank == 0:
        return _reshape_to(b, x, (1,))
    if end == x.rank - 1 and start > 0:
        flat = b.op("Flatten", [x], axis=start)
        return flat if start == 1 else _reshape_to(b, Val(flat, out), tuple(out.shape))
    return b.op("Reshape", [x, b.ints([0] * start + [-1] + list(x.shape[end + 1:]))])


@symbolic("unsqueeze")
def _unsqueeze(b, a, out):
    x = a["input"]
    return b.op("Unsqueeze", [x, b.ints([_axis(a["dim"], x.rank + 1)])])


@symbolic("squeeze")
def _squeeze(b, a, out):
    x = a["input"]
    dim = a.get("dim")
    if dim is None:
        return b.op("Squeeze", [x])
    dims = [_axis(d, x.rank) for d in _to_tuple(dim, 1)]
    dims = [d for d in dims if x.shape[d] == 1]
    return b.op("Squeeze", [x, b.ints(dims)]) if dims else b.op("Identity", [x])


@symbolic("select")
def _select(b, a, out):
    x = a["input"]
    d = _axis(a["dim"], x.rank)
    index = a["index"] + x.shape[d] if a["index"] < 0 else a["index"]
    return b.op("Gather", [x, b.const(np.asarray(index, np.int64), "onnx::Index")], axis=d)


@symbolic("narrow")
def _narrow(b, a, out):
    x = a["input"]
    start = a["start"]
    return b.op("Slice", [x, b.ints([start]), b.ints([start + a["length"]]),
                          b.ints([_axis(a["dim"], x.rank)])])


@symbolic("expand")
def _expand(b, a, out):
    """-1 keeps a dim; ONNX's Expand broadcasts, so it becomes 1 there (any size passes)."""
    sizes = [1 if s == -1 else s for s in _int_list(a, "size")]
    return b.op("Expand", [a["input"], b.ints(sizes)])


@symbolic("contiguous")
def _contiguous(b, a, out):
    return b.op("Identity", [a["input"]])


@symbolic("zeros_like")
def _zeros_like(b, a, out):
    return b.op("ConstantOfShape", [b.op("Shape", [a["input"]])],
                value=b.onnx.numpy_helper.from_array(np.zeros(1, _dt(out))))


@symbolic("cat")
def _cat(b, a, out):
    ts = a["tensors"]
    return b.op("Concat", list(ts), axis=_axis(a.get("dim", 0), ts[0].rank))


@symbolic("stack")
def _stack(b, a, out):
    ts = a["tensors"]
    d = _axis(a.get("dim", 0), ts[0].rank + 1)
    return b.op("Concat", [b.op("Unsqueeze", [t, b.ints([d])]) for t in ts], axis=d)


def _split_outputs(b, x, dim, out, sizes=None):
    """ONNX Split of ``x`` along ``dim`` into the parts of ``out`` (their sizes, unless
    ``sizes`` gives them, possibly as Syms)."""
    d = _axis(dim, x.rank)
    sizes = list(sizes) if sizes is not None else [t.shape[d] for t in out]
    parts = b.op("Split", [x, b.ints(sizes)], n_out=len(sizes), axis=d)
    return [parts] if len(sizes) == 1 else parts


@symbolic("split")
def _split(b, a, out):
    sizes = a["split_size_or_sections"]
    return _split_outputs(b, a["tensor"], a.get("dim", 0), out,
                          sizes if isinstance(sizes, (tuple, list)) else None)


@symbolic("chunk")
def _chunk(b, a, out):
    return _split_outputs(b, a["input"], a.get("dim", 0), out)


@symbolic("unbind")
def _unbind(b, a, out):
    x = a["input"]
    d = _axis(a.get("dim", 0), x.rank)
    parts = _split_outputs(b, x, d, out, [1] * x.shape[d])
    return [b.op("Squeeze", [p, b.ints([d])]) for p in parts]


def _filled(value):
    def handler(b, a, out):
        # the factories take the shape positionally (``size_args``) or as ``size=``
        size = a["size"] if a.get("size") is not None else a["size_args"]
        size, dt = _shape_arg(size), _dt(out)
        fill = a["fill_value"] if value is None else value
        if isinstance(fill, Val):
            raise _errors.onnx_unsupported("full", "a tensor fill value")
        return b.op("ConstantOfShape", [b.ints(size)],
                    value=b.onnx.numpy_helper.from_array(np.full(1, fill, dt)))
    return handler


symbolic("zeros")(_filled(0))
symbolic("ones")(_filled(1))
symbolic("full")(_filled(None))


# ---- reductions -----------------------------------------------------------------------------
def _reduce(op_type):
    def handler(b, a, out):
        x = a["input"]
        if a.get("dtype") is not None:
            raise _errors.onnx_unsupported(op_type, "dtype=")
        dim = a.get("dim")
        keep = int(bool(a.get("keepdim", False)))
        if dim is None:
            return b.op(op_type, [x], keepdims=0)
        return b.op(op_type, [x, b.ints([_axis(d, x.rank) for d in _to_tuple(dim, 1)])],
                    keepdims=keep)
    return handler


symbolic("mean")(_reduce("ReduceMean"))
symbolic("sum")(_reduce("ReduceSum"))


# ---- convolution, pooling, normalization ----------------------------------------------------
@symbolic("conv1d", "conv2d", "conv3d", "convolution")
def _conv(b, a, out):
    x, w = a["input"], a["weight"]
    if a.get("transposed"):
        raise _errors.onnx_unsupported("convolution", "transposed convolution")
    nsp = x.rank - 2
    ks = w.shape[2:]
    dil = _to_tuple(a.get("dilation", 1), nsp)
    pad = a.get("padding", 0)
    if pad == "valid":
        pad = (0,) * nsp
    if pad == "same":
        total = [d * (k - 1) for d, k in zip(dil, ks)]
        begins, ends = [t // 2 for t in total], [t - t // 2 for t in total]
    else:
        begins = ends = list(_to_tuple(pad, nsp))
    ins = [x, w] + ([a["bias"]] if a.get("bias") is not None else [])
    return b.op("Conv", ins, kernel_shape=list(ks),
                strides=list(_to_tuple(a.get("stride", 1), nsp)), pads=list(begins) + list(ends),
                dilations=list(dil), group=a.get("groups", 1))


def _pool_pads(nsp, a):
    return list(_to_tuple(a.get("padding", 0), nsp)) * 2


@symbolic("max_pool1d", "max_pool2d", "max_pool3d")
def _max_pool(b, a, out):
    x = a["input"]
    if a.get("return_indices"):
        raise _errors.onnx_unsupported("max_pool", "return_indices=True")
    nsp = x.rank - 2
    ks = _to_tuple(a["kernel_size"], nsp)
    stride = a.get("stride") or ks
    return b.op("MaxPool", [x], kernel_shape=list(ks), strides=list(_to_tuple(stride, nsp)),
                pads=_pool_pads(nsp, a), dilations=list(_to_tuple(a.get("dilation", 1), nsp)),
                ceil_mode=int(bool(a.get("ceil_mode", False))))


@symbolic("avg_pool1d", "nn.functional.avg_pool2d", "nn.functional.avg_pool3d")
def _avg_pool(b, a, out):
    x = a["input"]
    if a.get("divisor_override") is not None:
        raise _errors.onnx_unsupported("avg_pool", "divisor_override")
    nsp = x.rank - 2
    ks = _to_tuple(a["kernel_size"], nsp)
    stride = a.get("stride") or ks
    return b.op("AveragePool", [x], kernel_shape=list(ks), strides=list(_to_tuple(stride, nsp)),
                pads=_pool_pads(nsp, a), ceil_mode=int(bool(a.get("ceil_mode", False))),
                count_include_pad=int(bool(a.get("count_include_pad", True))))


@symbolic("adaptive_avg_pool1d", "nn.functional.adaptive_avg_pool2d",
          "nn.functional.adaptive_avg_pool3d")
def _adaptive_avg_pool(b, a, out):
    x = a["input"]
    nsp = x.rank - 2
    size = _to_tuple(a["output_size"], nsp)
    size = tuple(s if o is None else o for o, s in zip(size, x.shape[2:]))
    if all(o == 1 for o in size):
        return b.op("GlobalAveragePool", [x])
    if any(s % o for s, o in zip(x.shape[2:], size)):
        raise _errors.onnx_unsupported("adaptive_avg_pool",
                                       "output size not dividing the input size")
    ks = [s // o for s, o in zip(x.shape[2:], size)]
    return b.op("AveragePool", [x], kernel_shape=ks, strides=ks)


@symbolic("batch_norm", "nn.functional.batch_norm")
def _batch_norm(b, a, out):
    x = a["input"]
    if a.get("training"):
        raise _errors.onnx_unsupported("batch_norm", "training mode (call model.eval())")
    c, dt = x.shape[1], _dt(out)
    w = a.get("weight") or b.const(np.ones(c, dt))
    bias = a.get("bias") or b.const(np.zeros(c, dt))
    return b.op("BatchNormalization", [x, w, bias, a["running_mean"], a["running_var"]],
                epsilon=float(a.get("eps", 1e-5)))


@symbolic("layer_norm", "nn.functional.layer_norm")
def _layer_norm(b, a, out):
    x = a["input"]
    ns = _to_tuple(a["normalized_shape"], 1)
    ins = [x]
    if a.get("weight") is not None:
        ins.append(a["weight"])
        if a.get("bias") is not None:
            ins.append(a["bias"])
    elif a.get("bias") is not None:
        raise _errors.onnx_unsupported("layer_norm", "bias without weight")
    if len(ins) == 1:
        ins.append(b.const(np.ones(ns, _dt(out))))
    return b.op("LayerNormalization", ins, axis=-len(ns), epsilon=float(a.get("eps", 1e-5)))


@symbolic("dropout", "dropout_", "feature_dropout", "alpha_dropout", "nn.functional.dropout",
          "nn.functional.dropout1d", "nn.functional.dropout2d", "nn.functional.dropout3d",
          "nn.functional.alpha_dropout", "nn.functional.feature_alpha_dropout")
def _dropout(b, a, out):
    if a.get("training") and a.get("p", 0.5) > 0:
        raise _errors.onnx_unsupported("dropout", "training mode (call model.eval())")
    return b.op("Identity", [a["input"]])
