"""PyTorch's own OpInfo database as a second oracle.

For each OpInfo in ``torch.testing._internal.common_methods_invocations.op_db`` whose name
(or alias / aten name) maps to an ember function or Tensor method, the float32 SampleInputs are
converted to ember (equal values, the same strides and storage offset, ``requires_grad``
kept) and the outputs — and, for ``supports_autograd`` ops, the input gradients for the same
random upstream gradient — are compared with torch's by the oracle harness's ``compare``.

    python -m tests.oracle.opinfo_adapter --report   # run all; counts into docs/conformance.md
    python -m tests.oracle.opinfo_adapter --transforms   # the forward-AD and vmap columns only
    python -m tests.oracle.opinfo_adapter --dtypes   # the float64 and complex128 sweeps only
"""
import gc
import importlib.util
import itertools
import json
import os
import pathlib
import re
import sys
import tempfile
import types
import warnings

import numpy as np

import ember

from . import harness
from .opinfo_skips import (NON_UNIQUE, UNMAPPED, VALUES_UNDEFINED, draws_random,
                           torch_gradient_wrong)

MAX_SAMPLES = int(os.environ.get("EMBER_OPINFO_SAMPLES", "20"))   # per OpInfo, keeps it fast
RTOL, ATOL = harness.DEFAULT_TOL["float32"]
_TESTING_MODULE = "torch.testing._internal"


def op_db():
    first = _DB_MODULE not in sys.modules
    from torch.testing._internal import common_utils
    from torch.testing._internal.common_methods_invocations import op_db as db
    from torch.testing._internal.opinfo import core
    # Each ``sample_inputs`` call looks for a unittest test method (its per-sample skips, and
    # in ``TrackedInputIter`` the name that seeds the samples) by walking the whole call stack
    # with ``inspect.stack()`` (source lines and module of every frame): most of this oracle's
    # time under pytest.  There is no unittest test method here, so the walk always finds none.
    core.extract_test_fn = common_utils.extract_test_fn = _no_unittest_test_fn
    # ``TrackedInputIter`` seeds torch, ``random`` and NumPy before each sample;
    # ``torch.manual_seed`` also queues a seed for each lazily initialised accelerator (CUDA,
    # XPU, MTIA), each with the formatted call stack, ~3 ms a sample under pytest.  The samples
    # come from the CPU generator alone: seeded as before, without the queue.
    common_utils.set_rng_seed = _seed_cpu_samples
    if first:   # ~300k objects that live as long as the process: out of the collector's scans
        gc.collect()    # (not the garbage earlier tests left: frozen, it would never be freed)
        gc.freeze()
    return db


def opinfo_ids(selection="all"):
    """``opinfo_id`` of every OpInfo in ``op_db()`` that ``SELECTIONS[selection]`` keeps, in
    order, without importing the database (3-4 CPU-seconds and 160 MB, with torch._dynamo,
    sympy and scipy) when this torch's list is cached: test collection needs only the ids, and
    each pytest-xdist worker collects every test."""
    import torch
    spec = importlib.util.find_spec(_DB_MODULE)
    stat = os.stat(spec.origin)
    key = f"{torch.__version__}-{stat.st_size}-{stat.st_mtime_ns}"
    path = pathlib.Path(tempfile.gettempdir(), "ember-tests-cache",
                        f"opinfo-ids-{selection}-{key}.json")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        keep = SELECTIONS[selection]
        ids = [opinfo_id(op) for op in op_db() if keep(op)]
    tmp = path.with_suffix(f".{os.getpid()}.tmp")    # workers may write it at the same time
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(ids))
        os.replace(tmp, path)
    except OSError:     # a read-only temporary directory: collect from the database each time
        pass
    return ids


def _complex128_autograd(op):
    import torch
    return op.supports_autograd and torch.complex128 in op.supported_dtypes("cpu")


# the OpInfo lists that tests are parametrized over (``opinfo_ids``)
SELECTIONS = {"all": lambda op: True, "complex128-autograd": _complex128_autograd}


def opinfo_by_id(oid):
    """The OpInfo named ``oid`` (ids are unique)."""
    if not _BY_ID:
        _BY_ID.update((opinfo_id(op), op) for op in op_db())
    return _BY_ID[oid]


_DB_MODULE = "torch.testing._internal.common_methods_invocations"
_BY_ID = {}


def _no_unittest_test_fn():
    return None


def _seed_cpu_samples(seed=None):
    """``common_utils.set_rng_seed`` for CPU samples: the same generators, the same seeds."""
    import random

    import torch
    from torch.testing._internal import common_utils
    seed = common_utils.SEED if seed is None else seed
    torch.default_generator.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)


