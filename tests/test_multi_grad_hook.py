"""``autograd.graph.register_multi_grad_hook`` and the engine's graph-task queries
(``_C._current_graph_task_id``, ``_C._will_engine_execute_node``) against torch."""
import numpy as np
import pytest
import torch

import ember


def _values(grads):
    return [None if g is None else np.asarray(g.detach().numpy(), np.float64).tolist()
            for g in grads]


def _assert_same(got, expected):
    """Equal structure (lists, Nones, flags, messages); numbers to float32 rounding."""
    if isinstance(expected, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _assert_same(g, e)
    elif isinstance(expected, float):
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-6)
    else:
        assert got == expected


def _leaves(lib, dtype):
    rng = np.random.default_rng(0)
    return [lib.tensor(rng.standard_normal(shape), dtype=dtype, requires_grad=True)
            for shape in ((3,), (2, 3), ())]


def _all_mode(lib, dtype):
    """The hook's calls over several backward passes, each using some of the tensors."""
    a, b, c = _leaves(lib, dtype)
    u = (a * 3).t() if a.dim() == 2 else a * 3          # a non-leaf among them
    calls = []
    handle = lib.autograd.graph.register_multi_grad_hook(
        (u, b, c), lambda grads: calls.append(_values(grads)))
    (u * 2 + b).sum().backward(retain_graph=True)
    (u * b * c).sum().backward(retain_graph=True)
    (c * 5).backward(retain_graph=True)
    (u.sum() * b[::2].sum()).backward(inputs=[b], retain_graph=True)
    handle.remove()
    (u * b).sum().backward()
    return calls


def _any_mode(lib, dtype):
    a, b, _ = _leaves(lib, dtype)
    firsts = []
    lib.autograd.graph.register_multi_grad_hook([a, b], lambda g: firsts.append(_values([g])),
                                                mode="any")
    (a * b).sum().backward()
    (b.sum() * 2).backward()
    return firsts


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scenario", [_all_mode, _any_mode])
def test_calls_as_torch(scenario, dtype):
    _assert_same(scenario(ember, getattr(ember, dtype)), scenario(torch, getattr(torch, dtype)))


def _refusals(lib):
    a, _, _ = _leaves(lib, lib.float32)
    out = []
    for call in (lambda: lib.autograd.graph.register_multi_grad_hook([a], print, mode="some"),
                 lambda: lib.autograd.graph.register_multi_grad_hook([a, lib.ones(2)], print),
                 lambda: lib._C._will_engine_execute_node(None),
                 lambda: lib._C._will_engine_execute_node((a * 2).grad_fn)):
        try:
            call()
            out.append(None)
        except (ValueError, AssertionError, RuntimeError) as e:
            out.append((type(e), str(e)))
    # a failed registration leaves no hook behind
    seen = []
    a.register_hook(lambda g: seen.append(1))
    (a * 2).sum().backward()
    return out, seen, lib._C._current_graph_task_id()


def test_refusals_as_torch():
    got, expected = _refusals(ember), _refusals(torch)
    assert [(t.__name__, m) for t, m in got[0]] == [(t.__name__, m) for t, m in expected[0]]
    assert got[1:] == expected[1:]


def _execute_queries(lib):
    """What ``_will_engine_execute_node`` answers inside hooks, for full and partial passes."""
    a, b, c = _leaves(lib, lib.float64)
    v = b * 4
    c_accumulator = c.view_as(c).grad_fn.next_functions[0][0]
    answers = []

    def ask(grad):
        answers.append((lib._C._current_graph_task_id() >= 0,
                        lib._C._will_engine_execute_node(v.grad_fn),
                        _answer(lambda: lib._C._will_engine_execute_node(c_accumulator))))
    a.register_hook(ask)
    (a * 2).sum().backward()
    (a.sum() * v.sum()).backward(retain_graph=True)
    (a.sum() * v.sum()).backward(inputs=[a], retain_graph=True)
    (a.sum() * v.sum()).backward(inputs=[a, b], retain_graph=True)
    grads = lib.autograd.grad((a * 3).sum() + v.sum(), [a, v], retain_graph=True)
    leaf_in_grad = []
    b.register_hook(lambda g: leaf_in_grad.append(
        _answer(lambda: lib._C._will_engine_execute_node(v.grad_fn.next_functions[0][0]))))
    lib.autograd.grad(v.sum(), [b])
    return answers, _values(grads), leaf_in_grad


def _answer(call):
    """``call()``'s result, or the message of the RuntimeError it raises."""
    try:
        return call()
    except RuntimeError as e:
        return str(e)


def test_will_engine_execute_node_as_torch():
    _assert_same(_execute_queries(ember), _execute_queries(torch))


def _graphs(lib):
    def leaf(*shape):
        return lib.ones(*shape, requires_grad=True)

    def siblings():
        a, b, c = leaf(3), leaf(3), leaf(3)
        return [a, b, c, (a * b).sum() + (a + b + c).sum()]

    def leaf_and_branch():
        a, b = leaf(3), leaf(3)
        return [a, b, (a * b.sum()).sum()]

    def diamond():
        a, b, c = leaf(3), leaf(3), leaf(3)
        x, y = a * 2, b * 3
        return [a, b, c, x, y, (x * y + c).sum()]

    def chain():
        a, b = leaf(3), leaf(3)
        h = a.exp()
        k, j = (h * b).sin(), h.cos()
        return [a, b, h, k, j, (k + j).sum()]

    def mlp():
        w1, w2, x = leaf(4, 4), leaf(4, 4), leaf(2, 4)
        h = (x @ w1).relu()
        o = h @ w2
        return [w1, w2, x, h, o, o.pow(2).sum()]
    return siblings, leaf_and_branch, diamond, chain, mlp


def _hook_order(lib):
    orders = []
    for build in _graphs(lib):
        *tensors, loss = build()
        order = []
        for i, t in enumerate(tensors):
            t.register_hook(lambda g, i=i: order.append(i))
        loss.backward()
        orders.append(order)
    return orders


def test_hooks_fire_in_torchs_order():
    assert _hook_order(ember) == _hook_order(torch)
