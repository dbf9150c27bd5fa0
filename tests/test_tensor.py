"""Tensor basics against torch: creation and dtype inference, promotion, attributes, memory
sharing with NumPy, conversions and their errors."""
import itertools
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", "uint8",
          "int8", "int16", "int32", "int64", "bool"]


def same_error(fn_e, fn_t):
    with pytest.raises(Exception) as et:
        fn_t()
    with pytest.raises(type(et.value)) as ee:
        fn_e()
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("data", [
    1, 2.5, True, 1j, [1, 2], [1.0, 2], [[1, 2], [3, 4]], [True, False], [], [[]],
    np.array([1, 2], dtype=np.int32), np.float64(3.0), np.array(2.0, dtype=np.float16),
    [[1.5, 2.5]], (1, 2, 3), [1, 2.0, True],
])
def test_tensor_dtype_inference(data):
    e, t = ember.tensor(data), torch.tensor(data)
    assert str(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(np.asarray(e.tolist()), np.asarray(t.tolist()))


def test_default_dtype_roundtrip():
    try:
        ember.set_default_dtype(ember.float64)
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.zeros(2).dtype is ember.float64
        assert ember.get_default_dtype() is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.0]).dtype is ember.float32


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types_matches_torch(a, b):
    assert str(ember.promote_types(getattr(ember, a if a != "bool" else "bool"),
                                   getattr(ember, b))) == \
        str(torch.promote_types(getattr(torch, a), getattr(torch, b)))


SCALARS = [2, 2.5, True, 1j]


@pytest.mark.parametrize("dt", ["uint8", "int32", "int64", "bool", "float16", "float32",
                                "float64", "complex64"])
@pytest.mark.parametrize("other", ["scalar", "zerodim", "dim"])
@pytest.mark.parametrize("odt", ["int64", "float64", "bool", "int8", "float32", "complex128"])
def test_result_type_matches_torch(dt, other, odt):
    te = ember.ones(3, dtype=getattr(ember, dt))
    tt = torch.ones(3, dtype=getattr(torch, dt))
    if other == "scalar":
        for s in SCALARS:
            expected = str(torch.result_type(tt, s))
            if expected == "torch.complex32":  # ember has no complex32 (chalf)
                continue
            assert str(ember.result_type(te, s)) == expected
        return
    shape = () if other == "zerodim" else (3,)
    oe = ember.ones(shape, dtype=getattr(ember, odt))
    ot = torch.ones(shape, dtype=getattr(torch, odt))
    expected = str(torch.result_type(tt, ot))
    if expected == "torch.complex32":  # ember has no complex32 (chalf)
        return
    assert str(ember.result_type(te, oe)) == expected
    if dt != "bool" or odt != "bool":
        assert str((te + oe).dtype) == str((tt + ot).dtype)


def test_int_true_divide_gives_float():
    assert (ember.tensor([1, 2]) / 2).dtype is ember.float32
    assert (ember.tensor([1, 2]) / ember.tensor([2, 3])).dtype is ember.float32
    assert (ember.tensor([True]) + 1).dtype is ember.int64


def test_attributes_match_torch():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    e, t = ember.tensor(a), torch.tensor(a)
    for ev, tv in [(e, t), (e.transpose(0, 2), t.transpose(0, 2)), (e[:, 1], t[:, 1]),
                   (e[1:, ::2], t[1:, ::2])]:
        assert tuple(ev.shape) == tuple(tv.shape)
        assert ev.stride() == tv.stride()
        assert ev.storage_offset() == tv.storage_offset()
        assert ev.is_contiguous() == tv.is_contiguous()
        assert ev.dim() == tv.dim() and ev.ndim == tv.ndim and ev.numel() == tv.numel()
        assert ev.element_size() == tv.element_size() and ev.nbytes == tv.nbytes
    assert repr(e.shape) == repr(t.shape) == "torch.Size([2, 3, 4])"
    assert e.size(1) == 3 and e.size(-1) == 4
    assert e.shape[1:] == ember.Size([3, 4])


