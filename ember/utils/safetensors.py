"""Alias of ``ember.safetensors`` (the safetensors format on Ember tensors)."""
from ..safetensors import save_file, load_file, save, load, safe_open  # noqa: F401

__all__ = ["save_file", "load_file", "save", "load", "safe_open"]
