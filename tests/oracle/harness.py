"""Run oracle entries (``spec.OpSpec``) in ember and in torch 2.13 and compare the results.

Flow for one (spec, case, dtype):
1. ``draw`` turns the ``T`` placeholders into NumPy arrays with a seeded RNG (once, so both
   libraries see the same values); ``build`` turns that skeleton into each library's tensors
   (separate memory per library; ``noncontig`` gives a strided, transposed view with the same
   logical values).
2. Both libraries run ``spec.call``; if torch raises, ember must raise the same exception type.
3. ``compare`` walks the outputs (tensors, tuples/named tuples, lists, dicts, scalars, dtypes)
   checking types, dtypes, shapes and values; then grad_fn names, then the gradients of every
   ``grad=True`` input for the same random upstream gradient.

``gradcheck`` / ``gradgradcheck`` check ember alone against central finite differences in
float64 (ember's own ``ember.autograd.gradcheck`` is used for first order when it exists;
second order samples ``GRADGRAD_ELEMS`` elements per input).  Second order is on by default:
``run_case`` also checks, in float64, that gradients taken with ``create_graph=True`` require
grad exactly when torch's do.
"""
import contextlib
import functools
import os
import re
import zlib

import numpy as np

import ember

try:
    import torch
except ImportError:     # the oracle tests skip; the finite-difference checks still work
    torch = None

FLOATS = ("float16", "bfloat16", "float32", "float64")
DEFAULT_TOL = {"float64": (1e-5, 1e-8), "float32": (1e-4, 1e-5), "float16": (1e-2, 1e-3),
               "bfloat16": (1.6e-2, 1e-2), "complex64": (1e-4, 1e-5),
               "complex128": (1e-5, 1e-8)}
GRADCHECK_ELEMS = 32     # finite-difference probes per input (sampled when larger)
GRADGRAD_ELEMS = 8       # the same for second order (each probe runs a forward and a backward)
# ember's side runs on this device (``EMBER_ORACLE_DEVICE=cuda``: the GPU, or with
# ``EMBER_FAKE_CUDA=strict`` the CuPy-shaped test backend); torch's stays on the CPU
DEVICE = os.environ.get("EMBER_ORACLE_DEVICE", "cpu")
# entries whose torch result is a CPU fact, not an op's: skipped off the CPU, with the reason
DEVICE_DEPENDENT = {
    "to": "x.to(cpu/dtype) of a CPU tensor may return x itself; from cuda it is a copy",
    "cpu": "x.cpu() of a CPU tensor returns x itself; from cuda it is a copy"}


# ---- inputs ---------------------------------------------------------------------------------
class Drawn:
    """A materialised ``T``: its NumPy value (logical layout) and how to build it."""
    __slots__ = ("value", "dtype", "noncontig", "grad")

    def __init__(self, value, dtype, noncontig, grad):
        self.value, self.dtype, self.noncontig, self.grad = value, dtype, noncontig, grad


def _is_placeholder(x, name):
    return type(x).__name__ == name and type(x).__module__.endswith("spec")


def _random_array(shape, dtype, low, high, rng):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith(("int", "uint")):
        lo = max(int(low), 0) if dtype.startswith("uint") else int(low)
        return rng.integers(lo, max(int(high), lo + 1), size=shape).astype(dtype)
    if dtype.startswith("complex"):
        real = np.float64 if dtype == "complex128" else np.float32
        parts = rng.uniform(low, high, size=(2,) + shape).astype(real)
        return (parts[0] + 1j * parts[1]).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(np.float32 if dtype == "bfloat16" else dtype)


