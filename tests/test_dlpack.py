"""DLPack exchange against PyTorch and NumPy: values, dtypes, shapes, strides, shared memory,
capsule kinds and the errors, both ways."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64",
          "bool", "complex64", "complex128"]


def _source(dtype, shape, strided):
    rng = np.random.default_rng(0)
    base = torch.from_numpy(rng.standard_normal((6, 8)) * 4)
    base = base.to(getattr(torch, dtype)) if dtype != "bool" else base > 0
    t = base[::2, 1::3] if strided else base[:shape[0], :shape[1]] if shape else base[0, 0]
    return t if not shape or strided else t.contiguous()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layout", ["contiguous", "strided", "0-d", "empty"])
def test_torch_to_ember_and_back(dtype, layout):
    shape = {"contiguous": (3, 5), "strided": (3, 3), "0-d": (), "empty": (0, 4)}[layout]
    t = _source(dtype, shape, layout == "strided")
    if layout == "empty":
        t = t[:0, :4]
    e = ember.from_dlpack(t)
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    back = torch.from_dlpack(e)
    assert back.dtype == t.dtype and torch.equal(back, t)
    if t.numel():       # (an empty tensor's strides are not kept by NumPy)
        assert tuple(e.stride()) == tuple(t.stride()) == back.stride()
        assert back.data_ptr() == t.data_ptr()


@pytest.mark.parametrize("dtype", DTYPES)
def test_ember_to_torch_values_and_shared_memory(dtype):
    t = _source(dtype, (4, 6), False)
    e = ember.tensor(t.numpy() if dtype != "bfloat16" else t.float().numpy(),
                     dtype=getattr(ember, dtype))
    out = torch.from_dlpack(e)
    assert torch.equal(out, t)
    out.view(-1)[0] = out.view(-1)[1]      # writes land in Ember's tensor
    assert torch.equal(torch.from_dlpack(e).view(-1)[0], t.view(-1)[1])


def test_memory_is_shared_both_ways_and_copy_breaks_it():
    t = torch.zeros(2, 3)
    e = ember.from_dlpack(t)
    t[0, 1] = 5
    assert float(e[0, 1]) == 5
    e.add_(1)
    assert float(t[1, 2]) == 1
    c = ember.from_dlpack(t, copy=True)
    t.fill_(-1)
    assert float(c[0, 1]) == 6


def test_numpy_and_ember_producers():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    e = ember.from_dlpack(a)
    assert e.stride() == (4, 2) and e.tolist() == a.tolist()
    assert np.from_dlpack(e) is not None and np.shares_memory(np.from_dlpack(e), a)
    same = ember.from_dlpack(e)
    assert same is not e and same.data_ptr() == e.data_ptr()


def test_capsules():
    e = ember.arange(4.0)
    legacy = ember.utils.dlpack.to_dlpack(e)
    assert "dltensor" in repr(legacy) and "versioned" not in repr(legacy)
    assert "dltensor_versioned" in repr(e.__dlpack__(max_version=(1, 0)))
    assert torch.equal(torch.from_dlpack(legacy), torch.arange(4.0))
    with pytest.raises(RuntimeError) as theirs:
        torch.from_dlpack(legacy)
    with pytest.raises(RuntimeError) as ours:
        ember.from_dlpack(legacy)
    assert str(ours.value) == str(theirs.value)
    twice = torch.utils.dlpack.to_dlpack(torch.ones(2))
    assert ember.from_dlpack(twice).tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="consumed only once"):
        ember.from_dlpack(twice)


def test_device_and_errors_match_torch():
    e, t = ember.ones(2), torch.ones(2)
    assert e.__dlpack_device__() == t.__dlpack_device__()
    assert [(m.name, m.value) for m in ember.utils.dlpack.DLDeviceType] == \
        [(m.name, m.value) for m in torch.utils.dlpack.DLDeviceType]
    for ours, theirs in [(lambda: ember.ones(2, requires_grad=True).__dlpack__(),
                          lambda: torch.ones(2, requires_grad=True).__dlpack__()),
                         (lambda: ember.from_dlpack(object()),
                          lambda: torch.from_dlpack(object()))]:
        with pytest.raises(Exception) as a:
            ours()
        with pytest.raises(Exception) as b:
            theirs()
        assert type(a.value) is type(b.value) and str(a.value) == str(b.value)


def test_readonly_numpy_array_is_shared_as_from_numpy_does():
    a = np.arange(3.0)
    a.flags.writeable = False
    e = ember.from_dlpack(a)
    assert e.tolist() == [0.0, 1.0, 2.0] and np.shares_memory(e.numpy(), a)


def test_runner_module_paths():
    import ember.utils.dlpack as d
    assert ember.from_dlpack is d.from_dlpack and ember.to_dlpack is d.to_dlpack


@pytest.mark.slow
def test_new_modules_import_from_torch_paths_under_the_runner(tmp_path):
    """What this round added imports from torch's / torchvision's module paths under the
    runner, as real code imports it."""
    import subprocess
    import sys
    script = tmp_path / "paths.py"
    script.write_text(
        "from torch.utils.dlpack import from_dlpack, to_dlpack, DLDeviceType\n"
        "from torch.utils.data._utils.pin_memory import pin_memory\n"
        "from torch.utils.data._utils.collate import default_collate, default_convert\n"
        "from torch.sparse import mm, addmm, sum\n"
        "from torch.special import airy_ai\n"
        "from torchvision.models.video import r3d_18, R3D_18_Weights\n"
        "from torchvision.models.optical_flow import raft_small\n"
        "from torchvision.transforms.v2 import JPEG\n"
        "from torch._dynamo import reset\n"
        "from torch.compiler import is_compiling\n"
        "import torch\n"
        "print(type(torch.from_dlpack(torch.ones(2))).__name__, callable(torch.sparse_coo_tensor))\n")
    out = subprocess.run([sys.executable, "-m", "ember.run", str(script)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["Tensor", "True"]
