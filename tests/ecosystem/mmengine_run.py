"""MMEngine 0.10: a BaseModel trained with an OptimWrapper, a Config, and the full Runner
(datasets and samplers from config dicts, SGD, a metric, train and validation loops, hooks,
logging and checkpoints in a work dir)."""
import tempfile

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.runner import Runner
from torch.utils.data import Dataset

from _common import deterministic_, inputs, report


def _stacked(v):
    return torch.stack(v) if isinstance(v, list) else v


class Net(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, inputs, labels=None, mode="tensor"):
        out = self.fc(_stacked(inputs))
        if mode == "loss":
            return {"loss": nn.functional.cross_entropy(out, _stacked(labels))}
        if mode == "predict":
            return out.argmax(1), labels
        return out


class Points(Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, i):
        return {"inputs": inputs(4, phase=float(i)), "labels": torch.tensor(i % 3)}


class Accuracy(BaseMetric):
    def process(self, data_batch, data_samples):
        pred, labels = data_samples
        self.results.append(((pred == torch.stack(labels)).sum().item(), len(labels)))

    def compute_metrics(self, results):
        return {"acc": sum(r[0] for r in results) / sum(r[1] for r in results)}


model = deterministic_(Net())
wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
batch = {"inputs": inputs(8, 4), "labels": torch.arange(8) % 3}
for step in range(3):
    report("train_step", step, model.train_step(batch, wrapper)["loss"].item())
cfg = Config(dict(model=dict(type="Net"), lr=0.1))
report("config", cfg.lr, cfg.model.type)

model = deterministic_(Net())
loader = dict(dataset=Points(), sampler=dict(type="DefaultSampler", shuffle=False),
              batch_size=4, num_workers=0)
runner = Runner(model=model, work_dir=tempfile.mkdtemp(), train_dataloader=loader,
                val_dataloader=dict(loader, batch_size=8), val_evaluator=dict(type=Accuracy),
                val_cfg=dict(), optim_wrapper=dict(optimizer=dict(type=torch.optim.SGD, lr=0.1)),
                train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
                default_hooks=dict(logger=dict(type="LoggerHook", interval=1)),
                randomness=dict(seed=0), env_cfg=dict(dist_cfg=dict(backend="gloo")))
runner.train()
report("runner weights", [p.sum().item() for p in model.parameters()])
report("runner val", runner.val_loop.run()["acc"])
