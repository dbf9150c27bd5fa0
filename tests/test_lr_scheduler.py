"""ember.optim.lr_scheduler / swa_utils against torch's: learning-rate (and momentum) sequences
over 40 steps, the closed forms, state_dict round trips and the ordering warning."""
import math
import warnings

import numpy as np
import pytest

import ember
from tests.conftest import require_torch

torch = require_torch()


def _optimizer(lib, name="SGD", **kwargs):
    params = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.01}]
    return getattr(lib.optim, name)(groups, lr=0.1, **kwargs)


def _sched(lib, opt, spec):
    name, kwargs = spec
    module = lib.optim.swa_utils if name == "SWALR" else lib.optim.lr_scheduler
    sched = getattr(module, name)
    if name in ("SequentialLR", "ChainedScheduler"):
        children = [_sched(lib, opt, s) for s in kwargs["schedulers"]]
        if name == "ChainedScheduler":
            return sched(children, optimizer=opt)
        return sched(opt, children, milestones=kwargs["milestones"])
    return sched(opt, **kwargs)


def _trajectory(lib, spec, steps=40, opt_name="SGD", opt_kwargs=None, metrics=None,
                epochs=None):
    opt = _optimizer(lib, opt_name, **(dict(momentum=0.9) if opt_kwargs is None else opt_kwargs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sched = _sched(lib, opt, spec)
        out = [(sched.get_last_lr(), _momenta(opt))]
        for i in range(steps):
            opt.step()
            if metrics is not None:
                sched.step(metrics[i])
            elif epochs is not None:
                sched.step(epochs[i])
            else:
                sched.step()
            out.append(([g["lr"] for g in opt.param_groups], _momenta(opt)))
            assert sched.get_last_lr() == [g["lr"] for g in opt.param_groups]
    return out


def _momenta(opt):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in opt.param_groups]


class _Scale:
    """A picklable callable (its __dict__ goes into the state_dict)."""

    def __init__(self, f):
        self.f = f

    def __call__(self, epoch):
        return self.f ** epoch


SCHEDULERS = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 25], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=9, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=13)),
    ("CosineAnnealingWarmRestarts", dict(T_0=6, T_mult=2, eta_min=0.002)),
    ("CosineAnnealingWarmRestarts", dict(T_0=5)),
    ("LambdaLR", dict(lr_lambda=_Scale(0.95))),
    ("MultiplicativeLR", dict(lr_lambda=_Scale(0.99))),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=12)),
    ("LinearLR", dict()),
    ("ConstantLR", dict(factor=0.4, total_iters=8)),
    ("PolynomialLR", dict(total_iters=20, power=2.0)),
    ("PolynomialLR", dict(total_iters=33, power=0.7)),
    ("OneCycleLR", dict(max_lr=0.5, total_steps=41)),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=45, anneal_strategy="linear",
                        three_phase=True, pct_start=0.2)),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5)),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=4, step_size_down=7,
                      mode="triangular2")),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range",
                      gamma=0.97)),
    ("SequentialLR", dict(schedulers=[("LinearLR", dict(start_factor=0.1, total_iters=5)),
                                      ("ExponentialLR", dict(gamma=0.9))], milestones=[5])),
    ("SequentialLR", dict(schedulers=[("ConstantLR", dict(factor=0.5, total_iters=4)),
                                      ("CosineAnnealingLR", dict(T_max=10)),
                                      ("StepLR", dict(step_size=3))], milestones=[6, 20])),
    ("ChainedScheduler", dict(schedulers=[("ConstantLR", dict(factor=0.5, total_iters=4)),
                                          ("ExponentialLR", dict(gamma=0.9))])),
    ("ChainedScheduler", dict(schedulers=[("LinearLR", dict(total_iters=7)),
                                          ("MultiStepLR", dict(milestones=[4, 9]))])),
]
IDS = [f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULERS)]


def _assert_same(e, t, tol=1e-12):
    assert len(e) == len(t)
    for (elrs, emom), (tlrs, tmom) in zip(e, t):
        np.testing.assert_allclose(elrs, tlrs, rtol=tol, atol=0)
        assert [m is None for m in emom] == [m is None for m in tmom]
        np.testing.assert_allclose([m for m in emom if m is not None],
                                   [m for m in tmom if m is not None], rtol=tol, atol=0)


