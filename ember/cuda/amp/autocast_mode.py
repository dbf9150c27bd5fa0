"""``torch.cuda.amp.autocast_mode``."""
from ...amp._deprecated import cuda_autocast as autocast  # noqa: F401
from ...amp._deprecated import cuda_custom_bwd as custom_bwd  # noqa: F401
from ...amp._deprecated import cuda_custom_fwd as custom_fwd  # noqa: F401
