"""nn.functional: activations (relu, gelu, silu, softmax wrappers, ...)."""
__all__ = []
