"""nn.functional: convolutions, unfold/fold."""
__all__ = []
