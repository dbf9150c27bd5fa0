"""nn.functional: max/avg/adaptive/lp pooling, max_unpool."""
__all__ = []
