"""Turn a traced graph into an ONNX ``ModelProto``."""
import inspect

import numpy as np

from .. import _errors
from .._tensor import Tensor
from ..fx import Interpreter, _optable
from ..fx.graph import Ref, INPUT, NODE, ATTR, CONST
from . import _dynamic
from ._builder import Builder, Val
from ._symbolic import SYMBOLIC
from . import _symbolic_attention  # noqa: F401  (registers its mapping)

IR_VERSION = 8          # what opset 18 needs; onnxruntime >= 1.14 reads it

_signatures = {}


def _signature(op):
    sig = _signatures.get(op)
    if sig is None:
        table = _optable.by_name()
        fn = table[op]
        if op.endswith("_") and op[:-1] in table:   # in-place ops take (self, *args)
            fn = table[op[:-1]]
        sig = _signatures[op] = inspect.signature(fn)
    return sig


def _bind(op, args, kwargs):
    bound = _signature(op).bind(*args, **kwargs)
    bound.apply_defaults()
    a = dict(bound.arguments)
    if "self" in a and "input" not in a:
        a["input"] = a.pop("self")
    return a


def _dynamic_of(dynamic_axes, name, rank):
    axes = (dynamic_axes or {}).get(name)
    if axes is None:
        return {}
    if isinstance(axes, dict):
        return {int(k) % max(rank, 1): v for k, v in axes.items()}
    return {int(k) % max(rank, 1): f"{name}_dynamic_axes_{i + 1}" for i, k in enumerate(axes)}


def input_names_for(input_names, n):
    names = list(input_names or [])[:n]
    return names + [f"input.{i}" if i else "input" for i in range(len(names), n)]


def build_model(onnx, graph, attrs, inputs, input_names=None, output_names=None,
                dynamic_axes=None, opset_version=18, export_params=True, shadows=()):
    """The ONNX model of ``graph`` (replayed on ``inputs`` for shapes and dtypes).

    ``shadows``: the graphs traced with each dynamic axis name grown (see ``_dynamic``)."""
    output, results = Interpreter(graph, attrs).run_all(*inputs)
    b = Builder(onnx)
    in_names = input_names_for(input_names, len(inputs))
    syms = _dynamic.symbols(in_names, inputs, dynamic_axes, _dynamic_of)
    sizes = _dynamic.Symbolizer(b, graph, shadows, syms, in_names, inputs)
    graph_inputs, inits = [], []
    for name, t in zip(in_names, inputs):
        b._used.add(name)
        graph_inputs.append(_value_info(onnx, name, t, _dynamic_of(dynamic_axes, name, t.dim())))
    env = {}
    for name in graph.attributes():
        t = attrs(name)
        if export_params:
            inits.append(b.initializer(t.detach().numpy(), name))
        else:
            b._used.add(name)
            graph_inputs.append(_value_info(onnx, name, t, {}))
        env[Ref(ATTR, name)] = Val(name, t)
    for name, t in graph.constants.items():
        env[Ref(CONST, name)] = Val(b.const(t.numpy(), name), t)
    for i, (name, t) in enumerate(zip(in_names, inputs)):
        env[Ref(INPUT, i)] = Val(name, t)
    for node, result in zip(graph.nodes, results):
        handler = SYMBOLIC.get(node.op)
        if handler is None:
            raise _errors.onnx_no_mapping(node.op)
        args, kwargs = sizes.node_args(node)
        a = _bind(node.op, _resolve(args, env), _resolve(kwargs, env))
        out = handler(b, a, result)
        _bind_results(env, node.index, (), out, result)
    outs = _flat(graph.output)
    out_names = list(output_names or [])
    graph_outputs = []
    for i, (ref, t) in enumerate(zip(outs, _flat(output))):
        name = out_names[i] if i < len(out_names) else f"output{i}" if i else "output"
        b.nodes.append(onnx.helper.make_node("Identity", [env[ref].name], [name],
                                             name=f"/Identity_output_{i}"))
        graph_outputs.append(_value_info(onnx, name, t, _dynamic_of(dynamic_axes, name, t.dim())))
    g = onnx.helper.make_graph(b.nodes, "main_graph", graph_inputs, graph_outputs,
                               b.initializers)
    model = onnx.helper.make_model(g, opset_imports=[onnx.helper.make_opsetid("", opset_version)],
                                   producer_name="ember", producer_version="0.1.0")
    model.ir_version = IR_VERSION
    return model


def _resolve(v, env):
    if isinstance(v, Ref):
        val = env.get(v)
        if val is None:
            raise _errors.onnx_unsupported_args("graph", f"value {v!r} has no ONNX equivalent")
        return val
    if isinstance(v, tuple):
        return tuple(_resolve(x, env) for x in v)
    if isinstance(v, list):
        return [_resolve(x, env) for x in v]
    if isinstance(v, dict):
        return {k: _resolve(x, env) for k, x in v.items()}
    return v


def _bind_results(env, index, path, names, result):
    if isinstance(result, Tensor):
        env[Ref(NODE, index, path)] = Val(names, result)
    elif isinstance(result, (tuple, list)):
        for i, (n, r) in enumerate(zip(names, result)):
            _bind_results(env, index, path + (i,), n, r)


def _flat(v):
    if isinstance(v, (Ref, Tensor)):
        return [v]
    if isinstance(v, dict):
        v = list(v.values())
    return [x for item in v for x in _flat(item)]


def _value_info(onnx, name, t, dynamic):
    elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(t.dtype.np))
    shape = [dynamic.get(i, s) for i, s in enumerate(t.shape)]
    return onnx.helper.make_tensor_value_info(name, elem, shape)
