"""The autograd engine against torch: graph structure, node names, accumulation, hooks,
retain_graph / create_graph, autograd.grad, version counters and in-place rules."""
import warnings

import numpy as np
import pytest

import ember
from tests._autograd_compare import compare, names, leaf, torch

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4,))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_graph_structure_and_names(dtype):
    def case(T):
        x, w = leaf(T, A, dtype), leaf(T, B, dtype)
        c = leaf(T, B, dtype, requires_grad=False)
        y = ((x * w + c).exp() * 2).sum()
        return names(y.grad_fn), x.is_leaf, y.is_leaf, y.requires_grad
    compare(case)


def test_next_functions_none_for_no_grad_inputs():
    def case(T):
        x = leaf(T, B)
        y = x * leaf(T, B, requires_grad=False)
        nf = y.grad_fn.next_functions
        return [(None if n is None else n.name(), i) for n, i in nf]
    compare(case)


def test_accumulate_grad_is_cached_and_has_variable():
    for T in (torch, ember):
        x = leaf(T, B)
        a = (x * 2).grad_fn.next_functions[0][0]
        b = (x + 1).grad_fn.next_functions[0][0]
        assert a is b
        assert a.variable is x
        assert a.name() == "torch::autograd::AccumulateGrad"
        assert isinstance(a, T.autograd.graph.Node)
        assert a.next_functions == ()


def test_grad_accumulates_over_two_backwards():
    def case(T):
        x = leaf(T, A)
        (x * x).sum().backward()
        g1 = x.grad.clone()
        (x * 3).sum().backward()
        return g1, x.grad
    compare(case)


def test_non_leaf_grad_warns():
    for T in (torch, ember):
        x = leaf(T, B)
        y = x * 2
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
            assert y.grad is None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert x.grad is None


def test_retain_grad():
    def case(T):
        x = leaf(T, A)
        y = x * 3
        y.retain_grad()
        z = (y * y).sum()
        z.backward()
        return y.grad, x.grad, y.retains_grad, x.retains_grad
    compare(case)


def test_tensor_hooks_leaf_and_non_leaf_with_removal():
    def case(T):
        x = leaf(T, B)
        log = []
        y = x * 2
        h1 = y.register_hook(lambda g: g * 10)
        x.register_hook(lambda g: log.append(g.clone()))
        h2 = x.register_hook(lambda g: g + 1)
        y.sum().backward()
        first = x.grad.clone()
        h1.remove()
        h2.remove()
        x.grad = None
        (x * 2).sum().backward()
        return first, x.grad, log
    compare(case)


def test_hook_order_tensor_hook_prehook_retain_grad():
    def case(T):
        x = leaf(T, B)
        y = x * 2
        order = []
        y.retain_grad()
        y.register_hook(lambda g: order.append("tensor") or g * 2)
        y.grad_fn.register_prehook(lambda go: order.append("pre") or None)
        y.grad_fn.register_hook(lambda gi, go: order.append("post") or None)
        acc = y.grad_fn.next_functions[0][0]
        acc.register_prehook(lambda go: order.append("acc_pre") or None)
        x.register_post_accumulate_grad_hook(lambda t: order.append("post_acc"))
        (y * 1).sum().backward()
        return order, y.grad, x.grad
    compare(case)


def test_node_hooks_modify_gradients():
    def case(T):
        x = leaf(T, B)
        y = x.exp()
        y.grad_fn.register_prehook(lambda go: (go[0] * 3,))
        y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
        y.sum().backward()
        return x.grad
    compare(case)


def test_node_metadata_and_name():
    for T in (torch, ember):
        y = leaf(T, B) * 2
        y.grad_fn.metadata["k"] = 1
        assert y.grad_fn.metadata == {"k": 1}
        assert y.grad_fn.name() == "MulBackward0"


def test_backward_twice_rules():
    def case(T):
        x = leaf(T, B)
        a = (x + 1).sum()
        a.backward()
        a.backward()
        out = [x.grad.clone()]
        b = (x * x).sum()
        b.backward()
        try:
            b.backward()
        except RuntimeError as e:
            out.append(str(e))
        c = (x * x).sum()
        c.backward(retain_graph=True)
        c.backward()
        out.append(x.grad)
        return out
    compare(case)


