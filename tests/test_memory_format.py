"""Memory formats (``channels_last``, ``channels_last_3d``, ``preserve_format``) against torch:
strides, contiguity answers, values, what is returned as is, rank errors, the samplers' draws in
memory order, and modules converted with ``to(memory_format=)``."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _nchw(T, shape=(2, 3, 4, 5)):
    return T.arange(float(np.prod(shape))).reshape(shape)


CASES = {
    "to": lambda T: _nchw(T).to(memory_format=T.channels_last),
    "to float64": lambda T: _nchw(T).to(T.float64, memory_format=T.channels_last),
    "contiguous": lambda T: _nchw(T).contiguous(memory_format=T.channels_last),
    "back to contiguous": lambda T: _nchw(T).to(memory_format=T.channels_last).contiguous(),
    "clone preserves": lambda T: _nchw(T).to(memory_format=T.channels_last).clone(),
    "clone to format": lambda T: _nchw(T).clone(memory_format=T.channels_last),
    "clone contiguous": lambda T: _nchw(T).to(memory_format=T.channels_last).clone(
        memory_format=T.contiguous_format),
    "clone permuted": lambda T: _nchw(T).transpose(2, 3).clone(),
    "clone sliced": lambda T: _nchw(T)[:, :, ::2].clone(),
    "empty_like": lambda T: T.empty_like(_nchw(T).to(memory_format=T.channels_last)).fill_(1),
    "zeros_like": lambda T: T.zeros_like(_nchw(T).to(memory_format=T.channels_last)),
    "ones_like contiguous": lambda T: T.ones_like(_nchw(T).to(memory_format=T.channels_last),
                                                  memory_format=T.contiguous_format),
    "full_like": lambda T: T.full_like(_nchw(T).to(memory_format=T.channels_last), 2.5),
    "empty": lambda T: T.empty(2, 3, 4, 5, memory_format=T.channels_last).fill_(3),
    "3d": lambda T: _nchw(T, (2, 3, 2, 4, 5)).to(memory_format=T.channels_last_3d),
    "unary keeps": lambda T: _nchw(T).to(memory_format=T.channels_last).neg(),
    "binary keeps": lambda T: _nchw(T).to(memory_format=T.channels_last) * 2,
    "dtype keeps": lambda T: _nchw(T).to(memory_format=T.channels_last).double(),
    "transpose": lambda T: _nchw(T).to(memory_format=T.channels_last).transpose(1, 3),
    "size-1 dims": lambda T: T.arange(6.).reshape(1, 6, 1, 1).to(memory_format=T.channels_last),
    "size-1 back": lambda T: T.arange(6.).reshape(1, 6, 1, 1).to(
        memory_format=T.channels_last).to(memory_format=T.contiguous_format),
    "channel 1": lambda T: T.ones(2, 1, 3, 3).to(memory_format=T.channels_last).to(
        memory_format=T.contiguous_format),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_layouts_as_torch(case):
    got = []
    for T in (torch, ember):
        t = CASES[case](T)
        got.append((t.stride(), t.is_contiguous(),
                    t.is_contiguous(memory_format=T.channels_last),
                    t.is_contiguous(memory_format=T.channels_last_3d), t.numpy().tolist()))
    assert got[1] == got[0]


# preserve_format on inputs that are not dense: expanded (zero strides), sliced, permuted.
PRESERVED_FROM = {
    "expanded row": lambda T: T.arange(4.).view(1, 4).expand(3, 4),
    "expanded transposed": lambda T: T.arange(20.).view(4, 5).t().unsqueeze(0).expand(2, 5, 4),
    "sliced transposed": lambda T: T.arange(20.).view(4, 5).t()[::2],
    "sliced permuted": lambda T: T.arange(27.).view(3, 3, 3).permute(2, 0, 1)[:, ::2],
    "expanded permuted": lambda T: T.zeros(2, 3).expand(4, 2, 3).permute(1, 0, 2),
    "channels_last sliced": lambda T: T.zeros(1, 3, 4, 5).contiguous(
        memory_format=T.channels_last)[:, :, ::2],
    "channels_last expanded": lambda T: T.zeros(1, 3, 4, 5).contiguous(
        memory_format=T.channels_last).expand(2, 3, 4, 5),
    "size-1 permuted": lambda T: T.zeros(4, 1, 3).permute(1, 2, 0),
}
MAKERS = {
    "to dtype": lambda T, t: t.to(T.float64), "type_as": lambda T, t: t.type_as(
        T.zeros(1, dtype=T.int32)), "to copy": lambda T, t: t.to(copy=True),
    "clone": lambda T, t: t.clone(), "empty_like": lambda T, t: T.empty_like(t),
    "zeros_like": lambda T, t: T.zeros_like(t), "rand_like": lambda T, t: T.rand_like(t),
}


@pytest.mark.parametrize("maker", sorted(MAKERS))
@pytest.mark.parametrize("case", sorted(PRESERVED_FROM))
def test_preserve_format_strides_as_torch(case, maker):
    """torch keeps a dense input's strides and lays out any other input densely in its stride
    order (a zero stride is unordered): the strides agree (size-1 dims' do not matter)."""
    got = []
    for T in (torch, ember):
        t = MAKERS[maker](T, PRESERVED_FROM[case](T))
        got.append(tuple(s if n != 1 else None for s, n in zip(t.stride(), t.shape)))
    assert got[1] == got[0]


def test_what_comes_back_as_is():
    for T in (torch, ember):
        y = _nchw(T).to(memory_format=T.channels_last)
        assert y.to(memory_format=T.channels_last) is y
        assert y.contiguous(memory_format=T.channels_last) is y
        assert y.contiguous() is not y
        x = _nchw(T)
        assert x.to(memory_format=T.contiguous_format) is x
        assert x.to(memory_format=T.preserve_format) is x
        sliced = x[:, :, ::2]       # torch keeps a tensor whose suggested format is asked for
        assert sliced.to(memory_format=T.contiguous_format) is sliced


@pytest.mark.parametrize("make", [
    lambda T: T.ones(3, 4, 5).to(memory_format=T.channels_last),
    lambda T: T.ones(3, 4, 5).contiguous(memory_format=T.channels_last),
    lambda T: T.ones(2, 3, 4, 5).to(memory_format=T.channels_last_3d),
    lambda T: T.empty(3, 4, memory_format=T.channels_last),
    lambda T: T.ones(2, 3, 4, 5).clone(memory_format=T.channels_last_3d),
])
def test_rank_errors_as_torch(make):
    errors = []
    for T in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            make(T)
        errors.append(str(info.value))
    assert errors[1] == errors[0]


def test_zeros_and_ones_take_no_memory_format():
    for T in (torch, ember):
        with pytest.raises(TypeError):
            T.zeros(2, 3, 4, 5, memory_format=T.channels_last)


@pytest.mark.parametrize("sampler", ["rand_like", "randn_like", "randint_like"])
def test_like_samplers_draw_torchs_numbers_in_memory_order(sampler):
    got = []
    for T in (torch, ember):
        T.manual_seed(0)
        y = T.empty(2, 3, 4, 5).to(memory_format=T.channels_last)
        args = (10,) if sampler == "randint_like" else ()
        t = getattr(T, sampler)(y, *args)
        got.append((t.stride(), t.numpy().tolist(), T.rand(2).tolist()))
    assert got[1] == got[0]


def test_resize_in_a_memory_format():
    got = []
    for T in (torch, ember):
        x = _nchw(T, (1, 2, 3, 4))
        y = x.clone(memory_format=T.channels_last)
        y.resize_(y.size(), memory_format=T.channels_last)
        w = T.arange(6.)
        w.resize_(1, 2, 3, 1, memory_format=T.channels_last)
        got.append((y.stride(), y.numpy().tolist(), w.stride(), w.numpy().tolist()))
    assert got[1] == got[0]


def test_module_to_channels_last_and_gradients():
    got = []
    for T in (torch, ember):
        T.manual_seed(0)
        m = T.nn.Sequential(T.nn.Conv2d(3, 4, 3), T.nn.BatchNorm2d(4), T.nn.Flatten(),
                            T.nn.Linear(4 * 2 * 3, 2))
        m = m.to(memory_format=T.channels_last)
        x = _nchw(T).to(memory_format=T.channels_last).requires_grad_()
        y = x.to(memory_format=T.contiguous_format)
        loss = m(x / 100).sum()
        loss.backward()
        got.append(([p.stride() for p in m.parameters()], y.grad_fn.name(),
                    round(loss.item(), 4), x.grad.stride(), np.round(x.grad.numpy(), 5).tolist()))
    assert got[1][:3] == got[0][:3]
    assert got[1][4] == got[0][4]