def draw(obj, dtype, rng):
    """Replace every ``T`` in a nested structure with a ``Drawn`` (values from ``rng``)."""
    if _is_placeholder(obj, "T"):
        dt = obj.dtype or dtype
        shape = (obj.shape,) if isinstance(obj.shape, int) else tuple(obj.shape)
        return Drawn(_random_array(shape, dt, obj.low, obj.high, rng), dt, obj.noncontig,
                     obj.grad and dt in FLOATS)
    if isinstance(obj, (tuple, list)):
        return type(obj)(draw(x, dtype, rng) for x in obj)
    if isinstance(obj, dict):   # a dtype keyword may also be given by name: dtype="float64"
        return {k: Drawn(None, v, False, False) if k == "dtype" and isinstance(v, str)
                else draw(v, dtype, rng) for k, v in obj.items()}
    if _is_placeholder(obj, "DT"):
        return Drawn(None, obj.name or dtype, False, False)
    return obj


def noncontiguous(value):
    """A strided view of a fresh, larger array holding ``value``: every other element of the
    last dim and, for 2-d and up, the last two dims transposed."""
    if value.ndim == 0:
        return value.copy()
    v = value.swapaxes(-1, -2) if value.ndim >= 2 else value
    view = np.repeat(v, 2, axis=-1)[..., ::2]
    return view.swapaxes(-1, -2) if value.ndim >= 2 else view


def _on_device(value, noncontig):
    """An ember tensor on ``DEVICE`` holding ``value`` (laid out as ``noncontiguous`` does)."""
    if not noncontig or value.ndim == 0:
        return ember.from_numpy(value.copy()).to(DEVICE)
    v = value.swapaxes(-1, -2) if value.ndim >= 2 else value
    view = ember.from_numpy(np.repeat(v, 2, axis=-1)).to(DEVICE)[..., ::2]
    return view.transpose(-1, -2) if value.ndim >= 2 else view


def to_device(t):
    """An ember tensor moved to ``DEVICE`` (host gradients and probes)."""
    return t if DEVICE == "cpu" else t.to(DEVICE)


def ember_device():
    """Where ember's side makes its tensors (a no-op on the CPU)."""
    return contextlib.nullcontext() if DEVICE == "cpu" else ember.device(DEVICE)


def make_tensor(lib, d, requires_grad):
    """``d`` (a Drawn) as a ``lib`` tensor with its own memory."""
    if lib is ember and DEVICE != "cpu":
        t = _on_device(d.value, d.noncontig)
    else:
        arr = noncontiguous(d.value) if d.noncontig else d.value.copy()
        t = lib.from_numpy(arr)
    if d.dtype == "bfloat16":
        t = t.to(lib.bfloat16)
    if requires_grad:
        t.requires_grad_(True)
    return t


def build(skel, lib, grad, leaves, given=None):
    """The ``lib`` arguments for a drawn skeleton.  Differentiable inputs (when ``grad``) are
    appended to ``leaves``; ``given`` (an iterator) supplies them ready-made instead."""
    if isinstance(skel, Drawn):
        if skel.value is None:
            return getattr(lib, skel.dtype)
        if grad and skel.grad:
            t = next(given) if given is not None else make_tensor(lib, skel, True)
            leaves.append(t)
            return t
        return make_tensor(lib, skel, False)
    if isinstance(skel, (tuple, list)):
        return type(skel)(build(x, lib, grad, leaves, given) for x in skel)
    if isinstance(skel, dict):
        return {k: build(v, lib, grad, leaves, given) for k, v in skel.items()}
    return skel


def has_grad_inputs(skel):
    if isinstance(skel, Drawn):
        return skel.grad and skel.value is not None
    if isinstance(skel, (tuple, list)):
        return any(has_grad_inputs(x) for x in skel)
    if isinstance(skel, dict):
        return any(has_grad_inputs(x) for x in skel.values())
    return False


def _any_placeholder(obj, pred):
    if _is_placeholder(obj, "T") or _is_placeholder(obj, "DT"):
        return pred(obj)
    if isinstance(obj, (tuple, list)):
        return any(_any_placeholder(x, pred) for x in obj)
    if isinstance(obj, dict):
        return any(_any_placeholder(x, pred) for x in obj.values())
    return False