@pytest.mark.parametrize("spec", SCHEDULERS, ids=IDS)
def test_lr_sequence_matches_torch(spec):
    _assert_same(_trajectory(ember, spec), _trajectory(torch, spec))


@pytest.mark.parametrize("spec", [s for s in SCHEDULERS if s[0] in (
    "CyclicLR", "OneCycleLR")], ids=lambda s: s[0])
def test_momentum_cycling_with_adam_betas(spec):
    e = _trajectory(ember, spec, opt_name="Adam", opt_kwargs={})
    t = _trajectory(torch, spec, opt_name="Adam", opt_kwargs={})
    _assert_same(e, t)


@pytest.mark.parametrize("spec", [s for s in SCHEDULERS if s[0] in (
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "ConstantLR",
    "PolynomialLR", "CosineAnnealingWarmRestarts")], ids=lambda s: s[0])
def test_closed_form_with_epoch(spec):
    epochs = [1, 2, 5, 4, 9, 13, 20, 30, 31, 7, 12]
    e = _trajectory(ember, spec, steps=len(epochs), epochs=epochs)
    t = _trajectory(torch, spec, steps=len(epochs), epochs=epochs)
    _assert_same(e, t)


@pytest.mark.parametrize("kwargs", [dict(), dict(mode="max", factor=0.5, patience=2,
                                                  threshold_mode="abs", cooldown=2,
                                                  min_lr=[0.01, 0.004])])
def test_reduce_lr_on_plateau(kwargs):
    rng = np.random.default_rng(0)
    metrics = list(np.round(rng.random(60) * 3, 1)) + [0.5] * 20
    e = _trajectory(ember, ("ReduceLROnPlateau", kwargs), steps=80, metrics=metrics)
    t = _trajectory(torch, ("ReduceLROnPlateau", kwargs), steps=80, metrics=metrics)
    _assert_same(e, t)


@pytest.mark.parametrize("spec", SCHEDULERS, ids=IDS)
def test_state_dict_roundtrip(spec):
    """Resuming from a state_dict continues the same sequence; keys are torch's."""
    eopt, topt = _optimizer(ember, momentum=0.9), _optimizer(torch, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        es, ts = _sched(ember, eopt, spec), _sched(torch, topt, spec)
        for _ in range(9):
            eopt.step()
            es.step()
            topt.step()
            ts.step()
        esd, tsd = es.state_dict(), ts.state_dict()
        assert sorted(esd) == sorted(tsd)
        eopt2 = _optimizer(ember, momentum=0.9)
        es2 = _sched(ember, eopt2, spec)
        eopt2.load_state_dict(eopt.state_dict())
        es2.load_state_dict(esd)
        for _ in range(12):
            for o, s in ((eopt, es), (eopt2, es2)):
                o.step()
                s.step()
    assert es2.get_last_lr() == es.get_last_lr()


def test_warning_scheduler_step_before_optimizer_step():
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 3)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before "
                                         r"`optimizer.step\(\)`"):
        sched.step()
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 3)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()
        assert sched.get_last_lr() == [0.1, 0.01]
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_initial_lr_and_resume_errors():
    opt = _optimizer(ember)
    ember.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.01]
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in "
                                       "param_groups\\[0\\]"):
        ember.optim.lr_scheduler.StepLR(_optimizer(ember), 3, last_epoch=4)
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        ember.optim.lr_scheduler.StepLR(3, 3)


