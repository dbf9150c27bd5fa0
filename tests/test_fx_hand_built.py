"""torch.fx graphs built by hand, as e3nn and opt_einsum_fx build them: ``Proxy`` objects made
from a graph's placeholders, then torch functions, ``nn.functional`` functions, Tensor methods
and operators called on them outside any tracer.  The recorded nodes (op, target, arguments)
and the ``GraphModule`` results are compared with torch 2.13's."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _build(m, body):
    g = m.fx.Graph()
    tracer = m.fx.proxy.GraphAppendingTracer(g)
    x = m.fx.Proxy(g.placeholder("x"), tracer)
    y = m.fx.Proxy(g.placeholder("y"), tracer)
    g.output(body(m, x, y).node)
    return g


def _describe(g):
    """Each node as (op, target name, args and kwargs with nodes by name)."""
    def arg(a):
        if hasattr(a, "op") and hasattr(a, "target"):
            return "%" + a.name
        if isinstance(a, (list, tuple)):
            return type(a)(arg(x) for x in a)
        if isinstance(a, dict):
            return {k: arg(v) for k, v in a.items()}
        return a
    out = []
    for n in g.nodes:
        target = n.target if isinstance(n.target, str) else n.target.__name__
        out.append((n.op, n.name, target, arg(n.args), arg(n.kwargs)))
    return out


BODIES = {
    "einsum": lambda m, x, y: m.einsum("ij,jk->ik", x, y),
    "einsum_list": lambda m, x, y: m.einsum("ij,jk->ik", [x, y]),
    "functions": lambda m, x, y: m.cat([m.add(x, 1), m.sum(x, dim=1, keepdim=True)], dim=1),
    "methods_and_operators": lambda m, x, y: (x.reshape(-1) * 2 + x.sum()).sin() - 1,
    "mixed": lambda m, x, y: m.tanh(x @ y).transpose(0, 1).softmax(-1),
    "where": lambda m, x, y: m.where(x > 0, x, m.exp(y[:2])),
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_hand_built_graph_records_as_torch(name):
    e_graph, t_graph = _build(ember, BODIES[name]), _build(torch, BODIES[name])
    assert _describe(e_graph) == _describe(t_graph)
    a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((3, 3)).astype(np.float32)
    if name == "functions":
        b = a
    e_out = ember.fx.GraphModule(ember.nn.Module(), e_graph)(ember.tensor(a), ember.tensor(b))
    t_out = torch.fx.GraphModule(torch.nn.Module(), t_graph)(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(e_out.numpy(), t_out.numpy(), rtol=1e-5, atol=1e-6)


def test_nn_functional_on_a_proxy_records_a_call_function():
    def body(m, x, y):
        return m.nn.functional.relu(m.nn.functional.linear(x, y))
    e_nodes = _describe(_build(ember, body))
    t_nodes = _describe(_build(torch, body))
    # torch's nn.functional passes its defaults on (relu's inplace=False): compare the calls
    assert [n[:3] for n in e_nodes] == [n[:3] for n in t_nodes]
    assert [n[3] for n in e_nodes] == [n[3] for n in t_nodes]


def test_proxies_of_two_graphs_in_one_call_raise_as_torch():
    def run(m):
        p = m.fx.Proxy(m.fx.Graph().placeholder("x"))
        q = m.fx.Proxy(m.fx.Graph().placeholder("y"))
        with pytest.raises(RuntimeError) as info:
            m.einsum("i,i->", p, q)
        return str(info.value).split(" [")[0]
    assert run(ember) == run(torch)


def test_plain_tensors_still_compute_after_proxies_exist():
    ember.fx.Proxy(ember.fx.Graph().placeholder("x"))
    x = ember.ones(2, 3)
    assert ember.einsum("ij->i", x).tolist() == [3.0, 3.0]
    assert ember.cat([x, x], dim=0).shape == (4, 3)
