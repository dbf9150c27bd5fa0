"""Memory sharing exactly where torch shares: basic indexing and split-like ops are views
(writes are visible through them, version counters shared), advanced indexing copies; in-place
writes through views of non-leaves give the base a CopySlices history."""
import numpy as np
import pytest

import ember
from tests._compare_ops import check, rand

torch = pytest.importorskip("torch")

X = rand(4, 5, 3)

VIEW_OPS = {
    "int": lambda x: x[1],
    "slice": lambda x: x[1:3, ::2],
    "none_ellipsis": lambda x: x[None, ..., 0],
    "ellipsis": lambda x: x[...],
    "split": lambda x: x.split(2)[1],
    "chunk": lambda x: x.chunk(2, 1)[0],
    "unbind": lambda x: x.unbind(2)[1],
    "tensor_split": lambda x: x.tensor_split(3, 1)[2],
    "unfold": lambda x: x.unfold(1, 2, 2),
    "diagonal": lambda x: x.diagonal(0, 0, 1),
    "movedim": lambda x: x.movedim(0, 2),
    "flatten": lambda x: x.flatten(1),
    "unflatten": lambda x: x.unflatten(1, (5, 1)),
    "ravel": lambda x: x.ravel(),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "atleast_3d": lambda x: ember.atleast_3d(x) if isinstance(x, ember.Tensor) else
    torch.atleast_3d(x),
}
COPY_OPS = {
    "list": lambda x: x[[0, 1]],
    "mask": lambda x: x[x > 0],
    "flip": lambda x: x.flip(0),
    "narrow_copy": lambda x: x.narrow_copy(0, 0, 2),
    "ravel_nc": lambda x: x.transpose(0, 1).ravel(),
    "flatten_nc": lambda x: x.transpose(0, 1).flatten(),
    "diag": lambda x: x[0].diag(),
}


def _shares(x, y):
    return np.shares_memory(np.asarray(x.detach().numpy()), np.asarray(y.detach().numpy()))


@pytest.mark.parametrize("name", list(VIEW_OPS) + list(COPY_OPS))
def test_sharing_matches_torch(name):
    fn = VIEW_OPS.get(name) or COPY_OPS[name]
    t = torch.tensor(X)
    e = ember.tensor(X)
    ts, es = _shares(t, fn(t)), _shares(e, fn(e))
    assert ts == es == (name in VIEW_OPS)
    if ts:
        assert fn(e)._vc is e._vc
        assert fn(e).data_ptr() - e.data_ptr() == fn(t).data_ptr() - t.data_ptr()


@pytest.mark.parametrize("name", list(VIEW_OPS))
def test_write_through_view(name):
    """An in-place write into the view is visible in the base, as in torch."""
    results = []
    for lib in (torch, ember):
        x = lib.tensor(X)
        v = VIEW_OPS[name](x)
        v.mul_(0).add_(7)
        results.append(x.numpy().copy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("name", ["int", "slice", "none_ellipsis", "unfold", "diagonal",
                                  "movedim", "flatten", "ravel", "swapaxes"])
def test_inplace_on_view_of_nonleaf(name):
    """CopySlices: gradients flow to the base and to the value written."""
    def fn(T, x, w):
        y = x * 1
        v = VIEW_OPS[name](y)
        v.mul_(w.reshape(()))
        return y
    check(fn, X, np.array([3.0]), names=True)


def test_copyslices_name_and_version():
    x = ember.tensor(X, requires_grad=True)
    y = x * 2
    v0 = y._version
    y[1:3] = 0.
    assert type(y.grad_fn).__name__ == "CopySlices"
    assert y._version == v0 + 1
    y.sum().backward()
    expected = np.full(X.shape, 2.)
    expected[1:3] = 0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_view_of_leaf_inplace_error():
    for lib in (torch, ember):
        x = lib.tensor(X, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            x[0].mul_(2)


def test_as_strided_bounds_use_root_storage():
    """A view's as_strided may address storage outside the view (but inside its root), and its
    storage_offset counts from the root, also for views made by as_strided itself."""
    base = rand(20)
    for T in (torch, ember):
        x = T.tensor(base)[5:15]
        v = x.as_strided((10,), (1,), 5)
        assert v.storage_offset() == 5
        np.testing.assert_array_equal(v.as_strided((2, 2), (1, 2), 10).numpy(),
                                      base[[[10, 12], [11, 13]]])
    check(lambda T, a: a[5:].as_strided((2, 2), (1, 2), 10), base)


def test_view_as_dtype_of_another_size():
    from tests._autograd_compare import compare

    def case(T):
        t = T.arange(16, dtype=T.uint8).reshape(2, 8)
        f = t.view(T.float32)
        back = f.view(T.uint8)
        f[0, 0] = 1.5              # shares memory
        return f.shape, f.stride(), back.shape, t[0, :4].tolist(), \
            T.zeros(3, dtype=T.float64).view(T.int16).shape
    compare(case)
    for bad in (lambda T: T.zeros(2, 8, dtype=T.uint8).t().view(T.float32),
                lambda T: T.zeros(3, dtype=T.uint8).view(T.float32),
                lambda T: T.zeros((), dtype=T.float32).view(T.uint8),
                lambda T: T.zeros(9, dtype=T.uint8)[1:].view(T.int32)):
        compare(bad)
