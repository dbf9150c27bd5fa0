"""Grad modes against torch: no_grad / enable_grad / set_grad_enabled / inference_mode as
context managers, decorators (functions and generators) and plain calls."""
import numpy as np
import pytest

import ember
from tests._autograd_compare import compare, leaf, torch

B = np.array([1.0, 2.0])


def test_context_managers():
    def case(T):
        x = leaf(T, B)
        r = []
        with T.no_grad():
            r += [(x * 2).requires_grad, T.is_grad_enabled()]
            with T.enable_grad():
                r += [(x * 2).requires_grad, T.is_grad_enabled()]
            with T.set_grad_enabled(True):
                r.append((x * 2).requires_grad)
        with T.set_grad_enabled(False):
            r.append((x * 2).requires_grad)
        with T.inference_mode():
            r += [(x * 2).requires_grad, T.is_inference_mode_enabled(), T.is_grad_enabled()]
        with T.inference_mode(False):
            r.append((x * 2).requires_grad)
        r += [T.is_grad_enabled(), T.is_inference_mode_enabled()]
        return r
    compare(case)


def test_decorators():
    def case(T):
        x = leaf(T, B)

        @T.no_grad()
        def f(a):
            return (a * 2).requires_grad

        @T.no_grad
        def g(a):
            return (a * 2).requires_grad

        @T.enable_grad()
        def h(a):
            return (a * 2).requires_grad

        @T.set_grad_enabled(False)
        def k(a):
            return (a * 2).requires_grad

        @T.inference_mode()
        def m(a):
            return T.is_inference_mode_enabled()

        r = [f(x), g(x), T.is_grad_enabled(), k(x), T.is_grad_enabled(), m(x)]
        with T.no_grad():
            r.append(h(x))
        r.append(f.__name__)
        return r
    compare(case)


def test_decorating_a_class_is_deprecated():
    def case(T):
        with pytest.warns(FutureWarning, match="^Decorating classes is deprecated") as w:
            @T.no_grad()
            class Made:
                def __init__(self):
                    self.grad_enabled = T.is_grad_enabled()
        return [Made().grad_enabled, T.is_grad_enabled(), str(w[0].message)]
    compare(case)


def test_generator_decorator():
    def case(T):
        x = leaf(T, B)

        @T.no_grad()
        def gen():
            for _ in range(2):
                got = yield (x * 2).requires_grad, T.is_grad_enabled()
                yield got

        it = gen()
        r = [next(it), T.is_grad_enabled(), it.send("hello"), next(it)]
        it.close()
        return r
    compare(case)


def test_set_grad_enabled_as_function():
    def case(T):
        T.set_grad_enabled(False)
        r = [T.is_grad_enabled()]
        T.set_grad_enabled(True)
        return r + [T.is_grad_enabled()]
    compare(case)


def test_mode_restored_after_exception():
    for T in (torch, ember):
        with pytest.raises(ValueError):
            with T.no_grad():
                raise ValueError
        assert T.is_grad_enabled()


def test_autograd_namespace_exports():
    for name in ["Function", "Variable", "backward", "grad", "gradcheck", "gradgradcheck",
                 "functional", "detect_anomaly", "set_detect_anomaly", "no_grad", "enable_grad",
                 "set_grad_enabled", "inference_mode", "graph"]:
        assert hasattr(ember.autograd, name), name
