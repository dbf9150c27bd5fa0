"""Short-time Fourier transforms, composed of ops as torch composes them: ``stft`` frames the
(optionally centre-padded) signal with ``unfold``, windows it and transforms each frame with the
FFT primitives; ``istft`` inverts the frames and overlap-adds them (``index_add``), dividing by
the overlap-added squared window."""
import warnings

import numpy as np

from .. import _dtype as D
from .. import _errors
from .._tensor import _make
from . import shape as S
from .fft import _fft_c2c, _fft_c2r, _fft_r2c
from .nn_pool import constant_pad_nd, index_pad
from ..autograd.graph import node_class
from ._core import register, record, needs_grad

_NORM_NONE, _NORM_ROOT_N, _NORM_BY_N = 0, 1, 2


def _window(window, win_length, n_fft, like, info):
    """The window (checked) zero-padded, centred, to ``n_fft``; a rectangular one when none is
    given."""
    if not 0 < win_length <= n_fft:
        raise info.error(f"expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if window is not None and (window._data.ndim != 1 or window.shape[0] != win_length):
        raise info.error("expected a 1D window tensor of size equal to "
                         f"win_length={win_length}, but got window with size "
                         f"{list(window.shape)}")
    if window is None:
        from .creation import ones
        window = ones(win_length, dtype=like._dtype.to_real(), device=like._device)
    left = (n_fft - win_length) // 2
    if left or n_fft - win_length - left:
        window = constant_pad_nd(window, [left, n_fft - win_length - left])
    return window


def _overlap_add(frames, hop, length):
    """Sum frames ``[..., n_frames, n_fft]`` placed ``hop`` apart into ``[..., length]``."""
    n_frames, n_fft = frames.shape[-2:]
    idx = (np.arange(n_frames)[:, None] * hop + np.arange(n_fft)).reshape(-1)
    index = _make(frames._device._backend.from_host(idx), D.int64, frames._device)
    flat = frames.reshape(*frames.shape[:-2], n_frames * n_fft)
    return flat.new_zeros((*frames.shape[:-2], length)).index_add(-1, index, flat)


# torch finishes the spectrum in place (``transpose_``, and ``squeeze_`` for a 1-d signal), so
# its last nodes are TransposeBackward1 / SqueezeBackward4
TransposeBackward1 = node_class("TransposeBackward1", lambda node, g: (g.transpose(-1, -2),))
SqueezeBackward4 = node_class("SqueezeBackward4", lambda node, g: (g.unsqueeze(0),))


def _in_place_result(arr, src, cls):
    res = _make(arr, src._dtype, src._device)
    if needs_grad(src):
        record(res, cls, (src,))
    return res


@register("stft", nodes=("TransposeBackward1", "SqueezeBackward4"))
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None,
         align_to_window=None):
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    info = _errors.StftCall(input, n_fft, hop, win, window, normalized, onesided,
                            return_complex, align_to_window)
    cplx = input._dtype.is_complex or window is not None and window._dtype.is_complex
    if return_complex is None:
        if not cplx:
            raise _errors.stft_return_complex()
        return_complex = True       # complex input or window: complex output, as PyTorch
    if window is None:
        warnings.warn(_errors.STFT_NO_WINDOW, UserWarning, stacklevel=2)
    nd = input._data.ndim
    if center and nd <= 3:
        # torch pads a 3-d view ([1] * (3 - nd) + shape) along its last dim
        x = input.reshape((1,) * (3 - nd) + tuple(input.shape))
        pad = n_fft // 2
        if pad_mode == "constant":
            x = constant_pad_nd(x, [pad, pad])
        elif pad_mode in ("reflect", "replicate", "circular"):
            x = index_pad(x, [pad, pad], pad_mode)
        else:
            raise _errors.pad_mode_unknown(pad_mode)
        input = info.input = x.reshape(x.shape[3 - nd:])
    if nd not in (1, 2):
        raise info.error("expected a 1D or 2D tensor")
    if input._dtype.category < 2:
        raise info.error("expected a tensor of floating point or complex values")
    length = input.shape[-1]
    if n_fft <= 0 or n_fft > length:
        raise info.error(f"expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise info.error(f"expected hop_length > 0, but got hop_length={hop}")
    if onesided and cplx:
        raise _errors.stft_onesided_complex()
    batched = input if nd == 2 else input.unsqueeze(0)
    frames = batched.unfold(-1, n_fft, hop) * _window(window, win, n_fft, input, info)
    norm = _NORM_ROOT_N if normalized else _NORM_NONE
    if cplx:
        spec = _fft_c2c(frames if frames._dtype.is_complex else
                        frames.to(frames._dtype.to_complex()), (-1,), norm, True)
    else:
        spec = _fft_r2c(frames, (-1,), norm, onesided is None or onesided)
    spec = _in_place_result(spec._data.swapaxes(-1, -2), spec, TransposeBackward1)
    if nd == 1:
        spec = _in_place_result(spec._data[0], spec, SqueezeBackward4)
    if return_complex:
        return spec
    warnings.warn(_errors.STFT_REAL_DEPRECATED, UserWarning, stacklevel=2)
    return S.stack([spec.real, spec.imag], -1)


@register("istft", nodes=())
def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    info = _errors.IstftCall(input, n_fft, hop, win, window, center, normalized, onesided,
                             length, return_complex)
    if not input._dtype.is_complex:
        raise _errors.istft_complex_input()
    nd = input._data.ndim
    if nd not in (2, 3):
        raise info.error(f"expected a tensor with 3 or 4 dimensions, but got {nd + 1}")
    x = input if nd == 3 else input.unsqueeze(0)
    fft_size, n_frames = x.shape[-2:]
    onesided = fft_size != n_fft if onesided is None else onesided
    if onesided and fft_size != n_fft // 2 + 1:
        raise info.error("expected the frequency dimension (3rd to the last) of the input "
                         f"tensor to match n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    if not onesided and fft_size != n_fft:
        raise info.error("expected the frequency dimension (3rd to the last) of the input "
                         f"tensor to match n_fft when onesided=False, but got {fft_size}")
    w = _window(window, win, n_fft, x, info)
    if return_complex and onesided:
        raise _errors.stft_onesided_complex()
    frames = x.transpose(1, 2)
    norm = _NORM_ROOT_N if normalized else _NORM_BY_N
    if return_complex:
        frames = _fft_c2c(frames, (-1,), norm, False)
    else:
        if not onesided:
            frames = frames.narrow(-1, 0, n_fft // 2 + 1)
        frames = _fft_c2r(frames, (-1,), norm, n_fft)
    full = n_fft + hop * (n_frames - 1)
    y = _overlap_add(frames * w, hop, full)
    envelope = _overlap_add((w * w).expand(1, n_frames, n_fft), hop, full)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (full - n_fft // 2 if center else full)
    y = y.narrow(-1, start, max(min(end, full) - start, 0))
    envelope = envelope.narrow(-1, start, max(min(end, full) - start, 0))
    if envelope._data.size and float(abs(envelope._data).min()) < 1e-11:
        raise info.error("window overlap add min: 1", sep=False)
    y = y / envelope
    if nd == 2:
        y = y.squeeze(0)
    if end > full:
        warnings.warn("The length of signal is shorter than the length parameter. Result is "
                      "being padded with zeros in the tail. Please check your center and "
                      "hop_length settings.", UserWarning, stacklevel=2)
        y = constant_pad_nd(y, [0, end - full])
    return y