def test_scalar_conversions_and_errors():
    e, t = ember.tensor([2.5]), torch.tensor([2.5])
    assert e.item() == t.item() and float(e) == float(t) and int(e) == int(t)
    assert bool(ember.tensor(0.0)) is False
    assert ember.tensor(3).__index__() == 3
    e2, t2 = ember.ones(2), torch.ones(2)
    same_error(lambda: e2.item(), lambda: t2.item())
    same_error(lambda: bool(e2), lambda: bool(t2))
    same_error(lambda: float(e2), lambda: float(t2))
    assert len(ember.zeros(5, 2)) == 5
    with pytest.raises(TypeError):
        len(ember.tensor(1.0))
    assert [r.tolist() for r in ember.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    d = {ember.ones(1): 1}
    assert len(d) == 1  # hashable by identity


def test_numpy_shares_memory_both_ways():
    a = np.zeros(4, dtype=np.float32)
    e = ember.from_numpy(a)
    a[0] = 5
    assert e[0].item() == 5
    e.add_(1)
    assert a[1] == 1
    n = e.numpy()
    n[2] = 7
    assert e[2].item() == 7
    assert np.asarray(e) is n or np.shares_memory(np.asarray(e), a)
    same_error(lambda: ember.ones(2, requires_grad=True).numpy(),
               lambda: torch.ones(2, requires_grad=True).numpy())
    same_error(lambda: ember.from_numpy(np.array(["a"], dtype=object)),
               lambda: torch.from_numpy(np.array(["a"], dtype=object)))


def test_to_and_type_conversions():
    e = ember.tensor([1.7, -2.2])
    t = torch.tensor([1.7, -2.2])
    for name in ("float", "double", "half", "long", "int", "bool", "short", "byte"):
        ev, tv = getattr(e, name)(), getattr(t, name)()
        assert str(ev.dtype) == str(tv.dtype)
        np.testing.assert_array_equal(np.asarray(ev.float().tolist()),
                                      np.asarray(tv.float().tolist()))
    assert e.float() is e
    assert e.to(ember.float64).dtype is ember.float64
    assert e.to(ember.zeros(1, dtype=ember.int32)).dtype is ember.int32
    assert e.to("cpu") is e
    assert e.to("cpu", copy=True) is not e
    assert e.type() == t.type() == "torch.FloatTensor"
    assert e.type(ember.float64).dtype is ember.float64
    assert e.type("torch.DoubleTensor").dtype is ember.float64


def test_bfloat16_roundtrip():
    e = ember.tensor([1.0, 2.5, 3.14159], dtype=ember.bfloat16)
    t = torch.tensor([1.0, 2.5, 3.14159], dtype=torch.bfloat16)
    assert e.float().tolist() == t.float().tolist()
    assert e.element_size() == 2


def test_factories_accept_varargs_and_tuples():
    assert ember.zeros(2, 3).shape == ember.zeros((2, 3)).shape == (2, 3)
    assert ember.ones([4]).shape == (4,)
    assert ember.full((2,), 7).dtype is ember.int64
    assert ember.full((2,), 7.0).dtype is ember.float32
    assert ember.empty(0).numel() == 0
    for args in [(5,), (1, 5), (0, 1, 0.25), (5, 0, -1)]:
        assert ember.arange(*args).tolist() == torch.arange(*args).tolist()
        assert str(ember.arange(*args).dtype) == str(torch.arange(*args).dtype)
    np.testing.assert_allclose(ember.linspace(-1, 1, 7).tolist(),
                               torch.linspace(-1, 1, 7).tolist(), rtol=1e-6)
    np.testing.assert_allclose(ember.logspace(0, 2, 5).tolist(),
                               torch.logspace(0, 2, 5).tolist(), rtol=1e-6)
    assert ember.eye(3, 2).tolist() == torch.eye(3, 2).tolist()
    same_error(lambda: ember.zeros(-1), lambda: torch.zeros(-1))


_INT_LIST_CALLS = [
    "L.zeros(2.5)", "L.zeros((2, 2.5))", "L.zeros('a')", "L.ones(2, 2.0)", "L.empty([2, None])",
    "L.randn(2, '3')", "L.full((2, 2.5), 1.)", "L.full(2.0, 1.)", "L.zeros(L.tensor([2, 3]))",
    "L.zeros(L.tensor(2.0))", "L.zeros(L.tensor(2))", "L.zeros(2, L.tensor([3]))",
    "L.zeros(True)", "L.zeros(2, True)", "L.zeros(np.array([2, 3]))", "L.zeros(2.5, 3)",
    "L.zeros(np.float64(2))", "L.zeros(2, np.float64(2))", "L.zeros(2, np.int64(3))",
    "L.ones(size=(2, 2.5))", "L.ones(size=2.5)", "L.zeros(2, size=(2, 3))", "L.zeros(None)",
    "L.zeros([])", "L.zeros(-1, 2.0)", "L.rand(2, 3, 'x')", "L.randint(3, (2, 2.0))",
    "L.empty_strided((2, 2.0), (1, 1))", "L.zeros(2).new_zeros(2, 2.5)",
    "L.zeros(2).new_zeros(-1)", "L.zeros(2).new_full((2, 2.0), 1)",
    "L.arange(6).reshape(2, 3.0)", "L.arange(6).reshape(2.0)", "L.reshape(L.arange(6), (2, 3.0))",
    "L.arange(6).view(2, 3.0)", "L.arange(6).view(L.Size([2, 3]))", "L.arange(6).view(-1, L.tensor(2))",
    "L.arange(6).view(2, 3).permute(0, 1.0)", "L.arange(6).expand(2, 3.0)",
    "L.arange(6).resize_(2, 3.0)", "L.arange(6).view(2, 3).repeat(2, 1.0)",
    "L.arange(6).view(2, 3).repeat(2.0)", "L.arange(6).view(2, 3).tile((2, 1.0))",
    "L.tile(L.arange(6).view(2, 3), dims=(2,))", "L.arange(6).view(2, 3).flip(0, 1.0)",
    "L.arange(6).view(2, 3).flip(dims=(0,))", "L.broadcast_to(L.arange(3), (2, 3.0))",
    "L.broadcast_to(L.arange(3), 3)", "L.arange(6).view(2, 3).unflatten(1, (3, 1.0))",
    "L.arange(6.).view(2, 3).sum((0, 1.0))", "L.arange(6.).view(2, 3).sum(dim=[0, L.tensor(1)])",
    "L.arange(6.).view(2, 3).amax((0, 1.0))", "L.arange(6.).view(2, 3).std((0, 1.0))",
    "L.arange(6.).view(2, 3).var_mean((0, 1.0))", "L.arange(6).view(2, 3).any((0, 1.0))",
    "L.arange(6.).view(2, 3).logsumexp((0, 1.0))", "L.arange(6).view(2, 3).count_nonzero((0, 1.0))",
]


@pytest.mark.parametrize("call", _INT_LIST_CALLS)
def test_int_list_arguments_as_torch_reads_them(call):
    """Sizes, shapes and dims given as ints, one sequence, NumPy integers, bools or one-element
    integer tensors: the same result or the same error (type and text) as torch."""
    results = []
    for lib in (ember, torch):
        try:
            results.append(tuple(eval(call, {"L": lib, "np": np}).shape))
        except Exception as e:
            results.append((type(e).__name__, str(e)))
    assert results[0] == results[1]


def test_requires_grad_rules():
    same_error(lambda: ember.ones(2, dtype=ember.int64).requires_grad_(),
               lambda: torch.ones(2, dtype=torch.int64).requires_grad_())
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    same_error(lambda: y.requires_grad_(False),
               lambda: (torch.ones(2, requires_grad=True) * 2).requires_grad_(False))
    assert x.is_leaf and not y.is_leaf
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert y.grad is None
        assert any("not a leaf Tensor" in str(m.message) for m in w)


def test_view_errors_match_torch():
    e, t = ember.ones(2, 3), torch.ones(2, 3)
    same_error(lambda: e.t().view(6), lambda: t.t().view(6))
    same_error(lambda: e.view(4), lambda: t.view(4))
    same_error(lambda: e.reshape(4), lambda: t.reshape(4))
    same_error(lambda: e.sum(2), lambda: t.sum(2))
    same_error(lambda: ember.ones(2).expand(3, 3), lambda: torch.ones(2).expand(3, 3))
    same_error(lambda: ember.ones(2) + ember.ones(3), lambda: torch.ones(2) + torch.ones(3))


def test_views_share_memory_and_version():
    x = ember.zeros(3, 4)
    v = x.view(12)
    tr = x.t()
    s = x[1]
    v[0] = 1.0
    assert x[0, 0].item() == 1.0 and tr[0, 0].item() == 1.0
    s.fill_(2.0)
    assert x[1].tolist() == [2.0] * 4
    assert x._vc is v._vc is s._vc
    assert x.data_ptr() == v.data_ptr()
    r = x.t().reshape(12)  # needs a copy
    r[0] = 9.0
    assert x[0, 0].item() == 1.0


@pytest.mark.parametrize("attr,shape", [("mT", (3,)), ("mH", (3,)), ("H", (3,)), ("H", (2, 3, 4))])
def test_matrix_transpose_attribute_errors(attr, shape):
    same_error(lambda: getattr(ember.ones(shape), attr), lambda: getattr(torch.ones(shape), attr))


def test_H_of_0d_and_complex_matrices():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match=r"^Tensor\.H is deprecated on 0-D tensors\. "
                                             r"Consider using x\.conj\(\)\."):
            lib.tensor(1.0).H
    a = np.arange(6).reshape(2, 3) + 1j
    np.testing.assert_array_equal(ember.tensor(a).H.numpy(), torch.tensor(a).H.resolve_conj())
    b = np.arange(12).reshape(2, 2, 3) - 1j
    np.testing.assert_array_equal(ember.tensor(b).mH.numpy(),
                                  torch.tensor(b).mH.resolve_conj().numpy())


