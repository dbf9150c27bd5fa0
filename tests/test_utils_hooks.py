"""torch.utils.hooks: one RemovableHandle for nn, autograd and optim, behaving as torch's."""
import pickle
from collections import OrderedDict

import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_removable_handle_semantics(lib):
    RH = lib.utils.hooks.RemovableHandle
    hooks, extra = OrderedDict(), OrderedDict()
    h1 = RH(hooks, extra_dict=extra)
    h2 = RH(hooks, extra_dict=[extra])
    assert h2.id == h1.id + 1
    hooks[h1.id] = hooks[h2.id] = extra[h1.id] = extra[h2.id] = "hook"
    h1.remove()
    h1.remove()                                  # twice is harmless
    assert list(hooks) == [h2.id] and list(extra) == [h2.id]
    with h2:
        pass
    assert not hooks and not extra
    h3 = pickle.loads(pickle.dumps(RH(hooks)))
    assert RH(hooks).id > h3.id


def test_every_hook_owner_returns_the_same_handle_class():
    RH = ember.utils.hooks.RemovableHandle
    m = ember.nn.Linear(2, 2)
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    handles = [m.register_forward_hook(lambda *a: None),
               m.register_full_backward_hook(lambda *a: None),
               ember.nn.modules.module.register_module_forward_hook(lambda *a: None),
               x.register_hook(lambda g: g), y.register_hook(lambda g: g),
               y.grad_fn.register_hook(lambda *a: None),
               x.register_post_accumulate_grad_hook(lambda p: None),
               opt.register_step_pre_hook(lambda *a: None)]
    assert all(type(h) is RH for h in handles)
    for h in handles:
        h.remove()
    assert not m._forward_hooks and not m._backward_hooks
    assert not ember.nn.modules.module._has_global_hooks[0]


def test_tensor_hook_removal_matches_torch():
    out = []
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        h = x.register_hook(lambda g: g * 3)
        (x * 2).sum().backward()
        first = x.grad.tolist()
        h.remove()
        x.grad = None
        (x * 2).sum().backward()
        out.append((first, x.grad.tolist()))
    assert out[0] == out[1]


def test_backward_hook_class_is_shared():
    from ember.nn.modules import module
    assert module.BackwardHook is ember.utils.hooks.BackwardHook
    seen = []
    m = ember.nn.Linear(2, 2)
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((len(gi), len(go))))
    m(ember.ones(1, 2, requires_grad=True)).sum().backward()
    assert seen == [(1, 1)]
