"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp built on ``autograd.grad``.

Inputs are re-rooted (detached leaves, or views when ``create_graph``) so that the functions
differentiate exactly ``func`` at ``inputs``; results are detached unless ``create_graph``.
``vectorize`` and ``strategy`` are accepted; the computation is always row by row in reverse
mode.
"""
from .._tensor import Tensor
from . import grad_mode
from .engine import grad as _grad


def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, (tuple, list))
    xs = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            if is_tuple:
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                                f"tuple of Tensors but the value at index {i} has type "
                                f"{type(t)}.")
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the given {arg_name} has type {type(t)}.")
    return is_tuple, xs


def _prep(inputs, create_graph, need_graph=True):
    if create_graph:
        return tuple(t.view_as(t) if t._requires_grad else t.detach().requires_grad_(need_graph)
                     for t in inputs)
    return tuple(t.detach().requires_grad_(need_graph) for t in inputs)


def _post(xs, create_graph):
    if isinstance(xs, tuple):
        return tuple(_post(x, create_graph) for x in xs)
    if xs is None or create_graph:
        return xs
    return xs.detach()


def _unwrap(xs, is_tuple):
    return xs if is_tuple else xs[0]


def _zeros_if_none(grads, refs, strict, what):
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} for the user-provided function is independent "
                                   f"of input {i}. This is not allowed in strict mode.")
            from .. import _ops
            g = _ops.creation.zeros_like(r)
        out.append(g)
    return tuple(out)


def _grad_or_none(outputs, inputs, grad_outputs, create_graph):
    outputs = tuple(o for o in outputs)
    needed = [i for i, o in enumerate(outputs) if o._requires_grad]
    if not needed:
        return (None,) * len(inputs)
    return _grad(tuple(outputs[i] for i in needed), inputs,
                 None if grad_outputs is None else tuple(grad_outputs[i] for i in needed),
                 retain_graph=True, create_graph=create_graph, allow_unused=True)


def _check_v(v, outputs, fn_name):
    if v is None:
        if len(outputs) != 1 or outputs[0]._data.size != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
        return None
    is_tuple, vs = _as_tuple(v, "v", fn_name)
    if len(vs) != len(outputs):
        raise RuntimeError(f"v is a tuple of invalid length: should be {len(outputs)} but got "
                           f"{len(vs)}.")
    for i, (a, b) in enumerate(zip(vs, outputs)):
        if a._data.shape != b._data.shape:
            where = f"Entry {i} in v" if is_tuple else "v"
            raise RuntimeError(f"{where} has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")
    return vs


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _prep(ins, create_graph)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "vjp")
        vs = _check_v(v, outs, "vjp")
        grads = _grad_or_none(outs, ins, vs, create_graph)
        res = _zeros_if_none(grads, ins, strict, "output")
    return (_post(_unwrap(outs, is_out_tuple), create_graph),
            _post(_unwrap(res, is_in_tuple), create_graph))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-backward trick."""
    from .. import _ops
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _prep(ins, create_graph)
        if v is None:
            if len(ins) != 1 or ins[0]._data.size != 1:
                raise RuntimeError("The vector v can only be None if the input to the "
                                   "user-provided function is a single Tensor with a single "
                                   "element.")
            vs = None
        else:
            vs = _check_v(v, ins, "jvp")
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "jvp")
        dummies = tuple(_ops.creation.zeros_like(o).requires_grad_() for o in outs)
        grads = _grad_or_none(outs, ins, dummies, True)
        used = [(g, i) for i, g in enumerate(grads) if g is not None]
        if used:
            jv = _grad(tuple(g for g, _ in used), dummies,
                       None if vs is None else tuple(vs[i] for _, i in used),
                       retain_graph=True, create_graph=create_graph, allow_unused=True)
        else:
            jv = (None,) * len(outs)
        res = _zeros_if_none(jv, outs, strict, "output")
    return (_post(_unwrap(outs, is_out_tuple), create_graph),
            _post(_unwrap(res, is_out_tuple), create_graph))


def _stack(rows, shape):
    """Stack equally shaped rows along a new leading dim, differentiably."""
    from .. import _ops
    op = _ops.OPS.get("stack")
    if op is not None:
        return op.fn(rows).reshape(shape)
    eye = _ops.creation.eye(len(rows), dtype=rows[0]._dtype, device=rows[0]._device)
    total = None
    for k, r in enumerate(rows):
        e = eye.select(0, k).reshape((len(rows),) + (1,) * r.dim())
        term = e * r.unsqueeze(0)
        total = term if total is None else total + term
    return total.reshape(shape)


def _jacobian_rows(out, ins, create_graph, strict, i):
    """d out / d ins[j] for each j, shaped out.shape + ins[j].shape."""
    from .. import _ops
    m = out._data.size
    if m == 0 or not out._requires_grad:
        if strict and out._requires_grad is False:
            raise RuntimeError(f"Output {i} of the user-provided function does not require "
                               "gradients. The outputs must be computed in a differentiable "
                               "manner from the input when running in strict mode.")
        return tuple(_ops.creation.zeros(tuple(out.shape) + tuple(t.shape), dtype=t._dtype,
                                         device=t._device) for t in ins)
    basis = _ops.creation.eye(m, dtype=out._dtype, device=out._device)
    rows = [[] for _ in ins]
    for r in range(m):
        gs = _grad((out,), ins, (basis.select(0, r).reshape(out.shape),), retain_graph=True,
                   create_graph=create_graph, allow_unused=True)
        for j, g in enumerate(gs):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode.")
                g = _ops.creation.zeros_like(ins[j])
            rows[j].append(g)
    return tuple(_stack(rs, tuple(out.shape) + tuple(t.shape)) for rs, t in zip(rows, ins))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func``: a tensor, or tuples indexed [output][input] as PyTorch's."""
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _prep(ins, create_graph)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "jacobian")
        jac = tuple(_post(_unwrap(_jacobian_rows(o, ins, create_graph, strict, i), is_in_tuple),
                          create_graph) for i, o in enumerate(outs))
    return _unwrap(jac, is_out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function, as nested tuples [input_i][input_j] for tuple inputs."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def jac_func(*xs):
        out = func(*xs)
        _, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if len(outs) != 1 or outs[0]._data.size != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        g = _grad_or_none(outs, xs, None, True)
        return _zeros_if_none(g, xs, strict, "output")

    res = jacobian(jac_func, ins, create_graph=create_graph, strict=strict)
    if not is_in_tuple:
        return res[0][0]
    return res


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar ``func``."""
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
        ins = _prep(ins, create_graph)
        vs = None if v is None else _check_v(v, ins, "vhp")
        if v is None and (len(ins) != 1 or ins[0]._data.size != 1):
            raise RuntimeError("The vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        _, outs = _as_tuple(func(*ins), "outputs of the user-provided function", "vhp")
        if len(outs) != 1 or outs[0]._data.size != 1:
            raise RuntimeError("The function given to vhp should return a single Tensor with a "
                               "single element.")
        jac = _zeros_if_none(_grad_or_none(outs, ins, None, True), ins, strict, "output")
        needed = [(j, i) for i, j in enumerate(jac) if j._requires_grad]
        if needed:
            res = _grad(tuple(j for j, _ in needed), ins,
                        None if vs is None else tuple(vs[i] for _, i in needed),
                        retain_graph=True, create_graph=create_graph, allow_unused=True)
        else:
            res = (None,) * len(ins)
        res = _zeros_if_none(res, ins, strict, "output")
    return (_post(outs[0], create_graph), _post(_unwrap(res, is_in_tuple), create_graph))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v); the Hessian of a twice-differentiable function is symmetric."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)