def test_double_backward_cube():
    def case(T):
        x = leaf(T, B, "float64")
        y = (x ** 3).sum()
        g, = T.autograd.grad(y, x, create_graph=True)
        g2, = T.autograd.grad(g.sum(), x, create_graph=True)
        g3, = T.autograd.grad(g2.sum(), x)
        return g, g2, g3, g.grad_fn is not None
    compare(case)


def test_backward_create_graph_then_backward_on_grad():
    def case(T):
        x = leaf(T, B, "float64")
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return x.grad
    compare(case)


def test_backward_inputs():
    def case(T):
        x, w = leaf(T, A), leaf(T, B)
        y = x * w
        (y * y).sum().backward(inputs=[w])
        r = [x.grad, w.grad]
        z = x * 2
        (z * z).sum().backward(inputs=[z])
        r.append(z.grad)
        try:
            y.sum().backward(inputs=[])
        except RuntimeError as e:
            r.append(str(e))
        return r
    compare(case)


def test_autograd_backward_function_multiple_roots():
    def case(T):
        x = leaf(T, B)
        T.autograd.backward([x * 2, (x * x).sum()], [T.ones(4), None])
        return x.grad
    compare(case)


def test_implicit_gradient_errors():
    def case(T):
        out = []
        x = leaf(T, B)
        for fn in (lambda: (x * 2).backward(),
                   lambda: leaf(T, B, requires_grad=False).sum().backward(),
                   lambda: (x * 2).backward(T.ones(3))):
            try:
                fn()
            except RuntimeError as e:
                out.append(str(e))
        return out
    compare(case)


def test_grad_function_options():
    def case(T):
        x, w = leaf(T, A), leaf(T, B)
        u = leaf(T, B)
        y = (x * w).sum()
        r = list(T.autograd.grad(y, [x, u], allow_unused=True, retain_graph=True))
        r += T.autograd.grad(y, [w, u], materialize_grads=True, retain_graph=True)
        r += T.autograd.grad(x * w, w, grad_outputs=T.ones(3, 4) * 2, retain_graph=True)
        for fn in (lambda: T.autograd.grad(y, [x, u], retain_graph=True),
                   lambda: T.autograd.grad(y, [leaf(T, B, requires_grad=False)])):
            try:
                fn()
            except RuntimeError as e:
                r.append(str(e))
        r.append(x.grad)
        return r
    compare(case)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradient_edges_as_grad_inputs(dtype):
    """autograd.graph.get_gradient_edge: a leaf's edge is its AccumulateGrad, a non-leaf's its
    grad_fn at its output_nr; autograd.grad takes edges where it takes tensors."""
    def case(T):
        x, w = leaf(T, A, dtype), leaf(T, B, dtype)
        h = x * w
        parts = h.unbind(1)           # output_nr 0..3 of one node
        y = (h.tanh().sum() + (parts[2] * 3).sum()) ** 2
        edges = [T.autograd.graph.get_gradient_edge(t) for t in (x, h, parts[2], parts[3])]
        r = [(e.node.name(), e.output_nr) for e in edges]
        r += T.autograd.grad(y, edges, retain_graph=True)
        r += T.autograd.grad(y, [x, h, parts[2]], retain_graph=True)
        r += T.autograd.grad(y, edges[1])
        for fn in (lambda: T.autograd.graph.get_gradient_edge(leaf(T, B, requires_grad=False)),
                   lambda: T.autograd.grad((w * 2).sum(), [edges[0]], materialize_grads=True)):
            try:
                fn()
            except RuntimeError as e:
                r.append(str(e))
        return r
    compare(case, rtol=1e-5 if dtype == "float32" else 1e-12)


def test_saved_tensor_modified_in_place():
    def case(T):
        x = leaf(T, B)
        a = x * 1
        b = a * a
        a.mul_(2)
        b.sum().backward()
    compare(case)


