"""``torch.backends.cpu``: what the CPU supports."""


def get_cpu_capability():
    """The vector instruction set NumPy dispatches to (torch's names: DEFAULT, AVX2, AVX512)."""
    import numpy as np
    found = np._core._multiarray_umath.__cpu_features__
    if found.get("AVX512F"):
        return "AVX512"
    return "AVX2" if found.get("AVX2") else "DEFAULT"
