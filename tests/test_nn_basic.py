"""nn basic layers against torch 2.13: linear family, activations, dropout, embedding,
flatten.  Weights are copied from torch into ember; outputs and gradients are compared."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as enn
import ember.nn.functional as EF
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
tnn = torch.nn
TF = torch.nn.functional

TOL = {"float32": dict(rtol=1e-4, atol=1e-5), "float64": dict(rtol=1e-10, atol=1e-12)}


def _pair(shape, dtype="float64", seed=0, low=-3, high=3, grad=True):
    a = np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)
    return (ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad))


def _close(e, t, dtype="float64"):
    compare(e, t, **TOL[dtype])


def _copy_weights(em, tm):
    em.load_state_dict({k: ember.tensor(v.detach().cpu().numpy())
                        for k, v in tm.state_dict().items()})


def _check_module(em, tm, *shapes, dtype="float64", node=None):
    """Same forward, input grads and parameter grads; same repr and state_dict keys."""
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    if dtype == "float64":
        em.double()
        tm.double()
    _copy_weights(em, tm)
    pairs = [_pair(s, dtype, seed=i) for i, s in enumerate(shapes)]
    ye = em(*[p[0] for p in pairs])
    yt = tm(*[p[1] for p in pairs])
    _close(ye, yt, dtype)
    if node is not None:
        assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__ == node
    g = np.random.default_rng(9).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    for (xe, xt) in pairs:
        _close(xe.grad, xt.grad, dtype)
    for (ne, pe), (nt, pt) in zip(em.named_parameters(), tm.named_parameters()):
        assert ne == nt
        _close(pe.grad, pt.grad, dtype)


# ---- linear -------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,node", [((3, 5), "AddmmBackward0"), ((2, 3, 5), "ViewBackward0"),
                                        ((5,), "ViewBackward0")])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linear(shape, node, dtype):
    _check_module(enn.Linear(5, 4), tnn.Linear(5, 4), shape, dtype=dtype, node=node)


@pytest.mark.parametrize("shape,node", [((3, 5), "MmBackward0"), ((2, 3, 5), "UnsafeViewBackward0")])
def test_linear_no_bias(shape, node):
    _check_module(enn.Linear(5, 4, bias=False), tnn.Linear(5, 4, bias=False), shape, node=node)


def test_linear_noncontiguous_input():
    xe, xt = _pair((3, 2, 5))
    le, lt = enn.Linear(5, 4).double(), tnn.Linear(5, 4).double()
    _copy_weights(le, lt)
    _close(le(xe.transpose(0, 1)), lt(xt.transpose(0, 1)))


def test_linear_graph_matches_torch():
    le = enn.Linear(5, 4)
    y = le(ember.randn(3, 5, requires_grad=True))
    assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == \
        ["AccumulateGrad", "AccumulateGrad", "TBackward0"]


def test_linear_shape_error():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x5 and 3x4\)"):
        enn.Linear(3, 4)(ember.randn(2, 5))
    with pytest.raises(RuntimeError, match=r"\(6x5 and 3x4\)"):
        enn.Linear(3, 4)(ember.randn(2, 3, 5))


@pytest.mark.cpu_only
@pytest.mark.parametrize("x_shape, bias_shape, bias_dtype", [
    ((3, 4), (3,), "float32"), ((3, 4), (2, 5), "float32"), ((3, 4), (1, 1, 5), "float32"),
    ((4,), (3,), "float32"), ((2, 3, 4), (3,), "float32"), ((2, 3, 4), (2, 5), "float32"),
    ((2, 3, 4), (2, 1), "float32"), ((2, 3, 4), (5, 1, 1), "float32"),
    ((2, 3, 4), (3, 1, 5), "float32"), ((2, 2, 3, 4), (1, 1, 1, 5), "float32"),
    ((3, 4), (5,), "float64"), ((3, 4), (5,), "int64"), ((2, 3, 4), (5,), "float64"),
    ((4,), (5,), "float16"),
    # broadcastable biases that torch adds after the product (not fused into addmm)
    ((2, 3, 4), (3, 5), "float32"), ((2, 3, 4), (2, 1, 5), "float32"),
    ((2, 3, 4), (1, 1), "float32"), ((2, 3, 4), (1, 5), "float32")])
def test_linear_bias_shapes_and_dtypes_like_torch(x_shape, bias_shape, bias_dtype):
    """A 2-D input, or a contiguous one with a bias that squeezes to 1-D, goes through addmm
    (with addmm's expand and dtype errors); other biases are added in place to the product."""
    results = []
    for lib in (ember, torch):
        x = lib.ones(x_shape) * 0.5
        w = lib.arange(20, dtype=lib.float32).reshape(5, 4)
        try:
            results.append(lib.nn.functional.linear(x, w, lib.ones(bias_shape, dtype=getattr(
                lib, bias_dtype))))
        except RuntimeError as e:
            results.append(e)
    e, t = results
    if isinstance(t, Exception):
        assert isinstance(e, RuntimeError) and str(e) == str(t)
    else:
        assert e.dtype == ember.float32 and e.tolist() == t.tolist()


def test_linear_default_init_statistics():
    ember.manual_seed(0)
    w = enn.Linear(400, 300).weight.detach().cpu().numpy()
    tw = tnn.Linear(400, 300).weight.detach().cpu().numpy()
    bound = 1 / np.sqrt(400)
    assert np.abs(w).max() <= bound
    assert abs(w.std() - tw.std()) < 0.02 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01 * bound
    b = enn.Linear(400, 300).bias.detach().cpu().numpy()
    assert np.abs(b).max() <= bound and b.std() > 0.4 * bound


def test_bilinear():
    _check_module(enn.Bilinear(3, 4, 5), tnn.Bilinear(3, 4, 5), (6, 3), (6, 4),
                  node="AddBackward0")
    _check_module(enn.Bilinear(3, 4, 5, bias=False), tnn.Bilinear(3, 4, 5, bias=False),
                  (2, 6, 3), (2, 6, 4))
    with pytest.raises(RuntimeError, match="input2 size does not match weight size: got 4 but "
                                           "expected 3"):
        EF.bilinear(ember.randn(2, 3), ember.randn(2, 4), ember.randn(5, 3, 3))


def test_identity_and_lazy_linear():
    assert repr(enn.Identity(3, x=1)) == repr(tnn.Identity(3, x=1))
    x = ember.randn(2)
    assert enn.Identity()(x) is x
    m = enn.LazyLinear(4)
    assert repr(m) == repr(tnn.LazyLinear(4))
    y = m(ember.randn(2, 3))
    assert type(m) is enn.Linear and y.shape == (2, 4) and m.weight.shape == (4, 3)
    assert repr(m) == "Linear(in_features=3, out_features=4, bias=True)"
    assert isinstance(m.weight, enn.Parameter)


# ---- activations ------------------------------------------------------------------------------------
ACTIVATIONS = [
    ("ReLU", (), "ReluBackward0"), ("ReLU6", (), "HardtanhBackward0"),
    ("LeakyReLU", (), "LeakyReluBackward0"), ("LeakyReLU", (0.2,), "LeakyReluBackward0"),
    ("ELU", (), "EluBackward0"), ("ELU", (0.5,), "EluBackward0"), ("SELU", (), "EluBackward0"),
    ("CELU", (), "CeluBackward0"), ("CELU", (2.0,), "CeluBackward0"),
    ("GELU", (), "GeluBackward0"), ("GELU", ("tanh",), "GeluBackward0"),
    ("SiLU", (), "SiluBackward0"), ("Mish", (), "MishBackward0"),
    ("Sigmoid", (), "SigmoidBackward0"), ("Tanh", (), "TanhBackward0"),
    ("Softplus", (), "SoftplusBackward0"), ("Softplus", (2, 1.5), "SoftplusBackward0"),
    ("Softsign", (), "DivBackward0"), ("Hardtanh", (), "HardtanhBackward0"),
    ("Hardtanh", (-2.0, 0.5), "HardtanhBackward0"),
    ("Hardsigmoid", (), "HardsigmoidBackward0"), ("Hardswish", (), "HardswishBackward0"),
    ("LogSigmoid", (), "LogSigmoidBackward0"), ("Threshold", (0.1, 20.0), "ThresholdBackward0"),
    ("GLU", (), "GluBackward0"), ("GLU", (0,), "GluBackward0"),
    ("Tanhshrink", (), "SubBackward0"), ("Softshrink", (), "SoftshrinkBackward0"),
    ("Softshrink", (1.0,), "SoftshrinkBackward0"), ("Hardshrink", (), "HardshrinkBackward0"),
    ("Softmax", (1,), "SoftmaxBackward0"), ("LogSoftmax", (0,), "LogSoftmaxBackward0"),
    ("Softmin", (1,), "SoftmaxBackward0"), ("PReLU", (), "PreluKernelBackward0"),
    ("PReLU", (4, 0.1), "PreluKernelBackward0"),
]


@pytest.mark.parametrize("name,args,node", ACTIVATIONS, ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activation_module(name, args, node, dtype):
    em, tm = getattr(enn, name)(*args), getattr(tnn, name)(*args)
    em.eval()
    tm.eval()
    _check_module(em, tm, (6, 4, 2), dtype=dtype, node=node)


def test_rrelu_eval_and_train():
    _check_module(enn.RReLU().eval(), tnn.RReLU().eval(), (5, 4), node="RreluWithNoiseBackward0")
    x = ember.randn(1000, requires_grad=True)
    y = enn.RReLU(0.1, 0.3)(x)
    ratio = (y / x).detach().cpu().numpy()[x.detach().cpu().numpy() < 0]
    assert ratio.min() >= 0.1 and ratio.max() <= 0.3 and ratio.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.cpu().numpy()[x.detach().cpu().numpy() < 0], ratio, rtol=1e-6)


@pytest.mark.parametrize("fn,kw,node", [
    ("relu", {}, "ReluBackward0"), ("relu6", {}, "HardtanhBackward0"),
    ("elu", {}, "EluBackward1"), ("selu", {}, "EluBackward1"), ("celu", {}, "CeluBackward1"),
    ("leaky_relu", {}, "LeakyReluBackward1"), ("hardtanh", {}, "HardtanhBackward0"),
    ("silu", {}, "SiluBackward0"), ("mish", {}, "MishBackward0"),
    ("hardswish", {}, "HardswishBackward0"), ("hardsigmoid", {}, "HardsigmoidBackward0"),
    ("threshold", {"threshold": 0.1, "value": 2.0}, "ThresholdBackward1"),
])
def test_functional_inplace(fn, kw, node):
    xe, xt = _pair((4, 5))
    ye, yt = xe * 1, xt * 1
    re = getattr(EF, fn)(ye, inplace=True, **kw)
    rt = getattr(TF, fn)(yt, inplace=True, **kw)
    assert re is ye and rt is yt
    assert type(ye.grad_fn).__name__ == type(yt.grad_fn).__name__ == node
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(xe.grad, xt.grad)


def test_inplace_functions_with_underscore():
    for fn in ("relu_", "elu_", "leaky_relu_", "hardtanh_", "threshold_", "selu_", "celu_"):
        xe, xt = _pair((3, 4), grad=False)
        args = (0.5, 1.0) if fn == "threshold_" else ()
        getattr(EF, fn)(xe, *args)
        getattr(TF, fn)(xt, *args)
        _close(xe, xt)


def test_double_backward():
    for fn in ("gelu", "silu", "elu", "softplus", "mish", "logsigmoid", "hardswish"):
        xe, xt = _pair((3, 4), seed=3)
        (ge,) = ember.autograd.grad(getattr(EF, fn)(xe).sum(), xe, create_graph=True)
        (gt,) = torch.autograd.grad(getattr(TF, fn)(xt).sum(), xt, create_graph=True)
        _close(ge, gt)
        ge.sum().backward()
        gt.sum().backward()
        _close(xe.grad, xt.grad)


def test_gelu_large_input_uses_vectorised_erf():
    xe, xt = _pair((100, 100), "float32")
    _close(EF.gelu(xe), TF.gelu(xt), "float32")


def test_activation_errors():
    i = ember.tensor([1, 2])
    with pytest.raises(NotImplementedError, match='"elu_cpu" not implemented for \'Long\''):
        EF.elu(i)
    with pytest.raises(NotImplementedError, match='"GeluKernelImpl" not implemented'):
        EF.gelu(i)
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is "
                                           "size 3"):
        EF.glu(ember.randn(3, 3))
    with pytest.raises(RuntimeError, match="Found parameter numbers = 2 and channel size = 3."):
        EF.prelu(ember.randn(2, 3), ember.randn(2))
    assert EF.relu6(i).dtype == ember.int64
    assert EF.softsign(i).dtype == ember.float32


