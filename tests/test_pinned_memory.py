"""Pinned host memory: without an accelerator every entry point behaves as a CPU-only PyTorch
(same errors and warning); with the fake CUDA backend, pinned tensors, views of them, the
factories' ``pin_memory=True`` and ``DataLoader(pin_memory=True)``."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

FACTORIES = [
    lambda L: L.ones(2).pin_memory(),
    lambda L: L.zeros(2, pin_memory=True),
    lambda L: L.empty(3, pin_memory=True),
    lambda L: L.full((2,), 1.0, pin_memory=True),
    lambda L: L.tensor([1.0], pin_memory=True),
    lambda L: L.rand(2, pin_memory=True),
    lambda L: L.randn(2, pin_memory=True),
    lambda L: L.randint(3, (2,), pin_memory=True),
    lambda L: L.randperm(3, pin_memory=True),
    lambda L: L.empty_strided((2,), (1,), pin_memory=True),
    lambda L: L.hann_window(4, pin_memory=True),
    lambda L: L.ones(2).new_zeros(3, pin_memory=True),
]


@pytest.fixture
def no_accelerator(monkeypatch):
    from ember import _backend
    monkeypatch.setattr(_backend, "_fake_cuda", [False])
    if ember.cuda.is_available():
        pytest.skip("a real GPU is present")


@pytest.mark.parametrize("make", FACTORIES)
def test_without_accelerator_errors_like_torch(make, no_accelerator):
    with pytest.raises(RuntimeError) as theirs:
        make(torch)
    with pytest.raises(RuntimeError) as ours:
        make(ember)
    assert str(ours.value) == str(theirs.value)


def test_without_accelerator_nothing_is_pinned_and_the_loader_warns(no_accelerator):
    assert ember.ones(2).is_pinned() is torch.ones(2).is_pinned() is False
    messages = []
    for lib in (torch, ember):
        data = lib.utils.data.TensorDataset(lib.arange(4.0).reshape(4, 1))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            batch = next(iter(lib.utils.data.DataLoader(data, batch_size=2, pin_memory=True)))
        assert not batch[0].is_pinned()
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and messages[0]


def test_pinned_tensors_on_the_fake_accelerator(fake_cuda):
    a = ember.arange(6.0).reshape(2, 3)
    p = a.pin_memory()
    assert p.is_pinned() and not a.is_pinned() and ember.equal(p, a)
    assert p.pin_memory() is p
    assert p[1].is_pinned() and p.t().is_pinned() and not (p + 1).is_pinned()
    assert not np.shares_memory(p.numpy(), a.numpy())
    assert ember.equal(p.to("cuda", non_blocking=True).cpu(), a)
    with pytest.raises(RuntimeError, match="only dense CPU tensors can be pinned"):
        ember.ones(2, device="cuda").pin_memory()
    assert not ember.ones(2, device="cuda").is_pinned()


@pytest.mark.parametrize("make", FACTORIES)
def test_factories_pin_on_the_fake_accelerator(make, fake_cuda):
    t = make(ember)
    assert t.is_pinned() and t.device.type == "cpu"


def test_pinned_leaf_keeps_requires_grad_and_gradients_pass_through(fake_cuda):
    z = ember.zeros(3, pin_memory=True, requires_grad=True)
    assert z.is_pinned() and z.is_leaf and z.requires_grad
    x = ember.ones(2, requires_grad=True)
    y = x.pin_memory()
    assert type(y.grad_fn).__name__ == "PinMemoryBackward0"
    (y * ember.tensor([2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [2.0, 3.0]


def test_dataloader_pins_every_tensor_in_the_batch(fake_cuda):
    class Pairs(ember.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"x": ember.full((2,), float(i)), "y": (ember.tensor(i), "label")}

    loader = ember.utils.data.DataLoader(Pairs(), batch_size=2, pin_memory=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches = list(loader)
    for b in batches:
        assert b["x"].is_pinned() and b["y"][0].is_pinned() and b["y"][1] == ["label"] * 2
    assert batches[1]["x"].tolist() == [[2.0, 2.0], [3.0, 3.0]]
