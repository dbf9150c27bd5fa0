"""DeepXDE 1.15 on its PyTorch backend (physics-informed networks): a 1-D Poisson problem with
Dirichlet boundaries (Hammersley collocation points, second derivatives through
``dde.grad.hessian``, i.e. autograd.grad with create_graph), an FNN from seeded Glorot init
trained with Adam and then L-BFGS, the L2 relative error metric and predictions of the solution
and of the PDE residual."""
import os

os.environ["DDE_BACKEND"] = "pytorch"   # noqa: E402 - deepxde reads it at import

import deepxde as dde
import numpy as np
import torch

from _common import report

dde.config.set_random_seed(0)


def pde(x, y):
    return -dde.grad.hessian(y, x) - np.pi ** 2 * torch.sin(np.pi * x)


def solution(x):
    return np.sin(np.pi * x)


geom = dde.geometry.Interval(-1, 1)
bc = dde.icbc.DirichletBC(geom, solution, lambda _, on_boundary: on_boundary)
data = dde.data.PDE(geom, pde, bc, 16, 2, solution=solution, num_test=20)
net = dde.nn.FNN([1, 12, 12, 1], "tanh", "Glorot uniform")
model = dde.Model(data, net)
model.compile("adam", lr=0.01, metrics=["l2 relative error"])
losshistory, state = model.train(iterations=30, display_every=10, verbose=0)
report("adam", np.asarray(losshistory.loss_train).tolist(), float(losshistory.metrics_test[-1][0]))
dde.optimizers.set_LBFGS_options(maxiter=5)
# (its PyTorch L-BFGS reads the per-step limits, which set_LBFGS_options leaves at 1000)
dde.optimizers.config.LBFGS_options.update(iter_per_step=5, fun_per_step=7)
model.compile("L-BFGS")
losshistory, state = model.train(verbose=0)
report("lbfgs", np.asarray(losshistory.loss_train[-1]).tolist())
x = geom.uniform_points(5, True)
report("predict", model.predict(x).ravel().tolist(),
       model.predict(x, operator=pde).ravel().tolist())