def test_softmax_implicit_dim_warning():
    x = ember.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = EF.softmax(x)
    np.testing.assert_allclose(y.cpu().numpy().sum(1), 1, rtol=1e-6)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        EF.log_softmax(ember.randn(3))
    with pytest.warns(UserWarning):
        enn.Softmax()(ember.randn(2, 3, 4))
    xe, xt = _pair((2, 3, 4, 5))
    _close(enn.Softmax2d()(xe), tnn.Softmax2d()(xt))
    _close(EF.softmax(xe, 1, dtype=ember.float32), TF.softmax(xt, 1, dtype=torch.float32),
           "float32")


def test_activation_reprs():
    for args_e in [("ReLU", (True,)), ("LeakyReLU", (0.2, True)), ("ELU", (0.5, True)),
                   ("CELU", (2.0, True)), ("SELU", (True,)), ("SiLU", (True,)),
                   ("Mish", (True,)), ("Hardtanh", (-2, 2, True)), ("Hardsigmoid", (True,)),
                   ("Hardswish", (True,)), ("ReLU6", (True,)), ("Softmax", ()),
                   ("Threshold", (0.1, 20, True)), ("RReLU", (0.1, 0.3, True)),
                   ("Softplus", (2, 10)), ("GELU", ("tanh",)), ("PReLU", (3,))]:
        name, args = args_e
        assert repr(getattr(enn, name)(*args)) == repr(getattr(tnn, name)(*args))