def opinfo_id(op):
    return op.name + (f".{op.variant_test_name}" if op.variant_test_name else "")


# ---- mapping an OpInfo to ember --------------------------------------------------------------
def _resolve(root, dotted):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _ember_function(name):
    f = _resolve(ember, name)
    if f is None or not callable(f) or isinstance(f, (ember.dtype, type)):
        return None
    return f


def _names(op):
    return [op.name, *(a.name for a in op.aliases), op.aten_name or op.name]


_patched_globals = {}


def _ember_wrapper_set_seed(op, *args, **kwargs):
    """torch's ``wrapper_set_seed`` for ember: the op runs with ember's generator seeded 42 (as
    torch's is in torch's run), and the generator's state is restored afterwards."""
    state = ember.get_rng_state()
    try:
        ember.manual_seed(42)
        return op(*args, **kwargs)
    finally:
        ember.set_rng_state(state)


def _rebound(fn):
    """A test-module lambda (``lambda x, *a: x.view(*a)``, ``torch.where(c, x, y)``...) with
    its global ``torch`` bound to ember, so it calls ember."""
    key = id(fn.__globals__)
    g = _patched_globals.get(key)
    if g is None:
        g = _patched_globals[key] = {**fn.__globals__, "torch": ember,
                                     "wrapper_set_seed": _ember_wrapper_set_seed}
    return types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)


def ember_callable(op):
    """The ember equivalent of ``op.op``, or None when ember does not implement it (or names
    it only to refuse it: the ``UNMAPPED`` entries, e.g. ``chalf``)."""
    fn = op.op
    if fn is None or opinfo_id(op) in UNMAPPED:
        return None
    module = getattr(fn, "__module__", None) or ""
    last = op.name.rsplit(".", 1)[-1]
    if module.startswith(_TESTING_MODULE) and isinstance(fn, types.FunctionType):
        # (the in-place samplers' OpInfos are named without the underscore: ``uniform``)
        known = _ember_function(op.name) or getattr(ember.Tensor, last, None) or \
            getattr(ember.Tensor, last + "_", None)
        return _rebound(fn) if known is not None else None
    if module == "torch._tensor" or type(fn).__name__ in ("method_descriptor",
                                                           "wrapper_descriptor"):
        return getattr(ember.Tensor, last, None)
    for name in _names(op):
        f = _ember_function(name)
        if f is not None:
            return f
    return None


# ---- converting samples -----------------------------------------------------------------------
class Unconvertible(Exception):
    """A sample holds something with no ember counterpart (a Generator, a sparse tensor...)."""


def to_ember_tensor(t):
    """An ember tensor with ``t``'s values, strides and storage offset (own memory)."""
    import torch
    d = t.detach().resolve_conj().resolve_neg()
    if d.layout != torch.strided:
        raise Unconvertible(f"layout {d.layout}")
    if d.dtype == torch.bfloat16:
        e = ember.from_numpy(d.float().numpy().copy()).to(ember.bfloat16)
    else:
        n = d.untyped_storage().nbytes() // d.element_size()
        flat = torch.empty(0, dtype=d.dtype).set_(d.untyped_storage(), 0, (n,), (1,))
        buf = flat.numpy().copy()
        arr = np.lib.stride_tricks.as_strided(buf[d.storage_offset():], tuple(d.shape),
                                              tuple(s * d.element_size() for s in d.stride()))
        e = ember.from_numpy(arr)
    if t.requires_grad:
        e.requires_grad_(True)
    return e


def convert(obj, memo, leaves):
    """A sample argument in ember terms.  Tensors that require grad are recorded in ``leaves``
    as (torch tensor, ember tensor); the same torch tensor maps to the same ember tensor."""
    import torch
    if isinstance(obj, torch.Tensor):
        e = memo.get(id(obj))
        if e is None:
            e = memo[id(obj)] = to_ember_tensor(obj)
            if obj.requires_grad:
                leaves.append((obj, e))
        return e
    if isinstance(obj, (tuple, list)):
        return type(obj)(convert(x, memo, leaves) for x in obj) \
            if not isinstance(obj, torch.Size) else ember.Size(obj)
    if isinstance(obj, dict):
        return {k: convert(v, memo, leaves) for k, v in obj.items()}
    if isinstance(obj, (torch.dtype, torch.memory_format, torch.layout)):
        name = str(obj).split(".")[-1]
        if not hasattr(ember, name):
            raise Unconvertible(str(obj))
        return getattr(ember, name)
    if isinstance(obj, torch.device):
        return ember.device(str(obj))
    if isinstance(obj, torch.Generator):
        raise Unconvertible("torch.Generator")
    if isinstance(obj, torch.nn.Module):
        return _ember_module(obj)
    return obj


