"""Seeded random streams equal PyTorch's CPU generator value for value: the mt19937 state bytes,
every sampler (scalar and vectorised paths, float32 and float64, non-contiguous in-place
targets), dropout masks, nn.init, Generator objects, and a seeded training run."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

SEED = 1234


def _np(t):
    t = t.detach().cpu()
    return (t.float() if "bfloat16" in str(t.dtype) else t).numpy()


def _same(fn, seed=SEED, exact=True, rtol=4e-16):
    """Seed both libraries, run ``fn(lib)`` (a tensor or tuple of them) and compare; the
    generators' state bytes afterwards must match too."""
    out = {}
    for lib in (torch, ember):
        lib.manual_seed(seed)
        r = fn(lib)
        out[lib] = [_np(t) for t in (r if isinstance(r, tuple) else (r,))]
    for i, (e, t) in enumerate(zip(out[ember], out[torch])):
        assert e.dtype == t.dtype and e.shape == t.shape, i
        if exact:
            np.testing.assert_array_equal(e, t, err_msg=f"result {i}")
        else:   # float64 kernels round like the C library; allow an ulp or two
            np.testing.assert_allclose(e, t, rtol=rtol, atol=0, err_msg=f"result {i}")
    assert bytes(_np(ember.get_rng_state())) == bytes(_np(torch.get_rng_state()))


SIZES = [(), (1,), (5,), (15,), (16,), (17,), (40,), (3, 33), (1003,)]
FLOATS = ["float32", "float64"]


# ---- state -----------------------------------------------------------------------------------
def test_state_bytes_after_seeding():
    for s in (0, 1, SEED, 2 ** 32 + 7, 2 ** 64 - 1, -5):
        ember.manual_seed(s)
        torch.manual_seed(s)
        assert bytes(_np(ember.get_rng_state())) == bytes(_np(torch.get_rng_state()))
        assert ember.initial_seed() == torch.initial_seed()
    assert bytes(_np(ember.Generator().get_state())) == bytes(_np(torch.Generator().get_state()))


@pytest.mark.parametrize("draws", [0, 3, 623, 624, 625, 1300])
def test_state_bytes_after_draws(draws):
    # odd-length scalar normals leave a cached sample in the state
    _same(lambda L: (L.rand(draws), L.randn(3)))


def test_state_loads_torch_bytes():
    torch.manual_seed(9)
    torch.randn(5)
    st = torch.get_rng_state()
    ember.set_rng_state(ember.tensor(_np(st)))
    for lib in (torch, ember):
        lib.randn(1)            # the cached Box-Muller sample
    np.testing.assert_array_equal(_np(ember.randn(100)), _np(torch.randn(100)))
    assert bytes(_np(ember.get_rng_state())) == bytes(_np(torch.get_rng_state()))


# ---- uniform and normal -----------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dt", FLOATS + ["float16", "bfloat16"])
def test_rand_randn(size, dt):
    _same(lambda L: (L.rand(size, dtype=getattr(L, dt)), L.randn(size, dtype=getattr(L, dt)),
                     L.randn(size, dtype=getattr(L, dt))), exact=dt != "float64")


def test_normal_float32_large():
    # big enough for the threaded runs; float32 results are bit-identical to torch's AVX2 kernel
    _same(lambda L: (L.randn(600_017), L.empty(70_000).normal_(0.25, 3.0),
                     L.randn(4096, 4), L.empty(5_003).normal_(-1.0, 0.5), L.randn(16_400)))


def test_randn_float64_large():
    _same(lambda L: L.randn(4099, dtype=L.float64), exact=False)


def test_complex():
    _same(lambda L: (L.rand(7, dtype=L.complex64), L.randn(9, dtype=L.complex64),
                     L.randn(3, dtype=L.complex128)), exact=False)


def _views(L, dt):
    """A contiguous, a transposed and a strided target of the same dtype."""
    base = L.zeros(24, 40, dtype=dt)
    return base[:, :20], base.t(), L.zeros(6, 8, dtype=dt)[:, ::2], L.zeros(20, dtype=dt)


@pytest.mark.parametrize("dt", FLOATS)
def test_inplace_uniform_normal(dt):
    def run(L):
        res = []
        for v in _views(L, getattr(L, dt)):
            res.append(v.uniform_(-0.25, 0.75).clone())
            res.append(v.normal_(0.5, 2.0).clone())
            res.append(v.normal_().clone())
        return tuple(res)
    _same(run, exact=dt == "float32")


def test_normal_overloads():
    def run(L):
        m = L.linspace(-1, 1, 40).reshape(2, 20)
        s = L.linspace(0.1, 2, 20)
        return (L.normal(m, s), L.normal(m, 0.5), L.normal(0.3, s), L.normal(m[:, :3], s[:3]),
                L.normal(1.0, 2.0, (4, 5)), L.normal(m.double(), s.double()),
                L.normal(2.0, 3.0, size=(30,), dtype=L.float64))
    _same(run, exact=False)


