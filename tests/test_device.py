"""Device semantics, checked on the NumPy-backed fake CUDA backend (CI has no GPU)."""
import pytest

import ember
from ember import _backend

torch = pytest.importorskip("torch")


@pytest.fixture
def fake_cuda():
    prev = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(True)
    yield
    _backend.enable_fake_cuda(prev)


def test_device_objects_match_torch():
    for spec in ["cpu", "cuda", "cuda:1", "meta"]:
        assert repr(ember.device(spec)) == repr(torch.device(spec))
        assert str(ember.device(spec)) == str(torch.device(spec))
    assert ember.device("cuda", 1) == ember.device("cuda:1")
    for other in ["cpu", "npu", "cuda:0", 0, None]:
        assert (ember.device("cpu") == other) == (torch.device("cpu") == other)
        assert (ember.device("cpu") != other) == (torch.device("cpu") != other)
    with pytest.raises(RuntimeError) as et:
        torch.device("gpu")
    with pytest.raises(RuntimeError) as ee:
        ember.device("gpu")
    assert str(ee.value) == str(et.value)


def test_placement_and_copies(fake_cuda):
    x = ember.tensor([1.0, 2.0])
    y = x.to("cuda")
    assert str(y.device) == "cuda:0" and y.is_cuda and not x.is_cuda
    assert y.get_device() == 0 and x.get_device() == -1
    y.add_(1)
    assert x.tolist() == [1.0, 2.0]           # .to copies across devices
    assert y.cpu().tolist() == [2.0, 3.0]
    z = ember.zeros(2, device="cuda:1")
    assert str(z.device) == "cuda:1"
    assert (y + y).device == y.device
    assert x.cuda().device == ember.device("cuda:0")


def test_mixed_device_error(fake_cuda):
    a = ember.ones(2, device="cuda")
    b = ember.ones(2)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        a + b
    # a 0-d CPU tensor may be combined with a tensor on any device, as in PyTorch
    assert (a * ember.tensor(2.0)).device == a.device


def test_numpy_on_cuda_raises_torch_type_error(fake_cuda):
    a = ember.ones(2, device="cuda")
    with pytest.raises(TypeError) as e:
        a.numpy()
    assert str(e.value) == ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() "
                            "to copy the tensor to host memory first.")


def test_grad_flows_across_devices(fake_cuda):
    x = ember.ones(3, requires_grad=True)
    y = (x.to("cuda") * 2).sum()
    y.backward()
    assert x.grad.device == ember.device("cpu")
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_cuda_unavailable_without_backend():
    prev = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(False)
    try:
        from ember._backend import cuda_probe
        if cuda_probe.device_count() == 0:
            with pytest.raises(AssertionError, match="not compiled with CUDA"):
                ember.ones(1, device="cuda")
    finally:
        _backend.enable_fake_cuda(prev)
