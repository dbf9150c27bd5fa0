"""Shape ops against torch: values, dtypes, grad_fn names, gradients, errors."""
import numpy as np
import pytest

from tests._compare_ops import check, check_error, rand

A = rand(3, 4)
B = rand(2, 4, seed=1)
C = rand(3, 4, 5)
V1 = rand(5)

CASES = {
    "cat0": (lambda T, a, b: T.cat([a, b]), A, B),
    "cat1": (lambda T, a, b: T.cat((a, b.t()[:3]), dim=1), A, B),
    "cat_neg": (lambda T, a, b: T.concat([a, a, b], -2), A, B),
    "concatenate": (lambda T, a: T.concatenate([a, a], 1), A),
    "cat_empty_legacy": (lambda T, a, e: T.cat([a, e, a]), A, np.zeros(0)),
    "cat_promote": (lambda T, a, i: T.cat([a, i]), A, rand(1, 4, dtype="int64")),
    "cat_int": (lambda T, i: T.cat([i, i], 1), rand(2, 3, dtype="int32")),
    "stack": (lambda T, a: T.stack([a, a * 2], 1), A),
    "stack_neg": (lambda T, a: T.stack([a, a], -1), A),
    "stack_0d": (lambda T, a: T.stack([a[0, 0], a[1, 1]]), A),
    "hstack": (lambda T, a, v: T.hstack([a, a]), A, V1),
    "hstack1d": (lambda T, v: T.hstack([v, v]), V1),
    "vstack": (lambda T, a: T.vstack([a, a[0]]), A),
    "dstack": (lambda T, a: T.dstack([a, a]), A),
    "column_stack": (lambda T, v: T.column_stack([v, v]), V1),
    "column_stack_2d": (lambda T, a: T.column_stack([a, a[:, 0]]), A),
    "split_int": (lambda T, a: a.split(3, 1), A),
    "split_sizes": (lambda T, a: T.split(a, [1, 3], 1), A),
    "split_partial_grad": (lambda T, a: a.split(2)[1], A),
    "chunk": (lambda T, c: c.chunk(3, 2), C),
    "chunk_uneven": (lambda T, a: T.chunk(a, 3, 1), A),
    "tensor_split_int": (lambda T, c: c.tensor_split(3, 2), C),
    "tensor_split_idx": (lambda T, c: T.tensor_split(c, [1, 3, 9], 1), C),
    "unbind": (lambda T, c: c.unbind(1), C),
    "unbind_partial": (lambda T, c: c.unbind(2)[3], C),
    "flip": (lambda T, c: c.flip(0, 2), C),
    "flip_list": (lambda T, c: T.flip(c, [-1]), C),
    "fliplr": (lambda T, a: a.fliplr(), A),
    "flipud": (lambda T, a: T.flipud(a), A),
    "roll": (lambda T, c: c.roll(2, 1), C),
    "roll_multi": (lambda T, c: T.roll(c, (1, -2), (0, 2)), C),
    "roll_flat": (lambda T, c: c.roll(7), C),
    "repeat": (lambda T, a: a.repeat(2, 1, 3), A),
    "repeat_same": (lambda T, a: a.repeat((2, 2)), A),
    "tile": (lambda T, a: a.tile((2,)), A),
    "tile_more": (lambda T, a: T.tile(a, (2, 1, 2)), A),
    "ri_int": (lambda T, a: a.repeat_interleave(2), A),
    "ri_dim": (lambda T, a: T.repeat_interleave(a, 3, dim=1), A),
    "ri_tensor": (lambda T, a: a.repeat_interleave(T.tensor([1, 0, 2]), dim=0), A),
    "ri_only": (lambda T: T.repeat_interleave(T.tensor([2, 0, 1])),),
    "movedim": (lambda T, c: c.movedim(0, -1), C),
    "moveaxis": (lambda T, c: T.moveaxis(c, (0, 1), (2, 0)), C),
    "meshgrid_ij": (lambda T, v, w: T.meshgrid(v, w, indexing="ij"), V1, rand(3)),
    "meshgrid_xy": (lambda T, v, w: T.meshgrid([v, w, v[:2]], indexing="xy"), V1, rand(3)),
    "tril": (lambda T, c: c.tril(), C),
    "tril_k": (lambda T, a: T.tril(a, -1), A),
    "triu_k": (lambda T, a: a.triu(diagonal=2), A),
    "flatten": (lambda T, c: c.flatten(), C),
    "flatten_mid": (lambda T, c: T.flatten(c, 1), C),
    "flatten_nc": (lambda T, c: c.transpose(0, 2).flatten(), C),
    "flatten_0d": (lambda T, a: a[0, 0].flatten(), A),
    "unflatten": (lambda T, c: c.unflatten(2, (1, 5)), C),
    "unflatten_neg": (lambda T, c: T.unflatten(c, 1, (2, -1)), C),
    "ravel": (lambda T, c: c.ravel(), C),
    "ravel_nc": (lambda T, c: T.ravel(c.transpose(0, 1)), C),
    "unfold": (lambda T, a: a.unfold(1, 2, 1), A),
    "unfold_step": (lambda T, c: c.unfold(2, 2, 2), C),
    "unfold_dim0": (lambda T, c: c.unfold(0, 3, 1), C),
    "diagonal": (lambda T, a: a.diagonal(), A),
    "diagonal_off": (lambda T, c: T.diagonal(c, 1, 1, 2), C),
    "diagonal_neg": (lambda T, c: c.diagonal(-1, -1, 0), C),
    "diagonal_empty": (lambda T, a: a.diagonal(5), A),
    "diag_1d": (lambda T, v: T.diag(v), V1),
    "diag_1d_off": (lambda T, v: v.diag(-2), V1),
    "diag_2d": (lambda T, a: a.diag(1), A),
    "diag_embed": (lambda T, a: a.diag_embed(), A),
    "diag_embed_off": (lambda T, a: T.diag_embed(a, 1, 0, 2), A),
    "atleast_1d": (lambda T, a: T.atleast_1d(a[0, 0]), A),
    "atleast_2d": (lambda T, a: T.atleast_2d(a[0], a[0, 0], a), A),
    "atleast_3d": (lambda T, a: T.atleast_3d([a, a[0], a[0, 0]]), A),
    "atleast_3d_4d": (lambda T, c: T.atleast_3d(c[None]), C),
    "broadcast_tensors": (lambda T, a, v: T.broadcast_tensors(a, a[0], a[:, :1]), A, V1),
    "broadcast_shapes": (lambda T: T.broadcast_shapes((2, 1), (3,), 1),),
    "rot90": (lambda T, a: a.rot90(), A),
    "rot90_k": (lambda T, c: T.rot90(c, 3, [2, 0]), C),
    "rot90_neg": (lambda T, a: a.rot90(-1), A),
    "rot90_0": (lambda T, a: a.rot90(0), A),
    "narrow_copy": (lambda T, a: a.narrow_copy(1, 1, 2), A),
    "swapaxes": (lambda T, c: c.swapaxes(0, 2), C),
    "swapdims": (lambda T, c: T.swapdims(c, 0, 1), C),
    "hsplit": (lambda T, a: a.hsplit(2), A),
    "vsplit": (lambda T, a: T.vsplit(a, [1]), A),
    "empty_cat": (lambda T, e: T.cat([e, e], 1), np.zeros((2, 0))),
    "split_empty": (lambda T, e: e.chunk(2), np.zeros(0)),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(CASES))