def test_saved_output_modified_in_place():
    def case(T):
        x = leaf(T, B)
        y = x.exp()
        y.mul_(2)
        y.sum().backward()
    compare(case)


def test_inplace_leaf_errors():
    def case(T):
        out = []
        x = leaf(T, B)
        for fn in (lambda: x.mul_(2), lambda: x.narrow(0, 0, 2).mul_(2)):
            try:
                fn()
            except RuntimeError as e:
                out.append(str(e))
        with T.no_grad():
            x.mul_(2)
        out.append(x)
        return out
    compare(case)


def test_inplace_on_non_leaf_view_copyslices():
    def case(T):
        x = leaf(T, A)
        w = leaf(T, B[:2])
        y = x * 1
        v = y.narrow(1, 1, 2)
        v.mul_(w)
        r = [y.grad_fn.name(), v.grad_fn.name()]
        (y * y).sum().backward()
        return r + [x.grad, w.grad]
    compare(case)


def test_inplace_on_non_leaf_rebases_history():
    def case(T):
        x = leaf(T, B)
        y = x * 2
        y.exp_()
        r = [y.grad_fn.name(), names(y.grad_fn)]
        y.sum().backward()
        return r + [x.grad]
    compare(case)


def test_detach_and_requires_grad():
    def case(T):
        x = leaf(T, B)
        y = x * 2
        d = y.detach()
        r = [d.requires_grad, d.grad_fn is None, d.is_leaf]
        d.mul_(0)
        r.append(y)  # shares memory
        z = x * 3
        z.detach_()
        r += [z.requires_grad, z.grad_fn is None]
        p = leaf(T, B, requires_grad=False).requires_grad_()
        r.append(p.requires_grad)
        try:
            y.requires_grad_(False)
        except RuntimeError as e:
            r.append(str(e))
        try:
            T.tensor([1, 2]).requires_grad_()
        except RuntimeError as e:
            r.append(str(e))
        return r
    compare(case)


def test_user_gradient_not_aliased_by_grad():
    def case(T):
        x = leaf(T, B)
        g = T.ones(4)
        x.backward(g)
        x.grad.mul_(5)
        return g, x.grad
    compare(case)


def test_two_leaves_same_gradient_do_not_share():
    def case(T):
        x, w = leaf(T, B), leaf(T, B)
        (x + w).sum().backward()
        x.grad.mul_(3)
        return x.grad, w.grad
    compare(case)


def test_sum_grad_is_not_shared_between_leaves():
    def case(T):
        x = leaf(T, B)
        y = x.view(2, 2)
        w = leaf(T, B[:2])
        (y + w).sum().backward()
        w.grad.mul_(7)
        return x.grad, w.grad
    compare(case)


def test_variable_alias():
    x = ember.ones(2)
    assert isinstance(x, ember.autograd.Variable)
    v = ember.autograd.Variable(x, requires_grad=True)
    assert v is x and v.requires_grad


# ---- gradcheck -------------------------------------------------------------------------------
def test_gradcheck_pass_fail_and_options():
    def case(T):
        x = leaf(T, B, "float64")
        ok = [T.autograd.gradcheck(lambda a: (a.sin() * a).exp(), (x,)),
              T.autograd.gradcheck(lambda a, b: a * b, (x, leaf(T, B, "float64")),
                                   eps=1e-6, atol=1e-5, rtol=1e-3),
              T.autograd.gradgradcheck(lambda a: a ** 3, (x,)),
              T.autograd.gradcheck(lambda a: a.sin() * 2 + a.detach(), (x,),
                                   raise_exception=False)]
        try:
            T.autograd.gradcheck(lambda a: a.sin() * 2 + a.detach(), (x,))
        except RuntimeError as e:
            ok += [type(e).__name__, str(e).split("\n")[0]]
        try:
            T.autograd.gradcheck(lambda a: a * 2, (leaf(T, B, "float64", False),))
        except ValueError as e:
            ok.append(str(e))
        return ok
    compare(case)


