"""torch_geometric 2.x, its pure-Python layers (no torch_scatter / torch_sparse): a graph in a
``Data`` object, GCN, GraphSAGE, GAT and GIN convolutions with gradients, global pooling, a
two-graph ``DataLoader`` batch and the degree / self-loop utilities."""
import torch
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader
from torch_geometric.nn import (GATConv, GCNConv, GINConv, SAGEConv, global_add_pool,
                                global_mean_pool)
from torch_geometric.utils import add_self_loops, degree, to_undirected

from _common import deterministic_, inputs, report

edge_index = to_undirected(torch.tensor([[0, 1, 2, 3, 0, 1], [1, 2, 3, 4, 4, 3]]))
x = inputs(5, 4)
data = Data(x=x, edge_index=edge_index)
report("data", str(data), data.num_nodes, data.num_edges, data.is_undirected())
report("degree", degree(edge_index[0], 5).tolist(), add_self_loops(edge_index)[0].shape[1])

convs = {"gcn": GCNConv(4, 3), "sage": SAGEConv(4, 3), "gat": GATConv(4, 3, heads=2),
         "gin": GINConv(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(),
                                            torch.nn.Linear(3, 3)))}
for name, conv in convs.items():
    deterministic_(conv)
    xg = x.clone().requires_grad_()
    out = conv(xg, edge_index)
    out.pow(2).sum().backward()
    report(name, [round(v, 5) for v in out.flatten().tolist()],
           "grad", [round(v, 5) for v in xg.grad.flatten().tolist()[:8]])

graphs = [Data(x=inputs(3, 4, phase=k), edge_index=torch.tensor([[0, 1], [1, 2]]))
          for k in range(2)]
batch = next(iter(DataLoader(graphs, batch_size=2)))
h = deterministic_(GCNConv(4, 2))(batch.x, batch.edge_index)
report("batch", batch.batch.tolist(), [round(v, 5) for v in global_mean_pool(h, batch.batch)
                                       .flatten().tolist()],
       [round(v, 5) for v in global_add_pool(h, batch.batch).flatten().tolist()])
