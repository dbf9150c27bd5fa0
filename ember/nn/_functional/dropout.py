"""nn.functional: dropout variants."""
__all__ = []
