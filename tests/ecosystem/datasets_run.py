"""Hugging Face datasets 5.2 in PyTorch format: a dataset built from Python data (and from
tensors), `map` in batches, `with_format("torch")` columns, a DataLoader over it, a
train/test split, and `set_transform`."""
import torch
from datasets import Dataset

from _common import report

ds = Dataset.from_dict({"x": [[i * 0.5, i * 2.0] for i in range(12)], "y": list(range(12)),
                        "name": [f"n{i}" for i in range(12)]})
ds = ds.map(lambda rows: {"z": [v * 3 for v in rows["y"]]}, batched=True, batch_size=5)
torch_ds = ds.with_format("torch", columns=["x", "y", "z"])
first = torch_ds[0]
report("format", sorted(first), str(first["x"].dtype), str(first["y"].dtype),
       torch_ds["z"][:4].tolist(), list(torch_ds[:3]["x"].shape))
batch = next(iter(torch.utils.data.DataLoader(torch_ds, batch_size=5)))
report("loader", list(batch["x"].shape), batch["x"].sum().item(), batch["z"].tolist())
split = ds.train_test_split(test_size=0.25, seed=0).with_format("torch", columns=["x"])
report("split", len(split["train"]), len(split["test"]), split["test"][:]["x"].sum().item())
images = Dataset.from_dict({"img": [torch.arange(4.0).reshape(2, 2) * i for i in range(3)]})
images.set_transform(lambda rows: {"img": [torch.tensor(v).flip(0) for v in rows["img"]]})
report("transform", images[2]["img"].tolist())
