"""Resetting gradients, shared by ``Module.zero_grad`` and ``Optimizer.zero_grad``."""


def zero_grads(params, set_to_none=True):
    """Drop (``set_to_none``) or zero in place each parameter's ``.grad``, as PyTorch does."""
    for p in params:
        g = p._grad
        if g is None:
            continue
        if set_to_none:
            p._grad = None
        else:
            if g._grad_fn is not None:
                g.detach_()
            else:
                g.requires_grad_(False)
            g.zero_()
