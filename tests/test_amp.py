"""torch.amp: autocast's per-op cast policies on CPU (dtypes and values against torch), nesting,
the state functions, custom_fwd/custom_bwd, the deprecated device spellings, and GradScaler's
scale trajectory, skipped steps and state_dict against torch.amp.GradScaler("cpu")."""
import pickle
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as EF

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _pair(rng, *shape, dtype="float32", requires_grad=False):
    a = rng.standard_normal(shape).astype(dtype)
    e = ember.tensor(a, requires_grad=requires_grad)
    t = torch.tensor(a, requires_grad=requires_grad)
    return e, t


def _arrays(rng):
    return {"x": rng.standard_normal((4, 5)), "w": rng.standard_normal((3, 5)),
            "b": rng.standard_normal(3), "v": rng.standard_normal(5),
            "b3": rng.standard_normal((2, 4, 4)), "img": rng.standard_normal((1, 2, 6, 6)),
            "k": rng.standard_normal((3, 2, 3, 3)), "p": rng.uniform(0.1, 0.9, (4, 5)),
            "y": np.array([0, 2, 1, 4])}


# (name, fn(lib, F, tensors)): fp32 inputs unless the case casts them itself
CASES = [
    ("linear", lambda m, F, t: F.linear(t["x"], t["w"], t["b"])),
    ("linear_3d", lambda m, F, t: F.linear(t["b3"][:, :, :4], t["w"][:, :4], t["b"])),
    ("linear_nobias", lambda m, F, t: F.linear(t["x"], t["w"])),
    ("matmul", lambda m, F, t: t["x"] @ t["w"].t()),
    ("mm", lambda m, F, t: m.mm(t["x"], t["w"].t())),
    ("bmm", lambda m, F, t: m.bmm(t["b3"], t["b3"])),
    ("addmm", lambda m, F, t: m.addmm(t["b"], t["x"], t["w"].t())),
    ("baddbmm", lambda m, F, t: m.baddbmm(t["b3"], t["b3"], t["b3"])),
    ("conv2d", lambda m, F, t: F.conv2d(t["img"], t["k"])),
    ("einsum", lambda m, F, t: m.einsum("ij,kj->ik", t["x"], t["w"])),
    ("sdpa", lambda m, F, t: F.scaled_dot_product_attention(t["b3"], t["b3"], t["b3"])),
    ("mv_not_listed", lambda m, F, t: m.mv(t["x"], t["v"])),
    ("mm_float64", lambda m, F, t: m.mm(t["x"].double(), t["w"].t().double())),
    ("mm_int", lambda m, F, t: m.mm(t["y"][:, None], t["y"][None, :])),
    ("exp_lowp", lambda m, F, t: m.exp(t["x"].bfloat16())),
    ("softmax_lowp", lambda m, F, t: t["x"].bfloat16().softmax(1)),
    ("mse_lowp", lambda m, F, t: F.mse_loss(t["x"].bfloat16(), t["x"].bfloat16() * 0.5)),
    ("l1_lowp", lambda m, F, t: F.l1_loss(t["x"].bfloat16(), t["x"].bfloat16() * 0.5)),
    ("cross_entropy_lowp", lambda m, F, t: F.cross_entropy(t["x"].bfloat16(), t["y"])),
    ("nll_lowp", lambda m, F, t: F.nll_loss(t["x"].bfloat16(), t["y"])),
    ("bce_lowp", lambda m, F, t: F.binary_cross_entropy(t["p"].bfloat16(), t["p"].bfloat16())),
    ("bce_logits_lowp", lambda m, F, t: F.binary_cross_entropy_with_logits(
        t["x"].bfloat16(), t["p"].bfloat16())),
    ("prod_lowp", lambda m, F, t: t["x"].bfloat16().prod()),
    ("cat_promote", lambda m, F, t: m.cat([t["x"], t["x"].bfloat16()])),
    ("stack_lowp", lambda m, F, t: m.stack([t["x"].bfloat16(), t["x"].bfloat16()])),
    ("add_not_listed", lambda m, F, t: t["x"] + t["x"].bfloat16()),
    ("mlp", lambda m, F, t: F.relu(F.linear(t["x"], t["w"], t["b"])).sum()),
]


