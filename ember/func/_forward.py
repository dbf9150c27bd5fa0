"""jvp, jacfwd, linearize and hessian on forward-mode AD (``ember.autograd._forward``).

Each ``jvp`` opens its own dual level, so the transforms nest (``jacfwd(jacfwd(f))``) and
compose with the reverse-mode ones (``hessian`` is ``jacfwd(jacrev(f))``) and with vmap
(tangents live on the plain tensors under vmap's BatchedTensors).  ``jacfwd`` vmaps one
``jvp`` over the basis of the input elements, as torch's; a graph vmap cannot batch falls
back to one ``jvp`` per element (a column of the Jacobian).
"""
import functools

from .. import _errors
from .._tensor import Tensor
from ..autograd import _forward, functional as _functional
from .. import random as _random
from ..utils._pytree import tree_flatten, tree_unflatten, tree_map
from ._reverse import _wrap_argnums, _select, _replace, jacrev
from ._vmap import vmap, unbatchable

_RANDOMNESS = ("error", "different", "same")


def _flat_primals(primals, tangents):
    if not isinstance(primals, tuple):
        raise _errors.jvp_not_tuple("primals")
    flat_p, spec = tree_flatten(primals)
    flat_t, spec_t = tree_flatten(tangents)
    if spec != spec_t:
        raise _errors.jvp_tangents_structure(str(spec), str(spec_t))
    if not flat_p:
        raise _errors.jvp_no_tensors()
    for x in flat_p + flat_t:
        if not isinstance(x, Tensor):
            raise _errors.jvp_not_tensor(type(x))
    return flat_p, flat_t, spec


def _outputs(out, has_aux, level, api="jvp(f, primals, tangents)"):
    """(flat outputs, their spec, aux without this level's tangents) of ``func``'s result."""
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise _errors.jvp_aux_output()
        out, aux = out
        aux = tree_map(lambda a: _forward.unpack_dual(level, a)[0] if isinstance(a, Tensor)
                       else a, aux)
    flat_o, spec_o = tree_flatten(out)
    for o in flat_o:
        if not isinstance(o, Tensor):
            raise _errors.jvp_output_not_tensor(api, type(o))
    return flat_o, spec_o, aux