def _ember_module(m):
    """A parameter-free torch module (``PairwiseDistance()`` as a distance function...) as the
    ember module of the same class with the same settings."""
    cls = getattr(ember.nn, type(m).__name__, None)
    if cls is None or next(m.parameters(), None) is not None or \
            next(m.buffers(), None) is not None:
        raise Unconvertible(f"torch module {type(m).__name__}")
    e = cls()
    for k, v in vars(m).items():
        if not k.startswith("_") and k != "training":
            setattr(e, k, v)
    return e.train(m.training)


# ---- running -----------------------------------------------------------------------------------
def _grad_fn_for(fn):
    if fn is None:
        return None
    if (getattr(fn, "__module__", "") or "").startswith(_TESTING_MODULE) and \
            isinstance(fn, types.FunctionType):
        return _rebound(fn)
    return fn


def run_sample(op, efn, sample, seed, values=True, unique=True, grads=True):
    """Compare one SampleInput (its gradients too unless ``grads`` is false); returns None
    (pass), 'skip: ...' or raises AssertionError."""
    memo, leaves = {}, []
    try:
        e_in = convert(sample.input, memo, leaves)
        e_args = convert(tuple(sample.args), memo, leaves)
        e_kwargs = convert(dict(sample.kwargs), memo, leaves)
    except Unconvertible as exc:
        return f"skip: {exc}"
    try:
        t_out = op.op(sample.input, *sample.args, **sample.kwargs)
    except Exception as exc:  # noqa: BLE001 - torch rejecting its own sample: not ours to judge
        return f"skip: torch raised {type(exc).__name__}"
    try:
        e_out = efn(e_in, *e_args, **e_kwargs)
    except Exception as exc:  # noqa: BLE001 - reported as the sample's failure
        raise AssertionError(f"ember raised {type(exc).__name__}: {exc}") from exc
    post = sample.output_process_fn_grad
    try:
        if post is not None and not unique:
            t_out, e_out = post(t_out), _grad_fn_for(post)(e_out)
        harness.compare(_sparse_parts(e_out), _sparse_parts(t_out), RTOL, ATOL, values=values)
        if values and grads and op.supports_autograd and leaves:
            if post is not None and unique:
                t_out, e_out = post(t_out), _grad_fn_for(post)(e_out)
            try:
                harness.compare_grads(e_out, t_out, [e for _, e in leaves],
                                      [t for t, _ in leaves], np.random.default_rng(seed),
                                      RTOL, ATOL)
            except AssertionError:
                raise
            except Exception as exc:  # noqa: BLE001 - ember's backward failing is the finding
                raise AssertionError(f"backward raised {type(exc).__name__}: {exc}") from exc
    except AssertionError as exc:
        if "values differ" in str(exc) and _within_float32_noise(op, efn, sample, seed, unique):
            return None
        raise
    return None


def _sparse_parts(out):
    """A sparse COO output as its coalesced (indices, values, size); anything else as it is."""
    if getattr(out, "is_sparse", False) is True:
        c = out.coalesce()
        return c.indices(), c.values(), tuple(c.shape)
    return out


# ---- float32 rounding noise ---------------------------------------------------------------------
def _as_float64(obj, memo, leaves):
    """A torch sample argument with its float32 tensors in float64 (same identities)."""
    import torch
    if isinstance(obj, torch.Tensor):
        d = memo.get(id(obj))
        if d is None:
            d = obj.detach()
            d = memo[id(obj)] = (d.double() if d.dtype == torch.float32 else d)
            if obj.requires_grad:
                d.requires_grad_(True)
                leaves.append(d)
        return d
    if isinstance(obj, (tuple, list)) and not isinstance(obj, torch.Size):
        return type(obj)(_as_float64(x, memo, leaves) for x in obj)
    if isinstance(obj, dict):
        return {k: _as_float64(v, memo, leaves) for k, v in obj.items()}
    return obj


def _evaluate(lib, op, fn, post, inputs, leaves, seed, unique):
    """An op's outputs and input gradients (for the harness's upstream gradients) as arrays."""
    out = fn(inputs[0], *inputs[1], **inputs[2])
    gout = out if post is None else post(out)
    arrays = [harness.to_numpy(t) for t in harness.tensor_leaves(out if unique else gout)]
    if op.supports_autograd and leaves:
        ts = [t for t in harness.tensor_leaves(gout)
              if t.requires_grad and t.dtype.is_floating_point]
        rng = np.random.default_rng(seed)
        ups = [lib.from_numpy(rng.standard_normal(tuple(t.shape))).to(t.dtype) for t in ts]
        grads = lib.autograd.grad(ts, leaves, ups, allow_unused=True) if ts else ()
        arrays += [None if g is None else harness.to_numpy(g) for g in grads]
    return arrays