def uses_run_dtype(obj):
    """Whether a case has a ``T``/``DT`` that takes the run's float dtype."""
    return _any_placeholder(obj, lambda p: (p.dtype if hasattr(p, "shape") else p.name) is None)


def has_float_grad_input(obj):
    """Whether a case has a differentiable ``T`` in the run's float dtype (gradcheck needs one)."""
    return _any_placeholder(obj, lambda p: hasattr(p, "shape") and p.dtype is None and p.grad)


def seed_for(*parts):
    return zlib.crc32("/".join(map(str, parts)).encode())


# ---- comparison -----------------------------------------------------------------------------
def to_numpy(t):
    """Host NumPy copy of a torch or ember tensor (bfloat16 widened to float32)."""
    if isinstance(t, ember.Tensor):
        a = t._device._backend.to_host(t._data)
        return a.astype(np.float32) if t._dtype.name == "bfloat16" else a
    t = t.detach().cpu().resolve_conj().resolve_neg()
    if t._is_zerotensor():   # torch's lazily-zero gradients (e.g. sgn's) have no storage
        t = torch.zeros(t.shape, dtype=t.dtype)
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy()


def _is_torch_tensor(x):
    return torch is not None and isinstance(x, torch.Tensor)


def _close(a, b, rtol, atol):
    if a.dtype.kind in "fc":
        return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    return np.array_equal(a, b)


def _mismatch(a, b):
    if a.size == 0:
        return ""
    diff = np.abs(a.astype(np.complex128) - b.astype(np.complex128))
    diff = np.where(np.isnan(diff), np.inf, diff)
    i = np.unravel_index(np.argmax(diff), a.shape)
    return f" (max |diff| {diff[i]:.3g} at {tuple(int(j) for j in i)}: ember {a[i]!r}, " \
           f"torch {b[i]!r})"


def compare_tensors(e, t, rtol, atol, path, values=True):
    if not isinstance(e, ember.Tensor):
        raise AssertionError(f"{path}: ember gave {type(e).__name__}, torch a Tensor")
    assert str(e.dtype) == str(t.dtype), f"{path}: dtype ember {e.dtype} != torch {t.dtype}"
    assert tuple(e.shape) == tuple(t.shape), \
        f"{path}: shape ember {tuple(e.shape)} != torch {tuple(t.shape)}"
    if values:
        a, b = to_numpy(e), to_numpy(t)
        if not _close(a, b, rtol, atol):
            raise AssertionError(f"{path}: values differ{_mismatch(a, b)}")


def compare(e, t, rtol, atol, path="out", values=True):
    """Recursively compare an ember result with torch's (raises AssertionError)."""
    if _is_torch_tensor(t):
        return compare_tensors(e, t, rtol, atol, path, values)
    te, tt = type(e).__name__, type(t).__name__
    if isinstance(t, (tuple, list)):
        assert te == tt, f"{path}: ember {te} != torch {tt}"
        assert len(e) == len(t), f"{path}: length ember {len(e)} != torch {len(t)}"
        for i, (x, y) in enumerate(zip(e, t)):
            compare(x, y, rtol, atol, f"{path}[{i}]", values)
    elif isinstance(t, dict):
        assert sorted(e) == sorted(t), f"{path}: keys ember {sorted(e)} != torch {sorted(t)}"
        for k in t:
            compare(e[k], t[k], rtol, atol, f"{path}[{k!r}]", values)
    elif isinstance(t, (bool, int, float, complex)):
        assert te == tt, f"{path}: ember {te} {e!r} != torch {tt} {t!r}"
        if values:
            assert _close(np.asarray(e), np.asarray(t), rtol, atol), \
                f"{path}: ember {e!r} != torch {t!r}"
    elif t is None or isinstance(t, str):
        assert e == t, f"{path}: ember {e!r} != torch {t!r}"
    else:   # dtype, device, layout...: compare by their string form
        assert str(e) == str(t), f"{path}: ember {e!r} != torch {t!r}"


