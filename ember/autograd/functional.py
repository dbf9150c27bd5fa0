"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp built on ``autograd.grad``.

Inputs are re-rooted (detached leaves, or views when ``create_graph``) so that the functions
differentiate exactly ``func`` at ``inputs``; results are detached unless ``create_graph``.
The computation is row by row in reverse mode; ``vectorize=True`` takes all the rows of an
output in one backward pass batched by ``ember.func.vmap`` (once ``ember.func`` is loaded: it
sits a layer above and installs itself in ``_vectorized_rows``). ``strategy="forward-mode"``
(with ``vectorize=True``, as torch requires) takes the forward-mode passes of the input elements
batched by vmap in the same way (``_vectorized_columns``).
"""
from .. import _errors
from .._tensor import Tensor
from . import grad_mode
from .engine import grad as _grad


# (these helpers keep torch's private names and signatures: libraries import them)
def _as_tuple(x, arg_name=None, fn_name=None):
    """(whether ``x`` was a sequence, ``x`` as a tuple of tensors); without names, only the
    tuple, unchecked."""
    is_tuple = isinstance(x, (tuple, list))
    xs = tuple(x) if is_tuple else (x,)
    if arg_name is None and fn_name is None:
        return xs
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            raise _errors.functional_arg_type(arg_name, fn_name, t, i if is_tuple else None)
    return is_tuple, xs


def _grad_preprocess(inputs, create_graph, need_graph=True):
    if create_graph:
        return tuple(t.view_as(t) if t._requires_grad else t.detach().requires_grad_(need_graph)
                     for t in inputs)
    return tuple(t.detach().requires_grad_(need_graph) for t in inputs)


def _grad_postprocess(xs, create_graph):
    if isinstance(xs, tuple):
        return tuple(_grad_postprocess(x, create_graph) for x in xs)
    if xs is None or create_graph:
        return xs
    return xs.detach()


def _tuple_postprocess(res, to_unpack):
    """``res`` unpacked where the input was not a tuple; ``to_unpack`` a pair of flags for a
    nested result (outputs, then inputs: a Jacobian's or a Hessian's)."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(r[0] for r in res)
        return res if to_unpack[0] else res[0]
    return res if to_unpack else res[0]


def _construct_standard_basis_for(tensors, tensor_numels):
    """The rows of the identity of size ``sum(tensor_numels)``, split by columns into one
    ``(total, numel_i)`` block per tensor (its dtype and device): the one-hot cotangents a
    vectorised Jacobian feeds to a batched backward."""
    total = sum(tensor_numels)
    blocks, start = [], 0
    for t, n in zip(tensors, tensor_numels):
        block = t.new_zeros((total, n))
        block.diagonal(-start).fill_(1)
        blocks.append(block)
        start += n
    return tuple(blocks)


def _zeros_if_none(grads, refs, strict):
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise _errors.functional_independent(i)
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


def _check_requires_grad(outputs, strict):
    if strict:
        for i, o in enumerate(outputs):
            if not o._requires_grad:
                raise _errors.functional_output_no_grad(i)


def _check_v(v, others, others_tuple, fn_name):
    """``v`` (None, a tensor or a tuple) against ``others`` (a tuple if ``others_tuple``)."""
    if v is None:
        if len(others) != 1 or others[0]._data.size != 1:
            raise _errors.functional_v_none(fn_name != "vjp")
        return None
    _, vs = _as_tuple(v, "v", fn_name)
    if len(vs) != len(others):
        raise _errors.functional_v_length(len(others), len(vs), others_tuple)
    for i, (a, b) in enumerate(zip(vs, others)):
        if a._data.shape != b._data.shape:
            raise _errors.functional_v_size(i, b.shape, a.shape, others_tuple)
    return vs


def _scalar_output(func, ins, fn_name, strict):
    """``func(*ins)`` as a 1-tuple, checked to be a single one-element tensor."""
    is_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function", fn_name)
    _check_requires_grad(outs, strict)
    if is_tuple or outs[0]._data.size != 1:
        raise _errors.functional_scalar_output(fn_name, is_tuple)
    return outs


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J)."""
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _grad_preprocess(ins, create_graph)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "vjp")
        _check_requires_grad(outs, strict)
        vs = _check_v(v, outs, is_out_tuple, "vjp")
        grads = _grad_or_none(outs, ins, vs, create_graph)
        res = _zeros_if_none(grads, ins, strict)
    return (_grad_postprocess(_tuple_postprocess(outs, is_out_tuple), create_graph),
            _grad_postprocess(_tuple_postprocess(res, is_in_tuple), create_graph))


def _grad_of_some(outputs, wrt, vs, create_graph):
    """Gradients w.r.t. ``wrt`` of the outputs in ``outputs`` (pairs ``(output, i)``, weighted
    by ``vs[i]``), the graph kept; all ``None`` when no output is left."""
    if not outputs:
        return (None,) * len(wrt)
    return _grad(tuple(o for o, _ in outputs), wrt,
                 None if vs is None else tuple(vs[i] for _, i in outputs),
                 retain_graph=True, create_graph=create_graph, allow_unused=True)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v), by the double-backward trick."""
    from .. import _ops
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _grad_preprocess(ins, create_graph)
        vs = _check_v(v, ins, is_in_tuple, "jvp")
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "jvp")
        _check_requires_grad(outs, strict)
        dummies = tuple(_ops.creation.zeros_like(o).requires_grad_() for o in outs)
        grads = _grad_or_none(outs, ins, dummies, True)
        used = [(g, i) for i, g in enumerate(grads) if g is not None]
        res = _zeros_if_none(_grad_of_some(used, dummies, vs, create_graph), outs, strict)
    return (_grad_postprocess(_tuple_postprocess(outs, is_out_tuple), create_graph),
            _grad_postprocess(_tuple_postprocess(res, is_out_tuple), create_graph))


