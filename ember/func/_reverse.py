"""grad, grad_and_value, vjp and jacrev on Ember's reverse-mode autograd.

torch.func separates transform levels with wrapper tensors; Ember emulates the levels on the
ordinary tape. Each transform differentiates fresh copies of its inputs: a view of an input
that already requires grad when the result must stay differentiable (an enclosing transform,
or ordinary autograd around the call), a detached leaf otherwise. The gradients are taken
with ``create_graph`` when the results must stay differentiable: inside another transform,
or with grad mode on and an input, or a tensor the function closes over, requiring grad.
So ``grad(grad(f))`` works and a top-level ``grad(f)(x)`` returns plain tensors, as
torch.func's do.
"""
import functools

from .. import _errors
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.engine import grad as _autograd_grad_raw
from ..autograd import functional as _functional
from ..autograd.graph import reached_leaves
from ..autograd._forward import carry_tangents
from ..utils._pytree import tree_flatten, tree_unflatten, tree_leaves, tree_map, treespec_pprint
from ._vmap import batch_inputs, plain, vmap, unbatchable

_depth = [0]  # how many transforms are running around the current call


class _Level:
    """One transform level: counts the nesting and enables grad mode inside it (torch.func
    ignores an enclosing ``no_grad`` for the function it differentiates)."""

    def __enter__(self):
        _depth[0] += 1
        self._grad = grad_mode.enable_grad()
        self._grad.__enter__()

    def __exit__(self, *exc):
        self._grad.__exit__(*exc)
        _depth[0] -= 1


def _keeps_graph(*trees):
    """Whether results must stay differentiable outside this transform."""
    if _depth[0] > 0:
        return True
    return grad_mode.is_grad_enabled() and any(
        isinstance(t, Tensor) and t._requires_grad for tree in trees for t in tree_leaves(tree))


def _reaches_outside(outputs, fresh):
    """Whether ``outputs`` depend on a tensor requiring grad other than the ``fresh`` inputs
    (a closure over a parameter, say): then the results must keep their graph too."""
    mine = {id(plain(t)) for t in fresh}
    roots = []
    for o in outputs:
        o = plain(o)
        if isinstance(o, Tensor) and o._requires_grad:
            if o._grad_fn is None and id(o) not in mine:
                return True
            roots.append(o._grad_fn)
    return any(id(v) not in mine for v in reached_leaves(roots))


def _differentiable(x, keep_graph):
    if not isinstance(x, Tensor):
        raise _errors.transform_arg_not_tensor(x)
    if keep_graph and x._requires_grad:
        return x.view_as(x)
    return carry_tangents(x, x.detach().requires_grad_())


def _release(tree, keep_graph):
    """Outputs leaving a transform (tensors only, as torch.func requires): detached unless
    the graph must be kept."""
    def leave(t):
        if not isinstance(t, Tensor):
            raise _errors.transform_output_type(t)
        return t if keep_graph else carry_tangents(t, t.detach())
    return tree_map(leave, tree)


def _autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False):
    """autograd.grad where outputs that need no grad are skipped and unused inputs get zeros."""
    from .._ops.creation import zeros_like
    keep = [i for i, o in enumerate(outputs) if o._requires_grad]
    grads = (None,) * len(inputs)
    if keep:
        grads = _autograd_grad_raw(
            tuple(outputs[i] for i in keep), tuple(inputs),
            None if grad_outputs is None else tuple(grad_outputs[i] for i in keep),
            retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)
    return tuple(zeros_like(x) if g is None else g for g, x in zip(grads, inputs))


# ---- argnums --------------------------------------------------------------------------------
def _wrap_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise _errors.argnum_type(argnum)
    if -num_args <= argnum < num_args:
        return argnum % num_args
    raise _errors.argnum_range(argnum, num_args)


def _wrap_argnums(argnums, num_args):
    """``argnums`` validated and made non-negative (int or tuple, as given)."""
    if isinstance(argnums, int):
        return _wrap_argnum(argnums, num_args)
    if not isinstance(argnums, tuple):
        raise _errors.argnums_type(argnums)
    wrapped = tuple(_wrap_argnum(a, num_args) for a in argnums)
    if not wrapped:
        raise _errors.argnums_empty()
    if len(set(wrapped)) != len(wrapped):
        raise _errors.argnums_not_unique(wrapped)
    return wrapped


def _select(args, argnums):
    return args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)


def _replace(args, argnums, new):
    if isinstance(argnums, int):
        return args[:argnums] + (new,) + args[argnums + 1:]
    return tuple(new[argnums.index(i)] if i in argnums else a for i, a in enumerate(args))


def _make_differentiable(args, argnums, keep_graph):
    """(args with the selected ones replaced by fresh inputs, their flat list, their spec)."""
    flat, spec = tree_flatten(_select(args, argnums))
    fresh = [_differentiable(x, keep_graph) for x in batch_inputs(flat)]
    return _replace(args, argnums, tree_unflatten(fresh, spec)), fresh, spec


def _split_aux(output, has_aux, api):
    if not has_aux:
        return output, None
    if not (isinstance(output, tuple) and len(output) == 2):
        raise _errors.has_aux_output(api)
    return output


