"""``Tensor.grad_dtype`` (torch 2.13) and the ``.grad`` assignment checks, against torch."""
import torch

import ember


def _transcript(lib):
    out = []

    def attempt(fn):
        try:
            value = fn()
            out.append(str(value) if not isinstance(value, lib.Tensor) else
                       (str(value.dtype), value.tolist()))
        except RuntimeError as e:
            out.append(f"RuntimeError: {e}")

    x = lib.ones(3, requires_grad=True)
    attempt(lambda: x.grad_dtype)
    x.grad_dtype = lib.float64
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    attempt(lambda: x.grad)
    y = x * 2
    attempt(lambda: y.grad_dtype)
    attempt(lambda: setattr(x, "grad_dtype", lib.int64))
    x.grad = None
    x.grad_dtype = lib.float16
    (x * 2).sum().backward()
    attempt(lambda: x.grad)
    attempt(lambda: setattr(x, "grad_dtype", lib.float32))
    z = lib.ones(2)
    z.grad_dtype = None
    attempt(lambda: z.grad_dtype)
    w = lib.ones(2, requires_grad=True)
    w.grad_dtype = None
    w.grad = lib.ones(2, dtype=lib.float64)
    attempt(lambda: w.grad)
    v = lib.ones(2, requires_grad=True)
    for g in (lib.ones(3), lib.ones(2, dtype=lib.float64), lib.ones(3, dtype=lib.int64),
              lib.ones(2, device="meta"), lib.ones(2, dtype=lib.bfloat16),
              lib.ones(2, dtype=lib.complex64)):
        attempt(lambda: setattr(v, "grad", g))
    p = lib.nn.Parameter(lib.ones(2))
    p.grad_dtype = lib.float64
    (p * p).sum().backward()
    attempt(lambda: p.grad)

    class Double(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            return g.double()
    for grad_dtype in ("default", None, lib.float16):
        t = lib.ones(3, requires_grad=True)
        if grad_dtype != "default":
            t.grad_dtype = grad_dtype
        Double.apply(t).sum().backward()
        attempt(lambda: t.grad)
    return out


def test_grad_dtype_as_torch():
    assert _transcript(ember) == _transcript(torch)
