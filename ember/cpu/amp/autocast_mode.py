"""``torch.cpu.amp.autocast_mode``."""
from ...amp._deprecated import cpu_autocast as autocast  # noqa: F401