def _run(lib, F, arrays, case, dtype):
    t = {k: lib.tensor(v.astype("float32") if v.dtype == np.float64 else v)
         for k, v in arrays.items()}
    with lib.autocast("cpu", dtype=dtype):
        return case(lib, F, t)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("name,case", CASES, ids=[c[0] for c in CASES])
def test_cpu_autocast_matches_torch(name, case, dtype, rng):
    arrays = _arrays(rng)
    if dtype == "float16" and name == "stack_lowp":
        pytest.skip("covered by test_promote_mixed_lower_precision_error")
    e = _run(ember, EF, arrays, case, getattr(ember, dtype))
    t = _run(torch, TF, arrays, case, getattr(torch, dtype))
    assert str(e.dtype) == str(t.dtype)
    tol = 2e-2 if t.dtype in (torch.bfloat16, torch.float16) else 1e-5
    np.testing.assert_allclose(e.double().detach().numpy(), t.double().detach().numpy(),
                               rtol=tol, atol=tol)


def test_backward_through_autocast(rng):
    ex, tx = _pair(rng, 4, 5)
    ew, tw = _pair(rng, 3, 5, requires_grad=True)
    eb, tb = _pair(rng, 3, requires_grad=True)
    outs = []
    for lib, F, x, w, b in ((ember, EF, ex, ew, eb), (torch, TF, tx, tw, tb)):
        with lib.autocast("cpu"):
            y = F.linear(x, w, b)
            loss = F.mse_loss(y, lib.zeros_like(y))
        loss.backward()
        outs.append((y, loss, w.grad, b.grad))
    for e, t in zip(*outs):
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_allclose(e.double().detach().numpy(), t.double().detach().numpy(),
                                   rtol=2e-2, atol=2e-2)
    assert type(outs[0][0].grad_fn).__name__ == type(outs[1][0].grad_fn).__name__
    names = [type(f).__name__ for f, _ in outs[0][0].grad_fn.next_functions if f is not None]
    tnames = [type(f).__name__ for f, _ in outs[1][0].grad_fn.next_functions if f is not None]
    assert names == tnames


def test_nesting_state_and_decorator():
    for lib in (ember, torch):
        x = lib.ones(2, 2)
        assert not lib.is_autocast_enabled("cpu")
        assert lib.get_autocast_dtype("cpu") == lib.bfloat16
        assert lib.get_autocast_dtype("cuda") == lib.float16
        with lib.autocast("cpu"):
            assert lib.is_autocast_enabled("cpu") and not lib.is_autocast_enabled()
            assert (x @ x).dtype == lib.bfloat16
            with lib.autocast("cpu", enabled=False):
                assert not lib.is_autocast_enabled("cpu")
                assert (x @ x).dtype == lib.float32
            with lib.autocast("cpu", dtype=lib.float16):
                assert lib.get_autocast_dtype("cpu") == lib.float16
                assert (x @ x).dtype == lib.float16
            assert lib.get_autocast_dtype("cpu") == lib.bfloat16
            assert (x @ x).dtype == lib.bfloat16
        assert not lib.is_autocast_enabled("cpu")

        @lib.autocast("cpu")
        def f(a):
            return a @ a
        assert f(x).dtype == lib.bfloat16 and f.__name__ == "f"
        lib.set_autocast_enabled("cpu", True)
        try:
            assert (x @ x).dtype == lib.bfloat16
        finally:
            lib.set_autocast_enabled("cpu", False)
        assert (x @ x).dtype == lib.float32
        assert lib.is_autocast_cache_enabled()


def test_outside_autocast_the_original_functions_are_bound():
    import ember._ops.linalg as L
    from ember._ops._bindings import original
    before = (ember.matmul, ember.Tensor.matmul, EF.linear, L.mm)
    with ember.autocast("cpu"):
        # (another layer, e.g. __torch_function__ dispatch, may be on as well)
        assert ember.matmul is not before[0]
        assert original(ember.matmul) is original(before[0])
    assert (ember.matmul, ember.Tensor.matmul, EF.linear, L.mm) == before


def _to_copy_node(out):
    """The ToCopyBackward0 node that cast the weight, found walking down from ``out``."""
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "ToCopyBackward0":
            return node
        stack.extend(f for f, _ in node.next_functions if f is not None)
    return None


