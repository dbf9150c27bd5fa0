"""autograd.Function against torch: ctx API, node names, outputs, dirty / non-differentiable
tensors, materialize_grads, setup_context, once_differentiable and error messages."""
import numpy as np
import pytest

import ember
from tests._autograd_compare import compare, names, leaf, torch

B = np.array([0.5, -1.0, 2.0])


def make_classes(T):
    """The same custom Functions defined against module ``T``."""
    F = T.autograd.Function

    class MyFn(F):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.save_for_backward(x)
            ctx.k = k
            ctx.log = [ctx.needs_input_grad, T.is_grad_enabled()]
            return x * k, 3, y.sum().long()

        @staticmethod
        def backward(ctx, g, g2, g3):
            x, = ctx.saved_tensors
            ctx.log.append([g, g2, g3])
            return g * ctx.k * x, None, None

    class Id(F):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Dirty(F):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Two(F):
        @staticmethod
        def forward(ctx, x):
            r, s = x * 2, x * 3
            ctx.mark_non_differentiable(s)
            return r, s

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = [g1, g2]
            return g1 * 2

    class NoMat(Two):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

    class New(F):
        @staticmethod
        def forward(x, k):
            return x.exp() * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]
            ctx.save_for_backward(inputs[0], output)

        @staticmethod
        def backward(ctx, g):
            x, out = ctx.saved_tensors
            ctx.flags = [out.requires_grad, out.grad_fn is ctx]
            return g * out, None

    class Once(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        @T.autograd.function.once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    class Square(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 2 * x * g

    return dict(MyFn=MyFn, Id=Id, Dirty=Dirty, Two=Two, NoMat=NoMat, New=New, Once=Once,
                Square=Square)


def test_basic_function_ctx_and_names():
    def case(T):
        C = make_classes(T)
        x, y = leaf(T, B), leaf(T, B, requires_grad=False)
        a, b, c = C["MyFn"].apply(x, 2.0, y)
        fn = a.grad_fn
        r = [type(fn).__name__, fn.name(), names(fn), a.output_nr, b, c.requires_grad,
             c.grad_fn is None, fn.needs_input_grad, fn.k, isinstance(fn, T.autograd.graph.Node)]
        a.sum().backward()
        r += [x.grad, fn.log]
        try:
            fn.saved_tensors
        except RuntimeError as e:
            r.append(str(e))
        return r
    compare(case)


def test_function_no_grad_and_no_requires_grad():
    def case(T):
        C = make_classes(T)
        x = leaf(T, B)
        with T.no_grad():
            a = C["Square"].apply(x)
        b = C["Square"].apply(leaf(T, B, requires_grad=False))
        return a.requires_grad, a.grad_fn is None, b.requires_grad
    compare(case)


@pytest.mark.parametrize("body,expected", [
    ("return g", "incorrect number of gradients (expected 2, got 1)"),
    ("return g, g, g", "incorrect number of gradients (expected 2, got 3)"),
    ("return g, g", "returned a gradient different than None at position 2"),
])
def test_backward_result_errors(body, expected):
    def case(T):
        ns = {}
        exec("def bw(ctx, g):\n    " + body, ns)
        Bad = type("Bad", (T.autograd.Function,), {
            "forward": staticmethod(lambda ctx, x, k: x * k),
            "backward": staticmethod(ns["bw"])})
        Bad.apply(leaf(T, B), 2).sum().backward()
    out = compare(case)
    assert expected in out[2]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradient_of_an_input_without_grad_is_not_checked(dtype):
    """A backward may return anything shaped for an input that does not require grad (torch
    validates only the gradients that have an edge); a wrong shape where there is one raises."""
    def case(T):
        Fn = type("Fn", (T.autograd.Function,), {
            "forward": staticmethod(lambda ctx, x, t: x * t.sum()),
            "backward": staticmethod(lambda ctx, g: (g * 2, g[:2]))})
        x, t = leaf(T, B, dtype), leaf(T, [1.0, 2.0, 3.0, 4.0, 5.0], dtype, requires_grad=False)
        Fn.apply(x, t).sum().backward()
        r = [x.grad]
        try:
            Fn.apply(x, t.requires_grad_()).sum().backward()
        except RuntimeError as e:
            r.append(str(e))
        return r
    compare(case)


def test_returned_input_is_a_view():
    for T in (torch, ember):
        C = make_classes(T)
        x = leaf(T, B)
        z = C["Id"].apply(x)
        assert z is not x and z._base is x and type(z.grad_fn).__name__ == "IdBackward"

    def case(T):
        x = leaf(T, B)
        make_classes(T)["Id"].apply(x).sum().backward()
        return x.grad
    compare(case)


def test_mark_dirty():
    def case(T):
        C = make_classes(T)
        x = leaf(T, B)
        r = []
        try:
            C["Dirty"].apply(x)
        except RuntimeError as e:
            r.append(str(e))
        w = x * 1
        z = C["Dirty"].apply(w)
        r += [z is w, z.grad_fn.name(), w.grad_fn is z.grad_fn]
        v = x * 1
        part = v.narrow(0, 0, 2)
        C["Dirty"].apply(part)
        r += [v.grad_fn.name(), part.grad_fn.name()]
        (v.sum() + z.sum()).backward()
        return r + [x.grad]
    compare(case)


def test_non_differentiable_and_materialize_grads():
    def case(T):
        C = make_classes(T)
        x = leaf(T, B)
        r, s = C["Two"].apply(x)
        out = [s.requires_grad, s.grad_fn is None, r.grad_fn.name()]
        r.sum().backward()
        out.append(r.grad_fn.seen)
        r2, _ = C["NoMat"].apply(x)
        r2.sum().backward()
        out += [r2.grad_fn.seen, x.grad]
        return out
    compare(case)


def test_setup_context_and_saved_output():
    def case(T):
        x = leaf(T, B, "float64")
        y = make_classes(T)["New"].apply(x, 3.0)
        y.sum().backward()
        return type(y.grad_fn).__name__, y.grad_fn.k, y.grad_fn.flags, x.grad
    compare(case)


def test_once_differentiable():
    def case(T):
        x = leaf(T, B, "float64")
        g, = T.autograd.grad(make_classes(T)["Once"].apply(x).sum(), x, create_graph=True)
        r = [g, g.requires_grad]
        y = make_classes(T)["Once"].apply(x)
        go = leaf(T, np.ones(3), "float64")
        g2, = T.autograd.grad(y, x, go, create_graph=True)
        r.append(g2.requires_grad)
        try:
            g2.sum().backward()
        except RuntimeError as e:
            r.append(str(e))
        return r
    compare(case)


def test_function_double_backward_and_gradcheck():
    def case(T):
        x = leaf(T, B, "float64")
        Sq = make_classes(T)["Square"]
        g, = T.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
        g2, = T.autograd.grad(g.sum(), x)
        return g, g2, T.autograd.gradcheck(Sq.apply, (x,)), \
            T.autograd.gradgradcheck(Sq.apply, (x,))
    compare(case)


def test_saved_tensor_modified_after_forward():
    def case(T):
        x = leaf(T, B)
        h = x * 1
        y = make_classes(T)["Square"].apply(h)
        h.mul_(2)
        y.sum().backward()
    compare(case)


def test_legacy_call_raises():
    for T in (torch, ember):
        with pytest.raises(RuntimeError, match="Legacy autograd function"):
            make_classes(T)["Square"]()(T.ones(2))