def _within_float32_noise(op, efn, sample, seed, unique):
    """Whether ember is as close to torch's float64 results as torch's float32 ones are.

    Outputs that cancel large terms (a gradient summing to ~0 over values of ~100) carry float32
    rounding noise whose exact bits depend on the summation order.  Ember passes such a value
    when it is within the usual tolerance of torch's float64 result widened by twice the largest
    error torch's own float32 result has on that tensor."""
    memo, leaves = {}, []
    try:
        e_memo, e_leaves = {}, []
        e_in = [convert(x, e_memo, e_leaves) for x in (sample.input, tuple(sample.args),
                                                       dict(sample.kwargs))]
        t32_in = (sample.input, tuple(sample.args), dict(sample.kwargs))
        t64_in = [_as_float64(x, memo, leaves) for x in t32_in]
        post = sample.output_process_fn_grad
        e = _evaluate(ember, op, efn, _grad_fn_for(post), e_in, [x for _, x in e_leaves],
                      seed, unique)
        t32 = _evaluate(__import__("torch"), op, op.op, post, t32_in,
                        [t for t, _ in e_leaves], seed, unique)
        t64 = _evaluate(__import__("torch"), op, op.op, post, t64_in, leaves, seed, unique)
    except Exception:  # noqa: BLE001 - no float64 reference: the original mismatch stands
        return False
    if not len(e) == len(t32) == len(t64):
        return False
    for a, b, ref in zip(e, t32, t64):
        if a is None or b is None or ref is None:
            if any(x is not None and x.any() for x in (a, b, ref)):
                return False
            continue
        if a.shape != ref.shape:
            return False
        noise = float(np.nanmax(np.abs(b - ref))) if b.size else 0.0
        if not np.allclose(a, ref, rtol=RTOL, atol=ATOL + 2 * noise, equal_nan=True):
            return False
    return True


def sample_dtype(op):
    """float32, or for an OpInfo without it (bitwise ops, complex-only ops...) the first of
    float64, complex64, int64, bool it supports (None if none)."""
    import torch
    supported = op.supported_dtypes("cpu")
    for dt in (torch.float32, torch.float64, torch.complex64, torch.int64, torch.bool):
        if dt in supported:
            return dt
    return None


def samples(op, limit=MAX_SAMPLES, dtype=None):
    import torch
    dtype = dtype or torch.float32
    grad = op.supports_autograd and (dtype.is_floating_point or dtype.is_complex)
    return list(itertools.islice(op.sample_inputs("cpu", dtype, requires_grad=grad), limit))


