"""Selective activation checkpointing (create_selective_checkpoint_contexts, CheckpointPolicy)
against torch 2.13: outputs and gradients for op-list and policy-function policies, the ops and
arguments the policy is asked about, how many times each op is recomputed in backward (Ember's
profiler, which sees only the ops that run), and the errors."""
import contextlib
import functools

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _ck(lib):
    return lib.utils.checkpoint


def _block(lib, x, w1, w2):
    h = lib.nn.functional.gelu(lib.relu(lib.mm(x, w1) + 0.5))
    return lib.sigmoid(lib.mm(h, w2)) * lib.tanh(h).sum(dim=1, keepdim=True)


def _inputs(lib, dtype, seed):
    rng = np.random.default_rng(seed)
    dt = getattr(lib, dtype)
    return [lib.tensor(rng.standard_normal(s), dtype=dt, requires_grad=True)
            for s in ((5, 4), (4, 6), (6, 3))]


def _policies(lib):
    aten = lib.ops.aten
    P = _ck(lib).CheckpointPolicy

    def save_mm(ctx, op, *args, **kwargs):
        return P.MUST_SAVE if op == aten.mm.default else P.PREFER_RECOMPUTE

    def bool_sigmoid(ctx, op, *args, **kwargs):
        return op in (aten.sigmoid.default, aten.tanh.default)
    return {"list_mm": [aten.mm.default], "list_relu_add": [aten.relu.default, aten.add.Tensor],
            "fn_mm": save_mm, "fn_bool": bool_sigmoid,
            "recompute_all": lambda ctx, op, *a, **k: P.PREFER_RECOMPUTE,
            "save_all": lambda ctx, op, *a, **k: P.PREFER_SAVE}


def _run(lib, policy, dtype="float64", seed=0):
    xs = _inputs(lib, dtype, seed)
    ctx = functools.partial(_ck(lib).create_selective_checkpoint_contexts,
                            _policies(lib)[policy])
    out = _ck(lib).checkpoint(_block, lib, *xs, use_reentrant=False, context_fn=ctx)
    out.pow(2).sum().backward()
    return out, [x.grad for x in xs]


@pytest.mark.parametrize("policy", ["list_mm", "list_relu_add", "fn_mm", "fn_bool",
                                    "recompute_all", "save_all"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_match_torch(policy, dtype):
    e_out, e_grads = _run(ember, policy, dtype, seed=3)
    t_out, t_grads = _run(torch, policy, dtype, seed=3)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=tol, atol=tol)
    for e, t in zip(e_grads, t_grads):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=tol, atol=tol)
    assert e_out.grad_fn.name() == t_out.grad_fn.name()


def test_policy_sees_the_ops_and_arguments_torch_shows():
    seen = {}
    for lib in (ember, torch):
        calls = seen[lib.__name__] = []

        def policy(ctx, op, *args, **kwargs):
            assert ctx.is_recompute is False
            shapes = [tuple(a.shape) if isinstance(a, lib.Tensor) else a for a in args]
            out = ctx.op_output
            calls.append((str(op), shapes, sorted(kwargs), tuple(out.shape)))
            return _ck(lib).CheckpointPolicy.PREFER_RECOMPUTE
        xs = _inputs(lib, "float64", 0)
        ctx = functools.partial(_ck(lib).create_selective_checkpoint_contexts, policy)
        _ck(lib).checkpoint(_block, lib, *xs, use_reentrant=False, context_fn=ctx)
    assert seen["ember"] == seen["torch"]


def _op_counts(fn):
    with ember.profiler.profile() as prof:
        fn()
    names = [e.name for e in prof.events()]
    return {op: names.count("aten::" + op) for op in ("mm", "relu", "sigmoid", "tanh", "add")}


@pytest.mark.parametrize("policy,saved", [("list_mm", {"mm"}), ("list_relu_add", {"relu", "add"}),
                                          ("fn_bool", {"sigmoid", "tanh"}),
                                          ("recompute_all", set()),
                                          ("save_all", {"mm", "relu", "sigmoid", "tanh", "add"})])
def test_saved_ops_are_not_recomputed(policy, saved):
    """Backward of the checkpointed block runs each op the policy saved as often as the plain
    block's backward does (0 recomputations), and each other op once more per forward call."""
    def backward(context_fn):
        xs = _inputs(ember, "float64", 1)
        if context_fn is None:
            out = _block(ember, *xs)
        else:
            out = _ck(ember).checkpoint(_block, ember, *xs, use_reentrant=False,
                                        context_fn=context_fn)
        return lambda: out.pow(2).sum().backward()
    forward = _op_counts(lambda: _block(ember, *_inputs(ember, "float64", 1)))
    plain = _op_counts(backward(None))
    sac = _op_counts(backward(functools.partial(
        _ck(ember).create_selective_checkpoint_contexts, _policies(ember)[policy])))
    recomputed = {op: sac[op] - plain[op] for op in forward}
    assert recomputed == {op: 0 if op in saved else n for op, n in forward.items()}


def test_plain_checkpoint_recomputes_everything():
    xs = _inputs(ember, "float64", 1)
    out = _ck(ember).checkpoint(_block, ember, *xs, use_reentrant=False,
                                context_fn=lambda: (contextlib.nullcontext(),) * 2)
    plain_xs = _inputs(ember, "float64", 1)
    plain_out = _block(ember, *plain_xs)
    assert _op_counts(lambda: out.sum().backward())["mm"] == \
        _op_counts(lambda: plain_out.sum().backward())["mm"] + 2


def _mutated(lib):
    def fn(x, w):
        y = lib.mm(x, w)
        z = y.sigmoid()
        y.mul_(2)
        return z * y
    xs = _inputs(lib, "float64", 2)[:2]
    ctx = functools.partial(_ck(lib).create_selective_checkpoint_contexts, [lib.ops.aten.mm.default])
    _ck(lib).checkpoint(fn, *xs, use_reentrant=False, context_fn=ctx).sum().backward()


def _bad_policy(lib, case):
    make = _ck(lib).create_selective_checkpoint_contexts
    if case == "packet":
        return make([lib.ops.aten.mm])
    if case == "type":
        return make(3)
    if case == "mutated":
        return _mutated(lib)


@pytest.mark.parametrize("case", ["packet", "type", "mutated"])
def test_errors_match_torch(case):
    with pytest.raises(Exception) as expected:
        _bad_policy(torch, case)
    with pytest.raises(type(expected.value)) as got:
        _bad_policy(ember, case)
    # (the op's type is named by its module: torch._ops / ember.library)
    assert str(got.value).replace("ember.library", "torch._ops") == str(expected.value)


def test_names_and_enum_as_torch():
    E, T = _ck(ember).CheckpointPolicy, _ck(torch).CheckpointPolicy
    assert [(p.name, p.value) for p in E] == [(p.name, p.value) for p in T]
    ctx = _ck(ember).SelectiveCheckpointContext(is_recompute=False, op_output=1)
    assert (ctx.is_recompute, ctx.op_output) == (False, 1)
