"""PyTorch Geometric 2.8: the Karate Club data set, GCN training, GAT / GraphSAGE / GIN /
Transformer / edge-conditioned layers, a custom MessagePassing layer, mini-batches of graphs
pooled per graph, and the graph utilities (self loops, degrees, scatter, softmax, sparse
adjacency)."""
import torch
import torch.nn.functional as F
from torch_geometric import utils
from torch_geometric.data import Batch, Data
from torch_geometric.datasets import KarateClub
from torch_geometric.loader import DataLoader
from torch_geometric.nn import (GATConv, GCNConv, GINConv, MessagePassing, SAGEConv,
                                TransformerConv, global_add_pool, global_max_pool,
                                global_mean_pool)

from _common import deterministic_, inputs, report

data = KarateClub()[0]
report("karate", data.num_nodes, data.num_edges, data.num_features, int(data.train_mask.sum()))


class GCN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = GCNConv(data.num_features, 8)
        self.conv2 = GCNConv(8, 4)

    def forward(self, x, edge_index):
        return self.conv2(F.relu(self.conv1(x, edge_index)), edge_index)


model = deterministic_(GCN())
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(5):
    opt.zero_grad()
    out = model(data.x, data.edge_index)
    loss = F.cross_entropy(out[data.train_mask], data.y[data.train_mask])
    loss.backward()
    opt.step()
    report("gcn step", step, loss.item())
report("gcn pred", model(data.x, data.edge_index).argmax(1).tolist())

x = inputs(6, 5)
edge_index = torch.tensor([[0, 1, 1, 2, 3, 4, 5, 0], [1, 0, 2, 1, 4, 5, 3, 3]])
edge_attr = inputs(8, 3, phase=0.4)
layers = {
    "gat": GATConv(5, 4, heads=2),
    "sage": SAGEConv(5, 4, aggr="max"),
    "gin": GINConv(torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(),
                                       torch.nn.Linear(8, 4)), train_eps=True),
    "transformer": TransformerConv(5, 4, heads=2, edge_dim=3),
}
for name, layer in layers.items():
    deterministic_(layer, 0.5)
    args = (x, edge_index, edge_attr) if name == "transformer" else (x, edge_index)
    out = layer(*args)
    out.square().sum().backward()
    report(name, out.tolist(), sum(p.grad.abs().sum().item() for p in layer.parameters()))


class EdgeWeighted(MessagePassing):
    """Messages x_j * w_ij summed at each target, plus a self term."""

    def __init__(self):
        super().__init__(aggr="add")
        self.lin = torch.nn.Linear(5, 4)

    def forward(self, x, edge_index, weight):
        return self.propagate(edge_index, x=self.lin(x), weight=weight) + self.lin(x)

    def message(self, x_j, weight):
        return x_j * weight.view(-1, 1)


mp = deterministic_(EdgeWeighted())
report("message passing", mp(x, edge_index, edge_attr[:, 0]).tolist())

graphs = [Data(x=inputs(n, 3, phase=n), edge_index=utils.to_undirected(
    torch.stack([torch.arange(n - 1), torch.arange(1, n)])), y=torch.tensor([n % 2]))
    for n in (3, 5, 4, 6)]
batch = next(iter(DataLoader(graphs, batch_size=4)))
report("batch", batch.num_graphs, batch.batch.tolist(), batch.ptr.tolist())
conv = deterministic_(GCNConv(3, 4))
h = conv(batch.x, batch.edge_index)
report("pools", global_mean_pool(h, batch.batch).tolist(),
       global_max_pool(h, batch.batch).tolist(), global_add_pool(h, batch.batch).tolist())
report("unbatch", [g.num_nodes for g in Batch.to_data_list(batch)])

loops, _ = utils.add_self_loops(edge_index, num_nodes=6)
report("utils", loops.tolist(), utils.degree(edge_index[1], 6).tolist(),
       utils.scatter(x[edge_index[0]], edge_index[1], dim=0, dim_size=6, reduce="mean").tolist(),
       utils.softmax(edge_attr[:, 0], edge_index[1], num_nodes=6).tolist(),
       utils.to_dense_adj(edge_index).sum().item(), utils.is_undirected(edge_index),
       utils.coalesce(edge_index.flip(0)).tolist())
