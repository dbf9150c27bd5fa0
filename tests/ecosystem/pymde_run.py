"""pymde 0.3: a neighbour-preserving embedding (k-NN graph, sparse adjacency, random
standardized init from the seeded torch generator, pymde's L-BFGS for 10 iterations).
(Its default spectral init calls SciPy's ``eigsh`` with an unseeded start vector, so it differs
from run to run under PyTorch itself; ten iterations keep float32 rounding drift small.)"""
import numpy as np
import pymde
import torch

from _common import report

pymde.seed(0)
X = torch.tensor(np.random.default_rng(0).standard_normal((200, 8)), dtype=torch.float32)
mde = pymde.preserve_neighbors(X, embedding_dim=2, n_neighbors=8, init="random",
                               verbose=False)
report("graph", tuple(mde.edges.shape), int(mde.edges.sum()))
X0 = mde.constraint.initialization(mde.n_items, mde.embedding_dim, device="cpu")
report("init", round(float(X0.abs().sum()), 3), round(mde.average_distortion(X0).item(), 5))
for iterations in (1, 5, 10):
    pymde.seed(0)
    emb = mde.embed(max_iter=iterations, verbose=False)
    report("embed", iterations, tuple(emb.shape), round(mde.average_distortion(emb).item(), 5),
           round(float(emb.abs().sum()), 2))
