"""``torch.ao.nn.qat``: float modules whose weights are fake-quantized (what
``prepare_qat`` swaps in)."""
from .modules import Conv1d, Conv2d, Conv3d, Linear  # noqa: F401
