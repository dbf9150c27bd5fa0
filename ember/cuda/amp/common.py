"""``torch.cuda.amp.common``."""

__all__ = ["amp_definitely_not_available"]


def amp_definitely_not_available():
    """True when CUDA autocast cannot run (no CUDA device)."""
    from ... import cuda
    return not cuda.is_available()
