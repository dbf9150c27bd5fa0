"""The backward engine: walks the graph from the roots in dependency order.

``backward`` accumulates into leaves' ``.grad``; ``grad`` captures the gradients of the given
inputs instead and leaves every ``.grad`` untouched.  Formulas run with grad mode set to
``create_graph`` so that higher-order graphs are built only when asked for.
"""
import itertools
import sys
import threading
import warnings

from .. import _errors
from .._layout import strided as _strided
from .._tensor import Tensor, _make
from . import grad_mode
from .graph import AccumulateGrad, GradientEdge, accumulator_of, apply_anomalous, _anomaly


class _GraphTask:
    """One running backward pass (PyTorch's graph task): its id, the nodes reachable from its
    roots (in execution order) and, where it computes only some inputs' gradients
    (``grad()`` or ``backward(inputs=...)``), the nodes that run or capture a gradient and
    the nodes whose gradient ``grad()`` captures; and the callbacks queued for its end."""
    _ids = itertools.count()

    def __init__(self, order, executed, captured):
        self.id = next(self._ids)
        self.order, self.executed, self.captured = order, executed, captured
        self._reachable = None
        self.callbacks = []     # ``Variable._execution_engine.queue_callback``'s, run at the end

    def will_execute(self, node):
        if self.executed is not None:
            if node not in self.executed:
                return False
            if node.__class__ is AccumulateGrad and node in self.captured:
                raise _errors.will_execute_leaf_in_grad()
            return True
        if self._reachable is None:
            self._reachable = set(self.order)
        return node in self._reachable

    def finish(self):
        """Run the queued callbacks (one may queue more), as the graph task ends."""
        while self.callbacks:
            self.callbacks.pop(0)()


_running = threading.local()     # .tasks: this thread's backward passes, innermost last


def _tasks():
    tasks = getattr(_running, "tasks", None)
    if tasks is None:
        tasks = _running.tasks = []
    return tasks


def _is_checkpoint_valid():
    """A reentrant checkpoint can only serve a backward pass that computes every gradient."""
    tasks = _tasks()
    return not tasks or tasks[-1].executed is None


def current_graph_task_id():
    """The id of the backward pass running on this thread (-1 outside one)."""
    tasks = _tasks()
    return tasks[-1].id if tasks else -1


def will_engine_execute_node(node):
    """Whether the backward pass running on this thread runs ``node`` (a ``grad_fn`` or
    gradient accumulator), as PyTorch's ``_will_engine_execute_node``."""
    tasks = _tasks()
    if not tasks:
        raise _errors.will_execute_outside_backward()
    return tasks[-1].will_execute(node)


def _ops_ones_like(out):
    """A subclass root's seed gradient, made by an op (so ``__torch_dispatch__`` makes it)."""
    return sys.modules["ember"].ones_like(out)


def _root_grads(outputs, grad_outputs, create_graph):
    grads = []
    for i, out in enumerate(outputs):
        g = None if grad_outputs is None else grad_outputs[i]
        if g is None:
            if out._requires_grad:
                if out._data.size != 1:
                    raise _errors.implicit_grad_non_scalar()
                g = _make(out._device.backend.ones_like(out._data), out._dtype, out._device) \
                    if out.__class__ is Tensor else _ops_ones_like(out)
        elif not isinstance(g, Tensor):
            from .. import _ops
            g = _ops.creation.tensor(g, dtype=out._dtype, device=out._device)
        elif g._data.shape != out._data.shape:
            raise _errors.grad_shape_mismatch(i, g, out)
        grads.append(g)
    return grads


def _roots(outputs):
    roots = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise _errors.backward_not_tensor()
        if not out._requires_grad:
            raise _errors.no_grad_fn(i)
        fn = out._grad_fn
        roots.append((fn, out._output_nr) if fn is not None else (accumulator_of(out), 0))
    return roots


def _topological_order(roots):
    """Nodes reachable from ``roots``, each before every node it sends gradients to
    (reversed DFS post-order), so a node runs only after all its gradients have arrived.

    Among the nodes that are ready together, PyTorch's ready queue runs gradient accumulators
    first (the first input's first), then the latest-created node.  So the DFS, whose last
    visited child runs first, visits a node's other children in input order (the last input is
    usually the latest) and its accumulators last, in reverse: they have no children, so they
    are appended when their parent finishes, unless a deeper node placed them already."""
    order = []
    seen = set()
    for root, _ in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [[root, iter(root.next_functions), None]]
        while stack:
            frame = stack[-1]
            for nxt, _ in frame[1]:
                if nxt is None or nxt in seen:
                    continue
                if nxt.__class__ is AccumulateGrad:
                    if frame[2] is None:
                        frame[2] = [nxt]
                    else:
                        frame[2].append(nxt)
                    continue
                seen.add(nxt)
                stack.append([nxt, iter(nxt.next_functions), None])
                break
            else:
                stack.pop()
                if frame[2] is not None:
                    for acc in reversed(frame[2]):
                        if acc not in seen:
                            seen.add(acc)
                            order.append(acc)
                order.append(frame[0])
    order.reverse()
    return order


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _needed(order, targets):
    """PyTorch's exec_info: the nodes on a path to a ``target`` (their formulas must run).

    ``order`` has every node before the nodes it sends gradients to, so walking it backwards
    sees a node's successors first.  A target itself only runs if it leads to another target.
    """
    needed = set()
    for node in reversed(order):
        for nxt, _ in node.next_functions:
            if nxt is not None and (nxt in targets or nxt in needed):
                needed.add(node)
                break
    return needed