@pytest.mark.parametrize("data", [None, [None], [1, None], [[1, 2], [3, "a"]], "abc", {"a": 1}])
def test_tensor_of_non_numbers(data):
    same_error(lambda: ember.tensor(data), lambda: torch.tensor(data))


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_factories_need_a_size(torch, name):
    with pytest.raises(TypeError) as t:
        getattr(torch, name)()
    with pytest.raises(TypeError) as e:
        getattr(ember, name)()
    assert str(e.value) == str(t.value)
    assert getattr(ember, name)(()).shape == getattr(torch, name)(()).shape == ()


def test_legacy_constructor_without_arguments_is_empty(torch):
    assert ember.Tensor().shape == torch.Tensor().shape == (0,)
    assert ember.nn.Parameter().shape == torch.nn.Parameter().shape


@pytest.mark.parametrize("make", [
    lambda L: L.Tensor(L.Size([2, 4])), lambda L: L.Tensor(L.zeros(3, 1).shape),
    lambda L: L.Tensor(L.Size([])), lambda L: L.Tensor(2, 4), lambda L: L.Tensor([2, 4]),
    lambda L: L.Tensor((2, 4)), lambda L: L.Tensor(3), lambda L: L.FloatTensor(L.Size([3])),
    lambda L: L.LongTensor(L.Size([2, 2]))])
