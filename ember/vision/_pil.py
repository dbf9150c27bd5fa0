"""Lazy access to Pillow (the optional ``vision`` extra)."""
from .. import _errors


def pil():
    """Return the ``PIL.Image`` module, or raise a clear error naming the pip extra."""
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Pillow is installed for tests
        raise _errors.pillow_missing() from e
    return Image


def is_pil_image(img):
    """True for PIL images, without importing Pillow when it was never loaded."""
    import sys
    mod = sys.modules.get("PIL.Image")
    return mod is not None and isinstance(img, mod.Image)
