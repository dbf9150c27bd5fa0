"""``jit.freeze`` and ``jit.optimize_for_inference``: a copy of a scripted or traced module
whose parameters and buffers are constants.

As in torch the frozen module has no parameters, buffers or ``state_dict`` entries, its
outputs do not require grad, and later changes to the original's weights do not reach it.
A traced module's graph reads the weights as tensor constants (``get_attr`` nodes of the
trace's constants, saved with ``jit.save``); a scripted module keeps its Python code and
reads them as plain attributes of its submodules.  torch also rewrites the frozen graph
(folding batch norm into the preceding convolution or linear layer, ...): Ember runs the
eval-mode computation unchanged, so the results are eval mode's exactly."""
import copy
import operator

from .. import _errors
from .._tensor import Tensor
from ._module import ScriptModule
from ._script import Scripted
from ._tracer import TENSOR_CONSTANT


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """The frozen copy of the eval-mode ScriptModule ``mod``.  ``preserved_attrs`` must name
    attributes of ``mod`` (Ember keeps every method and attribute reachable, torch only
    those); ``optimize_numerics`` is accepted (Ember folds nothing)."""
    if not isinstance(mod, ScriptModule):
        raise _errors.freeze_needs_script_module("freeze")
    if mod.training:
        raise _errors.freeze_needs_eval()
    for name in preserved_attrs or ():
        try:
            operator.attrgetter(name)(mod)
        except AttributeError:
            raise _errors.freeze_unknown_name(name) from None
    return _frozen_source(mod) if isinstance(mod, Scripted) else _frozen_graph(mod)


def optimize_for_inference(mod, other_methods=None):
    """``mod`` frozen in eval mode (``mod.eval()`` is called on it, as torch does)."""
    if not isinstance(mod, ScriptModule):
        raise _errors.freeze_needs_script_module("optimize_for_inference")
    return freeze(mod.eval(), preserved_attrs=other_methods)


def _frozen_graph(mod):
    """A traced module's copy: each weight its graph reads becomes a tensor constant."""
    graph = copy.deepcopy(mod.graph)
    for node in graph.find_nodes(op="get_attr"):
        if TENSOR_CONSTANT in node.meta:
            continue
        value = operator.attrgetter(node.target)(mod)
        if isinstance(value, Tensor):
            node.meta[TENSOR_CONSTANT] = value.detach().clone()
            node.target = "_frozen_" + node.target.replace(".", "_")
    frozen = ScriptModule(graph, mod.original_name)
    frozen.train(False)
    return frozen


def _frozen_source(mod):
    """A scripted module's copy: parameters and buffers become plain attributes."""
    frozen = copy.deepcopy(mod)
    for m in frozen.modules():
        tensors = {**m._parameters, **m._buffers}
        m._parameters.clear()
        m._buffers.clear()
        m._non_persistent_buffers_set.clear()
        for name, t in tensors.items():
            m.__dict__[name] = None if t is None else t.detach()
    return frozen