# ---- dropout ------------------------------------------------------------------------------------
def test_dropout_statistics_and_grad():
    ember.manual_seed(0)
    x = ember.ones(200, 500, requires_grad=True)
    y = EF.dropout(x, 0.3)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    v = y.detach().cpu().numpy()
    kept = v != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(v[kept], 1 / 0.7, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.cpu().numpy(), v)


def test_dropout_edge_cases():
    x = ember.randn(4, 5, requires_grad=True)
    assert EF.dropout(x, 0.0) is x
    assert EF.dropout(x, 0.5, training=False) is x
    y = EF.dropout(x, 1.0)
    assert type(y.grad_fn).__name__ == "MulBackward0" and not y.detach().cpu().numpy().any()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        EF.dropout(x, 1.5)
    with pytest.raises(ValueError, match="dropout probability"):
        enn.Dropout(-0.1)
    z = ember.ones(100)
    assert EF.dropout(z, 0.5, inplace=True) is z and (z.cpu().numpy() == 0).any()


def test_dropout_module_train_eval():
    m = enn.Dropout(0.5)
    assert repr(m) == repr(tnn.Dropout(0.5))
    x = ember.ones(1000)
    assert (m(x).cpu().numpy() == 0).any()
    m.eval()
    assert m(x) is x


