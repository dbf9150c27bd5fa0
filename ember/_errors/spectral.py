"""Spectral ops: torch.fft, stft / istft, window functions."""
from .base import legacy_scalar_type


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


def fft_no_dims(dim):
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


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