def test_gradcheck_float32_warns():
    for T in (torch, ember):
        with pytest.warns(UserWarning, match="is not a double precision"):
            T.autograd.gradcheck(lambda a: a * 2, (leaf(T, B),), raise_exception=False)


def test_gradcheck_error_class():
    from ember.autograd.gradcheck import GradcheckError
    assert issubclass(GradcheckError, RuntimeError)


# ---- functional ------------------------------------------------------------------------------
def _f(T):
    return lambda a, b: (a.exp() * b, (a * b).sum())


@pytest.mark.parametrize("create_graph", [False, True])
def test_functional_jacobian_hessian(create_graph):
    def case(T):
        F = T.autograd.functional
        a, b = leaf(T, B[:3], "float64"), leaf(T, B[1:], "float64")
        single = F.jacobian(lambda u: u.exp() * 2, a, create_graph=create_graph)
        multi = F.jacobian(_f(T), (a, b), create_graph=create_graph)
        unused = F.jacobian(lambda u, v: u * 2, (a, b))
        hess = F.hessian(lambda u: (u ** 3).sum(), a, create_graph=create_graph)
        hess2 = F.hessian(lambda u, v: (u * u * v).sum(), (a, b))
        return single, multi, unused, hess, hess2, single.requires_grad
    compare(case)


def test_functional_vjp_jvp_hvp_vhp():
    def case(T):
        F = T.autograd.functional
        a, b = leaf(T, B[:3], "float64"), leaf(T, B[1:], "float64")
        v = T.ones(3, dtype=T.float64) * 0.5
        cube = lambda u: (u ** 3).sum()  # noqa: E731
        return (F.vjp(lambda u: u.exp(), a, v), F.vjp(cube, a),
                F.jvp(lambda u: u.exp() * u, a, v), F.jvp(_f(T), (a, b), (v, v)),
                F.vhp(cube, a, v), F.hvp(cube, a, v), F.hvp(lambda u, w: (u * w * u).sum(),
                                                            (a, b), (v, v)))
    compare(case)


def test_functional_strict_and_errors():
    def case(T):
        F = T.autograd.functional
        a, b = leaf(T, B[:3], "float64"), leaf(T, B[1:], "float64")
        r = []
        for fn in (lambda: F.jacobian(lambda u, w: u * 2, (a, b), strict=True),
                   lambda: F.vjp(lambda u: u * 2, a),
                   lambda: F.vjp(lambda u: u * 2, a, T.ones(2, dtype=T.float64))):
            try:
                fn()
            except RuntimeError as e:
                r.append(str(e))
        return r
    compare(case)


FUNCTIONAL_ERRORS = [
    lambda F, T, a: F.vjp(lambda u: u * 2, a, v=(a, a)),
    lambda F, T, a: F.vjp(lambda u: (u * 2,), a, v=(a, a)),
    lambda F, T, a: F.vjp(lambda u: (u * 2,), a, v=(a[:2],)),
    lambda F, T, a: F.vjp(lambda u, w: u * 2, (a, a), v=a, strict=True),
    lambda F, T, a: F.vjp(lambda u: u.detach(), a, v=a, strict=True),
    lambda F, T, a: F.jvp(lambda u: u.detach(), a, v=a, strict=True),
    lambda F, T, a: F.jvp(lambda u, w: u * 2, (a, a), v=(a, a[:2])),
    lambda F, T, a: F.hessian(lambda u: u * 2, a),
    lambda F, T, a: F.hessian(lambda u: (u.sum(),), a),
    lambda F, T, a: F.vhp(lambda u: u * 2, a, v=a),
    lambda F, T, a: F.hvp(lambda u: u * 2, a, v=a),
    lambda F, T, a: F.hvp(lambda u: (u.sum(),), a, v=a),
    lambda F, T, a: F.jacobian(lambda u: u, 3),
    lambda F, T, a: T.autograd.backward([a.sum(), 3]),
    lambda F, T, a: T.autograd.grad([3], a),
]


@pytest.mark.parametrize("i", range(len(FUNCTIONAL_ERRORS)))
def test_functional_and_backward_argument_errors(i):
    def case(T):
        return FUNCTIONAL_ERRORS[i](T.autograd.functional, T, leaf(T, B[:3], "float64"))
    compare(case)


