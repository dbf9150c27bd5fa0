"""Indexing ops against torch: __getitem__/__setitem__, gather/scatter family, index_*,
masked_*, take/put, nonzero.  Values, grad_fn names, gradients (repeated indices accumulate),
errors."""
import numpy as np
import pytest

import ember
from tests._compare_ops import check, check_error, rand

X = rand(4, 5, 3)
A = rand(4, 6)
V1 = rand(6)

GETITEM = {
    "int": lambda T, x: x[1],
    "neg_int": lambda T, x: x[-1, -2],
    "all_ints": lambda T, x: x[1, 2, 0],
    "slice": lambda T, x: x[1:3],
    "slice_step": lambda T, x: x[::2, 1::2],
    "slice_oob": lambda T, x: x[2:100, -100:2],
    "slice_empty": lambda T, x: x[3:1],
    "full_slice": lambda T, x: x[:],
    "ellipsis": lambda T, x: x[..., 1],
    "ellipsis_only": lambda T, x: x[...],
    "none": lambda T, x: x[None, :, None],
    "bool_true": lambda T, x: x[True],
    "bool_false": lambda T, x: x[False],
    "list": lambda T, x: x[[0, 2, 2]],
    "list_neg": lambda T, x: x[:, [-1, 0, -1]],
    "two_lists": lambda T, x: x[[0, 1, 3], [1, 1, 4]],
    "split_adv": lambda T, x: x[[0, 1], :, [2, 0]],
    "adv_bcast": lambda T, x: x[T.tensor([[0], [3]]), T.tensor([1, 2])],
    "int_tensor": lambda T, x: x[T.tensor([3, 0, 3])],
    "int32_tensor": lambda T, x: x[T.tensor([3, 0], dtype=T.int32)],
    "int_0d_tensor": lambda T, x: x[T.tensor(2)],
    "mask": lambda T, x: x[x > 0],
    "mask_partial": lambda T, x: x[x[:, :, 0] > 0],
    "mask_mid": lambda T, x: x[:, x[0, :, 0] > 0],
    "mask_list": lambda T, x: x[[True, False, True, True]],
    "numpy_idx": lambda T, x: x[np.array([1, 0])],
    "combo": lambda T, x: x[1:, None, [0, 2], ...],
    "int_and_list": lambda T, x: x[1, [0, 4], 1:],
    "empty_list": lambda T, x: x[[]],
    "ellipsis_mask": lambda T, x: x[..., x[0, 0] > 0],
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(GETITEM))
def test_getitem(name, dtype):
    check(GETITEM[name], X.astype(dtype))


def test_getitem_int_dtype():
    check(lambda T, x: x[x > 0], rand(3, 4, dtype="int64"))
    check(lambda T, x: x[[0, 0], 1:], rand(3, 4, dtype="bool"))


@pytest.mark.parametrize("fn", [
    lambda T, x: x[5], lambda T, x: x[0, 7], lambda T, x: x[::-1], lambda T, x: x[0, 0, 0, 0],
    lambda T, x: x[[5]], lambda T, x: x[T.tensor([[True]])], lambda T, x: x[1.5],
    lambda T, x: x[:, -7], lambda T, x: x[T.tensor([1.])], lambda T, x: x[[0, 1], [1, 2, 3]],
    lambda T, x: x[:, :, [3]],
])
def test_getitem_errors(fn):
    check_error(fn, X)


SETITEM = {
    "int_scalar": (lambda x, T, v: x.__setitem__(0, 5.)),
    "int_tensor": (lambda x, T, v: x.__setitem__((1, slice(None)), v[0, 0])),
    "slice_tensor": (lambda x, T, v: x.__setitem__(slice(1, 3), v[:2, :5, None])),
    "bcast": (lambda x, T, v: x.__setitem__((slice(None), 1), v[0, :1])),
    "leading_ones": (lambda x, T, v: x.__setitem__(0, v[None, None, :5, :3])),
    "adv_scalar": (lambda x, T, v: x.__setitem__([0, 2], 7.)),
    "adv_tensor": (lambda x, T, v: x.__setitem__((slice(None), [0, 1]), v[:4, :2, None])),
    "mask_scalar": (lambda x, T, v: x.__setitem__(x > 0, 0.)),
    "mask_tensor": (lambda x, T, v: x.__setitem__(x[:, :, 0] > 0, v[0, :3])),
    "slice_adv": (lambda x, T, v: x.__setitem__((slice(1, None), [0, 2]), v[0, 0])),
    "ellipsis": (lambda x, T, v: x.__setitem__(Ellipsis, v[0, :3])),
    "none": (lambda x, T, v: x.__setitem__((None, 1), v[1, :3])),
}


