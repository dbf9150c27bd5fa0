"""``ember.onnx``: export a traced model to ONNX and check it in onnxruntime.

The model is traced (:func:`ember.jit.trace`) in eval mode, and each recorded op is mapped to
ONNX nodes (opset 18) by the table in ``_symbolic``; an op without a mapping raises
``ember.UnsupportedError`` naming it.  Parameters become initializers named like their
``state_dict`` keys.  The ``onnx`` package is imported only when exporting
(``pip install 'ember[onnx]'``).
"""
from .. import _errors
from .._tensor import Tensor

__all__ = ["export", "verify", "is_in_onnx_export"]

_exporting = [False]


def _import(name):
    try:
        return __import__(name)
    except ImportError:
        raise _errors.onnx_missing() from None


def is_in_onnx_export():
    return _exporting[0]


def _traced(model, args, input_names, dynamic_axes):
    """(ScriptModule, inputs, shadows): ``model`` traced in eval mode (a traced ScriptModule as
    it is); ``shadows`` are the graphs traced with each dynamic axis name grown."""
    from ..jit import RecursiveScriptModule, ScriptModule, trace
    from ..jit._tracer import flatten_inputs
    from ..nn.modules.module import Module
    from . import _dynamic
    from ._export import input_names_for, _dynamic_of
    inputs = flatten_inputs(args)
    if isinstance(model, ScriptModule) and not isinstance(model, RecursiveScriptModule):
        return model, inputs, []      # already a graph; a scripted module runs Python: trace it
    names = input_names_for(input_names, len(inputs))
    syms = _dynamic.symbols(names, inputs, dynamic_axes, _dynamic_of)
    was_training = isinstance(model, Module) and model.training
    if was_training:
        model.eval()
    try:
        traced = trace(model, inputs, check_trace=False)
        shadows = [trace(model, _dynamic.grown(inputs, places), check_trace=False).graph
                   for places in syms.values()]
    finally:
        if was_training:
            model.train()
    return traced, inputs, shadows


def export(model, args, f=None, input_names=None, output_names=None, dynamic_axes=None,
           opset_version=18, do_constant_folding=True, export_params=True, verbose=False,
           training=None, keep_initializers_as_inputs=None, **kwargs):
    """Export ``model`` (a Module, function or traced ScriptModule) run on ``args`` to ONNX.

    ``f`` is a path or binary file object (``None``: only return the model).  Returns the
    ``onnx.ModelProto``.  ``dynamic_axes`` maps input/output names to the axes that vary
    ({"input": {0: "batch"}} or {"input": [0]}); they become ``dim_param`` s, and the model is
    traced once more per axis name so that sizes following those axes are computed at run time
    (``_dynamic``).  Constant folding is implicit: other shapes are constants in the trace."""
    onnx = _import("onnx")
    from ._export import build_model
    _exporting[0] = True
    try:
        traced, inputs, shadows = _traced(model, args, input_names, dynamic_axes)
        proto = build_model(onnx, traced, inputs, input_names, output_names, dynamic_axes,
                            opset_version, export_params, shadows)
    finally:
        _exporting[0] = False
    if verbose:
        print(onnx.helper.printable_graph(proto.graph))
    if f is not None:
        if hasattr(f, "write"):
            f.write(proto.SerializeToString())
        else:
            onnx.save(proto, str(f))
    return proto


def verify(model, args, path=None, rtol=1e-5, atol=1e-5, **export_kwargs):
    """Export ``model``, run the ONNX model in onnxruntime on ``args`` and compare with
    ember's eager output; returns the onnxruntime outputs, raises AssertionError on mismatch."""
    import io
    import numpy as np
    ort = _import("onnxruntime")
    target = path if path is not None else io.BytesIO()
    proto = export(model, args, target, **export_kwargs)
    _import("onnx").checker.check_model(proto, full_check=True)
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    from ..jit._tracer import flatten_inputs
    inputs = flatten_inputs(args)
    feed = {i.name: t.detach().numpy() for i, t in zip(session.get_inputs(), inputs)}
    got = session.run(None, feed)
    from ..autograd import grad_mode
    with grad_mode.no_grad():
        expected = model(*inputs)
    expected = [expected] if isinstance(expected, Tensor) else list(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e.detach().numpy(), rtol=rtol, atol=atol)
    return got