def _stack(rows, shape):
    """Stack equally shaped rows along a new leading dim, differentiably."""
    from .. import _ops
    stack = getattr(_ops.shape, "stack", None)   # (looked up at call time: vmap rebinds it)
    if stack is not None:
        return stack(rows).reshape(shape)
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
            raise _errors.functional_output_no_grad(i)
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
                    raise _errors.functional_independent(j, i)
                g = _ops.creation.zeros_like(ins[j])
            rows[j].append(g)
    return tuple(_stack(rs, tuple(out.shape) + tuple(t.shape)) for rs, t in zip(rows, ins))


def _check_strategy(strategy, create_graph, vectorize, hessian=False):
    if strategy not in ("forward-mode", "reverse-mode"):
        raise _errors.functional_strategy(hessian)
    if strategy == "forward-mode" and not hessian:
        if create_graph:
            raise _errors.functional_forward_mode_create_graph()
        if not vectorize:
            raise _errors.functional_forward_mode_not_vectorized()


_vectorized_rows = [None]   # ember.func's vmapped rows (set when ember.func loads)
_vectorized_columns = [None]   # and its vmapped forward-mode columns


def _check_vectorize(strict):
    """``vectorize=True`` batches the rows with vmap; torch refuses ``strict`` with it."""
    if strict:
        raise _errors.functional_vectorize_strict()


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func``: a tensor, or tuples indexed [output][input] as PyTorch's."""
    _check_strategy(strategy, create_graph, vectorize)
    if strategy == "forward-mode":
        _check_vectorize(strict)
        return _jacobian_forward(func, inputs)
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _grad_preprocess(ins, create_graph)
        is_out_tuple, outs = _as_tuple(func(*ins), "outputs of the user-provided function",
                                       "jacobian")
        if vectorize:
            _check_requires_grad(outs, strict)
            _check_vectorize(strict)
        rows = _vectorized_rows[0] if vectorize and _vectorized_rows[0] else _jacobian_rows
        jac = tuple(_grad_postprocess(_tuple_postprocess(rows(o, ins, create_graph, strict, i), is_in_tuple),
                          create_graph) for i, o in enumerate(outs))
    return _tuple_postprocess(jac, is_out_tuple)


def _jacobian_forward(func, inputs):
    """``strategy="forward-mode"``: the forward-mode passes of the input elements batched by
    vmap, as torch's (once ``ember.func`` is loaded; one pass per element before).  Like
    torch's, the result for tuple inputs and outputs is a list of lists."""
    from . import _forward
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
    ins = _grad_preprocess(ins, False)
    out_tuple = []

    def outputs(*duals):
        with grad_mode.enable_grad():
            is_out_tuple, outs = _as_tuple(func(*duals), "outputs of the user-provided "
                                           "function", "jacobian")
        out_tuple.append(is_out_tuple)
        return outs
    columns = _vectorized_columns[0] or _forward.jacobian_columns
    _, jac = columns(outputs, ins)
    jac = [[j.detach() for j in row] for row in jac]
    if not is_in_tuple:
        jac = [row[0] for row in jac]
    return jac if out_tuple[0] else jac[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function, as nested tuples [input_i][input_j] for tuple inputs."""
    is_in_tuple, ins = _as_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy, create_graph, vectorize, hessian=True)

    def jac_func(*xs):
        outs = _scalar_output(func, xs, "hessian", strict)
        g = _grad_or_none(outs, xs, None, True)
        return _zeros_if_none(g, xs, strict)

    res = jacobian(jac_func, ins, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    if not is_in_tuple:
        return res[0][0]
    return res


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a scalar ``func``."""
    return _vhp(func, inputs, v, create_graph, strict, "vhp")


def _vhp(func, inputs, v, create_graph, strict, fn_name):
    with grad_mode.enable_grad():
        is_in_tuple, ins = _as_tuple(inputs, "inputs", fn_name)
        ins = _grad_preprocess(ins, create_graph)
        vs = _check_v(v, ins, is_in_tuple, fn_name)
        outs = _scalar_output(func, ins, fn_name, strict)
        jac = _zeros_if_none(_grad_or_none(outs, ins, None, True), ins, strict)
        needed = [(j, i) for i, j in enumerate(jac) if j._requires_grad]
        res = _zeros_if_none(_grad_of_some(needed, ins, vs, create_graph), ins, strict)
    return (_grad_postprocess(outs[0], create_graph), _grad_postprocess(_tuple_postprocess(res, is_in_tuple), create_graph))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v); the Hessian of a twice-differentiable function is symmetric."""
    return _vhp(func, inputs, v, create_graph, strict, "hvp")
