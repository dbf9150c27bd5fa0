"""Turn a traced :class:`ember.fx.Graph` into an ONNX ``ModelProto``."""
import inspect
import operator

import numpy as np

from .. import _errors
from .._tensor import Tensor
from ..fx import Interpreter, _optable
from ..fx.node import Node, map_arg
from ..jit._tracer import TENSOR_CONSTANT
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


def build_model(onnx, module, inputs, input_names=None, output_names=None,
                dynamic_axes=None, opset_version=18, export_params=True, shadows=()):
    """The ONNX model of ``module`` (a traced ScriptModule), replayed on ``inputs`` for
    shapes and dtypes.

    ``shadows``: the graphs traced with each dynamic axis name grown (see ``_dynamic``)."""
    graph = module.graph
    replay = _Replay(module, garbage_collect_values=False)
    output = replay.run(*inputs)
    results = replay.env
    b = Builder(onnx)
    in_names = input_names_for(input_names, len(inputs))
    syms = _dynamic.symbols(in_names, inputs, dynamic_axes, _dynamic_of)
    sizes = _dynamic.Symbolizer(b, graph, shadows, syms, in_names, inputs)
    graph_inputs, attr_inputs = [], []
    for name, t in zip(in_names, inputs):
        b._used.add(name)
        graph_inputs.append(_value_info(onnx, name, t, _dynamic_of(dynamic_axes, name, t.dim())))
    env, placeholders = {}, iter(in_names)
    for node in graph.nodes:
        result = results[node]
        if node.op == "placeholder":
            env[node] = Val(next(placeholders), result)
        elif node.op == "get_attr":
            env[node] = Val(_attribute(b, onnx, node, result, export_params, attr_inputs),
                            result)
        elif node.op == "output":
            outputs = node.args[0]
        elif _is_item(node, results):       # an item of a multiple result
            env[node] = env[node.args[0]][node.args[1]]
        else:
            args, kwargs = map_arg(sizes.node_args(node), lambda n: env[n])
            op, args = _optable.tensor_call(node.op, node.target, args,
                                            lambda v: isinstance(v, Val))
            handler = SYMBOLIC.get(op)
            if handler is None:
                raise _errors.onnx_unsupported(op or str(node.target))
            env[node] = _vals(handler(b, _bind(op, args, kwargs), result), result)
    out_names = list(output_names or [])
    graph_outputs = []
    for i, (ref, t) in enumerate(zip(_flat(outputs), _flat(output))):
        name = out_names[i] if i < len(out_names) else f"output{i}" if i else "output"
        b.nodes.append(onnx.helper.make_node("Identity", [env[ref].name], [name],
                                             name=f"/Identity_output_{i}"))
        graph_outputs.append(_value_info(onnx, name, t, _dynamic_of(dynamic_axes, name, t.dim())))
    g = onnx.helper.make_graph(b.nodes, "main_graph", graph_inputs + attr_inputs,
                               graph_outputs, b.initializers)
    model = onnx.helper.make_model(g, opset_imports=[onnx.helper.make_opsetid("", opset_version)],
                                   producer_name="ember", producer_version="0.1.0")
    model.ir_version = IR_VERSION
    return model


class _Replay(Interpreter):
    """Keeps every node's value (``env``); tensor constants come from the trace."""

    def run_node(self, n):
        if TENSOR_CONSTANT in n.meta:
            return n.meta[TENSOR_CONSTANT]
        return super().run_node(n)


def _attribute(b, onnx, node, t, export_params, attr_inputs):
    """The ONNX name of a get_attr value: a tensor constant, or a parameter / buffer as an
    initializer named by its ``state_dict`` key (a graph input without ``export_params``)."""
    if TENSOR_CONSTANT in node.meta:
        return b.const(t.numpy(), node.target)
    if export_params:
        return b.initializer(t.detach().numpy(), node.target)
    b._used.add(node.target)
    attr_inputs.append(_value_info(onnx, node.target, t, {}))
    return node.target


def _vals(names, result):
    """The handler's ONNX names paired with the eager results, structure for structure."""
    if isinstance(result, Tensor):
        return Val(names, result)
    if isinstance(result, (tuple, list)):
        return [_vals(n, r) for n, r in zip(names, result)]
    return None


def _is_item(node, results):
    """A getitem of a Python sequence (a multiple result), not tensor indexing."""
    return node.target is operator.getitem and isinstance(node.args[0], Node) and \
        isinstance(results[node.args[0]], (tuple, list))


def _flat(v):
    if isinstance(v, (Node, Tensor)):
        return [v]
    if isinstance(v, dict):
        v = list(v.values())
    return [x for item in v for x in _flat(item)]


def _value_info(onnx, name, t, dynamic):
    elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(t.dtype.np))
    shape = [dynamic.get(i, s) for i, s in enumerate(t.shape)]
    return onnx.helper.make_tensor_value_info(name, elem, shape)
