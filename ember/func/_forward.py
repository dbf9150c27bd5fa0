"""jvp, jacfwd, linearize and hessian on forward-mode AD (``ember.autograd._forward``).

Each ``jvp`` opens its own dual level, so the transforms nest (``jacfwd(jacfwd(f))``) and
compose with the reverse-mode ones (``hessian`` is ``jacfwd(jacrev(f))``).  Ember has no
vmap under these transforms: ``jacfwd`` takes one ``jvp`` per input element (a column of the
Jacobian), running ``func`` that many times; ``randomness`` says what random ops do across
those runs, as torch's vmap does across its batch.
"""
import functools

from .. import _errors
from .._tensor import Tensor
from ..autograd import _forward
from ..utils._pytree import tree_flatten, tree_unflatten, treespec_pprint
from ._reverse import _wrap_argnums, _select, _replace, jacrev

_RANDOMNESS = ("error", "different", "same")


def _flat_primals(primals, tangents):
    if not isinstance(primals, tuple):
        raise _errors.jvp_not_tuple("primals")
    flat_p, spec = tree_flatten(primals)
    flat_t, spec_t = tree_flatten(tangents)
    if spec != spec_t:
        raise _errors.jvp_tangents_structure(treespec_pprint(spec), treespec_pprint(spec_t))
    if not flat_p:
        raise _errors.jvp_no_tensors()
    for x in flat_p + flat_t:
        if not isinstance(x, Tensor):
            raise _errors.jvp_not_tensor(type(x))
    return flat_p, flat_t, spec


def _jvp(func, flat_p, flat_t, spec, has_aux, api="jvp(f, primals, tangents)"):
    """(output, output tangent, aux) of ``func`` at the primals, pushed along the tangents."""
    from .._ops.creation import zeros_like
    level = _forward.push_level()
    try:
        duals = [_forward.make_dual(level, p, t) for p, t in zip(flat_p, flat_t)]
        out = func(*tree_unflatten(duals, spec))
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise _errors.jvp_aux_output()
            out, aux = out
        flat_o, spec_o = tree_flatten(out)
        primals, tangents = [], []
        for o in flat_o:
            if not isinstance(o, Tensor):
                raise _errors.jvp_output_not_tensor(api, type(o))
            p, t = _forward.unpack_dual(level, o)
            primals.append(p)
            tangents.append(zeros_like(p) if t is None else t)
        if has_aux:
            flat_a, spec_a = tree_flatten(aux)
            aux = tree_unflatten([_forward.unpack_dual(level, a)[0] if isinstance(a, Tensor)
                                  else a for a in flat_a], spec_a)
    finally:
        _forward.pop_level(level)
    return tree_unflatten(primals, spec_o), tree_unflatten(tangents, spec_o), aux


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents[, aux])`` by forward-mode AD (``strict`` is accepted
    and, as in torch, changes nothing)."""
    flat_p, flat_t, spec = _flat_primals(primals, tangents)
    out, tan, aux = _jvp(func, flat_p, flat_t, spec, has_aux)
    return (out, tan, aux) if has_aux else (out, tan)


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)``; ``jvp_fn(*tangents)`` is the Jacobian-vector product at
    ``primals`` (computed by a forward pass each call; torch traces ``func`` once)."""
    flat_p, _, spec = _flat_primals(primals, primals)
    out, _, _ = _jvp(func, flat_p, flat_p, spec, False, "linearize")

    def jvp_fn(*tangents):
        flat_t, spec_t = tree_flatten(tangents)
        if spec_t != spec:
            raise _errors.linearize_tangents_structure(treespec_pprint(spec),
                                                       treespec_pprint(spec_t))
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if not isinstance(t, Tensor) or t.shape != p.shape or t.dtype != p.dtype:
                raise _errors.linearize_tangent_mismatch(p, t, i)
        return _jvp(func, flat_p, flat_t, spec, False, "linearize")[1]
    return out, jvp_fn


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``func`` -> a function returning its Jacobian w.r.t. ``argnums`` by forward mode,
    nested as torch's: output pytree outside, input pytree (or argnums tuple) inside."""
    if randomness not in _RANDOMNESS:
        raise _errors.jacfwd_randomness(randomness)

    @functools.wraps(func)
    def wrapper(*args):
        nums = _wrap_argnums(argnums, len(args))
        flat_in, in_spec = tree_flatten(_select(args, nums))
        for x in flat_in:
            if not isinstance(x, Tensor):
                raise _errors.jvp_not_tensor(type(x))

        def f(*inputs):
            return func(*_replace(args, nums, tree_unflatten(list(inputs), in_spec)))
        columns, out_spec, aux = _columns(f, flat_in, has_aux, randomness)
        jac = [tree_unflatten([_stack(cols, o, x) for cols, x in zip(per_in, flat_in)], in_spec)
               for o, per_in in columns]
        jac = tree_unflatten(jac, out_spec)
        return (jac, aux) if has_aux else jac
    return wrapper


def _columns(f, flat_in, has_aux, randomness):
    """One jvp per input element: for each output, its columns grouped by input."""
    from .._ops.creation import zeros, zeros_like
    from .. import random as _random
    sizes = [x.numel() for x in flat_in]
    total = sum(sizes)
    state = _random.get_rng_state() if randomness == "same" else None
    outs, out_spec, aux, cols = None, None, None, []
    previous = _forward.set_random_mode(randomness)
    try:
        for j in range(max(total, 1)):
            if state is not None:
                _random.set_rng_state(state)
            basis = zeros(total, dtype=flat_in[0].dtype if flat_in else None)
            if total:
                basis[j] = 1
            tangents, start = [], 0
            for x, n in zip(flat_in, sizes):
                tangents.append(basis[start:start + n].reshape(x.shape).to(x.dtype)
                                if n else zeros_like(x))
                start += n
            out, tan, a = _jvp(f, flat_in, tangents, tree_flatten(tuple(flat_in))[1], has_aux,
                               "jacfwd(f, ...)(*args)")
            if outs is None:
                outs, out_spec = tree_flatten(out)
                aux = a
            cols.append(tree_flatten(tan)[0])
    finally:
        _forward.set_random_mode(previous)
    result = []
    for k, o in enumerate(outs):
        per_in, start = [], 0
        for n in sizes:
            per_in.append([c[k] for c in cols[start:start + n]] if total else [])
            start += n
        result.append((o, per_in))
    return result, out_spec, aux


def _stack(cols, out, x):
    from .._ops.shape import stack
    from .._ops.creation import zeros
    if not cols:
        return zeros(tuple(out.shape) + tuple(x.shape), dtype=out.dtype)
    return stack(cols, -1).reshape(tuple(out.shape) + tuple(x.shape))


def hessian(func, argnums=0):
    """The Hessian of ``func`` w.r.t. ``argnums``: ``jacfwd(jacrev(func))``, as torch's."""
    return jacfwd(jacrev(func, argnums), argnums)
