"""nn.functional: linear, bilinear, identity-like helpers."""
__all__ = []
