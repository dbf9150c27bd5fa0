"""``torch.nn.LinearCrossEntropyOptions``: how ``F.linear_cross_entropy`` may chunk its work.

Torch uses them to trade memory for speed; ember always evaluates the reference formula
(``cross_entropy(linear(...))``), whose values and gradients the chunked paths equal, and keeps
the options only so that code passing them runs unchanged."""
from dataclasses import dataclass
from typing import Any, Optional

__all__ = ["LinearCrossEntropyOptions"]


@dataclass
class LinearCrossEntropyOptions:
    allow_retain_graph: bool = False
    batch_chunk_size: Optional[int] = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: Optional[Any] = None
