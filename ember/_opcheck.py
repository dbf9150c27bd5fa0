"""``torch.library.opcheck``: torch's checks that an operator is registered correctly, as far
as they mean something in Ember.

* ``test_schema``: the op mutates only the Tensor arguments its schema marks mutable.
* ``test_autograd_registration``: with inputs that require grad, the outputs do.
* ``test_faketensor``: the fake kernel (``register_fake``) run on meta copies of the inputs
  gives outputs of the real outputs' shapes and dtypes (an aten op's own kernel on meta).
* ``test_aot_dispatch_static`` / ``_dynamic``: torch traces the op; Ember has no tracing
  compiler, so it checks what a trace needs: a fake kernel, and the same results (within
  ``rtol`` / ``atol``) from a second run on fresh copies of the inputs.
"""
import inspect
import re

from . import _errors
from .library import CustomOpDef, OpOverload, OpOverloadPacket, _fake_ctx
from ._tensor import Tensor

TESTS = ("test_schema", "test_autograd_registration", "test_faketensor",
         "test_aot_dispatch_static", "test_aot_dispatch_dynamic")
DEFAULT_TESTS = ("test_schema", "test_autograd_registration", "test_faketensor",
                 "test_aot_dispatch_dynamic")


def opcheck(op, args, kwargs=None, *, test_utils=DEFAULT_TESTS, raise_exception=True,
            rtol=None, atol=None):
    """{test name: "SUCCESS" or the exception it raised}; the first failure raises
    ``OpCheckError`` unless ``raise_exception=False``."""
    if (rtol is None) != (atol is None):
        raise _errors.opcheck_tolerances()
    op = _overload(op)
    tests = TESTS if test_utils == "ALL" else \
        (test_utils,) if isinstance(test_utils, str) else test_utils
    if not isinstance(tests, (tuple, list)) or not set(tests) <= set(TESTS):
        raise _errors.opcheck_test_utils(tests, TESTS)
    results = {}
    for name in tests:
        try:
            _CHECKS[name](op, args, kwargs or {}, rtol, atol)
            results[name] = "SUCCESS"
        except Exception as e:      # noqa: BLE001 - reported, as torch's opcheck does
            if raise_exception:
                raise _errors.opcheck_failed(name, e) from e
            results[name] = e
    return results


def _overload(op):
    if isinstance(op, CustomOpDef):
        return op._opoverload
    if isinstance(op, OpOverloadPacket) and len(op.overloads()) == 1:
        return getattr(op, op.overloads()[0])
    if not isinstance(op, OpOverload):
        raise _errors.opcheck_not_overload(type(op))
    return op


def _map_tensors(value, fn):
    if isinstance(value, Tensor):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(v, fn) for v in value)
    if isinstance(value, dict):
        return {k: _map_tensors(v, fn) for k, v in value.items()}
    return value


def _tensors(value):
    found = []
    _map_tensors(value, found.append)
    return found


def _fresh(args, kwargs):
    return _map_tensors((args, kwargs), lambda t: t.detach().clone().requires_grad_(
        t.requires_grad) if t.is_leaf else t.detach().clone())


def _mutable_names(op):
    schema = op.overloadpacket._schema or ""
    return set(re.findall(r"Tensor\(a\d+!\)\S* (\w+)", schema))


def _check_schema(op, args, kwargs, rtol, atol):
    fn = op.overloadpacket._fn
    params = list(inspect.signature(fn).parameters) if fn is not None else []
    before = [(name, [t.detach().clone() for t in _tensors(value)])
              for name, value in zip(params, args)]
    before += [(k, [t.detach().clone() for t in _tensors(v)]) for k, v in kwargs.items()]
    fresh_args, fresh_kwargs = _fresh(args, kwargs)
    op(*fresh_args, **fresh_kwargs)
    mutable = _mutable_names(op)
    after = dict(zip(params, fresh_args))
    after.update(fresh_kwargs)
    for name, originals in before:
        if name in mutable:
            continue
        for old, new in zip(originals, _tensors(after[name])):
            if not old.equal(new.detach()):
                raise _errors.opcheck_mutated(name)


def _check_autograd(op, args, kwargs, rtol, atol):
    if not any(t.requires_grad for t in _tensors((args, kwargs))):
        return
    out = _run_fresh(op, args, kwargs)
    floating = [t for t in _tensors(out) if t.is_floating_point() or t.is_complex()]
    if floating and not any(t.requires_grad for t in floating):
        raise _errors.opcheck_no_autograd(op)


def _fake_kernel(op):
    packet = op.overloadpacket
    if packet._fake is not None:
        return packet._fake
    if packet._ns == "aten":
        return op           # Ember's own kernels run on meta tensors
    raise _errors.opcheck_no_fake(packet, getattr(packet._fn, "__name__", packet._name))


def _check_fake(op, args, kwargs, rtol, atol):
    fake = _fake_kernel(op)
    meta_args, meta_kwargs = _map_tensors((args, kwargs), lambda t: t.detach().to("meta"))
    _fake_ctx.append(_FakeCtx())
    try:
        fake_out = fake(*meta_args, **meta_kwargs)
    finally:
        _fake_ctx.pop()
    real_out = _run_fresh(op, args, kwargs)
    for f, r in zip(_tensors(fake_out), _tensors(real_out)):
        if f.shape != r.shape:
            raise _errors.opcheck_fake_mismatch(op, "Shapes", r.shape, f.shape)
        if f.dtype != r.dtype:
            raise _errors.opcheck_fake_mismatch(op, "Dtypes", r.dtype, f.dtype)


# torch.testing.assert_close's default (rtol, atol) per dtype name; others compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5),
               "complex128": (1e-7, 1e-7)}


def _check_rerun(op, args, kwargs, rtol, atol):
    _fake_kernel(op)
    first = _run_fresh(op, args, kwargs)
    second = _run_fresh(op, args, kwargs)
    for a, b in zip(_tensors(first), _tensors(second)):
        r, t = (rtol, atol) if rtol is not None else \
            _TOLERANCES.get(str(a.dtype).split(".")[-1], (0, 0))
        a, b = a.detach(), b.detach()
        if a.shape != b.shape or not b.isclose(a, rtol=r, atol=t, equal_nan=True).all():
            raise _errors.opcheck_results_differ(op, r, t)


def _run_fresh(op, args, kwargs):
    fresh_args, fresh_kwargs = _fresh(args, kwargs)
    return op(*fresh_args, **fresh_kwargs)


class _FakeCtx:
    """What ``torch.library.get_ctx()`` returns inside a fake kernel."""

    def new_dynamic_size(self, *, min=0, max=None):
        raise _errors.unsupported("torch.library.get_ctx().new_dynamic_size",
                                  "Ember has no symbolic sizes to trace data-dependent shapes")


_CHECKS = {"test_schema": _check_schema, "test_autograd_registration": _check_autograd,
           "test_faketensor": _check_fake, "test_aot_dispatch_static": _check_rerun,
           "test_aot_dispatch_dynamic": _check_rerun}
