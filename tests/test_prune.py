"""nn.utils.prune against torch: masks, pruned weights, state_dict keys, hooks, gradients,
iterative pruning (PruningContainer), global pruning, remove/is_pruned and errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
import torch.nn.utils.prune as tprune  # noqa: E402

import ember.nn.utils.prune as eprune  # noqa: E402


def _pair(rng):
    w = rng.standard_normal((4, 3, 2, 2)).astype("float32")
    b = rng.standard_normal(4).astype("float32")
    mods = []
    for lib in (ember, torch):
        m = lib.nn.Conv2d(3, 4, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor(w))
            m.bias.copy_(lib.tensor(b))
        mods.append(m)
    return mods


def _state(m):
    return {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}


def _assert_same_module(e, t, rng):
    es, ts = _state(e), _state(t)
    assert list(es) == list(ts)
    for k in es:
        np.testing.assert_allclose(es[k], ts[k], rtol=1e-6, atol=1e-6)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    x = rng.standard_normal((1, 3, 3, 3)).astype("float32")
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    ye.sum().backward()
    yt.sum().backward()
    for (ne, pe), (nt, pt) in zip(e.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-5, atol=1e-5)


PRUNES = {
    "identity": lambda P, L, m: P.identity(m, "weight"),
    "l1_float": lambda P, L, m: P.l1_unstructured(m, "weight", amount=0.3),
    "l1_int": lambda P, L, m: P.l1_unstructured(m, "bias", amount=2),
    "l1_scores": lambda P, L, m: P.l1_unstructured(
        m, "weight", amount=5, importance_scores=m.weight.detach().flip(0)),
    "ln_l2_dim0": lambda P, L, m: P.ln_structured(m, "weight", amount=0.5, n=2, dim=0),
    "ln_l1_dim1": lambda P, L, m: P.ln_structured(m, "weight", amount=1, n=1, dim=1),
    "ln_inf_last": lambda P, L, m: P.ln_structured(m, "weight", amount=1, n=float("inf"),
                                                   dim=-1),
    "custom": lambda P, L, m: P.custom_from_mask(
        m, "bias", mask=L.tensor([1., 0., 1., 0.])),
    "iterative": lambda P, L, m: (P.l1_unstructured(m, "weight", amount=0.2),
                                  P.ln_structured(m, "weight", amount=1, n=2, dim=0),
                                  P.l1_unstructured(m, "weight", amount=3)),
    "zero_amount": lambda P, L, m: P.ln_structured(m, "weight", amount=0.0, n=2, dim=0),
}


@pytest.mark.parametrize("name", sorted(PRUNES))
def test_pruning_matches_torch(name, rng):
    e, t = _pair(rng)
    PRUNES[name](eprune, ember, e)
    PRUNES[name](tprune, torch, t)
    assert eprune.is_pruned(e) and tprune.is_pruned(t)
    _assert_same_module(e, t, rng)
    hooks_e = [type(h).__name__ for h in e._forward_pre_hooks.values()]
    hooks_t = [type(h).__name__ for h in t._forward_pre_hooks.values()]
    assert hooks_e == hooks_t


@pytest.mark.parametrize("name", ["l1_float", "iterative", "custom"])
def test_remove_makes_pruning_permanent(name, rng):
    e, t = _pair(rng)
    for P, L, m in ((eprune, ember, e), (tprune, torch, t)):
        PRUNES[name](P, L, m)
        tensor = "bias" if name == "custom" else "weight"
        P.remove(m, tensor)
        assert not P.is_pruned(m)
    _assert_same_module(e, t, rng)


def test_global_unstructured_matches_torch(rng):
    mods = []
    for P, L in ((eprune, ember), (tprune, torch)):
        g = np.random.default_rng(1)
        net = L.nn.Sequential(L.nn.Linear(4, 5), L.nn.Linear(5, 3))
        with L.no_grad():
            for p in net.parameters():
                p.copy_(L.tensor(g.standard_normal(tuple(p.shape)).astype("float32")))
        P.global_unstructured([(net[0], "weight"), (net[1], "weight"), (net[1], "bias")],
                              pruning_method=P.L1Unstructured, amount=12)
        mods.append(net)
    es, ts = _state(mods[0]), _state(mods[1])
    assert list(es) == list(ts)
    for k in es:
        np.testing.assert_array_equal(es[k], ts[k])


@pytest.mark.parametrize("kind", ["unstructured", "structured"])
def test_random_methods_prune_the_right_amount(kind, rng):
    counts = []
    for P, m in zip((eprune, tprune), _pair(rng)):
        if kind == "unstructured":
            P.random_unstructured(m, "weight", amount=0.25)
            counts.append(int((m.weight_mask == 0).sum()))
        else:
            P.random_structured(m, "weight", amount=2, dim=0)
            zero_channels = (m.weight_mask.reshape(4, -1).sum(1) == 0).sum()
            counts.append(int(zero_channels))
        assert [n for n, _ in m.named_buffers()] == ["weight_mask"]
    assert counts[0] == counts[1]


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value).replace("ember.nn", "torch.nn")


@pytest.mark.parametrize("call", [
    lambda P, L, m: P.l1_unstructured(m, "weight", amount="x"),
    lambda P, L, m: P.l1_unstructured(m, "weight", amount=1.5),
    lambda P, L, m: P.l1_unstructured(m, "weight", amount=-1),
    lambda P, L, m: P.l1_unstructured(m, "bias", amount=10),
    lambda P, L, m: P.ln_structured(m, "bias", amount=1, n=2, dim=0),
    lambda P, L, m: P.ln_structured(m, "weight", amount=1, n=2, dim=4),
    lambda P, L, m: P.remove(m, "weight"),
    lambda P, L, m: P.l1_unstructured(m, "weight", 1, importance_scores=L.ones(2)),
    lambda P, L, m: P.global_unstructured([(m, "weight")], P.RandomStructured, amount=1),
    lambda P, L, m: P.global_unstructured(3, P.L1Unstructured, amount=1),
    lambda P, L, m: P.global_unstructured([(m, "weight")], P.L1Unstructured, [], amount=1),
], ids=range(11))
def test_errors_match_torch(call, rng):
    e, t = _pair(rng)
    assert _error(lambda: call(eprune, ember, e)) == _error(lambda: call(tprune, torch, t))


def test_prune_method_on_a_tensor(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    e = eprune.L1Unstructured(amount=0.5).prune(ember.tensor(x))
    t = tprune.L1Unstructured(amount=0.5).prune(torch.tensor(x))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
