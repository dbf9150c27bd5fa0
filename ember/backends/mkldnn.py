"""``torch.backends.mkldnn``: Ember computes with NumPy's BLAS, not oneDNN, so it is not
available; ``enabled`` is a switch programs may set (and read back)."""
import contextlib

enabled = True
deterministic = False


def is_available():
    return False


@contextlib.contextmanager
def flags(enabled=False, deterministic=False):
    """Set ``enabled`` / ``deterministic`` inside the ``with`` block."""
    module = globals()
    saved = (module["enabled"], module["deterministic"])
    module["enabled"], module["deterministic"] = enabled, deterministic
    try:
        yield
    finally:
        module["enabled"], module["deterministic"] = saved