def test_errors_match_torch():
    def err(lib, fn):
        try:
            fn(lib, _optimizer(lib))
        except Exception as e:  # noqa: BLE001
            return type(e), str(e)

    cases = [
        lambda L, o: L.optim.lr_scheduler.ConstantLR(o, factor=2),
        lambda L, o: L.optim.lr_scheduler.LinearLR(o, start_factor=0),
        lambda L, o: L.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0),
        lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, 0.1),
        lambda L, o: L.optim.lr_scheduler.OneCycleLR(o, [0.1], total_steps=3),
        lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, factor=1.0),
        lambda L, o: L.optim.lr_scheduler.ReduceLROnPlateau(o, mode="avg"),
        lambda L, o: L.optim.lr_scheduler.CyclicLR(o, 0.1, 1.0, mode="bad"),
        lambda L, o: L.optim.lr_scheduler.SequentialLR(o, [], []),
        lambda L, o: L.optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0]),
    ]
    for case in cases:
        expected = err(torch, case)
        assert expected is not None and err(ember, case) == expected


def test_one_cycle_overstep_raises():
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.OneCycleLR(opt, 0.5, total_steps=3)
    for _ in range(3):
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total "
                                         "steps is 3"):
        sched.step()


# ---- swa_utils ---------------------------------------------------------------------------------
def _tiny_model(lib, dtype):
    class Tiny(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = lib.nn.Parameter(lib.tensor(np.arange(6.0, dtype=dtype).reshape(2, 3)))
            self.register_buffer("count", lib.tensor(0))

        def forward(self, x):
            return x @ self.w.t()
    return Tiny()


@pytest.mark.parametrize("mode", ["swa", "ema", "ema_multi", "buffers"])
def test_averaged_model_matches_torch(mode):
    results = []
    for lib in (ember, torch):
        model = _tiny_model(lib, np.float64)
        su = lib.optim.swa_utils
        kwargs = {"swa": {}, "ema": {"avg_fn": su.get_ema_avg_fn(0.9)},
                  "ema_multi": {"multi_avg_fn": su.get_ema_multi_avg_fn(0.8)},
                  "buffers": {"use_buffers": True}}[mode]
        avg = su.AveragedModel(model, **kwargs)
        for i in range(6):
            with lib.no_grad():
                model.w.mul_(1.1).add_(0.3 * i)
                model.count.add_(1)
            avg.update_parameters(model)
        out = avg(lib.ones(1, 3, dtype=lib.float64))
        results.append((avg.module.w.detach().cpu().numpy().copy(), int(avg.n_averaged),
                        int(avg.module.count), out.detach().cpu().numpy().copy()))
    (ew, en, ec, eo), (tw, tn, tc, to) = results
    np.testing.assert_allclose(ew, tw, rtol=1e-13)
    np.testing.assert_allclose(eo, to, rtol=1e-13)
    assert (en, ec) == (tn, tc)


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05, anneal_epochs=5),
                                    dict(swa_lr=[0.05, 0.5], anneal_epochs=7,
                                         anneal_strategy="linear"),
                                    dict(swa_lr=0.02, anneal_epochs=0)])
def test_swalr_matches_torch(kwargs):
    e = _trajectory(ember, ("SWALR", kwargs))
    t = _trajectory(torch, ("SWALR", kwargs))
    _assert_same(e, t)


def test_update_bn_matches_torch():
    if not hasattr(ember.nn, "Linear"):
        pytest.skip("ember.nn.Linear not available yet")
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((8, 4)) for _ in range(5)]
    stats = []
    for lib in (ember, torch):
        model = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.BatchNorm1d(3))
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(np.linspace(-1, 1, 12).reshape(3, 4)))
            model[0].bias.zero_()
        model.eval()
        lib.optim.swa_utils.update_bn([(lib.tensor(b.astype(np.float32)), 0) for b in batches],
                                      model)
        assert not model.training
        bn = model[1]
        stats.append((bn.running_mean.cpu().numpy().copy(), bn.running_var.cpu().numpy().copy(),
                      int(bn.num_batches_tracked), bn.momentum))
    np.testing.assert_allclose(stats[0][0], stats[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats[0][1], stats[1][1], rtol=1e-5, atol=1e-6)
    assert stats[0][2:] == stats[1][2:]


def test_cosine_formula_sanity():
    """Guard against an accidental switch between the recursive and closed forms."""
    opt = _optimizer(ember)
    sched = ember.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    lrs = []
    for _ in range(10):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    assert math.isclose(lrs[-1], 0.0, abs_tol=1e-15)
