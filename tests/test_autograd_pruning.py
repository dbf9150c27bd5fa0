"""autograd.grad / backward(inputs=...) run only the part of the graph that leads to the
requested inputs (PyTorch's exec_info); counts and values compared with torch."""
import pytest

torch = pytest.importorskip("torch")
import ember  # noqa: E402


def _counting_function(lib, calls):
    class Count(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            calls["fn"] += 1
            return g * 2
    return Count


def _scenario(lib, api):
    """y = a*b + Count(c).exp(): with inputs=[a], the Count branch must not run."""
    calls = {"fn": 0, "hook": 0, "kept": 0}
    a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    b = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    c = lib.tensor([0.1, 0.2, 0.3], dtype=lib.float64, requires_grad=True)
    side = _counting_function(lib, calls).apply(c).exp()
    side.register_hook(lambda g: calls.__setitem__("hook", calls["hook"] + 1))
    kept = a * b
    kept.register_hook(lambda g: calls.__setitem__("kept", calls["kept"] + 1))
    y = (kept + side).sum()
    if api == "grad":
        got = lib.autograd.grad(y, a)[0].tolist()
    elif api == "grad_nonleaf":
        got = lib.autograd.grad(y, kept)[0].tolist()
    else:
        y.backward(inputs=[a])
        got = a.grad.tolist()
        assert b.grad is None and c.grad is None
    return got, calls


@pytest.mark.parametrize("api", ["grad", "grad_nonleaf", "backward_inputs"])
def test_branch_not_leading_to_inputs_never_runs(api):
    got, calls = _scenario(ember, api)
    want, torch_calls = _scenario(torch, api)
    assert got == want
    assert calls == torch_calls
    assert calls["fn"] == 0 and calls["hook"] == 0 and calls["kept"] == 1


def _hook_order(lib):
    """A captured tensor's hook runs before its capture when its node is pruned, and after it
    when the node still runs for another input (torch's order)."""
    seen = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: (seen.append("leaf"), g * 2)[1])
    h = x * 3
    h.register_hook(lambda g: (seen.append("h"), g * 10)[1])
    y = (h * h).sum()
    out = []
    for inputs in (x, h, [h, x]):
        seen.clear()
        grads = lib.autograd.grad(y, inputs, retain_graph=True)
        out.append(([g.tolist() for g in grads], list(seen)))
    return out


def test_captured_hooks_match_torch():
    assert _hook_order(ember) == _hook_order(torch)


def test_unreached_input_and_shared_subgraph():
    def scenario(lib):
        calls = {"fn": 0}
        Count = _counting_function(lib, calls)
        x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([3.0, 4.0], dtype=lib.float64, requires_grad=True)
        u = lib.tensor([5.0], dtype=lib.float64, requires_grad=True)
        shared = (x * w).tanh()
        y = (shared * 2).sum() + (Count.apply(shared) * u).sum()
        gx, gu = lib.autograd.grad(y, [x, u], retain_graph=True)     # Count is on x's path
        (gw,) = lib.autograd.grad((shared * 2).sum(), w, retain_graph=True)
        unused = lib.autograd.grad(y, [w, lib.ones(1, requires_grad=True)], allow_unused=True)
        return gx.tolist() + gu.tolist() + gw.tolist(), unused[1] is None, calls["fn"]
    got, want = scenario(ember), scenario(torch)
    assert got[0] == pytest.approx(want[0], rel=1e-12) and got[1:] == want[1:]