def run(roots, root_grads, retain_graph, create_graph, capture=None, accumulate=True,
        only=None):
    """Execute the graph.  ``capture`` maps (node, output_nr) -> slot to record gradients;
    with ``capture`` or ``only`` (the leaves to accumulate into) the graph is pruned to what
    leads to them, as PyTorch does."""
    order = _topological_order(roots)
    buffers = {}
    for (node, nr), g in zip(roots, root_grads):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._nout
        buf[nr] = _add(buf[nr], g)
    captured = needed = executed = targets = None
    if capture is not None or only is not None:
        captured = {}
        capture = capture or {}
        only = only or set()
        targets = {node for node, _ in capture}
        needed = _needed(order, targets | only) | only
        executed = needed | targets
    tasks = _tasks()
    task = _GraphTask(order, executed, targets)
    tasks.append(task)
    prev = grad_mode.grad_on()
    grad_mode._set_enabled(bool(create_graph))
    pop, get = buffers.pop, buffers.get
    try:
        for node in order:
            grads = pop(node, None)
            if grads is None:
                continue  # no gradient reached this node
            if needed is not None:
                skip = node not in needed
                if skip:
                    if node not in targets:
                        continue
                    grads = node._tensor_prehooks(grads)   # before the capture, as in torch
                for nr, g in enumerate(grads):
                    slot = capture.get((node, nr))
                    if slot is not None:
                        captured[slot] = _add(captured.get(slot), g)
                if skip:
                    continue
            if node.__class__ is AccumulateGrad:
                if accumulate and grads[0] is not None:
                    node._apply(grads)
                continue
            if node._nout == 1:
                if grads[0] is None:
                    continue
            elif not any([g is not None for g in grads]):
                continue
            out = apply_anomalous(node, grads) if _anomaly[0] else node._apply(grads)
            if not retain_graph:
                node._release()
            for (nxt, nr), g in zip(node.next_functions, out):
                if nxt is None or g is None:
                    continue
                buf = get(nxt)
                if buf is None:
                    if nxt._nout == 1:
                        buffers[nxt] = [g]
                    else:
                        buffers[nxt] = buf = [None] * nxt._nout
                        buf[nr] = g
                else:
                    cur = buf[nr]
                    # (a sparse sum takes its dense term first: dense + sparse is dense)
                    buf[nr] = g if cur is None else cur + g if cur.layout is _strided else g + cur
            out = g = grads = None  # drop references so AccumulateGrad can steal buffers
        if task.callbacks:
            task.finish()
    finally:
        grad_mode._set_enabled(prev)
        tasks.pop()
    return captured


def _capture_map(inputs):
    """(node, output_nr) -> index in ``inputs``: where each input's gradient arrives (a
    ``GradientEdge`` input names that place itself)."""
    capture = {}
    for i, t in enumerate(inputs):
        if t.__class__ is GradientEdge:
            key = (t.node, t.output_nr)
        else:
            key = (t._grad_fn, t._output_nr) if t._grad_fn is not None else (accumulator_of(t), 0)
        capture[key] = i
    return capture


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is not None:
        grad_tensors = (grad_tensors,) if isinstance(grad_tensors, Tensor) else tuple(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors)
    grads = _root_grads(tensors, grad_tensors, create_graph)
    if inputs is None:
        if create_graph:
            warnings.warn(_errors.CREATE_GRAPH_CYCLE_WARNING, UserWarning, stacklevel=3)
        run(roots, grads, retain_graph, create_graph)
        return
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not inputs:
        raise _errors.backward_empty_inputs()
    # Leaves accumulate through their AccumulateGrad node (hooks and all); non-leaf inputs
    # are captured where their gradient arrives and added to their ``.grad`` afterwards.
    capture = _capture_map(inputs)
    only = {node for node, _ in capture if node.__class__ is AccumulateGrad}
    capture = {key: i for key, i in capture.items() if key[0] not in only}
    captured = run(roots, grads, retain_graph, create_graph, capture=capture, only=only)
    for i, g in captured.items():
        t = inputs[i]
        old = t._grad
        t._grad = g.detach() if old is None else \
            (old + g if old.layout is _strided else g + old).detach()


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    single = isinstance(inputs, (Tensor, GradientEdge))
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if single else tuple(inputs)
    if grad_outputs is not None:
        grad_outputs = (grad_outputs,) if isinstance(grad_outputs, Tensor) else tuple(grad_outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if t.__class__ is not GradientEdge and not t._requires_grad:
            raise _errors.grad_input_not_requiring_grad()
    roots = _roots(outputs)
    grads = _root_grads(outputs, grad_outputs, create_graph)
    captured = run(roots, grads, retain_graph, create_graph, capture=_capture_map(inputs),
                   accumulate=False)
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(i)
        if g is None:
            if materialize_grads:
                if t.__class__ is GradientEdge:
                    raise _errors.materialize_gradient_edge()
                from .. import _ops
                g = _ops.creation.zeros_like(t)
            elif not allow_unused:
                raise _errors.grad_unused_input(i)
        result.append(g)
    return tuple(result)
