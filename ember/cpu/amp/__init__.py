"""``torch.cpu.amp``: PyTorch's deprecated spellings of ``torch.amp``'s names for cpu."""
from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["autocast", "GradScaler"]