def tensor_leaves(x):
    """The tensors inside a (nested) result, in order."""
    if isinstance(x, ember.Tensor) or _is_torch_tensor(x):
        return [x]
    if isinstance(x, (tuple, list)):
        return [t for y in x for t in tensor_leaves(y)]
    if isinstance(x, dict):
        return [t for y in x.values() for t in tensor_leaves(y)]
    return []


def compare_node_names(e_out, t_out):
    for i, (e, t) in enumerate(zip(tensor_leaves(e_out), tensor_leaves(t_out))):
        tn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
        en = type(e.grad_fn).__name__ if e.grad_fn is not None else None
        assert en == tn, f"out tensor {i}: grad_fn ember {en} != torch {tn}"


def differentiable(ts):
    return [t for t in ts if t.requires_grad and t.dtype.is_floating_point]


def compare_grads(e_out, t_out, e_leaves, t_leaves, rng, rtol, atol, create_graph=False):
    """Backward the same random upstream gradient in both and compare the input gradients.

    With ``create_graph`` the upstream gradients require grad too (so every gradient torch
    returns is differentiable), and each gradient must require grad exactly when torch's
    does: a backward that leaves the graph shows up here.  (The names of those second-order
    nodes are not compared: torch's are its fused backward kernels, e.g.
    ``EluBackwardBackward0``, where ember's backward is a formula of ordinary ops; and where
    torch passes the upstream gradient through unchanged, a leaf, ember may return a view.)"""
    e_ts, t_ts = tensor_leaves(e_out), tensor_leaves(t_out)
    for i, (e, t) in enumerate(zip(e_ts, t_ts)):
        assert bool(e.requires_grad) == bool(t.requires_grad), \
            f"out tensor {i}: requires_grad ember {e.requires_grad} != torch {t.requires_grad}"
    pairs = [(e, t) for e, t in zip(e_ts, t_ts) if t.requires_grad and t.dtype.is_floating_point]
    if not pairs:
        return
    ups = [rng.standard_normal(tuple(t.shape)) for _, t in pairs]
    t_g = torch.autograd.grad([t for _, t in pairs], t_leaves,
                              [torch.from_numpy(u).to(t.dtype).requires_grad_(create_graph)
                               for u, (_, t) in zip(ups, pairs)],
                              allow_unused=True, create_graph=create_graph)
    e_g = ember.autograd.grad([e for e, _ in pairs], e_leaves,
                              [to_device(ember.from_numpy(u)).to(e.dtype)
                               .requires_grad_(create_graph)
                               for u, (e, _) in zip(ups, pairs)],
                              allow_unused=True, create_graph=create_graph)
    for i, (eg, tg) in enumerate(zip(e_g, t_g)):
        if tg is None or eg is None:    # None (undefined) and all-zero are the same gradient
            other = eg if tg is None else tg
            assert other is None or not to_numpy(other).any(), (
                f"grad[{i}]: ember {_none_or_tensor(eg)}, torch {_none_or_tensor(tg)}")
            continue
        compare_tensors(eg, tg, rtol, atol, f"grad[{i}]")
        if create_graph:
            _compare_double_backward_node(i, eg, tg)


def _compare_double_backward_node(i, eg, tg):
    assert bool(eg.requires_grad) == bool(tg.requires_grad), (
        f"grad[{i}] with create_graph=True: requires_grad ember {eg.requires_grad} != torch "
        f"{tg.requires_grad} (torch's grad_fn {type(tg.grad_fn).__name__}): a backward that "
        "leaves the graph has no second derivative")


def _none_or_tensor(g):
    return "None" if g is None else "a nonzero gradient"


# ---- running a case -------------------------------------------------------------------------
def _call(spec, lib, args, kwargs):
    fn = spec.call or getattr(lib, spec.name)
    return fn(lib, *args, **kwargs) if spec.call else fn(*args, **kwargs)


def _first_line(exc):
    return str(exc).strip().split("\n")[0]