@pytest.mark.parametrize("cls,shape", [("Dropout1d", (8, 16, 30)), ("Dropout1d", (16, 30)),
                                       ("Dropout2d", (8, 16, 5, 6)),
                                       ("Dropout3d", (8, 16, 3, 4, 5)),
                                       ("Dropout3d", (16, 3, 4, 5)),
                                       ("FeatureAlphaDropout", (8, 16, 5, 6))])
def test_channel_dropout_masks_whole_channels(cls, shape):
    m = getattr(enn, cls)(0.5)
    assert repr(m) == repr(getattr(tnn, cls)(0.5))
    x = ember.ones(*shape)
    y = m(x).cpu().numpy()
    assert y.shape == shape
    unbatched = (cls, len(shape)) in (("Dropout1d", 2), ("Dropout3d", 4))
    lead = 1 if unbatched else 2
    flat = y.reshape(int(np.prod(shape[:lead])), -1)
    assert (flat == flat[:, :1]).all()
    assert len(np.unique(flat[:, 0])) == 2


def test_dropout2d_warnings():
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        EF.dropout2d(ember.randn(2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        EF.dropout2d(ember.randn(2, 3))
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a "
                                           "4D input"):
        EF.dropout1d(ember.randn(2, 3, 4, 5))


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(1)
    x = ember.randn(400, 500)
    m = enn.AlphaDropout(0.2)
    y = m(x).cpu().numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    assert type(m(x.requires_grad_()).grad_fn).__name__ == "AddBackward0"
    m.eval()
    assert m(x) is x
    assert EF.alpha_dropout(x, 0.5) is x   # training=False by default


# ---- embedding ------------------------------------------------------------------------------------
def _long_pair(values):
    return ember.tensor(values), torch.tensor(values)


@pytest.mark.parametrize("kw", [{}, {"padding_idx": 2}, {"padding_idx": -1},
                                {"scale_grad_by_freq": True},
                                {"padding_idx": 0, "scale_grad_by_freq": True}])
def test_embedding(kw):
    em, tm = enn.Embedding(6, 3, **kw).double(), tnn.Embedding(6, 3, **kw).double()
    assert repr(em) == repr(tm)
    _copy_weights(em, tm)
    ie, it = _long_pair([[0, 2, 2, 5], [1, 2, 0, 0]])
    ye, yt = em(ie), tm(it)
    assert type(ye.grad_fn).__name__ == "EmbeddingBackward0"
    _close(ye, yt)
    g = np.random.default_rng(0).standard_normal((2, 4, 3))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(em.weight.grad, tm.weight.grad)


def test_embedding_padding_row_initialised_to_zero():
    assert not enn.Embedding(5, 3, padding_idx=1).weight[1].detach().cpu().numpy().any()
    assert not enn.Embedding(5, 3, padding_idx=-1).weight[4].detach().cpu().numpy().any()


def test_embedding_max_norm_renormalises_in_place():
    for norm_type in (2.0, 1.0, 3.0):
        em = enn.Embedding(6, 4, max_norm=1.0, norm_type=norm_type).double()
        tm = tnn.Embedding(6, 4, max_norm=1.0, norm_type=norm_type).double()
        _copy_weights(em, tm)
        ie, it = _long_pair([1, 3, 3])
        _close(em(ie), tm(it))
        _close(em.weight, tm.weight)


@pytest.mark.cpu_only
def test_embedding_errors():
    e = enn.Embedding(3, 2)
    with pytest.raises(IndexError, match="index out of range in self"):
        e(ember.tensor([3]))
    with pytest.raises(IndexError, match="index out of range in self"):
        e(ember.tensor([-1]))
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices' to have "
                                           "one of the following scalar types: Long, Int; but "
                                           "got torch.FloatTensor instead"):
        e(ember.tensor([1.0]))
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        enn.Embedding(3, 2, padding_idx=3)


