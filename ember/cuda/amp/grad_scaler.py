"""``torch.cuda.amp.grad_scaler``."""
from ...amp._deprecated import cuda_grad_scaler as GradScaler  # noqa: F401