# ---- anomaly mode ----------------------------------------------------------------------------
def anomaly_flags(T):
    """torch keeps these queries at top level; ember in ember.autograd (and top level later)."""
    ns = T if T is torch else T.autograd
    return [ns.is_anomaly_enabled(), ns.is_anomaly_check_nan_enabled()]


def test_detect_anomaly_names_nan_producer():
    def case(T):
        x = leaf(T, B)
        r = []
        with pytest.warns(UserWarning) as rec:
            with T.autograd.detect_anomaly():
                r.append(anomaly_flags(T))
                y = (x * 0).div(0.0)
                try:
                    y.sum().backward()
                except RuntimeError as e:
                    r.append(str(e))
        msgs = [str(w.message) for w in rec]
        r.append(any(m.startswith("Error detected in MulBackward0. Traceback of forward call "
                                  "that caused the error:") and "test_autograd.py" in m
                     for m in msgs))
        r.append(anomaly_flags(T))
        return r
    compare(case)


def test_set_detect_anomaly_and_check_nan_flag():
    def case(T):
        r = []
        with T.autograd.set_detect_anomaly(True, check_nan=False):
            r += anomaly_flags(T)
            x = leaf(T, B)
            (x * 0).div(0.0).sum().backward()
            r.append(x.grad)
        T.autograd.set_detect_anomaly(False)
        return r + anomaly_flags(T)
    compare(case)


def test_accumulate_grad_node_post_hook():
    def case(T):
        x = leaf(T, B)
        seen = []
        acc = (x * 2).grad_fn.next_functions[0][0]
        acc.register_hook(lambda gi, go: seen.append((len(gi), go[0].clone())))
        (x * 2).sum().backward()
        return seen
    compare(case)


def _no_grad_views(lib):
    x = lib.ones(3, 4, requires_grad=True)
    with lib.no_grad():
        made = {"view": x.view(-1), "slice": x[1:], "select": x[0], "t": x.t(),
                "split": x.split(2)[0], "unbind": x.unbind(0)[1], "expand": x[:1].expand(2, 4),
                "diagonal": x.diagonal(), "detach": x.detach(), "mul": x * 2}
    return x, made


def test_views_made_in_no_grad_mode_match_torch():
    import torch
    (ex, ev), (tx, tv) = _no_grad_views(ember), _no_grad_views(torch)
    for name in ev:
        e, t = ev[name], tv[name]
        assert (e.requires_grad, e.is_leaf, e.grad_fn is None) == \
            (t.requires_grad, t.is_leaf, t.grad_fn is None), name
    for lib, x, views in ((ember, ex, ev), (torch, tx, tv)):
        (views["view"] * 2).sum().backward()     # no history: nothing accumulates
        assert x.grad is None and views["view"].grad is None
    msgs = []
    for views in (ev, tv):
        with pytest.raises(RuntimeError) as e:
            views["slice"].mul_(2)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    for lib, views in ((ember, ev), (torch, tv)):
        with lib.no_grad():
            views["slice"].mul_(2)
    np.testing.assert_array_equal(ex.detach().numpy(), tx.detach().numpy())


def test_numpy_of_requires_grad_tensor_allowed_without_grad_mode():
    import torch
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError):
            x.numpy()
        with lib.no_grad():
            np.testing.assert_array_equal(x.numpy(), np.ones(3, np.float32))


def test_autograd_state_queries_and_reexports():
    for mod in (ember, torch):
        a = mod.autograd
        assert a.is_view_replay_enabled() is False and a.is_multithreading_enabled() is True
        with a.set_multithreading_enabled(False):
            assert a.is_multithreading_enabled() is False
        assert a.kineto_available() is mod.profiler.kineto_available()
        assert a.handle_torch_function is mod.overrides.handle_torch_function
        assert a.has_torch_function((mod.ones(1),)) is False
        assert a.is_tensor_like(mod.ones(1)) and not a.is_tensor_like([1])
