"""Spectral ops: torch.fft, stft / istft, window functions."""
from .base import _CPP_TYPE, legacy_scalar_type


def fft_points(n):
    return RuntimeError(f"Invalid number of data points ({n}) specified")


def fft_norm(norm):
    return RuntimeError(f'Invalid normalization mode: "{norm}"')


def fft_dims_unique():
    return RuntimeError("FFT dims must be unique")


def fft_dim_shape_len():
    return RuntimeError("When given, dim and shape arguments must have the same length")


def fft_shape_too_long(n, ndim):
    return RuntimeError(f"Got shape with {n} values but input tensor only has {ndim} dimensions.")


def fft_unsupported_dtype(dtype):
    return RuntimeError(f"Unsupported dtype {legacy_scalar_type(dtype)}")


def fft_real_input(name, dtype, valued=False):
    kind = "real-valued" if valued else "real"
    return RuntimeError(f"{name} expects a {kind} input tensor, but got "
                        f"{legacy_scalar_type(dtype)}")


def fft_floating_only(dtype):
    return RuntimeError(f"Only supports floating-point dtypes, but found: "
                        f"{legacy_scalar_type(dtype)}")


def shifts_required():
    """torch.roll (and so fftshift) over an empty list of dims."""
    return RuntimeError("`shifts` required")


# ---- windows ----------------------------------------------------------------------------------
def window_length(name, n):
    return RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")


def window_dtype(name, dtype):
    return RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                        f"{_CPP_TYPE.get(dtype.name, dtype.name)}, device=cpu, layout=Strided "
                        "(default), requires_grad=false (default), pinned_memory=false, "
                        "memory_format=(nullopt))")


def window_m(name, m):
    return ValueError(f"{name} requires non-negative window length, got M={m}")


def window_float_dtype(name, dtype):
    return ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def window_positive(what, value):
    return ValueError(f"{what} must be positive, got: {value} instead.")


def window_center_sym():
    return ValueError("Center must be None for symmetric windows")


def window_beta(beta):
    return ValueError(f"beta must be non-negative, got: {beta} instead.")


def window_coefficients(empty):
    if empty:
        return ValueError("Coefficients cannot be empty")
    return TypeError("Coefficients must be a list/tuple")


# ---- stft / istft -----------------------------------------------------------------------------
STFT_NO_WINDOW = (
    "A window was not provided. A rectangular window will be applied,which is known to cause "
    "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
    "recommended to reduce spectral leakage.To suppress this warning and use a rectangular "
    "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.")

STFT_REAL_DEPRECATED = (
    "stft with return_complex=False is deprecated. In a future pytorch release, stft will "
    "return complex tensors for all inputs, and return_complex=False will raise an error.\n"
    "Note: you can still call torch.view_as_real on the complex output to recover the old "
    "return format.")


def _flag(v):
    return "None" if v is None else str(int(bool(v)))


def _window_repr(window):
    if window is None:
        return "None"
    from .base import legacy_type_name
    return f"{legacy_type_name(window)}{{{list(window.shape)}}}"


class StftCall:
    """The call torch prints before each stft argument error (built only when raising)."""

    def __init__(self, input, *args):
        self.input, self.args = input, args

    def error(self, message):
        from .base import legacy_type_name
        n_fft, hop, win, window, normalized, onesided, return_complex, align = self.args
        return RuntimeError(
            f"stft({legacy_type_name(self.input)}{list(self.input.shape)}, n_fft={n_fft}, "
            f"hop_length={hop}, win_length={win}, window={_window_repr(window)}, "
            f"normalized={_flag(normalized)}, onesided={_flag(onesided)}, "
            f"return_complex={_flag(return_complex)}, align_to_window={_flag(align)}) : "
            + message)


class IstftCall(StftCall):
    def error(self, message, sep=True):
        n_fft, hop, win, window, center, normalized, onesided, length, return_complex = \
            self.args
        t = self.input
        kind = f"{t._device.type.upper()}{legacy_scalar_type(t._dtype)}Type"
        return RuntimeError(
            f"istft({kind}{list(t.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={_window_repr(window)}, center={_flag(center)}, "
            f"normalized={_flag(normalized)}, onesided={_flag(onesided)}, "
            f"length={'None' if length is None else length}, "
            f"return_complex={_flag(return_complex)})" + (" : " if sep else " ") + message)


def stft_return_complex():
    return RuntimeError("stft requires the return_complex parameter be given for real inputs, "
                        "and will further require that return_complex=True in a future PyTorch "
                        "release.")


def stft_onesided_complex():
    return RuntimeError("Cannot have onesided output if window or input is complex")


def istft_complex_input():
    return RuntimeError("istft requires a complex-valued input tensor matching the output from "
                        "stft with return_complex=True.")