def compare_errors(case, e_exc, t_exc):
    assert e_exc is not None, \
        f"torch raised {type(t_exc).__name__}: {_first_line(t_exc)}; ember did not raise"
    assert type(e_exc).__name__ == type(t_exc).__name__, (
        f"ember raised {type(e_exc).__name__}: {_first_line(e_exc)}; torch raised "
        f"{type(t_exc).__name__}: {_first_line(t_exc)}")
    if not case.error:
        return
    if DEVICE != "cpu":   # a CUDA tensor's type in messages: torch.cuda.FloatTensor
        e_exc = type(e_exc)(str(e_exc).replace("torch.cuda.", "torch."))
    if case.match is not None:
        for who, exc in (("torch", t_exc), ("ember", e_exc)):
            assert re.search(case.match, str(exc)), f"{who} message {str(exc)!r} lacks " \
                                                    f"{case.match!r}"
    else:
        assert _first_line(e_exc) == _first_line(t_exc), \
            f"message: ember {_first_line(e_exc)!r} != torch {_first_line(t_exc)!r}"


def tolerance(spec, dtype):
    return spec.tol.get(dtype) or DEFAULT_TOL.get(dtype, (1e-5, 1e-8))


def run_case(spec, case, dtype, seed=0):
    """Compare ember with torch on one case (raises AssertionError on any difference)."""
    rng = np.random.default_rng(seed)
    skel_a, skel_k = draw(case.args, dtype, rng), draw(case.kwargs, dtype, rng)
    grad = spec.grad and dtype in FLOATS and has_grad_inputs((skel_a, skel_k))
    results = {}
    for name, lib in (("torch", torch), ("ember", ember)):
        leaves = []
        args, kwargs = build(skel_a, lib, grad, leaves), build(skel_k, lib, grad, leaves)
        try:
            with ember_device() if lib is ember else contextlib.nullcontext():
                out = _call(spec, lib, args, kwargs)
        except Exception as exc:  # noqa: BLE001 - the exception is the compared result
            if name == "ember" and results["torch"][2] is None:
                raise
            results[name] = (None, leaves, exc)
            continue
        results[name] = (spec.output(out) if spec.output else out, leaves, None)
    (t_out, t_leaves, t_exc), (e_out, e_leaves, e_exc) = results["torch"], results["ember"]
    if t_exc is not None:
        return compare_errors(case, e_exc, t_exc)
    assert not case.error, "case is marked error=True but torch did not raise"
    rtol, atol = tolerance(spec, dtype)
    compare(e_out, t_out, rtol, atol, values=spec.values)
    if grad and spec.node_names:
        compare_node_names(e_out, t_out)
    if grad and spec.values:
        second = spec.gradgradcheck is True and dtype == "float64"
        compare_grads(e_out, t_out, e_leaves, t_leaves, rng, rtol, atol, create_graph=second)


# ---- finite differences (ember only) ---------------------------------------------------------
def _vjp_scalar(outs, vs):
    """sum_i <v_i, out_i> as a Python float."""
    return float(sum(np.vdot(v, to_numpy(o)).real for v, o in zip(vs, outs)))


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0,
              max_elems=GRADCHECK_ELEMS):
    """Check ember's analytical gradient of ``func(*inputs)`` against central differences.

    Projected on a random upstream gradient v: d<v, f(x)>/dx_i by finite differences for (up
    to ``max_elems`` sampled) elements i of every input, compared with the vector-Jacobian
    product from ember's backward.  Raises AssertionError on a mismatch; returns True."""
    rng = np.random.default_rng(seed)
    outs = differentiable(tensor_leaves(func(*inputs)))
    if not outs:
        return True
    vs = [rng.standard_normal(tuple(o.shape)) for o in outs]
    analytical = ember.autograd.grad(outs, list(inputs),
                                     [to_device(ember.from_numpy(v)) for v in vs],
                                     allow_unused=True)
    for k, x in enumerate(inputs):
        base = to_numpy(x.detach()).copy()
        n = base.size
        idx = rng.choice(n, max_elems, replace=False) if n > max_elems else range(n)
        ana = to_numpy(analytical[k]).reshape(-1) if analytical[k] is not None else np.zeros(n)
        for i in idx:
            num = _central_difference(func, inputs, k, base, i, vs, eps)
            if abs(num - ana[i]) > atol + rtol * abs(num):
                raise AssertionError(
                    f"gradcheck: input {k} element {np.unravel_index(i, base.shape)}: "
                    f"numerical {num:.8g} != analytical {ana[i]:.8g}")
    return True