@pytest.mark.parametrize("cache_enabled", [True, False])
def test_weight_cast_cache(cache_enabled, rng):
    """Casts of fp32 leaves that require grad are reused within the region (PyTorch's cache)."""
    seen = []
    for lib, F in ((ember, EF), (torch, TF)):
        w = lib.tensor(rng.standard_normal((3, 3)).astype("float32"), requires_grad=True)
        x = lib.ones(3, 3)
        with lib.autocast("cpu", cache_enabled=cache_enabled):
            assert lib.is_autocast_cache_enabled() is cache_enabled
            a = F.linear(x, w)
            b = F.linear(x, w)
        seen.append(_to_copy_node(a) is _to_copy_node(b))
    assert seen[0] == seen[1] == cache_enabled
    from ember.amp import _state
    assert _state.tls.cache == {}


def _message(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("make", [
    lambda lib: lib.autocast(0),
    lambda lib: lib.autocast("foo"),
    lambda lib: lib.autocast("cpu")(3),
    lambda lib: lib.get_autocast_dtype("foo"),
    lambda lib: lib.amp.custom_fwd(device_type=1),
])
def test_errors_match_torch(make):
    assert _message(lambda: make(ember)) == _message(lambda: make(torch))


def test_promote_mixed_lower_precision_error():
    def run(lib):
        a = lib.ones(2).bfloat16()
        with lib.autocast("cpu", dtype=lib.float16):
            lib.stack([a, a])
    assert _message(lambda: run(ember)) == _message(lambda: run(torch))


def _warnings(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        result = fn()
    return [(x.category, str(x.message)) for x in w], result


def test_unsupported_dtype_and_deprecated_spellings_warn_like_torch():
    for make in (lambda lib: lib.autocast("cpu", dtype=lib.float32),
                 lambda lib: lib.cpu.amp.autocast(),
                 lambda lib: lib.autocast("cuda"),
                 lambda lib: lib.cuda.amp.autocast(),
                 lambda lib: lib.cuda.amp.GradScaler(),
                 lambda lib: lib.cpu.amp.GradScaler(),
                 lambda lib: lib.amp.GradScaler()):
        ew, e = _warnings(lambda: make(ember))
        tw, t = _warnings(lambda: make(torch))
        assert ew == tw
        enabled = "_enabled"
        assert getattr(e, enabled) == getattr(t, enabled)


def _custom_function(lib, cast_inputs):
    seen = {}

    class MyMM(lib.autograd.Function):
        @staticmethod
        @lib.amp.custom_fwd(device_type="cpu", cast_inputs=cast_inputs)
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            seen["fwd"] = (a.dtype, lib.is_autocast_enabled("cpu"))
            return a.mm(b)

        @staticmethod
        @lib.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            seen["bwd"] = lib.is_autocast_enabled("cpu")
            return grad.mm(b.t()), a.t().mm(grad)
    return MyMM, seen


@pytest.mark.parametrize("cast_inputs", [None, "float32"])
def test_custom_fwd_bwd(cast_inputs, rng):
    results = []
    for lib in (ember, torch):
        fn, seen = _custom_function(lib, cast_inputs and getattr(lib, cast_inputs))
        a = lib.tensor(rng.standard_normal((3, 3)).astype("float32"), requires_grad=True)
        with lib.autocast("cpu"):
            out = fn.apply(a, a)
            out.float().sum().backward()
        results.append((str(out.dtype), str(seen["fwd"][0]), seen["fwd"][1], seen["bwd"],
                        str(a.grad.dtype)))
    assert results[0] == results[1]


# ---- GradScaler -----------------------------------------------------------------------------
def _train(lib, rng_seed, steps, inf_steps, **kw):
    rng = np.random.default_rng(rng_seed)
    w0 = rng.standard_normal((2, 3)).astype("float32")
    model = lib.nn.Linear(3, 2)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(w0))
        model.bias.zero_()
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", **kw)
    scales = []
    for i in range(steps):
        x = lib.tensor(rng.standard_normal((4, 3)).astype("float32"))
        opt.zero_grad()
        with lib.autocast("cpu"):
            loss = model(x).float().pow(2).mean()
        if i in inf_steps:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        if i % 2:
            scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return scales, model.weight.detach().double().numpy(), scaler.state_dict(), scaler


def test_grad_scaler_matches_torch():
    kw = dict(init_scale=2.0 ** 10, growth_interval=2, growth_factor=4.0, backoff_factor=0.25)
    e = _train(ember, 1, 7, {2, 3}, **kw)
    t = _train(torch, 1, 7, {2, 3}, **kw)
    assert e[0] == t[0]
    np.testing.assert_allclose(e[1], t[1], rtol=1e-2, atol=1e-3)
    assert e[2] == t[2]
    loaded = ember.amp.GradScaler("cpu")
    loaded.load_state_dict(e[2])
    assert loaded.state_dict() == e[2]
    assert pickle.loads(pickle.dumps(e[3])).state_dict() == e[2]


def test_grad_scaler_scale_containers_and_disabled():
    for lib in (ember, torch):
        s = lib.amp.GradScaler("cpu", init_scale=8.0)
        a, b = s.scale([lib.ones(2), (lib.ones(1),)])
        assert a.tolist() == [8.0, 8.0] and b[0].tolist() == [8.0]
        off = lib.amp.GradScaler("cpu", enabled=False)
        assert off.get_scale() == 1.0 and off.state_dict() == {} and not off.is_enabled()


def _scaler_misuse(lib, what):
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([p], lr=0.1)
    s = lib.amp.GradScaler("cpu")
    if what == "update_first":
        return s.update()
    s.scale(p.sum()).backward()
    if what == "unscale_twice":
        s.unscale_(opt)
        s.unscale_(opt)
    elif what == "step_twice":
        s.step(opt)
        s.step(opt)
    elif what == "unscale_after_step":
        s.step(opt)
        s.unscale_(opt)
    elif what == "closure":
        s.step(opt, closure=lambda: 0)
    elif what == "empty_state":
        s.load_state_dict({})
    elif what == "outputs_type":
        s.scale(3)
    elif what == "growth":
        lib.amp.GradScaler("cpu", growth_factor=0.5)


@pytest.mark.parametrize("what", ["update_first", "unscale_twice", "step_twice",
                                  "unscale_after_step", "closure", "empty_state",
                                  "outputs_type", "growth"])
def test_grad_scaler_errors(what):
    assert _message(lambda: _scaler_misuse(ember, what)) == \
        _message(lambda: _scaler_misuse(torch, what))


def test_cuda_policies_on_fake_cuda(fake_cuda):
    """CUDA's lists (PyTorch's autocast_mode.h) on the fake CUDA backend: no oracle here."""
    x = ember.ones(2, 2, device="cuda")
    with ember.autocast("cuda"):
        assert (x @ x).dtype == ember.float16
        assert ember.exp(x.half()).dtype == ember.float32
        assert x.half().softmax(0).dtype == ember.float32
        assert x.half().sum().dtype == ember.float32
        assert ember.addcmul(x, x.half(), x.half()).dtype == ember.float32
        assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float32   # CPU untouched
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            EF.binary_cross_entropy(x.sigmoid(), x.sigmoid())


def test_autocast_inside_profiler_and_flop_counter():
    """The transforms compose: ops are cast, timed and counted together."""
    from ember.utils.flop_counter import FlopCounterMode
    x = ember.ones(4, 4)
    with ember.profiler.profile() as prof, FlopCounterMode(display=False) as flops:
        with ember.autocast("cpu"):
            y = x @ x
        z = x @ x
    assert y.dtype == ember.bfloat16 and z.dtype == ember.float32
    assert {e.key: e.count for e in prof.key_averages()}["aten::matmul"] == 2
    assert flops.get_total_flops() == 2 * 2 * 4 * 4 * 4
    from ember._ops import _bindings    # all three layers are off again
    assert ember.matmul.__name__ == "matmul"
    assert not {"profiler", "flop_counter", "autocast"} & _bindings._active


def _inf_step_scales(lib, device):
    p = lib.nn.Parameter(lib.ones(3, device=device))
    opt = lib.optim.SGD([p], lr=0.1)
    scaler = lib.amp.GradScaler(device, init_scale=4.0, growth_interval=1)
    scales = []
    for step in range(3):
        opt.zero_grad()
        loss = (p * (float("inf") if step == 1 else 1.0)).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    assert scaler.is_enabled() and p.device.type == device
    return scales, p.detach().cpu().tolist()


def test_grad_scaler_on_fake_cuda(fake_cuda):
    """The CUDA scaler on the fake CUDA backend follows torch's CPU scaler step for step."""
    assert _inf_step_scales(ember, "cuda") == _inf_step_scales(torch, "cpu")