def _jvp(func, flat_p, flat_t, spec, has_aux, api="jvp(f, primals, tangents)"):
    """(output, output tangent, aux) of ``func`` at the primals, pushed along the tangents."""
    from .._ops.creation import zeros_like
    level = _forward.push_level()
    try:
        duals = [_forward.make_dual(level, p, t) for p, t in zip(flat_p, flat_t)]
        flat_o, spec_o, aux = _outputs(func(*tree_unflatten(duals, spec)), has_aux, level, api)
        pairs = [(_forward.unhidden(p), None if t is None else _forward.unhidden(t))
                 for p, t in (_forward.unpack_dual(level, o) for o in flat_o)]
    finally:
        _forward.pop_level(level)
    return (tree_unflatten([p for p, _ in pairs], spec_o),
            tree_unflatten([zeros_like(p) if t is None else t for p, t in pairs], spec_o), aux)


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
            raise _errors.linearize_tangents_structure(str(spec), str(spec_t))
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if not isinstance(t, Tensor) or t.shape != p.shape or t.dtype != p.dtype:
                raise _errors.linearize_tangent_mismatch(p, t, i)
        return _jvp(func, flat_p, flat_t, spec, False, "linearize")[1]
    return out, jvp_fn


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``func`` -> a function returning its Jacobian w.r.t. ``argnums`` by forward mode,
    nested as torch's: output pytree outside, input pytree (or argnums tuple) inside.  One
    ``jvp`` vmapped over the basis of the inputs' elements, as torch's."""
    if randomness not in _RANDOMNESS:
        raise _errors.vmap_randomness_value(randomness)

    @functools.wraps(func)
    def wrapper(*args):
        nums = _wrap_argnums(argnums, len(args))
        flat_in, in_spec = tree_flatten(_select(args, nums))
        for x in flat_in:
            if not isinstance(x, Tensor):
                raise _errors.jvp_not_tensor(type(x))

        def flat_func(*inputs):
            return func(*_replace(args, nums, tree_unflatten(list(inputs), in_spec)))
        try:
            jac, out_spec, aux = _vectorised(flat_func, flat_in, has_aux, randomness)
        except RuntimeError as exc:
            if not unbatchable(exc):
                raise
            jac, out_spec, aux = _by_columns(flat_func, flat_in, has_aux, randomness)
        jac = tree_unflatten([tree_unflatten(row, in_spec) for row in jac], out_spec)
        return (jac, aux) if has_aux else jac
    return wrapper


def _basis(flat_in):
    """One tangent per input, each ``(N, *input.shape)``: together the standard basis of the
    N input elements."""
    from .._ops.creation import zeros, eye
    total = sum(x.numel() for x in flat_in)
    basis, start = [], 0
    for x in flat_in:
        n = x.numel()
        b = zeros(total, n, dtype=x.dtype, device=x.device)
        b[start:start + n] = eye(n, dtype=x.dtype, device=x.device)
        basis.append(b.reshape((total,) + tuple(x.shape)))
        start += n
    return basis


def _vectorised(flat_func, flat_in, has_aux, randomness):
    """(Jacobian rows ``[output][input]``, output spec, aux): vmap over ``jvp``."""
    in_spec = tree_flatten(tuple(flat_in))[1]
    found = {}

    def push(*tangents):
        _, tangent, aux = _jvp(flat_func, flat_in, list(tangents), in_spec, has_aux)
        flat_t, found["spec"] = tree_flatten(tangent)
        return (flat_t, aux) if has_aux else flat_t
    if not any(x.numel() for x in flat_in):
        return _by_columns(flat_func, flat_in, has_aux, randomness)
    result = vmap(push, randomness=randomness)(*_basis(flat_in))
    aux = None
    if has_aux:
        result, aux = result
        aux = tree_map(lambda a: a[0] if isinstance(a, Tensor) else a, aux)
    sizes = [x.numel() for x in flat_in]
    rows = [[part.reshape(tuple(j.shape[1:]) + tuple(x.shape))
             for part, x in zip(j.movedim(0, -1).split(sizes, -1), flat_in)] for j in result]
    return rows, found["spec"], aux


def _by_columns(flat_func, flat_in, has_aux, randomness):
    """The Jacobian by one ``jvp`` per input element: for graphs vmap cannot batch."""
    found = {}

    def f(*inputs):
        flat_o, found["spec"], aux = _outputs(flat_func(*inputs), has_aux,
                                              _forward.levels()[-1])
        found.setdefault("aux", aux)
        return flat_o

    state = _random.get_rng_state() if randomness == "same" else None
    previous = _forward.set_random_mode(randomness)
    try:
        _, jac = _forward.jacobian_columns(
            f, flat_in, None if state is None else lambda: _random.set_rng_state(state))
    finally:
        _forward.set_random_mode(previous)
    return jac, found["spec"], found.get("aux")


def _columns(func, flat_in):
    """``autograd._forward.jacobian_columns``'s contract (``func`` returns a tuple of tensors;
    -> (None, ``jac[output][input]``)) by vmap over jvp: autograd.functional's forward mode."""
    try:
        rows, _, _ = _vectorised(func, flat_in, False, "error")
    except RuntimeError as exc:
        if not unbatchable(exc):
            raise
        return _forward.jacobian_columns(func, flat_in)
    return None, rows


_functional._vectorized_columns[0] = _columns


def hessian(func, argnums=0):
    """The Hessian of ``func`` w.r.t. ``argnums``: ``jacfwd(jacrev(func))``, as torch's."""
    return jacfwd(jacrev(func, argnums), argnums)
