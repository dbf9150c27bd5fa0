"""torch's three FFT primitives, from which every ``torch.fft`` function is composed
(``ember/fft``): complex-to-complex, real-to-complex and complex-to-real transforms over a set of
dims.  ``normalization`` is torch's enum: 0 none, 1 ``1/sqrt(n)``, 2 ``1/n`` (n: the product of
the signal sizes).  Backward formulas follow torch's conjugate Wirtinger convention."""
import numpy as np

from .. import _errors
from .._tensor import _make
from ..autograd.graph import node_class
from ._core import register, record, _grad_on, wrap

# NumPy's ``norm`` names for the enum, by direction (NumPy names the scaled direction)
_FORWARD_NORM = ("backward", "ortho", "forward")
_INVERSE_NORM = ("forward", "ortho", "backward")


def _dims(dim, ndim):
    return tuple(d + ndim if d < 0 else d for d in ((dim,) if isinstance(dim, int) else dim))


def _check_complex(input):
    if not input._dtype.is_complex:
        raise _errors.fft_unsupported_dtype(input._dtype)


def _check_real(input):
    if input._dtype.is_complex or input._dtype.category < 2 or input._dtype.itemsize < 4:
        raise _errors.fft_unsupported_dtype(input._dtype)


def _result(r, dtype, input, node, args):
    """The transform ``r`` as a tensor of ``dtype``, with ``node`` (holding ``args``) recorded
    when ``input`` needs a gradient."""
    res = wrap(r, dtype, input._device)
    if _grad_on() and input._requires_grad:
        record(res, node, (input,), (), args)
    return res


def _c2c_bwd(node, g):
    dim, normalization, forward = node._args
    return (_fft_c2c(g, dim, normalization, not forward),)


FftC2CBackward0 = node_class("FftC2CBackward0", _c2c_bwd)


@register("_fft_c2c", method=False, nodes=("FftC2CBackward0",))
def _fft_c2c(input, dim, normalization, forward):
    _check_complex(input)
    dim = _dims(dim, input._data.ndim)
    x = input._data
    if not dim:
        r = x.copy()
    else:
        fft = input._device._backend.xp.fft
        norm = (_FORWARD_NORM if forward else _INVERSE_NORM)[normalization]
        r = (fft.fftn if forward else fft.ifftn)(x, axes=dim, norm=norm)
    return _result(r, input._dtype, input, FftC2CBackward0, (dim, normalization, forward))


def _r2c_bwd(node, g):
    """The onesided half is zero-filled to the full length, then transformed back; only the real
    part reaches the real input."""
    dim, normalization, onesided, last_size = node._args
    if onesided:
        last = dim[-1]
        missing = last_size - g._data.shape[last]
        if missing > 0:
            from .nn_pool import constant_pad_nd
            g = constant_pad_nd(g, [0, 0] * (g._data.ndim - 1 - last) + [0, missing])
    return (_fft_c2c(g, dim, normalization, False).real,)


FftR2CBackward0 = node_class("FftR2CBackward0", _r2c_bwd)


@register("_fft_r2c", method=False, nodes=("FftR2CBackward0",))
def _fft_r2c(input, dim, normalization, onesided):
    _check_real(input)
    x = input._data
    dim = _dims(dim, x.ndim)
    fft = input._device._backend.xp.fft
    r = (fft.rfftn if onesided else fft.fftn)(x, axes=dim, norm=_FORWARD_NORM[normalization])
    return _result(r, input._dtype.to_complex(), input, FftR2CBackward0,
                   (dim, normalization, onesided, x.shape[dim[-1]]))


def _c2r_bwd(node, g):
    """A real-to-complex transform of the gradient; the bins whose mirror image lies outside the
    onesided half stand for two bins of the full spectrum, so their gradient counts twice."""
    dim, normalization = node._args
    gi = _fft_r2c(g, dim, normalization, True)
    last = dim[-1]
    n_half = gi._data.shape[last]
    doubled = g._data.shape[last] - n_half
    if doubled > 0:
        w = np.ones(n_half, dtype=g._dtype.np)
        w[1:1 + doubled] = 2
        shape = (n_half,) + (1,) * (g._data.ndim - 1 - last)
        gi = gi * _make(g._device._backend.from_host(w.reshape(shape)), g._dtype, g._device)
    return (gi,)


FftC2RBackward0 = node_class("FftC2RBackward0", _c2r_bwd)


@register("_fft_c2r", method=False, nodes=("FftC2RBackward0",))
def _fft_c2r(input, dim, normalization, last_dim_size):
    _check_complex(input)
    x = input._data
    dim = _dims(dim, x.ndim)
    sizes = [x.shape[d] for d in dim[:-1]] + [last_dim_size]
    r = input._device._backend.xp.fft.irfftn(x, s=sizes, axes=dim,
                                               norm=_INVERSE_NORM[normalization])
    return _result(r, input._dtype.to_real(), input, FftC2RBackward0, (dim, normalization))