def run_opinfo(op, limit=MAX_SAMPLES, dtype=None):
    """-> (status, passed, total, first failure message).  status: 'not implemented',
    'no dtype' (none of ``sample_dtype``'s, or ``dtype`` unsupported), 'no samples' (all
    skipped), 'pass' or 'fail'."""
    efn = ember_callable(op)
    if efn is None:
        return "not implemented", 0, 0, ""
    if dtype is not None and dtype not in op.supported_dtypes("cpu"):
        return "no dtype", 0, 0, ""
    dtype = dtype or sample_dtype(op)
    if dtype is None:
        return "no dtype", 0, 0, ""
    passed, total, first = 0, 0, ""
    oid = opinfo_id(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, sample in enumerate(samples(op, limit, dtype)):
            values = oid not in VALUES_UNDEFINED and not draws_random(oid, sample)
            try:
                res = run_sample(op, efn, sample, seed=i, values=values,
                                 unique=oid not in NON_UNIQUE,
                                 grads=not torch_gradient_wrong(oid, sample))
            except Exception as exc:  # noqa: BLE001 - counted, first one kept for the report
                total += 1
                first = first or f"sample {i}: {_one_line(exc)}"
                continue
            if res is None:
                passed += 1
                total += 1
    if total == 0:
        return "no samples", 0, 0, ""
    return ("pass" if passed == total else "fail"), passed, total, first


def _one_line(exc):
    text = str(exc).strip().split("\n")[0]
    return f"{type(exc).__name__}: {text[:160]}"


# ---- report ------------------------------------------------------------------------------------
def count_statuses(rows, statuses):
    """{status: how many of ``rows`` (name, status, ...) have it} for the runners' summaries."""
    return {status: sum(row[1] == status for row in rows) for status in statuses}


def print_failures(rows):
    for name, status, first in rows:
        if status == "fail":
            print(f"- `{name}`: {first}")


DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
START, END = "<!-- opinfo-report:start -->", "<!-- opinfo-report:end -->"
U_START, U_END = "<!-- opinfo-unmapped:start -->", "<!-- opinfo-unmapped:end -->"


def report(limit=MAX_SAMPLES):
    import torch
    rows = [(opinfo_id(op), *run_opinfo(op, limit)) for op in op_db()]
    mapped = [r for r in rows if r[1] not in ("not implemented",)]
    passing = [r for r in rows if r[1] == "pass"]
    failing = [r for r in rows if r[1] == "fail"]
    lines = [
        START,
        f"OpInfo run (torch {torch.__version__}, float32 samples (float64, complex64, "
        f"int64 or bool for OpInfos without float32), at most {limit} per OpInfo):",
        "",
        "| OpInfos | mapped to ember | passing | failing | samples passing |",
        "|---|---|---|---|---|",
        f"| {len(rows)} | {len(mapped)} | {len(passing)} | {len(failing)} | "
        f"{sum(r[2] for r in rows)} / {sum(r[3] for r in rows)} |",
        "",
        "Failing OpInfos (first failing sample):",
        "",
        *(f"- `{r[0]}` ({r[2]}/{r[3]}): {r[4]}" for r in failing),
        END,
    ]
    _write_section("\n".join(lines))
    return rows


D_START, D_END = "<!-- opinfo-dtypes:start -->", "<!-- opinfo-dtypes:end -->"
DTYPE_SAMPLES = 6


def dtype_report(limit=DTYPE_SAMPLES):
    """The float64 and complex128 sweeps (the CI test runs float32): every mapped OpInfo that
    supports the dtype, over its first ``limit`` samples, values and gradients."""
    import torch
    lines = [D_START, f"Other dtypes (at most {limit} samples per OpInfo, values and gradients; "
             "complex gradients in torch's conjugate Wirtinger convention):", "",
             "| dtype | OpInfos supporting it, mapped | passing | failing |", "|---|---|---|---|"]
    failures = []
    for dtype in (torch.float64, torch.complex128):
        rows = [(opinfo_id(op), *run_opinfo(op, limit, dtype)) for op in op_db()]
        ran = [r for r in rows if r[1] in ("pass", "fail")]
        failing = [r for r in ran if r[1] == "fail"]
        lines.append(f"| {str(dtype).split('.')[1]} | {len(ran)} | {len(ran) - len(failing)} | "
                     f"{len(failing)} |")
        failures += [f"- `{r[0]}` ({dtype}): {r[4]}" for r in failing]
    lines += ["", *failures, D_END]
    _write_section("\n".join(lines), D_START, D_END)


def unmapped_report():
    """Write the list of unmapped OpInfos, each with its reason (``UNMAPPED``), into the doc
    (fast: it only resolves names)."""
    ids = [opinfo_id(op) for op in op_db() if ember_callable(op) is None]
    lines = [U_START, f"{len(ids)} OpInfos are not mapped to ember:", "",
             *(f"- `{oid}`: {UNMAPPED.get(oid, 'not implemented yet')}" for oid in ids), U_END]
    _write_section("\n".join(lines), U_START, U_END)
    return ids


def _write_section(section, start=START, end=END):
    text = DOC.read_text() if DOC.exists() else f"# Conformance\n\n{start}\n{end}\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    DOC.write_text(pattern.sub(lambda _: section, text) if pattern.search(text)
                   else text + "\n" + section + "\n")


if __name__ == "__main__":
    if "--unmapped" in sys.argv:
        print("\n".join(unmapped_report()))
        sys.exit()
    if "--transforms" in sys.argv:      # the forward-AD and vmap columns only
        from .opinfo_transforms import transforms_report
        transforms_report()
        sys.exit()
    if "--dtypes" in sys.argv:          # the float64 and complex128 sweeps only
        dtype_report()
        sys.exit()
    if "--report" not in sys.argv:
        sys.exit("usage: python -m tests.oracle.opinfo_adapter --report | --unmapped | "
                 "--transforms | --dtypes")
    unmapped_report()
    dtype_report()
    from .opinfo_transforms import transforms_report
    transforms_report()
    for row in report():
        if row[1] != "not implemented":
            print(f"{row[1]:>6}  {row[2]:>3}/{row[3]:<3} {row[0]}  {row[4]}")
