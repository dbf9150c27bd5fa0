"""Helpers shared by the nn conv/pool tests: run the same callable in ember and torch."""
import numpy as np

import ember
from tests.oracle.harness import compare

TOL = {"float64": (1e-10, 1e-10), "float32": (1e-4, 1e-4)}


def pair(torch, arr, grad=True):
    """The same values as (ember tensor, torch tensor), both requiring grad if ``grad``."""
    return (ember.tensor(arr, requires_grad=grad), torch.tensor(arr, requires_grad=grad))


def close(e, t, dtype):
    """Dtype, shape and values of an ember result against torch's (the oracle's compare)."""
    compare(e, t, *TOL[dtype])


def check_fn(torch, fe, ft, arrays, dtype="float64", grad=True, seed=1):
    """Run ``fe`` (ember) / ``ft`` (torch) on the arrays; compare outputs, grad_fn names and
    the gradients of every input."""
    ins = [pair(torch, a.astype(dtype), grad) for a in arrays]
    ye, yt = fe(*[e for e, _ in ins]), ft(*[t for _, t in ins])
    close(ye, yt, dtype)
    if isinstance(yt, tuple):
        ye, yt = ye[0], yt[0]
    if grad:
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__
        g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(dtype)
        ye.backward(ember.tensor(g))
        yt.backward(torch.tensor(g))
        for e, t in ins:
            close(e.grad, t.grad, dtype)
    return ye, yt


def check_module(torch, me, mt, x, dtype="float64", **fwd):
    """Copy torch's parameters into ember, run forward/backward, compare output, input grad and
    parameter grads, repr and state_dict keys."""
    if dtype == "float64":
        me, mt = me.double(), mt.double()
    me.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in mt.state_dict().items()})
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())
    check_fn(torch, lambda a: me(a, **fwd), lambda a: mt(a, **fwd), [x], dtype)
    for (n, pe), (_, pt) in zip(me.named_parameters(), mt.named_parameters()):
        close(pe.grad, pt.grad, dtype)
