"""The meta device: shapes and dtypes without data, as torch's (construction under
``with device('meta')``, ops, printing, refusal to copy out, ``Module.to_empty``)."""
import pytest

from tests._autograd_compare import compare

pytest.importorskip("torch")


def test_meta_tensors_compute_shapes_and_print_like_torch():
    def case(T):
        t = T.empty(2, 3, device="meta")
        u = (t @ T.empty(3, 5, device="meta")).sum(0)
        return (repr(t), repr(u), repr(T.empty(2, device="meta", dtype=T.int64)),
                repr(T.zeros((), device="meta")), t.is_meta, tuple(u.shape), str(u.dtype),
                str(u.device))
    compare(case)


@pytest.mark.parametrize("read", ["cpu", "tolist", "numpy", "item", "to"])
def test_meta_tensors_have_no_data(read):
    def case(T):
        t = T.empty(2, 3, device="meta")
        return {"cpu": t.cpu, "tolist": t.tolist, "numpy": t.numpy, "item": t.item,
                "to": lambda: t.to("cpu")}[read]()
    compare(case)


def test_modules_built_on_meta_then_materialised():
    def case(T):
        with T.device("meta"):
            m = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.LayerNorm(4))
        before = [(n, p.is_meta, tuple(p.shape)) for n, p in m.named_parameters()]
        m.to_empty(device="cpu")
        after = [(n, p.is_meta, str(p.device)) for n, p in m.named_parameters()]
        return before, after
    compare(case)


@pytest.mark.parametrize("sample", ["rand", "randn", "randint", "randperm", "normal_", "uniform_",
                                    "bernoulli", "bernoulli_", "random_", "exponential_",
                                    "multinomial", "poisson", "dropout", "kaiming_uniform_",
                                    "trunc_normal_", "orthogonal_", "sparse_", "dirac_"])
def test_sampling_on_meta_gives_shapes_and_leaves_the_cpu_stream_alone(sample):
    def case(T):
        T.manual_seed(0)
        t = T.empty(4, 6, device="meta")
        p = T.full((4, 6), 0.5, device="meta")
        out = {"rand": lambda: T.rand(3, 5, device="meta", dtype=T.float64),
               "randn": lambda: T.randn(3, 5, device="meta"),
               "randint": lambda: T.randint(0, 9, (7,), device="meta"),
               "randperm": lambda: T.randperm(9, device="meta"),
               "normal_": lambda: t.normal_(2.0, 3.0),
               "uniform_": lambda: t.double().uniform_(-1, 1),
               "bernoulli": lambda: T.bernoulli(p),
               "bernoulli_": lambda: t.bernoulli_(0.3),
               "random_": lambda: t.random_(0, 10),
               "exponential_": lambda: t.exponential_(),
               "multinomial": lambda: T.multinomial(p, 3, replacement=True),
               "poisson": lambda: T.poisson(p),
               "dropout": lambda: T.nn.functional.dropout(t, 0.5),
               "kaiming_uniform_": lambda: T.nn.init.kaiming_uniform_(t),
               "trunc_normal_": lambda: T.nn.init.trunc_normal_(t),
               "orthogonal_": lambda: T.nn.init.orthogonal_(t),
               "sparse_": lambda: T.nn.init.sparse_(t, 0.5),
               "dirac_": lambda: T.nn.init.dirac_(T.empty(4, 4, 3, device="meta"))}[sample]()
        return (tuple(out.shape), str(out.dtype), str(out.device), T.rand(2).tolist())
    compare(case)


def test_fills_and_copies_on_meta_check_shapes_only():
    def case(T):
        t = T.empty(3, 4, device="meta")
        t.fill_(2.0).zero_().copy_(T.empty(4, device="meta"))
        t.add_(1)
        t.copy_(T.empty(5, device="meta"))      # does not broadcast: torch's error
    compare(case)


def test_a_large_model_on_meta_costs_no_memory_or_draws():
    import resource
    import ember
    ember.manual_seed(0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with ember.device("meta"):
        m = ember.nn.Sequential(ember.nn.Linear(8192, 8192), ember.nn.Embedding(50000, 1024))
    with ember.no_grad():
        m[0].weight.normal_()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100          # 1.3 GB of float32 weights if they were filled
    assert m[0].weight.is_meta and tuple(m[1].weight.shape) == (50000, 1024)
    ember.manual_seed(0)
    first = ember.rand(3)
    ember.manual_seed(0)
    with ember.device("meta"):
        ember.nn.Linear(64, 64)
    assert ember.equal(ember.rand(3), first)     # meta initialisation drew nothing
