"""nn.functional: interpolate/upsample, pad, pixel_shuffle, grid helpers."""
__all__ = []
