"""skorch 1.4 (a classifier: fit, predict_proba, scikit-learn cross-validation, save_params)
and accelerate 1.16 (prepare, backward, gradient clipping, save_state / load_state)."""
import os
import tempfile

import numpy as np
import torch
from accelerate import Accelerator
from sklearn.model_selection import cross_val_score
from skorch import NeuralNetClassifier

from _common import deterministic_, inputs, report

X = inputs(200, 10).numpy()
y = (X[:, 0] * 3 + X[:, 3] > 0.5).astype(np.int64)


class Classifier(torch.nn.Module):
    def __init__(self, hidden=16):
        super().__init__()
        self.l1, self.l2 = torch.nn.Linear(10, hidden), torch.nn.Linear(hidden, 2)
        deterministic_(self)

    def forward(self, X):
        return torch.softmax(self.l2(torch.relu(self.l1(X))), dim=-1)


def classifier(epochs):
    return NeuralNetClassifier(Classifier, max_epochs=epochs, lr=0.1, verbose=0,
                               train_split=None, iterator_train__shuffle=False)


net = classifier(5).fit(X, y)
report("skorch losses", [h["train_loss"] for h in net.history])
report("skorch proba", net.predict_proba(X[:3]).tolist())
report("skorch cross_val_score", cross_val_score(classifier(3), X, y, cv=3).tolist())
with tempfile.TemporaryDirectory() as tmp:
    net.save_params(f_params=os.path.join(tmp, "params.pt"))
    again = classifier(1).initialize()
    again.load_params(f_params=os.path.join(tmp, "params.pt"))
    report("skorch load_params", again.predict_proba(X[:2]).tolist())

acc = Accelerator(cpu=True)
model = deterministic_(torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.GELU(),
                                           torch.nn.Linear(16, 1)))
opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
xs = inputs(64, 8)
ys = xs.sum(1, keepdim=True).sin()
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(xs, ys), batch_size=16)
sched = torch.optim.lr_scheduler.StepLR(opt, 2)
model, opt, loader, sched = acc.prepare(model, opt, loader, sched)
for epoch in range(3):
    for xb, yb in loader:
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        acc.backward(loss)
        acc.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
    report("accelerate epoch", epoch, loss.item())
with tempfile.TemporaryDirectory() as tmp:
    acc.save_state(tmp)
    acc.load_state(tmp)
report("accelerate state", str(acc.device), acc.num_processes, list(acc.gather(loss.detach()).shape))
