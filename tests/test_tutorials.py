"""PyTorch's "Tensors" and "Automatic differentiation" tutorials, run unmodified under torch and
under ``import ember as torch``: the printed output must be identical.

The random factories are routed, in both libraries, to the same NumPy stream so that the
printed random tensors can be compared (Ember does not reproduce torch's RNG bit for bit);
object addresses in reprs are normalised.
"""
import contextlib
import io
import re

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

TENSORS_TUTORIAL = '''
import torch
import numpy as np
data = [[1, 2],[3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data) # retains the properties of x_data
print(f"Ones Tensor: \\n {x_ones} \\n")
x_rand = torch.rand_like(x_data, dtype=torch.float) # overrides the datatype of x_data
print(f"Random Tensor: \\n {x_rand} \\n")
shape = (2,3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Random Tensor: \\n {rand_tensor} \\n")
print(f"Ones Tensor: \\n {ones_tensor} \\n")
print(f"Zeros Tensor: \\n {zeros_tensor}")
tensor = torch.rand(3,4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:,1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(y1, y2, y3, z1, z2, z3)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \\n")
tensor.add_(5)
print(tensor)
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
'''

AUTOGRAD_TUTORIAL = '''
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w)+b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
'''


@contextlib.contextmanager
def shared_random(lib):
    """Route lib.rand/randn/rand_like to one NumPy stream (same values for both libraries)."""
    rng = np.random.default_rng(0)
    saved = {name: getattr(lib, name) for name in ("rand", "randn", "rand_like")}

    def shape_of(size):
        return tuple(size[0]) if len(size) == 1 and not isinstance(size[0], int) else size

    def rand(*size, requires_grad=False, dtype=None, **kw):
        t = lib.tensor(rng.random(shape_of(size)), dtype=dtype or lib.float32)
        return t.requires_grad_(requires_grad)

    def randn(*size, requires_grad=False, dtype=None, **kw):
        t = lib.tensor(rng.standard_normal(shape_of(size)), dtype=dtype or lib.float32)
        return t.requires_grad_(requires_grad)

    def rand_like(t, dtype=None, **kw):
        return rand(*t.shape, dtype=dtype or t.dtype)

    lib.rand, lib.randn, lib.rand_like = rand, randn, rand_like
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(lib, name, fn)


def run_script(src, lib):
    import sys
    out = io.StringIO()
    saved = sys.modules.get("torch")
    sys.modules["torch"] = lib
    try:
        with shared_random(lib), contextlib.redirect_stdout(out):
            exec(compile(src, "<tutorial>", "exec"), {"__name__": "__tutorial__"})
    finally:
        sys.modules["torch"] = saved
    return re.sub(r" at 0x[0-9a-f]+", " at 0x?", out.getvalue())


@pytest.mark.parametrize("src", [TENSORS_TUTORIAL, AUTOGRAD_TUTORIAL],
                         ids=["tensors", "autograd"])
def test_tutorial_output_identical(src):
    expected = run_script(src, torch)
    got = run_script(src, ember)
    assert got == expected
