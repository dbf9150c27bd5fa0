"""Tensor methods old and new programs call, compared with torch: the deprecated non-inplace
``resize`` / ``resize_as`` (an autograd function), ``map2_``, ``dim_order`` (with its ambiguity
checks), ``module_load``, ``volatile``, ``is_xla``, ``is_distributed`` and the linear-algebra
methods removed in 1.9."""
import itertools
import warnings

import numpy as np
import pytest

import ember
from tests.oracle.harness import compare

torch = pytest.importorskip("torch")
LIBS = (ember, torch)


def _outcome(call):
    try:
        return ("ok", call())
    except Exception as e:
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make, sizes", [
    (lambda lib, dt: lib.arange(6.0, dtype=dt), (2, 3)),
    (lambda lib, dt: lib.arange(6.0, dtype=dt).reshape(2, 3).t(), (6,)),
    (lambda lib, dt: lib.arange(24.0, dtype=dt).reshape(2, 3, 4)[:, 1:], (4, 4))])
def test_non_inplace_resize_and_its_gradient(make, sizes, dtype):
    results = []
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            x = make(lib, getattr(lib, dtype)).requires_grad_()
            r = x.resize(*sizes)
            r2 = x.resize_as(lib.ones(sizes))
        (r * lib.arange(float(r.numel()), dtype=r.dtype).reshape(sizes)).sum().backward()
        results.append((r.detach(), r2.detach(), x.grad, type(r.grad_fn).__name__,
                        r.is_contiguous(), [str(w.message) for w in caught]))
    compare(*results, rtol=0, atol=0)


def test_resize_refuses_another_number_of_elements():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, expected = (_outcome(lambda lib=lib: lib.ones(2, 3).resize(5)) for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


def test_map2_():
    got, expected = (lib.ones(2, 3).map2_(lib.arange(3.0), lib.full((2, 1), 2.0),
                                          lambda x, y, z: x + y * z).tolist() for lib in LIBS)
    assert got == expected
    got, expected = (_outcome(lambda lib=lib: lib.ones(2, requires_grad=True).map2_(
        lib.ones(2), lib.ones(2), lambda *a: 0.0)) for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


def _layouts(lib):
    rng = np.random.default_rng(0)
    base = lib.tensor(rng.standard_normal((2, 3, 4, 5)))
    yield base
    yield base.to(memory_format=lib.channels_last)
    for perm in itertools.islice(itertools.permutations(range(4)), 1, None, 5):
        yield base.permute(*perm)
    yield base[:, ::2, 1:, ::3]
    yield lib.ones(2, 1, 3)
    yield lib.ones(1, 1)
    yield lib.ones(2, 3, 1, 1)
    yield lib.ones(3).expand(2, 3)
    yield lib.ones(3, 1).expand(3, 2)
    yield lib.zeros(()).expand(2, 2)
    yield lib.ones(4, 4)[:, :2].t()


@pytest.mark.parametrize("check", [False, True, "formats", 3, [3]])
def test_dim_order(check):
    def run(lib):
        arg = [lib.contiguous_format, lib.channels_last] if check == "formats" else check
        return [_outcome(lambda t=t: t.dim_order(ambiguity_check=arg)) for t in _layouts(lib)]
    assert run(ember) == run(torch)


def test_module_load_gives_the_loaded_tensor_detached():
    for assign in (False, True):
        got, expected = ((r.requires_grad, r.tolist()) for r in (
            lib.ones(3).module_load(lib.zeros(3, requires_grad=True), assign=assign)
            for lib in LIBS))
        assert got == expected


def test_small_attributes():
    for lib in LIBS:
        t = lib.ones(2)
        with pytest.warns(UserWarning, match="volatile was removed"):
            assert t.volatile is False
        assert t.is_xla is False and t.is_distributed() is False


@pytest.mark.parametrize("name, args", [("eig", 0), ("symeig", 0), ("lstsq", 1), ("solve", 1)])
def test_removed_methods_say_what_replaces_them(name, args):
    got, expected = (_outcome(lambda lib=lib: getattr(lib.eye(2), name)(*[lib.eye(2)] * args))
                     for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


def _set_results(lib):
    """``set_`` from a tensor, a storage (typed or not, with offset / size / stride) and from
    nothing; the memory is then shared both ways."""
    b = lib.arange(6.0)
    a = lib.zeros(3)
    same = a.set_(b) is a
    a[0] = 100.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # TypedStorage is deprecated
        typed = lib.empty(0).set_(b.storage(), 1, (3,))
    strided = lib.empty(0).set_(b.untyped_storage(), 2, (2, 2), (1, 2))
    transposed = lib.arange(4.0).reshape(2, 2).t()
    follower = lib.empty(0).set_(transposed)
    follower.add_(1)
    return (same, b.tolist(), typed.tolist(), typed.storage_offset(), strided.tolist(),
            strided.stride(), tuple(lib.ones(2).set_().shape),
            tuple(lib.empty(0, dtype=lib.int16).set_(b.untyped_storage()).shape),
            transposed.tolist(), follower.stride(), lib.empty(0).set_(b[1:]).storage_offset())


def test_set_points_at_the_memory_of_a_tensor_or_storage():
    assert _set_results(ember) == _set_results(torch)


@pytest.mark.parametrize("make", [
    lambda lib: lib.ones(2, requires_grad=True).set_(lib.ones(2)),
    lambda lib: lib.ones(2).set_(lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.ones(2, dtype=lib.int16).set_(lib.ones(2)),
    lambda lib: lib.empty(0, dtype=lib.float64).set_(lib.ones(2).storage()),
    lambda lib: (lib.ones(2, requires_grad=True) * 2).set_(lib.ones(3)).sum().backward()])
@pytest.mark.filterwarnings("ignore:TypedStorage is deprecated")
def test_set_refusals(make):
    got, expected = (_outcome(lambda lib=lib: make(lib)) for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


def test_set_on_a_non_leaf_cuts_its_gradient():
    for lib in LIBS:
        y = lib.ones(2, requires_grad=True) * 2
        y.set_(lib.arange(3.0))
        assert type(y.grad_fn).__name__ == "NotImplemented" and y.requires_grad


def test_to_sparse_coo():
    got, expected = (lib.tensor([[0.0, 2.0], [3.0, 0.0]]).to_sparse_coo() for lib in LIBS)
    assert got.layout == ember.sparse_coo and str(expected.layout) == "torch.sparse_coo"
    compare(got.coalesce().indices(), expected.coalesce().indices(), 0, 0)
    compare(got.coalesce().values(), expected.coalesce().values(), 0, 0)
