"""``torch.cpu.amp.grad_scaler``."""
from ...amp._deprecated import cpu_grad_scaler as GradScaler  # noqa: F401
