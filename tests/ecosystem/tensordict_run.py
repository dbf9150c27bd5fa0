"""tensordict 0.15: TensorDict (nested keys, batch dims, indexing, arithmetic, apply, torch.cat /
torch.stack through ``__torch_function__``), tensorclass, and TensorDictModule /
TensorDictSequential training a small network."""
import torch
from tensordict import TensorDict, tensorclass
from tensordict.nn import TensorDictModule, TensorDictSequential

from _common import deterministic_, inputs, report

td = TensorDict({"a": inputs(2, 3), "b": {"c": torch.ones(2, 4)}}, batch_size=[2])
report("keys", sorted(map(str, td.keys(include_nested=True))), tuple(td.batch_size))
report("get", td["a"].tolist(), tuple(td.get(("b", "c")).shape))
report("arith", (td * 2)["a"].tolist(), (td + td)["b", "c"].sum().item())
report("index", td[0]["a"].tolist(), tuple(td[1:]["b", "c"].shape))
report("apply", td.apply(lambda x: x + 1)["b", "c"].sum().item())
report("flatten", sorted(td.flatten_keys(".").keys()))
td.set("d", torch.zeros(2, 1))
report("to", td.to(torch.float64)["a"].dtype, [t["a"].tolist() for t in td.unbind(0)])
report("reshape", tuple(td.reshape(1, 2).batch_size), td.sum()["a"].item())
report("select", sorted(td.select("a").keys()), sorted(td.exclude("b", "d").keys()))
report("cat", tuple(torch.cat([td, td], 0).batch_size),
       torch.cat([td, td], 0)["a"].sum().item())
stacked = torch.stack([td, td], 0)
report("stack", tuple(stacked.batch_size), stacked["b", "c"].shape)
report("dict", sorted(TensorDict.from_dict({"x": torch.ones(3)}).keys()),
       sorted(td.to_dict().keys()))


@tensorclass
class Batch:
    images: torch.Tensor
    labels: torch.Tensor


batch = Batch(images=inputs(4, 3), labels=torch.tensor([0, 1, 1, 0]), batch_size=[4])
report("tensorclass", type(batch[1:]).__name__, batch[1:].images.shape, batch[0].labels.item())

net = TensorDictSequential(
    TensorDictModule(torch.nn.Linear(3, 8), in_keys=["x"], out_keys=["hidden"]),
    TensorDictModule(torch.nn.Tanh(), in_keys=["hidden"], out_keys=["hidden"]),
    TensorDictModule(torch.nn.Linear(8, 2), in_keys=["hidden"], out_keys=["logits"]))
deterministic_(net)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
data = TensorDict({"x": inputs(6, 3), "y": torch.tensor([0, 1, 0, 1, 1, 0])}, batch_size=[6])
for step in range(3):
    opt.zero_grad()
    out = net(data.clone())
    loss = torch.nn.functional.cross_entropy(out["logits"], out["y"])
    loss.backward()
    opt.step()
    report("train step", step, loss.item(), sorted(out.keys()))