def test_embedding_from_pretrained():
    w = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    e = enn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad and e(ember.tensor([1])).tolist() == [[3.0, 4.0]]
    assert enn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    b = enn.EmbeddingBag.from_pretrained(w, mode="sum")
    assert b(ember.tensor([[0, 1]])).tolist() == [[4.0, 6.0]]


def test_embedding_default_init_is_standard_normal():
    w = enn.Embedding(1000, 100).weight.detach().cpu().numpy()
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("kw", [{}, {"padding_idx": 1}, {"include_last_offset": True}])
def test_embedding_bag_1d_offsets(mode, kw):
    em = enn.EmbeddingBag(7, 3, mode=mode, **kw).double()
    tm = tnn.EmbeddingBag(7, 3, mode=mode, **kw).double()
    assert repr(em) == repr(tm)
    _copy_weights(em, tm)
    ie, it = _long_pair([1, 2, 4, 5, 4, 3, 2, 9 - 8, 6])
    oe, ot = _long_pair([0, 2, 2, 5, 9] if kw.get("include_last_offset") else [0, 2, 2, 5])
    ye, yt = em(ie, oe), tm(it, ot)
    assert type(ye.grad_fn).__name__ == "EmbeddingBagBackward0"
    _close(ye, yt)
    g = np.random.default_rng(0).standard_normal(tuple(yt.shape))
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    _close(em.weight.grad, tm.weight.grad)


