"""Loss modules and functions against torch 2.13: values, input gradients, node names, reprs,
state_dicts and bad-input errors."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

REDUCTIONS = ("none", "mean", "sum")
TOL = {"float64": (1e-10, 1e-12), "float32": (1e-5, 1e-5)}
rng = np.random.default_rng(0)


class G:
    """A float input that takes part in the backward comparison."""
    def __init__(self, value):
        self.value = np.asarray(value, dtype=np.float64)


def randn(*shape):
    return G(rng.standard_normal(shape))


def uniform(*shape, low=0.02, high=0.98):
    return G(rng.uniform(low, high, shape))


def ints(high, *shape, low=0):
    return rng.integers(low, high, shape)


def _convert(lib, v, dtype):
    """numpy arrays / G inputs -> tensors of ``lib`` (float arrays take the run dtype)."""
    if isinstance(v, G):
        return lib.tensor(v.value, dtype=getattr(lib, dtype), requires_grad=True)
    if isinstance(v, np.ndarray):
        if v.dtype.kind == "f":
            return lib.tensor(v, dtype=getattr(lib, dtype))
        return lib.tensor(v)
    return v


def _run(lib, make, args, kwargs, dtype, upstream):
    targs = [_convert(lib, a, dtype) for a in args]
    tkw = {k: _convert(lib, v, dtype) for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = make(lib, tkw)(*targs)
    out.backward(lib.tensor(upstream, dtype=out.dtype) if out.ndim else None)
    grads = [a.grad.cpu().numpy() for a, raw in zip(targs, args) if isinstance(raw, G)]
    return out, grads


def compare(make, args, kwargs=None, dtypes=("float64", "float32"), node=True):
    """Run ``make(lib, kwargs)(*args)`` in both libraries; compare output, node name (unless
    ``node`` is False) and the gradients of the ``G`` inputs."""
    kwargs = kwargs or {}
    for dtype in dtypes:
        rtol, atol = TOL[dtype]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = make(torch, {k: _convert(torch, v, dtype) for k, v in kwargs.items()})(
                *[_convert(torch, a, dtype) for a in args])
        upstream = rng.standard_normal(tuple(ref.shape))
        t_out, t_grads = _run(torch, make, args, kwargs, dtype, upstream)
        e_out, e_grads = _run(ember, make, args, kwargs, dtype, upstream)
        assert tuple(e_out.shape) == tuple(t_out.shape)
        assert str(e_out.dtype) == str(t_out.dtype)
        np.testing.assert_allclose(e_out.detach().cpu().numpy(), t_out.detach().cpu().numpy(),
                                   rtol, atol)
        if node:
            assert type(e_out.grad_fn).__name__ == type(t_out.grad_fn).__name__
        for eg, tg in zip(e_grads, t_grads):
            np.testing.assert_allclose(eg, tg, rtol, atol)


def module(name, **ctor):
    return lambda lib, kw: getattr(lib.nn, name)(**ctor, **kw)


def functional(name, **fixed):
    return lambda lib, kw: (lambda *a: getattr(lib.nn.functional, name)(*a, **fixed, **kw))


# ---- regression -------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,ctor", [("MSELoss", {}), ("L1Loss", {}), ("SmoothL1Loss", {}),
                                       ("SmoothL1Loss", {"beta": 0.5}),
                                       ("SmoothL1Loss", {"beta": 0.0}), ("HuberLoss", {}),
                                       ("HuberLoss", {"delta": 0.3}), ("SoftMarginLoss", {})])
def test_regression_losses(name, ctor, reduction):
    target = randn(3, 4) if name != "SoftMarginLoss" else np.sign(rng.standard_normal((3, 4)))
    compare(module(name, reduction=reduction, **ctor), [randn(3, 4), target])


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_target_gradient_and_broadcast(name):
    compare(functional(name), [randn(3, 4), randn(3, 4)])
    with pytest.warns(UserWarning, match="Using a target size"):
        getattr(ember.nn.functional, name)(ember.randn(3, 4), ember.randn(4))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_regression(name, reduction):
    compare(functional(name, reduction=reduction), [randn(3, 4), randn(3, 4)],
            {"weight": rng.uniform(0.1, 1, (3, 4))})


@pytest.mark.parametrize("size_average,reduce", [(False, None), (None, False), (True, True)])
def test_legacy_reduction_args(size_average, reduce):
    compare(module("MSELoss", size_average=size_average, reduce=reduce),
            [randn(3, 4), randn(3, 4)])
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        m = ember.nn.L1Loss(size_average=size_average, reduce=reduce)
    assert m.reduction == torch.nn.L1Loss(size_average=size_average, reduce=reduce).reduction


# ---- classification ----------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 4, 3), (2, 4, 3, 2), (2, 4, 2, 1, 3)])
@pytest.mark.parametrize("options", [{}, {"ignore_index": 1}, {"weight": True},
                                     {"weight": True, "ignore_index": 2}])
@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss"])
def test_class_index_losses(name, shape, options, reduction):
    c = shape[1] if len(shape) > 1 else shape[0]
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    kw = {}
    if options.get("weight"):
        kw["weight"] = rng.uniform(0.5, 2, c)
    ctor = {"reduction": reduction}
    if "ignore_index" in options:
        ctor["ignore_index"] = options["ignore_index"]
    compare(module(name, **ctor), [randn(*shape), np.asarray(ints(c, *tshape))], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.1, 1.0])
@pytest.mark.parametrize("weight", [False, True])
def test_cross_entropy_label_smoothing(reduction, smoothing, weight):
    kw = {"weight": rng.uniform(0.5, 2, 4)} if weight else {}
    target = ints(4, 6)
    target[1] = -100
    compare(module("CrossEntropyLoss", reduction=reduction, label_smoothing=smoothing),
            [randn(6, 4), target], kw)
    compare(module("CrossEntropyLoss", reduction=reduction, label_smoothing=smoothing),
            [randn(2, 4, 3), ints(4, 2, 3)], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5, 4), (4,), (2, 4, 3)])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weight", [False, True])
def test_cross_entropy_probabilities(reduction, shape, smoothing, weight):
    cdim = 1 if len(shape) > 1 else 0
    probs = rng.dirichlet(np.ones(shape[cdim]), size=int(np.prod(shape)) // shape[cdim])
    probs = np.moveaxis(probs.reshape(tuple(s for i, s in enumerate(shape) if i != cdim)
                                      + (shape[cdim],)), -1, cdim)
    kw = {"weight": rng.uniform(0.5, 2, shape[cdim])} if weight else {}
    # 'mean' ends in ATen's div-by-scalar node (DivBackward1), which Python code cannot name
    compare(module("CrossEntropyLoss", reduction=reduction, label_smoothing=smoothing),
            [randn(*shape), G(probs)], kw, node=reduction != "mean")


def test_cross_entropy_graph_is_nll_over_log_softmax():
    x = ember.randn(3, 4, requires_grad=True)
    loss = ember.nn.functional.cross_entropy(x, ember.tensor([0, 1, 3]))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"


def test_cross_entropy_double_backward():
    def run(lib):
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([0, 1, 3]),
                                               weight=lib.tensor([1., 2, 3, 4], dtype=lib.float64))
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (g2,) = lib.autograd.grad((g * g).sum(), x)
        return g2.cpu().numpy()
    np.testing.assert_allclose(run(ember), run(torch), 1e-10, 1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
def test_bce(reduction, weight):
    kw = {"weight": rng.uniform(0.5, 2, (3, 4))} if weight else {}
    compare(module("BCELoss", reduction=reduction), [uniform(3, 4), uniform(3, 4)], kw)
    compare(functional("binary_cross_entropy", reduction=reduction),
            [uniform(3, 4), G(rng.integers(0, 2, (3, 4)).astype(float))], kw)


def test_bce_log_clamped_at_minus_100():
    for lib in (ember, torch):
        x = lib.tensor([0.0, 1.0, 0.5])
        y = lib.tensor([1.0, 0.0, 1.0])
        out = lib.nn.functional.binary_cross_entropy(x, y, reduction="none")
        np.testing.assert_allclose(out.cpu().numpy(), [100, 100, np.log(2)], rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight,pos_weight", [(False, False), (True, False), (False, True),
                                               (True, True)])
def test_bce_with_logits(reduction, weight, pos_weight):
    kw = {}
    if weight:
        kw["weight"] = rng.uniform(0.5, 2, (4,))
    if pos_weight:
        kw["pos_weight"] = rng.uniform(0.5, 3, (4,))
    compare(module("BCEWithLogitsLoss", reduction=reduction),
            [G(rng.standard_normal((3, 4)) * 5), uniform(3, 4)], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS + ("batchmean",))
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    target = G(np.log(rng.uniform(0.05, 1, (3, 4)))) if log_target else uniform(3, 4)
    compare(module("KLDivLoss", reduction=reduction, log_target=log_target),
            [randn(3, 4), target])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll(reduction, log_input, full):
    x = randn(3, 4) if log_input else uniform(3, 4, low=0.1, high=3)
    compare(module("PoissonNLLLoss", log_input=log_input, full=full, reduction=reduction),
            [x, G(rng.uniform(0, 4, (3, 4)))])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1)])
def test_gaussian_nll(reduction, full, var_shape):
    compare(module("GaussianNLLLoss", full=full, reduction=reduction),
            [randn(3, 4), randn(3, 4), uniform(*var_shape, low=0.1, high=2)])


# ---- margin / embedding losses -----------------------------------------------------------------
def signs(*shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_and_margin_ranking(reduction):
    compare(module("HingeEmbeddingLoss", margin=0.7, reduction=reduction),
            [randn(3, 4), signs(3, 4)])
    compare(module("MarginRankingLoss", margin=0.2, reduction=reduction),
            [randn(5), randn(5), signs(5)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding(reduction):
    compare(module("CosineEmbeddingLoss", margin=0.1, reduction=reduction),
            [randn(5, 3), randn(5, 3), signs(5)])
    compare(module("CosineEmbeddingLoss", reduction=reduction),
            [randn(3), randn(3), np.asarray(-1.0)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,swap", [(2.0, False), (1.0, True), (3.0, False)])
def test_triplet_margin(reduction, p, swap):
    compare(module("TripletMarginLoss", p=p, swap=swap, margin=2.0, reduction=reduction),
            [randn(5, 3), randn(5, 3), randn(5, 3)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_margin_with_distance(reduction):
    compare(lambda lib, kw: lib.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: (a - b).abs().sum(-1), margin=2.0, swap=True,
        reduction=reduction), [randn(5, 3), randn(5, 3), randn(5, 3)])
    compare(functional("triplet_margin_with_distance_loss", margin=1.5, reduction=reduction),
            [randn(5, 3), randn(5, 3), randn(5, 3)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [False, True])
def test_multilabel_soft_margin(reduction, weight):
    kw = {"weight": rng.uniform(0.5, 2, 4)} if weight else {}
    compare(module("MultiLabelSoftMarginLoss", reduction=reduction),
            [randn(3, 4), rng.integers(0, 2, (3, 4)).astype(float)], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,weight", [(1, False), (2, False), (1, True), (2, True)])
def test_multi_margin(reduction, p, weight):
    kw = {"weight": rng.uniform(0.5, 2, 5)} if weight else {}
    compare(module("MultiMarginLoss", p=p, margin=0.8, reduction=reduction),
            [randn(4, 5), ints(5, 4)], kw)
    compare(module("MultiMarginLoss", p=p, reduction=reduction), [randn(5), np.asarray(2)], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin(reduction):
    target = np.array([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 3, 0, 0],
                       [0, 1, 2, 3, 4]])
    compare(module("MultiLabelMarginLoss", reduction=reduction), [randn(4, 5), target])
    compare(module("MultiLabelMarginLoss", reduction=reduction),
            [randn(5), np.array([2, 4, -1, 0, 0])])


# ---- reprs, state_dicts ------------------------------------------------------------------------
def test_reprs_and_state_dicts():
    w = np.ones(3)
    for name, kw in [("CrossEntropyLoss", {"weight": w}), ("NLLLoss", {}),
                     ("BCELoss", {"weight": w}),
                     ("BCEWithLogitsLoss", {"pos_weight": w}), ("MSELoss", {}),
                     ("HuberLoss", {"delta": 2.0}), ("MultiMarginLoss", {"weight": w}),
                     ("TripletMarginLoss", {}), ("CTCLoss", {}), ("KLDivLoss", {})]:
        e = getattr(ember.nn, name)(**{k: _convert(ember, v, "float32") for k, v in kw.items()})
        t = getattr(torch.nn, name)(**{k: _convert(torch, v, "float32") for k, v in kw.items()})
        assert repr(e) == repr(t)
        assert list(e.state_dict()) == list(t.state_dict())


# ---- errors ----------------------------------------------------------------------------------
def _errors(fn):
    out = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(lib)
        out.append(info)
    (e, t) = out
    assert e.type is t.type, (e.value, t.value)
    assert str(e.value) == str(t.value)


@pytest.mark.parametrize("fn", [
    lambda L: L.nn.functional.cross_entropy(L.zeros(3, 4), L.tensor([0, 1, 10])),
    lambda L: L.nn.functional.cross_entropy(L.zeros(3, 4), L.tensor([0, 1, -5])),
    lambda L: L.nn.functional.cross_entropy(L.zeros(3, 4), L.tensor([0, 1])),
    lambda L: L.nn.functional.nll_loss(L.zeros(3, 4), L.tensor([0, 1, 2], dtype=L.int32)),
    lambda L: L.nn.functional.nll_loss(L.zeros(3, 4), L.tensor([0., 1, 2])),
    lambda L: L.nn.functional.nll_loss(L.zeros(3, 4), L.tensor([[0, 1, 2]])),
    lambda L: L.nn.functional.nll_loss(L.zeros(3, 4), L.tensor([0, 1, 2]), L.ones(3)),
    lambda L: L.nn.functional.nll_loss(L.zeros(2, 3, 4, 5), L.zeros(2, 4, 6, dtype=L.long)),
    lambda L: L.nn.functional.nll_loss(L.zeros(2, 3, 4, 5), L.zeros(2, 4, dtype=L.long)),
    lambda L: L.nn.functional.nll_loss(L.zeros(2, 3, 4), L.zeros(2, 5, dtype=L.long)),
    lambda L: L.nn.functional.cross_entropy(L.zeros(3, 4), L.tensor([0, 1, 2]),
                                            label_smoothing=1.5),
    lambda L: L.nn.functional.cross_entropy(L.zeros(3, 4), L.zeros(3, 4, dtype=L.long)),
    lambda L: L.nn.functional.binary_cross_entropy(L.rand(3), L.rand(3, 1)),
    lambda L: L.nn.functional.binary_cross_entropy(L.ones(3) * 2, L.rand(3)),
    lambda L: L.nn.functional.binary_cross_entropy_with_logits(L.rand(3), L.rand(3, 1)),
    lambda L: L.nn.functional.mse_loss(L.zeros(3), L.zeros(3), reduction="bad"),
    lambda L: L.nn.functional.mse_loss(L.zeros(3, dtype=L.long), L.zeros(3, dtype=L.long)),
    lambda L: L.nn.functional.multi_margin_loss(L.zeros(3, 4), L.tensor([1, 2])),
    lambda L: L.nn.functional.multi_margin_loss(L.zeros(3, 4), L.tensor([1, 2, 4])),
    lambda L: L.nn.functional.multilabel_margin_loss(L.zeros(3, 4), L.tensor([1, 2, 3])),
    lambda L: L.nn.functional.triplet_margin_loss(L.zeros(3, 4), L.zeros(3, 4), L.zeros(4)),
    lambda L: L.nn.MultiMarginLoss(p=3),
    lambda L: L.nn.TripletMarginLoss(margin=0),
    lambda L: L.nn.functional.gaussian_nll_loss(L.zeros(3, 4), L.zeros(3, 4), L.ones(2)),
    lambda L: L.nn.functional.margin_ranking_loss(L.zeros(3), L.zeros(3), L.zeros(3, 1)),
])
def test_errors(fn):
    _errors(fn)


# ---- CTC -----------------------------------------------------------------------------------------
def _ctc_case(layout):
    t, n, c, s = 12, 4, 6, 5
    tgt = ints(c, n, s, low=1)
    tgt[0, 1] = tgt[0, 0]                        # a repeated label needs a blank between
    il = np.array([12, 10, 7, 3])
    tl = np.array([5, 3, 0, 4])                  # sample 3 cannot be aligned: infinite loss
    if layout == "concatenated":
        tgt = np.concatenate([tgt[i, :tl[i]] for i in range(n)])
    if layout == "lists":
        return randn(t, n, c), tgt, il.tolist(), tl.tolist()
    return randn(t, n, c), tgt, il, tl


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("layout", ["padded", "concatenated", "lists"])
def test_ctc(reduction, zero_infinity, layout):
    x, tgt, il, tl = _ctc_case(layout)
    make = module("CTCLoss", blank=0, reduction=reduction, zero_infinity=zero_infinity)
    with np.errstate(all="ignore"):
        if zero_infinity:
            compare(lambda lib, kw: (lambda a, *r: make(lib, kw)(a.log_softmax(2), *r)),
                    [x, tgt, il, tl])
        else:        # infinite loss: compare the finite samples only
            keep = slice(0, 3)
            x.value = x.value[:, keep]
            tgt = tgt[keep] if layout != "concatenated" else tgt[:8]
            il, tl = np.asarray(il)[keep], np.asarray(tl)[keep]
            compare(lambda lib, kw: (lambda a, *r: make(lib, kw)(a.log_softmax(2), *r)),
                    [x, tgt, il, tl])


def test_ctc_unbatched_and_blank():
    x = randn(8, 5)
    compare(lambda lib, kw: (lambda a, t: lib.nn.functional.ctc_loss(
        a.log_softmax(1), t, lib.tensor(8), lib.tensor(3), blank=4, reduction="none")),
        [x, np.array([0, 2, 2])])


def test_ctc_errors():
    _errors(lambda L: L.nn.functional.ctc_loss(L.zeros(5, 2, 4), L.ones(2, 2, dtype=L.long),
                                                L.tensor([6, 4]), L.tensor([2, 1])))
    _errors(lambda L: L.nn.functional.ctc_loss(L.zeros(5, 2, 4), L.ones(2, 2, dtype=L.long),
                                                L.tensor([5, 4]), L.tensor([3, 1])))


# ---- OpInfo regressions ---------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_margin_losses_zero_dim_input(reduction):
    """A 0-d input is one sample with one class."""
    from tests._compare_ops import check
    for fn in ("multi_margin_loss", "multilabel_margin_loss"):
        for t in (0, -1) if fn == "multilabel_margin_loss" else (0,):
            check(lambda lib, x: getattr(lib.nn.functional, fn)(x, lib.tensor(t),
                                                                reduction=reduction),
                  np.array(0.5))


def test_triplet_margin_with_distance_loss_module_distance():
    from tests._compare_ops import check, rand
    check(lambda lib, a, p, n: lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lib.nn.PairwiseDistance(p=1.5), swap=True),
        rand(5, 10, seed=1), rand(5, 10, seed=2), rand(5, 10, seed=3), names=False)


def test_distance_modules():
    from tests._compare_ops import check, rand
    # names=False: torch's pairwise_distance records NormBackward1, ember's norm
    # LinalgVectorNormBackward0 (no NormBackward1 node in ember yet)
    check(lambda lib, a, b: lib.nn.PairwiseDistance(p=1, keepdim=True)(a, b),
          rand(4, 3, seed=1), rand(4, 3, seed=2), names=False)
    check(lambda lib, a, b: lib.nn.CosineSimilarity(dim=0)(a, b),
          rand(4, 3, seed=1), rand(4, 3, seed=2))
    assert repr(ember.nn.PairwiseDistance()) == repr(torch.nn.PairwiseDistance())


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
                                  "binary_cross_entropy", "soft_margin_loss"])
def test_reduced_precision_losses_accumulate_in_float32(name, reduction, dtype):
    """600 elements: a bfloat16 accumulator would stall at 256; torch sums in float32.  (Own
    seed: draws from the module's generator depend on which tests ran before on the worker,
    and some draws end a last-bit rounding apart.)"""
    r = np.random.default_rng(600)
    x = r.uniform(0.05, 0.95, (6, 100)).astype(np.float32)
    y = r.uniform(0.05, 0.95, (6, 100)).astype(np.float32)

    def run(lib):
        a = lib.from_numpy(x).to(getattr(lib, dtype))
        b = lib.from_numpy(y).to(getattr(lib, dtype))
        return getattr(lib.nn.functional, name)(a, b, reduction=reduction)
    e, t = run(ember), run(torch)
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.float().cpu().numpy(), t.float().cpu().numpy())


_NAN = float("nan")


@pytest.mark.parametrize("x,y", [
    ([0.5, 0.2], [1.5, 0.0]), ([0.5, 0.2], [-0.1, 0.0]), ([0.5, 0.2], [_NAN, 0.0]),
    ([1.5, 0.2], [1.0, 0.0]), ([-0.5, 0.2], [1.0, 0.0]), ([_NAN, 0.2], [1.0, 0.0]),
    ([0.5, 1.5], [2.0, 0.0]), ([1.5, 0.5], [0.0, 2.0]), ([[0.5, 0.2]], [[0.3, 1.0001]]),
], ids=["target>1", "target<0", "target nan", "input>1", "input<0", "input nan",
        "target first", "input first", "2-d"])
def test_binary_cross_entropy_range_errors(x, y):
    """Input and target outside [0, 1] raise; the first bad element decides which message."""
    _errors(lambda L: L.nn.functional.binary_cross_entropy(L.tensor(x), L.tensor(y)))


def test_ctc_loss_has_no_second_derivative_like_torch():
    """create_graph=True gives a differentiable-looking gradient whose backward raises."""
    lp_value = np.log(rng.dirichlet(np.ones(5), (6, 2)))

    def run(lib):
        lp = lib.tensor(lp_value, requires_grad=True)
        loss = lib.nn.functional.ctc_loss(lp, lib.tensor([[1, 2], [3, 1]]), lib.tensor([6, 6]),
                                          lib.tensor([2, 2]))
        (g,) = lib.autograd.grad(loss, lp, create_graph=True)
        assert g.requires_grad and type(g.grad_fn).__name__ == "NotImplemented"
        lib.autograd.grad(g.sum(), lp)
    _errors(run)


_F32, _F64 = "float32", "float64"


@pytest.mark.parametrize("dtypes", [(_F64, _F32, None, None), (_F32, _F64, None, None),
                                    (_F32, _F32, _F64, None), (_F32, _F32, None, _F64),
                                    (_F64, _F64, _F32, None), (_F64, _F32, _F64, _F64)])
def test_bce_mixed_dtypes_like_torch(dtypes):
    """With logits: computed in the common dtype, returned in the target's, gradients in the
    input's; without: input and target must share a dtype (torch's RuntimeError)."""
    xi, ti, wi, pi = dtypes
    results = []
    for lib in (torch, ember):
        x = lib.tensor([0.3, -1.2], dtype=getattr(lib, xi), requires_grad=True)
        t = lib.tensor([1.0, 0.0], dtype=getattr(lib, ti))
        w = None if wi is None else lib.tensor([1.0, 2.0], dtype=getattr(lib, wi))
        p = None if pi is None else lib.tensor([2.0, 3.0], dtype=getattr(lib, pi))
        loss = lib.nn.functional.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=p)
        loss.backward()
        try:
            plain = str(lib.nn.functional.binary_cross_entropy(x.detach().sigmoid(), t,
                                                               weight=w).dtype)
        except RuntimeError as exc:
            plain = f"RuntimeError: {exc}"
        results.append((str(loss.dtype), str(x.grad.dtype), round(loss.item(), 6), plain))
    assert results[0] == results[1]
