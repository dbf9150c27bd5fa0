"""The replay program's passes (calls dropped, constants hoisted and kept), the replay profiler,
and a small ResNet with BatchNorm trained 20 steps compiled against eager Ember (bitwise)."""
import re

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember._compile import profile, program, tape

from tests.test_compile import _step, _train


def _record(body, *arrays):
    """(the program recorded from ``body``, recording arrays -> one result, on ``arrays``;
    the result ``body`` computed)."""
    rec = tape.Recorder()
    wrapped = [rec.adopt(a) for a in arrays]
    tape.CURRENT[0] = rec
    try:
        out = body(*wrapped)
    finally:
        tape.CURRENT[0] = None
    return program.build(rec, [w._expr for w in wrapped], [out._expr]), out._a


def _build(body, *arrays):
    """(the program's source, its result on copies of ``arrays``, ``body``'s own result)."""
    fn, expected = _record(body, *arrays)
    return fn.source, fn(*[a.copy() for a in arrays])[0], expected


def test_calls_giving_back_their_argument_are_dropped():
    a = np.random.default_rng(0).standard_normal((3, 4), dtype=np.float32)

    def body(x):
        x = tape.xp.ascontiguousarray(x)   # already contiguous: returns x itself
        x = x.astype(np.float32, copy=False)
        return tape.xp.multiply(x, 2)

    src, got, expected = _build(body, a)
    assert len([line for line in src.splitlines()[1:] if "(" in line]) == 2   # multiply, return
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("index", [(slice(None), slice(1, 3)), (Ellipsis, 0), slice(None, None, 2),
                                   (1, slice(0, 4, 3), None)])
def test_constant_indices_are_made_once(index):
    a = np.random.default_rng(1).standard_normal((3, 4), dtype=np.float32)
    src, got, expected = _build(lambda x: tape.xp.add(x[index], 1), a)
    assert "slice(" not in src and "Ellipsis" not in src
    np.testing.assert_array_equal(got, expected)


def test_program_keeps_only_the_constants_it_names():
    ((m, opt),), data = _models(1)
    compiled = ember.compile(_step)
    _train(m, opt, data[:3], compiled)
    for entry in compiled.cache.values():
        names = set(re.findall(r"\bc\d+\b", entry.program.source))
        held = {k for k in entry.program.__globals__ if re.fullmatch(r"c\d+", k)}
        assert held == names


def test_profile_splits_a_replayed_step():
    ((m, opt),), data = _models(1)
    compiled = ember.compile(_step)
    _train(m, opt, data[:3], compiled)
    x, y = data[0]
    got = profile.profile(compiled, lambda: compiled(m, opt, x, y), steps=3)
    assert got["kernels"]["matmul"][1] > 0 and got["step"] > 0 and got["program"] > 0
    assert all(calls > 0 for _, calls in got["kernels"].values())
    text = profile.report("step", got, top=3)
    assert "kernels" in text and "interpreter" in text and len(text.splitlines()) == 4


def _resnet():
    """Two residual blocks (the second with a strided 1x1 shortcut), BatchNorm throughout."""
    from ember.vision.models.resnet import BasicBlock
    down = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                         BasicBlock(8, 8), BasicBlock(8, 16, 2, down),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5))


def _models(n):
    models = []
    for _ in range(n):
        ember.manual_seed(0)
        m = _resnet()
        models.append((m, ember.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)))
    ember.manual_seed(5)
    data = [(ember.randn(4, 3, 8, 8), ember.randint(0, 5, (4,))) for _ in range(20)]
    return models, data


def test_small_resnet_with_batchnorm_20_steps_train_and_eval_equal_eager():
    ((m1, o1), (m2, o2)), data = _models(2)
    compiled = ember.compile(_step)
    assert _train(m1, o1, data, _step) == _train(m2, o2, data, compiled)
    assert all(e.eager is None for e in compiled.cache.values()) and len(compiled.cache) == 2
    for (k, a), b in zip(m1.state_dict().items(), m2.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy()), k   # running statistics included
    m1.eval()
    m2.eval()
    fwd = ember.compile(m2)
    with ember.no_grad():
        for x, _ in data[:3]:
            assert ember.equal(fwd(x), m1(x))


def _blas_threads():
    from ember._backend import parallel
    ctl = parallel._blas()
    return None if ctl is None else [lib.get_num_threads() for lib in ctl.lib_controllers]


def test_small_gemms_switch_to_one_blas_thread_only_where_exact():
    from ember._backend import parallel
    from ember._compile import blas
    if not blas.multi_threaded():
        pytest.skip("the BLAS runs on one thread here")
    a, b = (np.random.default_rng(2).standard_normal(s, dtype=np.float32) for s in ((16, 40),
                                                                                    (40, 64)))
    assert blas.one_thread_is_same(np.matmul, (a, b), None, a @ b)

    def thread_dependent(x, y):   # a GEMM whose rounding would follow the thread count
        return np.matmul(x, y) + (parallel.workers() == 1)
    assert not blas.one_thread_is_same(thread_dependent, (a, b), None, thread_dependent(a, b))
    big = np.ones((256, 256), np.float32)
    assert not blas.one_thread_is_same(np.matmul, (big, big), None, big @ big)   # not small


def test_replay_with_small_gemms_gives_the_blas_its_threads_back():
    from tests.test_compile import _pair
    if not _blas_threads() or max(_blas_threads()) < 2:
        pytest.skip("the BLAS runs on one thread here")
    before = _blas_threads()
    ((m1, o1), (m2, o2)), data = _pair("lstm", "adam")
    compiled = ember.compile(_step)
    assert _train(m1, o1, data, _step) == _train(m2, o2, data, compiled)
    assert _blas_threads() == before
    sources = [e.program.source for e in compiled.cache.values()]
    assert all(s.count("_blas.enter()") >= 1 for s in sources)


def test_the_switch_can_be_turned_off(monkeypatch):
    from ember._compile import blas
    monkeypatch.setattr(blas, "ENABLED", False)
    a = np.ones((4, 4), np.float32)
    fn, expected = _record(lambda x: tape.xp.matmul(x, x), a)
    assert "_blas" not in fn.source
    np.testing.assert_array_equal(fn(a)[0], expected)


def test_a_failing_replay_gives_the_blas_its_threads_back():
    from ember._compile import blas
    if not blas.multi_threaded():
        pytest.skip("the BLAS runs on one thread here")
    before = _blas_threads()
    a, b = (np.random.default_rng(3).standard_normal(s, dtype=np.float32) for s in ((16, 40),
                                                                                    (40, 64)))
    fn, expected = _record(lambda x, y: tape.xp.add(tape.xp.matmul(x, y), 1), a, b)
    assert "_blas.enter()" in fn.source
    np.testing.assert_array_equal(fn(a, b)[0], expected)
    with pytest.raises(ValueError):
        fn(a, b.T)   # the GEMM raises inside the one-thread region
    assert _blas_threads() == before
