"""Lightning 2.6: Trainer(max_epochs=2) fit / validate / predict on CPU with checkpointing,
then resume from the last checkpoint for a third epoch."""
import os
import tempfile
import warnings

import torch
import lightning as L
from torch.utils.data import DataLoader, TensorDataset

from _common import deterministic_, inputs, report

warnings.filterwarnings("ignore")


class Regressor(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Tanh(),
                                       torch.nn.Linear(16, 1))
        deterministic_(self.net)

    def training_step(self, batch, _):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, _):
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.net(x), y))

    def predict_step(self, batch, _):
        return self.net(batch[0])

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


x = inputs(64, 8)
y = (x.sum(1, keepdim=True) * 0.3).tanh()
data = TensorDataset(x, y)
train = DataLoader(data, batch_size=16)
val = DataLoader(data, batch_size=32)
kwargs = dict(accelerator="cpu", devices=1, logger=False, enable_progress_bar=False,
              enable_model_summary=False, num_sanity_val_steps=0)
with tempfile.TemporaryDirectory() as root:
    model = Regressor()
    trainer = L.Trainer(max_epochs=2, default_root_dir=root, **kwargs)
    trainer.fit(model, train, val)
    report("fit metrics:", {k: round(float(v), 6) for k, v in sorted(trainer.callback_metrics.items())})
    report("validate:", [{k: round(v, 6) for k, v in r.items()} for r in trainer.validate(model, val, verbose=False)])
    preds = trainer.predict(model, DataLoader(TensorDataset(x[:4]), batch_size=2))
    report("predict:", [round(float(v), 6) for v in torch.cat(preds).flatten()])
    ckpts = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".ckpt")]
    report("checkpoints:", [os.path.basename(c) for c in ckpts])
    resumed = L.Trainer(max_epochs=3, default_root_dir=root, **kwargs)
    again = Regressor()
    resumed.fit(again, train, val, ckpt_path=ckpts[0])
    report("resumed epoch:", resumed.current_epoch, "global step:", resumed.global_step)
    report("resumed metrics:", {k: round(float(v), 6) for k, v in sorted(resumed.callback_metrics.items())})