def test_shape_op(name, dtype):
    fn, *arrays = CASES[name]
    arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]
    check(fn, *arrays)


ERRORS = {
    "cat_empty": (lambda T: T.cat([]),),
    "cat_size": (lambda T, a, b: T.cat([a, b], 1), A, B),
    "cat_ndim": (lambda T, a, v: T.cat([a, v[:4]]), A, V1),
    "cat_0d": (lambda T, a: T.cat([a[0, 0]]), A),
    "stack_size": (lambda T, a: T.stack([a, a[0]]), A),
    "stack_empty": (lambda T: T.stack([]),),
    "split_0": (lambda T, a: a.split(0), A),
    "split_sizes": (lambda T, a: a.split([2, 3], 1), A),
    "chunk_0": (lambda T, a: a.chunk(0), A),
    "tensor_split_0": (lambda T, a: a.tensor_split(0), A),
    "repeat_few": (lambda T, a: a.repeat(2), A),
    "unfold_big": (lambda T, a: a.unfold(1, 7, 1), A),
    "flip_dup": (lambda T, a: a.flip(0, 0), A),
    "roll_align": (lambda T, a: a.roll((1, 2), (0,)), A),
    "broadcast_shapes": (lambda T: T.broadcast_shapes((2, 3), (4,)),),
    "broadcast_tensors": (lambda T, a: T.broadcast_tensors(a, a[0, :3]), A),
    "movedim": (lambda T, a: a.movedim((0, 1), (0,)), A),
    "unflatten": (lambda T, a: a.unflatten(1, (4, 2)), A),
    "tril_1d": (lambda T, v: v.tril(), V1),
    "meshgrid": (lambda T, v: T.meshgrid(v, v, indexing="foo"), V1),
    "rot90_same": (lambda T, a: a.rot90(1, (0, 0)), A),
    "rot90_1d": (lambda T, v: v.rot90(), V1),
    "narrow_copy": (lambda T, a: a.narrow_copy(0, 2, 5), A),
    "ri_size": (lambda T, a: a.repeat_interleave(T.tensor([1, 2]), dim=0), A),
    "fliplr_1d": (lambda T, v: v.fliplr(), V1),
    "diag_3d": (lambda T, c: c.diag(), C),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_shape_error(name):
    fn, *arrays = ERRORS[name]
    check_error(fn, *arrays)


def test_split_outputs_are_views():
    import ember
    x = ember.arange(12.).reshape(3, 4)
    parts = x.split(2, 1)
    parts[0][0, 0] = 100.
    assert x[0, 0].item() == 100.
    assert parts[1].data_ptr() == x.data_ptr() + 2 * 4
    for p in x.unbind(0) + x.chunk(2, 1) + x.tensor_split(2):
        assert p._vc is x._vc


def test_unfold_diagonal_views_share_memory():
    import ember
    x = ember.zeros(4, 4)
    x.diagonal().fill_(1.)
    assert x.sum().item() == 4
    x.unfold(1, 2, 2)[0, 0].fill_(5.)
    assert x[0, :2].tolist() == [5., 5.]
    x.diagonal(1)[:] = 7.
    assert x[0, 1].item() == 7. and x[2, 3].item() == 7.


def test_copies_do_not_share():
    import ember
    x = ember.arange(6.).reshape(2, 3)
    for y in (x.flip(0), x.roll(1), x.repeat(1, 1), x.rot90(0), x.narrow_copy(0, 0, 1),
              ember.cat([x]), x.tril()):
        assert y.data_ptr() != x.data_ptr()


def test_meshgrid_default_warns(torch):
    import ember
    with pytest.warns(UserWarning, match="indexing argument"):
        ember.meshgrid(ember.ones(2), ember.ones(3))


def test_cat_out_and_double_backward(torch):
    import ember
    for T in (torch, ember):
        a = T.tensor([1., 2.], dtype=T.float64, requires_grad=True)
        y = (T.cat([a * a, a]) ** 2).sum()
        g, = T.autograd.grad(y, a, create_graph=True)
        g.sum().backward()
        if T is torch:
            tg = (g.detach().numpy(), a.grad.numpy())
        else:
            np.testing.assert_allclose(g.detach().numpy(), tg[0])
            np.testing.assert_allclose(a.grad.numpy(), tg[1])
    out = ember.empty(0)
    ember.cat([ember.ones(2), ember.zeros(1)], out=out)
    assert out.tolist() == [1., 1., 0.]


def test_inplace_tril_triu(torch):
    check(lambda T, a: (a * 1).tril_(1), A)
    check(lambda T, a: (a * 1).triu_(-1), A)


def test_flip_dims_keyword():
    """torch's signature is flip(input, dims); the method also takes the dims as varargs."""
    check(lambda T, a: T.flip(a, dims=(0, 1)), A)
    check(lambda T, a: a.flip(dims=[1]), A)
    check(lambda T, a: a.flip(0, 1), A)
    check_error(lambda T, a: T.flip(a, (0,), dims=(1,)), A)
