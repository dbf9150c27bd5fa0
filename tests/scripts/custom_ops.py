"""torch.library: a custom op defined in Python, called through torch.ops, with a gradient."""
import torch

@torch.library.custom_op('mylib::scale', mutates_args=())
def scale(x: torch.Tensor, k: float) -> torch.Tensor:
    return x * k

print(torch.ops.mylib.scale(torch.ones(2), 3.0), scale(torch.ones(2), 2.0), torch.ops.mylib.scale.default(torch.ones(1), 4.0))
try: torch.ops.mylib.nope
except Exception as e: print(type(e).__name__, e)
lib = torch.library.Library('mylib2', 'DEF'); lib.define('twice(Tensor x) -> Tensor'); lib.impl('twice', lambda x: x*2, 'CompositeExplicitAutograd'); print(torch.ops.mylib2.twice(torch.ones(1)))
print(torch.ops.aten.add.Tensor(torch.ones(1), torch.ones(1)), torch.ops.aten.relu(torch.ones(1)))
@scale.register_fake
def _(x, k): return torch.empty_like(x)
def bwd(ctx, g): return g * ctx.k, None
def setup(ctx, inputs, output): ctx.k = inputs[1]
scale.register_autograd(bwd, setup_context=setup)
x = torch.ones(2, requires_grad=True); y = scale(x, 3.0); y.sum().backward(); print(x.grad, type(y.grad_fn).__name__)
