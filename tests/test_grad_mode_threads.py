"""Grad mode is per thread, as in PyTorch: compared with torch in the same scenarios."""
import threading

import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402


def _run(fn):
    box = {}

    def target():
        box["value"] = fn()
    t = threading.Thread(target=target)
    t.start()
    t.join()
    return box["value"]


@pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])
def test_new_thread_starts_enabled(lib):
    def worker():
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        return lib.is_grad_enabled(), y.requires_grad, type(y.grad_fn).__name__
    with lib.no_grad():
        seen = _run(worker)
    assert seen == (True, True, "MulBackward0")


def _interleaved(lib):
    """Thread A sits inside no_grad while thread B records ops; then A records nothing."""
    a_inside, b_done = threading.Event(), threading.Event()
    out = {}

    def thread_a():
        x = lib.ones(3, requires_grad=True)
        with lib.no_grad():
            a_inside.set()
            b_done.wait(5)
            out["a"] = ((x + 1).requires_grad, lib.is_grad_enabled())
        out["a_after"] = (x + 1).requires_grad

    def thread_b():
        a_inside.wait(5)
        x = lib.ones(3, requires_grad=True)
        y = (x * x * 3).sum()
        out["b"] = (lib.is_grad_enabled(), y.requires_grad, type(y.grad_fn).__name__)
        y.backward()
        out["b_grad"] = x.grad.tolist()
        b_done.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_no_grad_in_one_thread_leaves_another_recording():
    got, want = _interleaved(ember), _interleaved(torch)
    assert got == want
    assert got["b"] == (True, True, "SumBackward0") and got["a"] == (False, False)


@pytest.mark.parametrize("mode", ["set_grad_enabled", "inference_mode", "enable_grad"])
def test_each_mode_stays_in_its_thread(mode):
    def scenario(lib):
        enter = {"set_grad_enabled": lambda: lib.set_grad_enabled(False),
                 "inference_mode": lambda: lib.inference_mode(),
                 "enable_grad": lambda: lib.enable_grad()}[mode]

        def worker():
            return (lib.is_grad_enabled(), lib.is_inference_mode_enabled())
        with lib.no_grad():
            with enter():
                inner = (lib.is_grad_enabled(), lib.is_inference_mode_enabled())
                other = _run(worker)
            restored = lib.is_grad_enabled()
        return inner, other, restored, lib.is_grad_enabled()
    assert scenario(ember) == scenario(torch)


def test_set_grad_enabled_as_call_in_thread_does_not_leak():
    def scenario(lib):
        def worker():
            lib.set_grad_enabled(False)
            return lib.is_grad_enabled()
        return _run(worker), lib.is_grad_enabled()
    assert scenario(ember) == scenario(torch) == (False, True)


def test_backward_in_thread_during_other_threads_no_grad():
    """The engine's own grad-mode switch (create_graph) is per thread too."""
    def scenario(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x ** 3).sum()
        with lib.no_grad():
            g = _run(lambda: lib.autograd.grad(y, x, create_graph=True)[0])
            still_off = lib.is_grad_enabled()
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g.tolist(), g.requires_grad, still_off, gg.tolist()
    assert scenario(ember) == scenario(torch)