def test_like_factories():
    def run(L):
        x = L.zeros(3, 7, dtype=L.float64)
        return (L.rand_like(x), L.randn_like(x), L.randint_like(x, 9), L.randint_like(x, -3, 4),
                L.randn_like(x, dtype=L.float32))
    _same(run, exact=False)


# ---- integers --------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", ["int64", "int32", "int16", "uint8", "float32", "float64"])
def test_randint(dt):
    def run(L):
        d = getattr(L, dt)
        res = [L.randint(10, (17,), dtype=d), L.randint(3, 100, (3, 4), dtype=d)]
        if dt in ("int64", "int32", "float64"):    # ranges of 2**28 and more: 64-bit draws
            res += [L.randint(-2 ** 30, 2 ** 30, (9,), dtype=d), L.randint(2 ** 28, (5,), dtype=d)]
        if dt in ("int64", "float64"):
            res.append(L.randint(-2 ** 40, 2 ** 40, (9,), dtype=d))
        return tuple(res)
    _same(run)


@pytest.mark.parametrize("dt", ["int64", "int32", "int8", "uint8", "bool", "float32", "float64",
                                "float16", "bfloat16"])
def test_random_(dt):
    def run(L):
        d = getattr(L, dt)
        a = L.empty(13, dtype=d).random_()
        b = L.empty(4, 6, dtype=d).t().random_(2)
        c = L.empty(11, dtype=d).random_(0, None) if dt != "bool" else a
        return a, b, c
    _same(run)


def test_random_int64_full_range():
    _same(lambda L: (L.empty(9, dtype=L.int64).random_(-2 ** 63, None),
                     L.empty(9, dtype=L.int64).random_(-7, 2 ** 62)))


@pytest.mark.parametrize("n", [0, 1, 2, 10, 257, 3000])
def test_randperm(n):
    _same(lambda L: (L.randperm(n), L.randperm(n, dtype=L.float32),
                     L.randperm(n, generator=L.Generator().manual_seed(n))))


# ---- bernoulli, multinomial, dropout -----------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
def test_bernoulli(dt):
    def run(L):
        d = getattr(L, dt)
        p = L.linspace(0, 1, 60, dtype=d).reshape(3, 20)
        return (L.bernoulli(p), L.bernoulli(p, 0.3), L.bernoulli(p.t()), p.bernoulli(),
                L.zeros(5, 9, dtype=d).t().bernoulli_(0.7),
                L.zeros(3, 20, dtype=d).bernoulli_(p), L.zeros(20, 3, dtype=d).t().bernoulli_(p),
                L.zeros(3, 20, dtype=d).bernoulli_(p[:1]))
    _same(run)


@pytest.mark.parametrize("dt", FLOATS)
def test_multinomial(dt):
    def run(L):
        p = L.tensor([[0.1, 0.0, 0.5, 0.2, 0.2], [1.0, 2.0, 3.0, 4.0, 0.5]], dtype=getattr(L, dt))
        return (L.multinomial(p, 1), L.multinomial(p, 3), L.multinomial(p, 9, replacement=True),
                L.multinomial(p[1], 4), L.multinomial(p[0], 20, replacement=True),
                L.multinomial(p, 1, replacement=True))
    _same(run)


@pytest.mark.parametrize("dt", FLOATS)
def test_multinomial_many_categories(dt):
    probs = np.random.default_rng(3).random((4, 300))

    def run(L):
        p = L.tensor(probs, dtype=getattr(L, dt))
        return (L.multinomial(p, 50, replacement=True), L.multinomial(p, 7),
                L.multinomial(p[0], 1000, replacement=True))
    _same(run)


@pytest.mark.parametrize("dt", FLOATS)
def test_rrelu_training(dt):
    def run(L):
        x = ((L.arange(45, dtype=getattr(L, dt)) - 30) / 8).reshape(5, 9)
        return (L.nn.functional.rrelu(x, training=True),
                L.nn.functional.rrelu(x.t(), 0.2, 0.5, training=True), L.nn.RReLU()(x))
    _same(run)


@pytest.mark.parametrize("dt", FLOATS)
def test_dropout_masks(dt):
    def run(L):
        F = L.nn.functional
        x = L.arange(1, 121, dtype=getattr(L, dt)).reshape(2, 3, 4, 5)
        return (F.dropout(x, 0.3), F.dropout(x.transpose(1, 3), 0.5), F.dropout2d(x, 0.4),
                F.alpha_dropout(x, 0.2, True), F.feature_alpha_dropout(x, 0.3, True),
                L.nn.Dropout(0.1)(x[0]))
    _same(run)