@pytest.mark.parametrize("name", list(SETITEM))
def test_setitem_nonleaf(name):
    """Writing into a non-leaf through indexing: CopySlices / IndexPutBackward0 and gradients
    for both the base and the value."""
    def fn(T, x, v):
        y = x * 2
        SETITEM[name](y, T, v * 3)
        return y
    check(fn, X, rand(6, 6))


def test_setitem_names(torch):
    for T in (ember, torch):
        x = T.tensor(X, requires_grad=True)
        y = x * 1
        y[0] = 5.
        names = [type(y.grad_fn).__name__]
        y = x * 1
        y[[0, 1]] = 5.
        names.append(type(y.grad_fn).__name__)
        y = x * 1
        y[:, [0]] = x[:, :1]
        names.append(type(y.grad_fn).__name__)
        if T is torch:
            expected = names
    assert names == expected == ["CopySlices", "IndexPutBackward0", "IndexPutBackward0"]


def test_setitem_leaf_errors(torch):
    check_error(lambda T, x: T.tensor(X, requires_grad=True).__setitem__(0, 1.), X)


def test_setitem_duplicate_and_dtype():
    check(lambda T, x: (x.clone().index_put_((T.tensor([0, 0, 1]),), T.tensor(1., dtype=T.float64),
                                              accumulate=True)), A)
    e = ember.zeros(3, dtype=ember.int64)
    e[1] = 2.7
    assert e.tolist() == [0, 2, 0]
    e[ember.tensor([True, False, True])] = ember.tensor([5, 6])
    assert e.tolist() == [5, 2, 6]


def test_setitem_view_visible():
    x = ember.zeros(3, 4)
    v = x[1]
    v[2] = 9.
    assert x[1, 2].item() == 9.
    x[:, 0] = ember.tensor([1., 2., 3.])
    assert v[0].item() == 2.
    assert x._version == 2


IDX = np.array([[0, 1, 1], [3, 2, 0], [1, 1, 1], [0, 0, 5]])
IDX_ROW = np.array([2, 0, 2])