def test_legacy_constructor_takes_a_size_as_a_shape(torch, make):
    """``torch.Tensor(t.shape)`` is an uninitialised tensor of that shape (blitz's buffers),
    a list or tuple is data."""
    e, t = make(ember), make(torch)
    assert (tuple(e.shape), str(e.dtype)) == (tuple(t.shape), str(t.dtype))


@pytest.mark.parametrize("dtype", [None, "float32", "float16", "complex64", "int64", "uint8",
                                   "bool"])
@pytest.mark.parametrize("data", [
    [[1, 2], [3]], [[1, 2], [3, 4, 5]], [[1.0, 2.0], (3.0,)], [[[1, 2], [3, 4]], [[1, 2], [3]]],
    [1, [2]], [1.0, [2]], [True, [False]], [1, (2,)], [[1], 2], [[1, 2], [[3], 4]],
    [[1, 2], []],
], ids=repr)
def test_ragged_nested_sequences(data, dtype):
    """torch reads the shape along the first elements and reports the first mismatch."""
    def make(lib):
        return lambda: lib.tensor(data, dtype=None if dtype is None else getattr(lib, dtype))
    same_error(make(ember), make(torch))
    same_error(lambda: ember.as_tensor(data), lambda: torch.as_tensor(data))


def test_ragged_sequence_with_an_empty_first_row_is_empty():
    t, e = torch.tensor([[], [1]]), ember.tensor([[], [1]])
    assert tuple(e.shape) == tuple(t.shape) == (2, 0) and str(e.dtype) == str(t.dtype)