# ---- other distributions -----------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
def test_continuous_samplers(dt):
    def run(L):
        res = []
        for v in _views(L, getattr(L, dt))[1:]:
            res += [v.exponential_(1.5).clone(), v.geometric_(0.3).clone(),
                    v.log_normal_(0.5, 0.75).clone(), v.cauchy_(0.5, 2.0).clone()]
        return tuple(res)
    _same(run, exact=dt == "float32")


@pytest.mark.parametrize("dt", ["int64", "int32", "uint8"])
def test_geometric_fills_integer_tensors(dt):
    def run(L):
        return tuple(v.geometric_(p).clone() for v, p in zip(_views(L, getattr(L, dt)),
                                                              (0.3, 0.05, 0.8)))
    _same(run)


# ---- generators ------------------------------------------------------------------------------
def test_generator_objects():
    def run(L):
        g = L.Generator().manual_seed(77)
        a = L.randn(5, generator=g)
        st = g.get_state()
        b = L.rand(20, generator=g)
        g.set_state(st)
        c = L.rand(20, generator=g)
        fresh = L.Generator()
        return a, b, c, st, L.randint(5, (6,), generator=fresh), fresh.get_state()
    _same(run)
    g = ember.Generator("cpu")
    assert str(g.device) == "cpu" and g.initial_seed() == torch.Generator().initial_seed()
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2 ** 64


def test_generator_state_from_torch():
    tg = torch.Generator().manual_seed(5)
    torch.randn(7, generator=tg)
    eg = ember.Generator().set_state(ember.tensor(_np(tg.get_state())))
    np.testing.assert_array_equal(_np(ember.randn(30, generator=eg)),
                                  _np(torch.randn(30, generator=tg)))


def test_fork_rng_and_global_seed():
    def run(L):
        with L.random.fork_rng():
            a = L.rand(4)
        return a, L.rand(4)
    _same(run)
    s = ember.seed()
    assert ember.initial_seed() == s


# ---- nn.init and models ------------------------------------------------------------------------
def test_init_functions():
    def run(L):
        init = L.nn.init
        w = L.empty(16, 8, 3, 3)
        return (init.kaiming_uniform_(w.clone(), a=5 ** 0.5), init.kaiming_normal_(w.clone()),
                init.xavier_uniform_(w.clone()), init.xavier_normal_(w.clone()),
                init.uniform_(w.clone(), -2, 3), init.normal_(w.clone(), 1, 0.1),
                init.trunc_normal_(L.empty(7, 9), std=0.5), init.sparse_(L.empty(12, 5), 0.3))
    _same(run)
    # orthogonal_: the same normal draws, then a QR (LAPACK's rounding may differ in an ulp)
    _same(lambda L: L.nn.init.orthogonal_(L.empty(6, 10)), exact=False, rtol=1e-5)


def test_models_built_alike():
    def run(L):
        nn = L.nn
        m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Linear(20, 7),
                          nn.Embedding(10, 4), nn.LSTM(4, 6), nn.LayerNorm(5))
        return tuple(p.detach() for p in m.parameters())
    _same(run)


@pytest.fixture
def one_torch_thread():
    """Tiny matmuls: torch's intra-op thread pool only adds overhead on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow
def test_quickstart_mlp_trains_alike(one_torch_thread):
    """The quickstart's MLP (784-512-512-10, SGD lr 1e-3, shuffled batches of 64) seeded the
    same in both libraries: 20 equal losses."""
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((1280, 1, 28, 28)).astype(np.float32)
    ys = rng.integers(0, 10, 1280)
    losses = {}
    for lib in (torch, ember):
        lib.manual_seed(SEED)
        losses[lib] = _train_quickstart(lib, xs, ys)
    assert len(losses[ember]) == 20
    np.testing.assert_allclose(losses[ember], losses[torch], rtol=1e-5)


def _train_quickstart(lib, xs, ys):
    from ember.examples.quickstart import NeuralNetwork
    nn = lib.nn
    model = (NeuralNetwork() if lib is ember else nn.Sequential(
        nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
        nn.Linear(512, 10)))
    data = lib.utils.data.TensorDataset(lib.tensor(xs), lib.tensor(ys))
    loader = lib.utils.data.DataLoader(data, batch_size=64, shuffle=True)
    opt = lib.optim.SGD(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    out = []
    for x, y in loader:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        out.append(loss.item())
    return out


def test_dropout_mlp_trains_alike(one_torch_thread):
    """Seeded init and dropout masks: a dropout MLP follows torch's loss curve step for step."""
    rng = np.random.default_rng(1)
    xs, ys = rng.standard_normal((8, 16, 12)).astype(np.float32), rng.integers(0, 4, (8, 16))
    losses = {}
    for lib in (torch, ember):
        lib.manual_seed(SEED)
        nn = lib.nn
        model = nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 4))
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        out = []
        for x, y in zip(xs, ys):
            loss = nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
            out.append(loss.item())
        losses[lib] = out
    np.testing.assert_allclose(losses[ember], losses[torch], rtol=1e-5)