OPS = {
    "gather": (lambda T, a, s: a.gather(1, T.tensor(IDX)), A, A),
    "gather_small": (lambda T, a, s: T.gather(a, 0, T.tensor(IDX[:2, :2] % 4)), A, A),
    "scatter_src": (lambda T, a, s: a.scatter(1, T.tensor(IDX[:, :1]), s[:, :1]), A, A),
    "scatter_value": (lambda T, a, s: a.scatter(1, T.tensor(IDX[:, :1]), 2.5), A, A),
    "scatter_add": (lambda T, a, s: a.scatter_add(1, T.tensor(IDX), s[:, :3]), A, A),
    "scatter_add_fn": (lambda T, a, s: T.scatter_add(a, 0, T.tensor(IDX % 4), s[:, :3]), A, A),
    "sr_sum": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "sum"), A, A),
    "sr_sum_excl": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "sum",
                                                     include_self=False), A, A),
    "sr_mean": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "mean"), A, A),
    "sr_mean_excl": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "mean",
                                                      include_self=False), A, A),
    "sr_prod": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "prod"), A, A),
    "sr_prod_excl": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "prod",
                                                      include_self=False), A, A),
    "sr_amax": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "amax"), A, A),
    "sr_amin_excl": (lambda T, a, s: a.scatter_reduce(1, T.tensor(IDX), s[:, :3], "amin",
                                                      include_self=False), A, A),
    "index_select": (lambda T, a, s: a.index_select(1, T.tensor(IDX_ROW)), A, A),
    "index_select0": (lambda T, a, s: T.index_select(a, 0, T.tensor([3, 3, 0])), A, A),
    "index_add": (lambda T, a, s: a.index_add(0, T.tensor(IDX_ROW), s[:3]), A, A),
    "index_add_alpha": (lambda T, a, s: a.index_add(1, T.tensor(IDX_ROW), s[:, :3],
                                                    alpha=2.), A, A),
    "index_copy": (lambda T, a, s: a.index_copy(0, T.tensor([2, 0]), s[:2]), A, A),
    "index_fill": (lambda T, a, s: a.index_fill(1, T.tensor(IDX_ROW), -1.), A, A),
    "index_fill_t": (lambda T, a, s: a.index_fill(0, T.tensor([1]), s[0, 0]), A, A),
    "index_put": (lambda T, a, s: a.index_put((T.tensor([0, 2]), T.tensor([1, 1])), s[0, :2]),
                  A, A),
    "index_put_acc": (lambda T, a, s: T.index_put(a, (T.tensor([0, 0]),), s[:2],
                                                  accumulate=True), A, A),
    "index_put_mask": (lambda T, a, s: a.index_put((a > 0,), s[0, 0]), A, A),
    "masked_fill": (lambda T, a, s: a.masked_fill(a > 0, 1.5), A, A),
    "masked_fill_t": (lambda T, a, s: a.masked_fill(s[0] > 0, s[1, 1]), A, A),
    "masked_fill_bcast": (lambda T, a, s: a[0].masked_fill(s > 0, 0.), A, A),
    "masked_select": (lambda T, a, s: a.masked_select(s > 0), A, A),
    "masked_select_bcast": (lambda T, a, s: T.masked_select(a, s[0] > 0), A, A),
    "masked_scatter": (lambda T, a, s: a.masked_scatter(a > 0, s), A, A),
    "take": (lambda T, a, s: a.take(T.tensor([[0, 23], [5, 5]])), A, A),
    "take_neg": (lambda T, a, s: T.take(a, T.tensor([-1, 0])), A, A),
    "take_along_dim": (lambda T, a, s: a.take_along_dim(T.tensor(IDX), 1), A, A),
    "take_along_dim_b": (lambda T, a, s: T.take_along_dim(a, T.tensor([[1, 0, 5]]), 1), A, A),
    "take_along_dim_flat": (lambda T, a, s: a.take_along_dim(T.tensor([3, 3, 20])), A, A),
    "put": (lambda T, a, s: a.put(T.tensor([0, 7]), s[0, :2]), A, A),
    "put_acc": (lambda T, a, s: a.put(T.tensor([[7, 7]]), s[0, :2].view(1, 2),
                                      accumulate=True), A, A),
    "nonzero": (lambda T, a, s: (a > 0).nonzero(), A, A),
    "nonzero_tuple": (lambda T, a, s: T.nonzero(a > 0, as_tuple=True), A, A),
    "nonzero_0d": (lambda T, a, s: a[0, 0].nonzero(), A, A),
    "argwhere": (lambda T, a, s: T.argwhere(a), A, A),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(OPS))
def test_index_op(name, dtype):
    fn, *arrays = OPS[name]
    check(fn, *[a.astype(dtype) for a in arrays])


@pytest.mark.parametrize("name", ["scatter_add", "index_add", "index_fill", "masked_fill",
                                  "scatter_src", "index_put_acc", "masked_scatter", "put"])
def test_index_op_inplace(name):
    def fn(T, a, s):
        y = a * 1
        assert _call_inplace(name, T, y, s) is y
        return y
    check(fn, A, A)


def _call_inplace(name, T, y, s):
    calls = {
        "scatter_add": lambda: y.scatter_add_(1, T.tensor(IDX), s[:, :3]),
        "index_add": lambda: y.index_add_(0, T.tensor(IDX_ROW), s[:3]),
        "index_fill": lambda: y.index_fill_(1, T.tensor(IDX_ROW), -1.),
        "masked_fill": lambda: y.masked_fill_(y > 0, 1.5),
        "scatter_src": lambda: y.scatter_(1, T.tensor(IDX[:, :1]), s[:, :1]),
        "index_put_acc": lambda: y.index_put_((T.tensor([0, 0]),), s[:2], accumulate=True),
        "masked_scatter": lambda: y.masked_scatter_(y > 0, s),
        "put": lambda: y.put_(T.tensor([0, 7]), s[0, :2]),
    }
    return calls[name]()


