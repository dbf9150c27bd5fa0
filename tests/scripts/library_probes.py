"""Module-level code that libraries run at import: a dataclass scripted with ``torch.jit.script``
(annotated with ``torch.Tensor``), ``torch.jit._overload`` declarations, the private tensor
printer, ``torch.distributed.rpc`` probing, and handlers keyed by ``torch.ops.aten`` overloads."""
from dataclasses import dataclass

import torch
from torch._tensor_str import _tensor_str
from torch.distributed import rpc


@dataclass(init=False)
class Selection:
    index: torch.Tensor
    count: int

    def __init__(self, index: torch.Tensor, count: int):
        self.index = index
        self.count = count


Selection = torch.jit.script(Selection)
print(Selection(torch.arange(3), 3).count)


@torch.jit._overload
def pick(x: int) -> int:
    ...


def pick(x):
    return x + 1


print(pick(1), callable(rpc.is_available))
print(_tensor_str(torch.arange(6.0).view(2, 3) / 7, indent=3))
print(_tensor_str(torch.tensor([], dtype=torch.long), indent=0))
HANDLERS = {torch.ops.aten.add.Tensor: "add", torch.ops.aten.sort.default: "sort",
            torch.ops.aten.sort.stable: "stable sort", torch.ops.aten._to_copy.default: "copy"}
print(sorted(HANDLERS.values()), HANDLERS[torch.ops.aten.sort.stable])
print(torch.ops.aten._to_copy.default(torch.arange(3), dtype=torch.float64))