def _central_difference(func, inputs, k, base, i, vs, eps):
    vals = []
    for step in (eps, -eps):
        p = base.copy()
        p.flat[i] += step
        args = list(inputs)
        args[k] = to_device(ember.from_numpy(p)).requires_grad_(inputs[k].requires_grad)
        # grad on: func may be a vjp; the outputs filtered as for the analytical side
        vals.append(_vjp_scalar(differentiable(tensor_leaves(func(*args))), vs))
    return (vals[0] - vals[1]) / (2 * eps)


def gradgradcheck(func, inputs, seed=0, max_elems=GRADGRAD_ELEMS, **kw):
    """``gradcheck`` of the vector-Jacobian product (a fixed random v) of ``func``.  (A
    gradient that does not require grad counts as a constant here; ``run_case`` checks against
    torch that no backward leaves the graph.)"""
    rng = np.random.default_rng(seed + 1)
    with ember.enable_grad():
        shapes = [tuple(o.shape) for o in differentiable(tensor_leaves(func(*inputs)))]
    vs = [to_device(ember.from_numpy(rng.standard_normal(s))) for s in shapes]

    def vjp(*xs):
        outs = differentiable(tensor_leaves(func(*xs)))
        if not outs or not any(x.requires_grad for x in xs):
            return ()
        gs = ember.autograd.grad(outs, list(xs), vs, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)
    return gradcheck(vjp, inputs, seed=seed, max_elems=max_elems, **kw)


def checker(name, seed):
    """``ember.autograd.<name>`` when it exists (written separately), else the one here."""
    fn = getattr(ember.autograd, name, None)
    if fn is None:
        return functools.partial(globals()[name], seed=seed)
    return functools.partial(fn, raise_exception=True)


def run_gradcheck(spec, case, seed=0, second_order=False):
    """float64 gradcheck (or gradgradcheck) of one case in ember."""
    rng = np.random.default_rng(seed)
    skel_a, skel_k = draw(case.args, "float64", rng), draw(case.kwargs, "float64", rng)
    leaves = []
    build((skel_a, skel_k), ember, True, leaves)

    def func(*xs):
        got = []
        args, kwargs = build((skel_a, skel_k), ember, True, got, iter(xs))
        with ember_device():
            out = _call(spec, ember, args, kwargs)
        return spec.output(out) if spec.output else out
    # second order: the sampled check here (ember.autograd.gradgradcheck builds full Jacobians)
    check = functools.partial(gradgradcheck, seed=seed) if second_order else \
        checker("gradcheck", seed)
    assert check(func, tuple(leaves))


# ---- the entries ----------------------------------------------------------------------------
def spec_modules():
    """Names of the ``specs_<family>`` modules next to this file (not ``specs_exempt``)."""
    import pathlib
    here = pathlib.Path(__file__).parent
    return sorted(p.stem for p in here.glob("specs_*.py") if p.stem != "specs_exempt")


def load_specs():
    """{module name: its SPECS list, or the exception importing it raised}."""
    import importlib
    found = {}
    for name in spec_modules():
        try:
            found[name] = list(importlib.import_module(f"{__package__}.{name}").SPECS)
        except Exception as exc:  # noqa: BLE001 - reported as a failing test, not a crash
            found[name] = exc
    return found


def case_dtypes(spec, case):
    """The float dtypes to run a case in; one run (None) when no input takes the run dtype."""
    if uses_run_dtype((case.args, case.kwargs)):
        return list(spec.dtypes)
    return [None]
