"""PyTorch Geometric 2.8's EdgeIndex and Index: tensor subclasses built on
``_make_wrapper_subclass`` and ``__torch_dispatch__`` (sort orders and CSR/CSC pointers kept
through the aten calls they handle), used by GCN layers with gradients."""
import torch
import torch.nn.functional as F
from torch_geometric import EdgeIndex, Index
from torch_geometric.nn import GCNConv, SAGEConv
from torch_geometric.utils import add_remaining_self_loops, to_undirected

from _common import deterministic_, inputs, report

ei = EdgeIndex([[0, 1, 1, 2, 2, 3, 3, 4], [1, 0, 2, 1, 3, 2, 4, 3]], sparse_size=(5, 5),
               sort_order="row", is_undirected=True)
report("edge_index", type(ei).__name__, tuple(ei.shape), ei.dtype, ei.sparse_size(),
       ei.is_sorted_by_row, ei.is_undirected)
(rowptr, col), perm = ei.get_csr()
report("csr", rowptr.tolist(), col.tolist(), perm)
(colptr, row), perm = ei.get_csc()
report("csc", colptr.tolist(), row.tolist(), perm.tolist() if perm is not None else None)
report("dense", ei.to_dense().tolist())
flipped = ei.flip(0)
report("flip", type(flipped).__name__, flipped.is_sorted_by_col, flipped.tolist())
both = torch.cat([ei, ei.flip(0)], dim=1)
report("cat", type(both).__name__, tuple(both.shape), both.sparse_size())
report("slice", type(ei[:, 2:5]).__name__, ei[:, 2:5].tolist(), ei[0].tolist())
mask = ei[0] != ei[1]
report("mask", type(ei[:, mask]).__name__, ei[:, mask].tolist())
resorted, order = EdgeIndex([[2, 0, 1], [0, 1, 2]], sparse_size=(3, 3)).sort_by("row")
report("sort_by", resorted.tolist(), order.tolist(), resorted.is_sorted_by_row)
report("repr", repr(ei).replace("\n", " "))
loops, _ = add_remaining_self_loops(ei, None, 1.0, 5)
report("self loops", type(loops).__name__, loops.tolist())
report("undirected", to_undirected(EdgeIndex([[0, 1], [1, 2]])).tolist())
report("validate", type(ei.validate()).__name__)

idx = Index([0, 1, 1, 2, 4], dim_size=5, is_sorted=True)
report("index", type(idx).__name__, idx.dim_size, idx.is_sorted, idx.get_indptr().tolist())
report("index ops", type(idx[1:]).__name__, idx[1:].tolist(), (idx + 1).tolist())


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNConv(4, 8)
        self.conv2 = SAGEConv(8, 3)

    def forward(self, x, edge_index):
        return self.conv2(F.relu(self.conv1(x, edge_index)), edge_index)


model = deterministic_(Net())
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x, y = inputs(5, 4), torch.tensor([0, 1, 2, 1, 0])
for step in range(3):
    opt.zero_grad()
    loss = F.cross_entropy(model(x, ei), y)
    loss.backward()
    opt.step()
    report("train step", step, loss.item())
report("pred", model(x, ei).argmax(1).tolist(), model(x, ei.as_tensor()).argmax(1).tolist())
