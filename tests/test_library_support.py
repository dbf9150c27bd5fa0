"""Small pieces of torch's surface that libraries (torch_geometric) reach for, compared with
torch 2.13: ATen-only operators under ``torch.ops.aten``, ``torch.distributed.rpc`` on a build
without RPC, ``torch.jit._overload``, ``torch._tensor_str._tensor_str``, and ``jit.script`` of a
dataclass annotated with ``Tensor`` under the runner."""
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

_DATA = np.arange(24, dtype=np.float32).reshape(4, 6) / 7


def _same(e, t):
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.numpy(), t.numpy())


@pytest.mark.parametrize("call", [
    lambda m, x: m.ops.aten._to_copy.default(x, dtype=m.float64),
    lambda m, x: m.ops.aten._to_copy(x),
    lambda m, x: m.ops.aten.slice.Tensor(x, 1, 1, 5, 2),
    lambda m, x: m.ops.aten.slice.Tensor(x, -1, -3),
    lambda m, x: m.ops.aten.slice.Tensor(x),
    lambda m, x: m.ops.aten.index.Tensor(x, [m.tensor([0, 2])]),
    lambda m, x: m.ops.aten.index.Tensor(x, [None, m.tensor([1, 1, 5])]),
    lambda m, x: m.ops.aten.alias.default(x),
    lambda m, x: m.ops.aten.add_.Tensor(x.clone(), x),
    lambda m, x: m.ops.aten.sub_.Tensor(x.clone(), x, alpha=2),
    lambda m, x: m.ops.aten.mul_(x.clone(), 3),
])
def test_aten_only_operators_compute_as_torch(call):
    _same(call(ember, ember.tensor(_DATA)), call(torch, torch.tensor(_DATA)))


def test_aten_alias_and_in_place_share_memory_as_torch():
    for m in (ember, torch):
        x = m.tensor(_DATA)
        m.ops.aten.alias.default(x)[0, 0] = 100.0
        y = m.ops.aten.add_.Tensor(x, 1)
        assert y is x and x[0, 0].item() == 101.0


def test_unknown_aten_names_still_raise_attribute_error():
    for m in (ember, torch):
        with pytest.raises(AttributeError, match="no attribute 'no_such_op'"):
            m.ops.aten.no_such_op
        with pytest.raises(AttributeError):
            m.ops.aten.no_such_op_


def test_distributed_rpc_is_a_build_without_rpc():
    import ember.distributed.rpc as rpc
    assert rpc.is_available() is False and not hasattr(rpc, "api")


def test_jit_overload_declarations_leave_the_function():
    def f(x: int) -> int:
        ...
    assert ember.jit._overload(f) is f and ember.jit._overload_method(f) is f
    assert torch.jit._overload(f) is f


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([[1.0, 2.5], [3, 4]]), lambda m: m.arange(3), lambda m: m.tensor(3.0),
    lambda m: m.tensor([]), lambda m: m.arange(2000.0).reshape(40, 50),
    lambda m: m.tensor([True, False]), lambda m: m.tensor([1e-8, 1e8])])
@pytest.mark.parametrize("indent", [0, 4])
def test_tensor_str_helper_as_torch(make, indent):
    from ember._tensor_str import _tensor_str
    from torch._tensor_str import _tensor_str as torch_tensor_str
    assert _tensor_str(make(ember), indent) == torch_tensor_str(make(torch), indent)


@pytest.mark.slow
def test_script_of_a_dataclass_with_tensor_fields_under_the_runner(tmp_path):
    script = tmp_path / "scripted_dataclass.py"
    script.write_text(textwrap.dedent("""
        from dataclasses import dataclass
        from typing import Optional

        import torch
        from torch import Tensor


        @dataclass(init=False)
        class Output:
            index: Tensor
            count: int
            weight: Optional[Tensor] = None

            def __init__(self, index: Tensor, count: int, weight: Optional[Tensor] = None):
                self.index, self.count, self.weight = index, count, weight


        Output = torch.jit.script(Output)
        print(Output(torch.arange(3), 3).index.tolist())
    """))
    root = pathlib.Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "ember.run", str(script)], capture_output=True,
                          text=True, timeout=120, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[0, 1, 2]"


def test_dispatch_modes_are_entered_and_left():
    """Libraries define TorchDispatchMode subclasses at import and enter them (the calls they
    see are checked against torch in tests/test_torch_dispatch.py)."""
    from ember.utils import _python_dispatch as pd

    class Counter(pd.TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))
    with Counter() as mode:
        assert pd.is_in_torch_dispatch_mode() and pd._get_current_dispatch_mode() is mode
    assert not pd.is_in_torch_dispatch_mode() and pd._get_current_dispatch_mode() is None
    assert torch.utils._python_dispatch.is_in_torch_dispatch_mode() is False