@pytest.mark.parametrize("make", [
    lambda L: L.tensor([1, 2], requires_grad=True),
    lambda L: L.tensor([1.5], dtype=L.int64, requires_grad=True),
    lambda L: L.tensor([True], requires_grad=True),
    lambda L: L.as_tensor([1]).requires_grad_(),
    lambda L: L.asarray([1], requires_grad=True),
    lambda L: setattr(L.tensor([1, 2]), "requires_grad", True),
    lambda L: L.zeros(2, dtype=L.int64, requires_grad=True),
    lambda L: L.ones(2, dtype=L.int32, requires_grad=True),
    lambda L: L.empty(2, dtype=L.uint8, requires_grad=True),
    lambda L: L.full((2,), 3, requires_grad=True),
    lambda L: L.arange(3, requires_grad=True),
    lambda L: L.linspace(0, 3, 4, dtype=L.int64, requires_grad=True),
    lambda L: L.eye(2, dtype=L.int64, requires_grad=True),
    lambda L: L.zeros_like(L.tensor([1]), requires_grad=True),
    lambda L: L.full_like(L.tensor([1]), 2, requires_grad=True),
    lambda L: L.tensor([1]).new_zeros(2, requires_grad=True),
    lambda L: L.tensor([1]).new_full((2,), 1, requires_grad=True),
    lambda L: L.tensor([1]).new_tensor([1], requires_grad=True),
    lambda L: L.nn.Parameter(L.tensor([1])),
])
def test_requires_grad_on_integer_tensors(make):
    """Factories say 'Only ... floating point and complex', the attribute 'only ... floating
    point and complex', requires_grad_() 'only ... floating point' (torch's three texts)."""
    same_error(lambda: make(ember), lambda: make(torch))


def test_contains_like_torch():
    from tests._autograd_compare import compare

    def case(T):
        t = T.tensor([[1, 2], [3, 4]])
        return 2 in t, 7 in t, T.tensor(3) in t, T.tensor([1, 2]) in t, 2.0 in t

    compare(case)
    compare(lambda T: "a" in T.tensor([1, 2]))


@pytest.mark.slow  # an ember and a torch interpreter (2.3 CPU-seconds)
def test_float_of_a_tensor_requiring_grad_warns_once_like_torch():
    """float()/complex() warn once per process while grad mode is on; int()/.item() never."""
    pytest.importorskip("torch")
    import subprocess
    import sys
    script = ("import warnings, {lib} as t\n"
              "warnings.simplefilter('always')\n"
              "x = t.tensor(2., requires_grad=True) * 1\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              "    int(x); x.item()\n"
              "    with t.no_grad(): float(x)\n"
              "    n0 = len(w); float(x); complex(x); float(x)\n"
              "print(n0, len(w), str(w[-1].message).splitlines()[0])\n")
    out = {lib: subprocess.run([sys.executable, "-c", script.format(lib=lib)], text=True,
                               capture_output=True, check=True).stdout
           for lib in ("ember", "torch")}
    assert out["ember"] == out["torch"]


def test_tensor_copies_keep_a_dense_source_layout_as_torch():
    """``torch.tensor`` of a transposed / Fortran-ordered / channels-last array or tensor keeps
    its memory order (a strided slice comes out C-contiguous); negative strides are refused."""
    import torch
    a = np.arange(24.0).reshape(2, 3, 4)
    sources = [lambda lib: a.transpose(2, 0, 1), lambda lib: np.asfortranarray(a),
               lambda lib: a[:, :, ::2], lambda lib: lib.arange(12.0).reshape(3, 4).t(),
               lambda lib: lib.ones(2, 3, 4, 5).to(memory_format=lib.channels_last)]
    for src in sources:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # (torch warns on copying a tensor)
            got = [torch.tensor(src(torch)).stride(),
                   torch.tensor(src(torch), dtype=torch.float32).stride()]
            ours = [ember.tensor(src(ember)).stride(),
                    ember.tensor(src(ember), dtype=ember.float32).stride()]
        assert ours == got
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="negative"):
            lib.tensor(a[::-1])