def test_embedding_bag_2d_and_per_sample_weights():
    we, wt = _pair((6, 3), seed=4)
    ie, it = _long_pair([[0, 2, 2], [5, 1, 0]])
    pe, pt = _pair((2, 3), seed=5)
    ye = EF.embedding_bag(ie, we, mode="sum", per_sample_weights=pe)
    yt = TF.embedding_bag(it, wt, mode="sum", per_sample_weights=pt)
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(we.grad, wt.grad)
    _close(pe.grad, pt.grad)
    _close(EF.embedding_bag(ie, we), TF.embedding_bag(it, wt))


def test_embedding_bag_errors():
    w = ember.randn(3, 2)
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        EF.embedding_bag(ember.tensor([1, 2]), w)
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        EF.embedding_bag(ember.tensor([1, 2]), w, ember.tensor([0]), mode="foo")
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        EF.embedding_bag(ember.tensor([1, 2]), w, ember.tensor([0]), mode="max",
                         per_sample_weights=ember.randn(2))


def test_one_hot():
    e, t = _long_pair([[0, 3], [1, 1]])
    assert EF.one_hot(e).tolist() == TF.one_hot(t).tolist()
    assert EF.one_hot(e, 5).tolist() == TF.one_hot(t, 5).tolist()
    assert EF.one_hot(e).dtype == ember.int64
    for bad, msg in [((ember.tensor([1, 3]), 2), "Class values must be smaller than num_classes."),
                     ((ember.tensor([-1]),), "Class values must be non-negative."),
                     ((ember.tensor([1.0]),), "one_hot is only applicable to index tensor"),
                     ((ember.tensor([], dtype=ember.int64),), "Can not infer total number")]:
        with pytest.raises(RuntimeError, match=msg):
            EF.one_hot(*bad)


# ---- flatten ------------------------------------------------------------------------------------
def test_flatten_unflatten():
    _check_module(enn.Flatten(), tnn.Flatten(), (2, 3, 4), node="ViewBackward0")
    _check_module(enn.Flatten(0, 1), tnn.Flatten(0, 1), (2, 3, 4))
    _check_module(enn.Unflatten(1, (2, 2)), tnn.Unflatten(1, (2, 2)), (3, 4), node="ViewBackward0")
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints"):
        enn.Unflatten(1, (2.0, 2))


def test_sequential_mlp_training_step_matches_torch():
    em = enn.Sequential(enn.Linear(5, 8), enn.GELU(), enn.Dropout(0.0), enn.Linear(8, 3),
                        enn.LogSoftmax(1))
    tm = tnn.Sequential(tnn.Linear(5, 8), tnn.GELU(), tnn.Dropout(0.0), tnn.Linear(8, 3),
                        tnn.LogSoftmax(1))
    _check_module(em, tm, (4, 5))


def test_prelu_zero_dim_input_with_one_element_weight():
    """A (1,)-shaped weight must not broadcast a 0-d input up to 1-d (OpInfo regression)."""
    from tests._compare_ops import check, rand
    check(lambda lib, x, w: lib.nn.functional.prelu(x, w), -rand(), rand(1))
