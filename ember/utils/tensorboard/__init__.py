"""``torch.utils.tensorboard``: ``SummaryWriter``, writing TensorBoard's event files."""
from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
