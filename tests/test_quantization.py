"""``torch.ao.quantization`` against torch 2.13: observers (running ranges and
``calculate_qparams``), ``FakeQuantize`` (values, straight-through gradients, buffers),
qconfigs, module fusion, ``prepare`` / ``prepare_qat`` (where observers go, the QAT modules and
a few training steps), the refusals of what needs quantized tensors, and the
``torch.quantization`` / ``torch.nn.quantized`` aliases."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _same(e, t, rtol=1e-6, atol=1e-7):
    if isinstance(t, torch.Tensor):
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    elif isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b, rtol, atol)
    else:
        assert e == t


def _batches(seed=0, shape=(4, 3, 5)):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(shape) * s + o).astype(np.float32)
            for s, o in ((1.0, 0.0), (3.0, 0.5), (0.5, -1.0))]


def _observe(lib, make, batches):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obs = make(lib)
        for b in batches:
            out = obs(lib.from_numpy(b))
        return obs, out


OBSERVERS = {
    "minmax": lambda m: m.ao.quantization.MinMaxObserver(),
    "minmax_symmetric_qint8": lambda m: m.ao.quantization.MinMaxObserver(
        dtype=m.qint8, qscheme=m.per_tensor_symmetric),
    "minmax_symmetric_quint8": lambda m: m.ao.quantization.MinMaxObserver(
        qscheme=m.per_tensor_symmetric),
    "minmax_custom_range": lambda m: m.ao.quantization.MinMaxObserver(quant_min=0,
                                                                      quant_max=127),
    "minmax_reduce_range": lambda m: m.ao.quantization.MinMaxObserver(reduce_range=True),
    "moving_average": lambda m: m.ao.quantization.MovingAverageMinMaxObserver(
        averaging_constant=0.3),
    "per_channel": lambda m: m.ao.quantization.PerChannelMinMaxObserver(ch_axis=1),
    "per_channel_symmetric": lambda m: m.ao.quantization.PerChannelMinMaxObserver(
        dtype=m.qint8, qscheme=m.per_channel_symmetric),
    "per_channel_float_qparams": lambda m: m.ao.quantization.PerChannelMinMaxObserver(
        ch_axis=2, qscheme=m.per_channel_affine_float_qparams),
    "moving_average_per_channel":
        lambda m: m.ao.quantization.MovingAveragePerChannelMinMaxObserver(
            averaging_constant=0.5, ch_axis=-1, dtype=m.qint8, quant_min=-64, quant_max=63),
    "quint4x2": lambda m: m.ao.quantization.MinMaxObserver(dtype=m.quint4x2),
    "histogram": lambda m: m.ao.quantization.HistogramObserver(bins=256),
    "histogram_symmetric": lambda m: m.ao.quantization.HistogramObserver(
        dtype=m.qint8, qscheme=m.per_tensor_symmetric, reduce_range=True),
}


@pytest.mark.parametrize("kind", sorted(OBSERVERS))
def test_observer_ranges_and_qparams_as_torch(kind):
    batches = _batches()
    (e, e_out), (t, t_out) = (_observe(m, OBSERVERS[kind], batches) for m in (ember, torch))
    assert (e.quant_min, e.quant_max) == (t.quant_min, t.quant_max)
    _same(e.min_val, t.min_val)
    _same(e.max_val, t.max_val)
    _same(e.calculate_qparams(), t.calculate_qparams())
    if hasattr(t, "histogram"):
        _same(e.histogram, t.histogram)
    np.testing.assert_array_equal(e_out.numpy(), t_out.numpy())   # returns its input
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)


def test_unobserved_observer_warns_and_gives_defaults():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="must run observer before calling"):
            scale, zero_point = lib.ao.quantization.MinMaxObserver().calculate_qparams()
        assert scale.tolist() == [1.0] and zero_point.tolist() == [0]


@pytest.mark.parametrize("make, exc", [
    (lambda m: m.ao.quantization.MinMaxObserver(qscheme=m.per_channel_affine),
     NotImplementedError),
    (lambda m: m.ao.quantization.PerChannelMinMaxObserver(qscheme=m.per_tensor_affine),
     NotImplementedError),
    (lambda m: m.ao.quantization.MinMaxObserver(dtype=m.float32), AssertionError),
    (lambda m: m.ao.quantization.MinMaxObserver(quant_min=1, quant_max=10), AssertionError),
    (lambda m: m.ao.quantization.MinMaxObserver(quant_min=0, quant_max=0), AssertionError),
    (lambda m: m.ao.quantization.MinMaxObserver(qscheme=m.per_tensor_symmetric,
                                                reduce_range=True), NotImplementedError),
    (lambda m: m.ao.quantization.QConfig(m.ao.quantization.MinMaxObserver(),
                                         m.ao.quantization.MinMaxObserver), ValueError),
    (lambda m: m.ao.quantization.get_default_qconfig("tpu"), AssertionError),
])
def test_bad_configurations_raise_as_torch(make, exc):
    messages = []
    for lib in (torch, ember):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(exc) as info:
                make(lib)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


FAKE_QUANTS = {
    "default": lambda m: m.ao.quantization.default_fake_quant(),
    "weight": lambda m: m.ao.quantization.default_weight_fake_quant(),
    "per_channel_weight": lambda m: m.ao.quantization.default_per_channel_weight_fake_quant(),
    "minmax_uint4": lambda m: m.ao.quantization.FakeQuantize(
        observer=m.ao.quantization.MinMaxObserver, quant_min=0, quant_max=15),
}


@pytest.mark.parametrize("kind", sorted(FAKE_QUANTS))
def test_fake_quantize_module_as_torch(kind):
    results = []
    for lib in (ember, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fq = FAKE_QUANTS[kind](lib)
        outs = []
        for i, b in enumerate(_batches(1)):
            if i == 2:
                fq.disable_observer()
            x = lib.from_numpy(b).requires_grad_()
            y = fq(x)
            (y * lib.arange(y.numel(), dtype=y.dtype).reshape(y.shape)).sum().backward()
            outs.append((y, x.grad, type(y.grad_fn).__name__))
        fq.disable_fake_quant()
        outs.append(fq(lib.from_numpy(b)))
        results.append((outs, fq.scale, fq.zero_point, list(fq.state_dict()), repr(fq)))
    (e_outs, *e_rest), (t_outs, *t_rest) = results
    _same(e_outs, t_outs)
    _same(e_rest[:3], t_rest[:3])
    assert e_rest[3] == t_rest[3]


def test_qconfigs_build_torchs_observers():
    for name in ("default_qconfig", "default_per_channel_qconfig", "default_qat_qconfig"):
        e, t = (getattr(m.ao.quantization, name) for m in (ember, torch))
        for field in ("activation", "weight"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                eo, to = getattr(e, field)(), getattr(t, field)()
            assert type(eo).__name__ == type(to).__name__
            assert (eo.dtype, eo.qscheme) == (to.dtype, to.qscheme) or \
                (str(eo.dtype), str(eo.qscheme)) == (str(to.dtype), str(to.qscheme))
    for backend in ("x86", "fbgemm", "qnnpack", "onednn"):
        for fn in ("get_default_qconfig", "get_default_qat_qconfig"):
            e, t = (getattr(m.ao.quantization, fn)(backend) for m in (ember, torch))
            assert [getattr(e, f).p.keywords.keys() for f in e._fields] == \
                [getattr(t, f).p.keywords.keys() for f in t._fields]
            assert [getattr(e, f).p.func.__name__ for f in e._fields] == \
                [getattr(t, f).p.func.__name__ for f in t._fields]


def _net(lib, bn=True):
    nn, q = lib.nn, lib.ao.quantization

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.quant = q.QuantStub()
            self.conv = nn.Conv2d(2, 4, 3)
            self.bn = nn.BatchNorm2d(4) if bn else nn.Identity()
            self.relu = nn.ReLU()
            self.drop = nn.Dropout(0.0)
            self.fc = nn.Linear(16, 3)
            self.relu2 = nn.ReLU()
            self.dequant = q.DeQuantStub()

        def forward(self, x):
            x = self.drop(self.relu(self.bn(self.conv(self.quant(x)))))
            return self.dequant(self.relu2(self.fc(x.flatten(1))))

    lib.manual_seed(0)
    net = Net()
    with lib.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(lib.sin(lib.arange(p.numel(), dtype=lib.float32) + i).reshape(p.shape) / 3)
    return net


def _x(lib, seed=0):
    return lib.from_numpy(np.random.default_rng(seed).standard_normal((5, 2, 4, 4))
                          .astype(np.float32))


def _layout(model):
    return [(name, type(m).__name__, hasattr(m, "activation_post_process"))
            for name, m in model.named_modules()]


def test_fuse_modules_as_torch():
    results = []
    for lib in (ember, torch):
        net = _net(lib).eval()
        fused = lib.ao.quantization.fuse_modules(net, [["conv", "bn", "relu"], ["fc", "relu2"]])
        results.append((_layout(fused), fused(_x(lib)), net(_x(lib))))
        with pytest.raises(AssertionError) as info:
            lib.ao.quantization.fuse_modules(net, ["conv", "fc"])
        results.append(str(info.value).split(":")[0])
    (e_layout, e_out, e_ref), e_msg, (t_layout, t_out, t_ref), t_msg = results
    assert e_layout == t_layout and e_msg == t_msg
    _same(e_out, t_out, 1e-5, 1e-6)
    _same(e_ref, t_ref, 1e-5, 1e-6)


@pytest.mark.parametrize("qconfig", ["default_qconfig", "get_default_qconfig"])
def test_prepare_places_observers_as_torch_and_calibrates(qconfig):
    results = []
    for lib in (ember, torch):
        q = lib.ao.quantization
        net = q.fuse_modules(_net(lib).eval(), [["conv", "bn", "relu"]])
        net.qconfig = getattr(q, qconfig) if qconfig == "default_qconfig" \
            else q.get_default_qconfig("x86")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prepared = q.prepare(net)
        prepared(_x(lib))
        prepared(_x(lib, 1) * 3)
        qparams = [m.activation_post_process.calculate_qparams()
                   for _, m in prepared.named_modules() if hasattr(m, "activation_post_process")]
        with pytest.raises(NotImplementedError if lib is ember else AssertionError):
            if lib is ember:
                q.convert(prepared)
            else:
                raise AssertionError     # (torch converts; Ember refuses)
        results.append((_layout(prepared), qparams, hasattr(net.conv, "activation_post_process"),
                        list(prepared.state_dict())))
    (e_layout, e_q, e_inplace, e_keys), (t_layout, t_q, t_inplace, t_keys) = results
    assert e_layout == t_layout and e_inplace == t_inplace and e_keys == t_keys
    _same(e_q, t_q)


@pytest.mark.parametrize("bn, fuse, qconfig", [
    (False, [["conv", "relu"], ["fc", "relu2"]], "default_qat_qconfig"),
    (True, [["conv", "bn", "relu"]], "get_default_qat_qconfig"),
    (True, [["conv", "bn"]], "default_qat_qconfig"),
])
def test_prepare_qat_trains_as_torch(bn, fuse, qconfig):
    """QAT modules (Conv + BN folded into the fake-quantized weight included): layout, three
    SGD steps, the frozen model, and the random stream afterwards."""
    results = []
    for lib in (ember, torch):
        q = lib.ao.quantization
        net = q.fuse_modules_qat(_net(lib, bn=bn).train(), fuse)
        net.qconfig = q.default_qat_qconfig if qconfig == "default_qat_qconfig" \
            else q.get_default_qat_qconfig("x86", 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            qat = q.prepare_qat(net)
        losses = []
        for step in range(3):       # plain SGD (torch.optim's first step imports dynamo: 6 s)
            qat.zero_grad()
            loss = qat(_x(lib, step)).pow(2).mean()
            loss.backward()
            with lib.no_grad():
                for p in qat.parameters():
                    p -= 0.05 * p.grad
            losses.append(loss.item())
        qat.apply(q.disable_observer)
        qat.apply(lib.ao.nn.intrinsic.qat.freeze_bn_stats)
        frozen = qat(_x(lib))
        results.append((_layout(qat), losses, frozen, qat.fc.weight_fake_quant.scale,
                        lib.rand(3), list(qat.state_dict())))
        with pytest.raises(AssertionError, match="prepare_qat only works"):
            q.prepare_qat(net.eval())
    (e_layout, e_losses, *e_rest), (t_layout, t_losses, *t_rest) = results
    assert e_layout == t_layout and e_rest[-1] == t_rest[-1]
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-5)
    _same(e_rest[:3], t_rest[:3], 1e-5, 1e-6)


def test_convert_with_a_float_mapping_swaps_and_removes_observers():
    """``convert`` with an explicit mapping swaps modules (here: none) and removes qconfigs,
    observers and their hooks; the model then computes as the float model."""
    q = ember.ao.quantization
    net = _net(ember, bn=False).eval()
    net.qconfig = q.default_qconfig
    back = q.convert(q.prepare(net), mapping={})
    assert not any(hasattr(m, "qconfig") or hasattr(m, "activation_post_process") or
                   m._forward_hooks for m in back.modules())
    np.testing.assert_array_equal(back(_x(ember)).detach().numpy(),
                                  _net(ember, bn=False).eval()(_x(ember)).detach().numpy())


@pytest.mark.parametrize("call", [
    lambda m: m.quantize_per_tensor(m.ones(2), 0.1, 0, m.quint8),
    lambda m: m.ao.nn.quantized.Linear(2, 2),
    lambda m: m.nn.quantized.functional.linear(m.ones(2), m.ones(2, 2)),
    lambda m: m.ao.quantization.quantize_dynamic(m.nn.Linear(2, 2)),
    lambda m: m.ao.quantization.quantize_fx.prepare_fx(m.nn.Linear(2, 2), {}),
])
def test_what_needs_quantized_tensors_is_refused(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(NotImplementedError, match="needs quantized tensors|not implemented"):
            call(ember)


def test_float_functional_and_dequantize_as_torch():
    for lib in (ember, torch):
        ff = lib.ao.nn.quantized.FloatFunctional()
        x = lib.arange(6.0).reshape(2, 3)
        got = [ff.add(x, x), ff.mul(x, 2.0), ff.cat([x, x], dim=1), ff.add_relu(x, -x - 1),
               ff.add_scalar(x, 1.5), lib.dequantize(x)]
        if lib is ember:
            e = got
        else:
            _same(e, got)
        with pytest.raises(RuntimeError, match="not intended to use the 'forward'"):
            ff(x)


def test_qschemes_and_module_aliases():
    for name in ("per_tensor_affine", "per_channel_affine", "per_tensor_symmetric",
                 "per_channel_symmetric", "per_channel_affine_float_qparams"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
        assert isinstance(getattr(ember, name), ember.qscheme)
    import ember.ao.quantization.observer as new
    import ember.quantization.observer as old
    assert old is new
    assert ember.quantization.MinMaxObserver is ember.ao.quantization.MinMaxObserver
    assert ember.quantization.fuse_modules is ember.ao.quantization.fuse_modules
    assert ember.nn.quantized.BatchNorm2d is ember.ao.nn.quantized.BatchNorm2d
    assert ember.nn.intrinsic.ConvReLU2d is ember.ao.nn.intrinsic.ConvReLU2d


def test_the_workflow_entry_points_are_deprecated_as_in_torch():
    messages = []
    for lib in (ember, torch):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2))
        model.qconfig = lib.ao.quantization.default_qconfig
        with pytest.warns(DeprecationWarning) as record:
            lib.ao.quantization.prepare(model)
        messages.append(str(record[0].message))
    assert messages[0] == messages[1]


def test_observers_and_fake_quantize_run_on_the_device_backend(strict_cuda):
    """On the strict CuPy-shaped backend (arrays refuse silent host conversion) the modules
    give the CPU's values."""
    q = ember.ao.quantization
    makers = (lambda: q.HistogramObserver(bins=64),
              lambda: q.MovingAveragePerChannelMinMaxObserver(ch_axis=1),
              q.default_per_channel_weight_fake_quant, q.default_fake_quant)
    for make in makers:
        results = []
        for device in ("cpu", "cuda"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = make().to(device)
            outs = [module(ember.from_numpy(b).to(device)).cpu() for b in _batches(2)]
            results.append((outs, [t.cpu() for t in module.calculate_qparams()]))
        (c_outs, c_q), (d_outs, d_q) = results
        for a, b in zip(c_outs + c_q, d_outs + d_q):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
