"""``torch.jit.annotations``: the typing names TorchScript code imports from here, and the
``BroadcastingList`` annotations (``BroadcastingList2[int]`` reads as ``List[int]``: a value
or a list of that many values)."""
from typing import Any, Callable, Dict, List, Optional, Tuple, Union  # noqa: F401


class _BroadcastingList:
    def __getitem__(self, types):
        return List[types]


BroadcastingList1 = BroadcastingList2 = BroadcastingList3 = _BroadcastingList()

__all__ = ["Any", "Callable", "Dict", "List", "Optional", "Tuple", "Union", "BroadcastingList1",
           "BroadcastingList2", "BroadcastingList3"]
