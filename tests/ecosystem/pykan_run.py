"""pykan 0.2.8 (Kolmogorov-Arnold networks): B-spline KAN layers (a seeded init, as under
PyTorch), forward with saved activations, grid updates from samples, training with its own
LBFGS and with Adam (regularisation, grid updates during fit), pruning, and fixing an
activation to a symbolic function (a fit of its affine parameters).  Not run: ``refine``, whose
least-squares spline fit is rank-deficient here, where torch's LAPACK (gelsy) returns zeros."""
import os
import warnings

import torch
from kan import KAN

from _common import inputs, report

warnings.filterwarnings("ignore")
torch.manual_seed(0)
x = inputs(40, 2) * 2 - 1 + 0.3 * inputs(40, 2, phase=1.3)
y = (torch.sin(torch.pi * x[:, :1]) + x[:, 1:] ** 2)
dataset = {"train_input": x[:30], "train_label": y[:30],
           "test_input": x[30:], "test_label": y[30:]}

os.makedirs("model", exist_ok=True)  # its history log (the run's working folder is temporary)
model = KAN(width=[2, 3, 1], grid=4, k=3, seed=1, auto_save=False, ckpt_path="model")
out = model(x)
report("forward", out[:4, 0].tolist(), model.act_fun[0].grid[0].tolist())
model.update_grid_from_samples(x)
report("grid", model.act_fun[0].grid[1].tolist(), model(x)[:3, 0].tolist())

history = model.fit(dataset, opt="LBFGS", steps=1, lamb=0.001, update_grid=False, log=10)
report("lbfgs", [float(v) for v in history["train_loss"]], float(history["test_loss"][-1]))
history = model.fit(dataset, opt="Adam", steps=4, lr=0.01, update_grid=True, grid_update_num=2,
                    log=10)
report("adam", float(history["train_loss"][-1]), float(history["test_loss"][-1]))

model = model.prune(node_th=1e-3, edge_th=1e-3)
report("prune", model.width, model(x[:4])[:, 0].tolist())
model.fix_symbolic(0, 0, 0, "sin", verbose=False)
report("symbolic", model(x[:4])[:, 0].tolist())
