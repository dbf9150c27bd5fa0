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
from .. import random as _random
from ..utils._pytree import tree_flatten, tree_unflatten, tree_map
from ._reverse import _wrap_argnums, _select, _replace, jacrev

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

        found = {}

        def f(*inputs):
            out = func(*_replace(args, nums, tree_unflatten(list(inputs), in_spec)))
            flat_o, found["spec"], aux = _outputs(out, has_aux, _forward.levels()[-1])
            found.setdefault("aux", aux)
            return flat_o

        state = _random.get_rng_state() if randomness == "same" else None
        previous = _forward.set_random_mode(randomness)
        try:
            _, jac = _forward.jacobian_columns(
                f, flat_in, None if state is None else lambda: _random.set_rng_state(state))
        finally:
            _forward.set_random_mode(previous)
        jac = tree_unflatten([tree_unflatten(row, in_spec) for row in jac], found["spec"])
        aux = found.get("aux")
        return (jac, aux) if has_aux else jac
    return wrapper


def hessian(func, argnums=0):
    """The Hessian of ``func`` w.r.t. ``argnums``: ``jacfwd(jacrev(func))``, as torch's."""
    return jacfwd(jacrev(func, argnums), argnums)