def test_int_scatter_gather():
    i = rand(4, 6, dtype="int64")
    check(lambda T, a: a.scatter_reduce(1, T.tensor(IDX), a, "mean"), i)
    check(lambda T, a: a.gather(0, T.tensor(IDX % 4)), i)
    check(lambda T, a: a.index_put((a > 0,), T.tensor(9)), i)


ERRORS = {
    "gather_oob": lambda T, a: a.gather(1, T.tensor(IDX + 5)),
    "gather_dtype": lambda T, a: a.gather(1, T.tensor(IDX).float()),
    "gather_dim": lambda T, a: a.gather(3, T.tensor(IDX)),
    "gather_ndim": lambda T, a: a.gather(1, T.tensor(IDX[0])),
    "index_select_oob": lambda T, a: a.index_select(0, T.tensor([9])),
    "index_select_2d": lambda T, a: a.index_select(0, T.tensor(IDX)),
    "index_select_dtype": lambda T, a: a.index_select(0, T.tensor([1.])),
    "take_oob": lambda T, a: a.take(T.tensor([30])),
    "masked_fill_value": lambda T, a: a.masked_fill(a > 0, T.ones(2)),
    "masked_fill_mask": lambda T, a: a.masked_fill(a, 1.),
    "masked_select_mask": lambda T, a: a.masked_select(a),
    "index_add_count": lambda T, a: a.index_add(0, T.tensor([0, 1]), T.ones(3, 6)),
    "index_put_oob": lambda T, a: a.index_put((T.tensor([9]),), T.tensor(1., dtype=T.float64)),
    "index_put_shape": lambda T, a: a.index_put((T.tensor([0, 1]),), T.ones(3)),
    "scatter_reduce_name": lambda T, a: a.scatter_reduce(1, T.tensor(IDX), a, "foo"),
    "index_fill_value": lambda T, a: a.index_fill(0, T.tensor([1]), T.ones(2)),
    "masked_scatter_few": lambda T, a: a.masked_scatter(a > -100, T.ones(2)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_index_errors(name):
    check_error(ERRORS[name], A)


def test_repeated_index_grad_accumulates(torch):
    check(lambda T, a: a[[0, 0, 0, 1]] * 1, A)
    check(lambda T, a: a.index_select(0, T.tensor([1, 1, 1])), A)
    check(lambda T, a: a.take(T.tensor([2, 2])), A)


def test_double_backward_through_index(torch):
    for T in (torch, ember):
        a = T.tensor(A, requires_grad=True)
        y = (a[[0, 0, 2]] ** 2).sum()
        g, = T.autograd.grad(y, a, create_graph=True)
        (g * g).sum().backward()
        if T is torch:
            expected = (g.detach().numpy().copy(), a.grad.numpy().copy())
    np.testing.assert_allclose(g.detach().numpy(), expected[0])
    np.testing.assert_allclose(a.grad.numpy(), expected[1])


def test_masked_scatter_broadcasts_self_and_mask(torch):
    """The out-of-place op broadcasts self against the mask (self's gradient is reduced back)."""
    check(lambda T, a, s: T.masked_scatter(a, T.tensor(IDX[:, :1] > 0), s),
          rand(3), rand(4, 3, seed=1))


def test_gather_scatter_empty_index_any_dtype_and_rank(torch):
    """An empty index skips the dtype and rank checks; a non-empty one does not."""
    x = rand(5)
    for idx in (np.zeros(0, np.uint8), np.zeros((2, 0), np.uint8), np.zeros(0, np.float32)):
        check(lambda T, a: T.gather(a, 0, T.tensor(idx)), x)
        check(lambda T, a: a.scatter(0, T.tensor(idx), T.zeros(idx.shape, dtype=T.float64)), x)
    check_error(lambda T, a: T.gather(a, 0, T.zeros(2, dtype=T.uint8)), x)
    check_error(lambda T, a: T.gather(a, 0, T.zeros(2, 1, dtype=T.int64)), x)


def test_index_select_zero_dim(torch):
    for idx in ([0], 0):
        check(lambda T, a: T.index_select(a, 0, T.tensor(idx)), np.array(3.0))
    check(lambda T, a: T.index_select(a, 0, T.tensor(1)), rand(3))
    check_error(lambda T, a: T.index_select(a, 0, T.tensor([0, 0])), np.array(3.0))


# ---- 0-d index / source: counted as 1-d, as in torch -----------------------------------------------
ZERO_D = {
    "scatter_value": lambda T, x: x.scatter(0, T.tensor(3), 1.5),
    "scatter__value_kw": lambda T, x: x.clone().scatter_(0, T.tensor(3), value=1),
    "scatter_src_0d": lambda T, x: x.scatter(0, T.tensor(3), x[1] * 2),
    "scatter_src_1d": lambda T, x: x.scatter(0, T.tensor(3), x[1:3] * 2),
    "scatter_reduce_arg": lambda T, x: x.scatter(0, T.tensor(2), 2., reduce="add"),
    "scatter_add_0d": lambda T, x: x.scatter_add(0, T.tensor(3), x[0] * 3),
    "scatter_add_1d_src": lambda T, x: x.scatter_add(0, T.tensor(3), x[:1] * 3),
    "scatter_reduce_sum": lambda T, x: x.scatter_reduce(0, T.tensor(1), x[2] * 5, "sum"),
    "scatter_reduce_amax": lambda T, x: x.scatter_reduce(0, T.tensor(1), x[2:3] * 5, "amax",
                                                         include_self=False),
    "gather": lambda T, x: x.gather(0, T.tensor(3)),
    "gather_0d_self": lambda T, x: x[2].gather(0, T.tensor(0)),
    "gather_0d_self_1d_index": lambda T, x: x[2].gather(0, T.tensor([0])),
    "index_select": lambda T, x: x.index_select(0, T.tensor(3)),
    "index_copy_0d_source": lambda T, x: x.index_copy(0, T.tensor(3), x[0] * 2),
    "index_copy_0d_self": lambda T, x: x[1].index_copy(0, T.tensor([0]), x[:1] * 2),
    "index_add_0d_both": lambda T, x: x[1].index_add(0, T.tensor(0), x[2] * 2),
    "index_fill": lambda T, x: x.index_fill(0, T.tensor(3), 2.),
    "take": lambda T, x: x.take(T.tensor(3)),
}


# torch has no gradient for scatter(reduce=) and fails its own shape check on a 1-d src with a
# 0-d index, so these compare forward only
_FORWARD_ONLY = {"scatter_src_1d", "scatter_reduce_arg", "scatter_add_1d_src"}


@pytest.mark.parametrize("name", list(ZERO_D))
def test_zero_dim_index_and_source(name):
    check(ZERO_D[name], rand(5), grad=name not in _FORWARD_ONLY)


@pytest.mark.parametrize("fn", [
    lambda T, x: x.reshape(5, 1).scatter(0, T.tensor(1), 1.),
    lambda T, x: x.reshape(5, 1).scatter_add(1, T.tensor(0), x[0]),
    lambda T, x: x.reshape(5, 1).scatter_reduce(1, T.tensor(0), x[0], "sum"),
    lambda T, x: x.reshape(5, 1).gather(1, T.tensor(0)),
    lambda T, x: x.take_along_dim(T.tensor(3), 0),
    lambda T, x: x.reshape(5, 1).take_along_dim(T.tensor([0]), 1),
    lambda T, x: x.index_add(0, T.tensor(3), x[0]),
    lambda T, x: x[0].index_add(0, T.tensor([0]), x[:1]),
    lambda T, x: x.reshape(5, 1).index_add(1, T.tensor(0), x),
    lambda T, x: x.reshape(1, 5).index_add(0, T.tensor([0]), x.reshape(1, 5, 1)),
    lambda T, x: x.reshape(1, 5).index_add(0, T.tensor([0]), x[:4].reshape(1, 4)),
    lambda T, x: x.index_copy(0, T.tensor([3, 1]), x[0]),
    lambda T, x: x.reshape(5, 1).index_copy(1, T.tensor(0), x),
    lambda T, x: x.index_copy(0, T.tensor([1]), x.reshape(5, 1)[:1]),
    lambda T, x: x.reshape(1, 5).index_copy(0, T.tensor([0]), x[:4].reshape(1, 4)),
    lambda T, x: T.zeros(2, 3, 4, dtype=T.float64).index_copy(1, T.tensor([1]),
                                                              T.ones(1, 4, 5, dtype=T.float64)),
    lambda T, x: x.index_copy(0, T.tensor([1, 2]), x[:3]),
])
def test_zero_dim_and_rank_errors(fn):
    check_error(fn, rand(5))