# ---- grad -----------------------------------------------------------------------------------
def grad_and_value(func, argnums=0, has_aux=False):
    """``func`` -> a function returning (gradient w.r.t. ``argnums``, value of ``func``);
    with ``has_aux`` the value is ``(output, aux)``."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        keep, outer_grad = _keeps_graph(args, kwargs), grad_mode.is_grad_enabled()
        with _Level():
            args, fresh, spec = _make_differentiable(args, _wrap_argnums(argnums, len(args)),
                                                     keep)
            output, aux = _split_aux(func(*args, **kwargs), has_aux, "grad_and_value(f)(*args)")
            if not isinstance(output, Tensor):
                raise _errors.grad_output_not_tensor(output)
            if output.dim() != 0:
                raise _errors.grad_output_not_scalar(output.dim())
            keep = keep or (outer_grad and _reaches_outside((output,), fresh))
            grads = _autograd_grad((output,), fresh, create_graph=keep)
        grads = tree_unflatten(list(grads), spec)
        value = _release(output, keep)
        return grads, ((value, _release(aux, keep)) if has_aux else value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``func`` -> a function returning the gradient of ``func`` w.r.t. ``argnums`` (and the
    aux output with ``has_aux``)."""
    g_and_v = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = g_and_v(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


# ---- vjp and jacrev -------------------------------------------------------------------------
class _Traced:
    """``func`` run once on fresh inputs: what vjp and jacrev differentiate afterwards."""

    def __init__(self, func, args, argnums, has_aux):
        self.keep, outer_grad = _keeps_graph(args), grad_mode.is_grad_enabled()
        with _Level():
            args, self.inputs, self.in_spec = _make_differentiable(args, argnums, self.keep)
            output, aux = _split_aux(func(*args), has_aux, "vjp(f, *primals)")
        self.keep = self.keep or (outer_grad and _reaches_outside(tree_leaves(output),
                                                                  self.inputs))
        self.aux = _release(aux, self.keep) if has_aux else None
        self.outputs, self.out_spec = tree_flatten(output)
        if not self.outputs:
            raise _errors.transform_empty_output("vjp(f, *primals)", self.outputs)
        for o in self.outputs:
            if not isinstance(o, Tensor):
                raise _errors.transform_output_not_tensor("vjp(f, *primals)", o)
        for o in self.outputs:
            if not (o.is_floating_point() or o.is_complex()):
                raise _errors.vjp_output_dtype(o.dtype)
        self.output = output

    def release(self, tree):
        return _release(tree, self.keep)


def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn[, aux]); ``vjp_fn(cotangents)`` returns a tuple with one
    vector-Jacobian product per primal."""
    traced = _Traced(func, primals, tuple(range(len(primals))), has_aux)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        if create_graph is None:
            create_graph = grad_mode.is_grad_enabled()
        flat, spec = tree_flatten(cotangents)
        if spec != traced.out_spec:
            raise _errors.vjp_cotangent_structure(treespec_pprint(spec),
                                                  treespec_pprint(traced.out_spec))
        create_graph = create_graph and (traced.keep or _depth[0] > 0)
        with grad_mode.enable_grad():
            grads = _autograd_grad(traced.outputs, traced.inputs, flat,
                                   retain_graph=retain_graph, create_graph=create_graph)
        return tree_unflatten(list(_release(grads, create_graph)), traced.in_spec)

    result = (traced.release(traced.output), vjp_fn)
    return result + (traced.aux,) if has_aux else result


def _check_real(args, is_input):
    for i, t in enumerate(tree_leaves(args)):
        if isinstance(t, Tensor) and t.is_complex():
            raise _errors.transform_complex("jacrev", is_input, i)


def _vjp_rows(out, ins, create_graph, strict=False, i=0, chunk_size=None):
    """d out / d ins[j] for every j, shaped out.shape + ins[j].shape: one backward pass
    vmapped over the basis of ``out``'s elements (``chunk_size`` rows at a time); row by row
    when a backward formula of the graph has no batched form (it computes on raw data), and
    under forward-mode AD (``jacfwd(jacrev(f))``: tangents do not flow through vmap)."""
    from .._ops import creation
    from ..autograd import _forward
    m = out.numel()
    if m == 0 or not out._requires_grad or _forward.levels():
        return _functional._jacobian_rows(out, ins, create_graph, strict, i)
    basis = creation.eye(m, dtype=out._dtype, device=out._device).view((m,) + tuple(out.shape))

    def row(v):
        return _autograd_grad((out,), ins, (v,), retain_graph=True, create_graph=create_graph)
    try:
        rows = vmap(row, chunk_size=chunk_size)(basis)
    except RuntimeError as exc:
        if not unbatchable(exc):
            raise
        return _functional._jacobian_rows(out, ins, create_graph, strict, i)
    return tuple(r.view(tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, ins))


_functional._vectorized_rows[0] = _vjp_rows   # autograd.functional's vectorize=True


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """``func`` -> a function returning its Jacobian w.r.t. ``argnums`` by reverse mode: one
    backward pass per output, vmapped over the output's elements (``chunk_size`` at a time)."""
    if chunk_size is not None and not chunk_size > 0:
        raise _errors.jacrev_chunk_size()

    @functools.wraps(func)
    def wrapper(*args):
        _check_real(args, True)
        traced = _Traced(func, args, _wrap_argnums(argnums, len(args)), has_aux)
        _check_real(traced.outputs, False)
        with _Level():
            jac = [tree_unflatten(list(_vjp_rows(out, traced.inputs, traced.keep,
                                                 chunk_size=chunk_size)), traced.in_spec)
                   for i, out in enumerate(traced.outputs)]
        jac = traced.release(tree_unflatten(jac, traced.out_spec))
        return (jac, traced.aux) if has_aux else jac
    return wrapper

