"""glibc malloc thresholds for array workloads.

By default glibc serves every allocation of 128 KiB or more with a fresh ``mmap`` and hands it
back on ``free``; its dynamic threshold only partly adapts.  A training step allocates and frees
many arrays of a few MiB (activations, im2col columns, gradients), so each step would touch
thousands of fresh pages: on the LeNet benchmark that was ~4,000 minor page faults per step
and a quarter of the step time.  Raising the mmap threshold to 32 MiB (glibc's own ceiling for
its dynamic threshold) and the trim threshold to twice that (glibc's own ratio) lets freed
blocks be reused from the heap instead.

Applied once when the CPU backend loads, on glibc only, unless the user already tunes malloc
(``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``, ``GLIBC_TUNABLES=glibc.malloc...``)
or sets ``EMBER_MALLOC_TUNING=0``.
"""
import os
import sys

MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3      # mallopt parameter numbers (malloc.h)


def wanted(environ=os.environ):
    user_tuned = ("MALLOC_MMAP_THRESHOLD_" in environ or "MALLOC_TRIM_THRESHOLD_" in environ
                  or "glibc.malloc" in environ.get("GLIBC_TUNABLES", ""))
    return (sys.platform.startswith("linux") and environ.get("EMBER_MALLOC_TUNING", "1") != "0"
            and not user_tuned)


def apply():
    """Set the thresholds; returns whether glibc accepted them."""
    if not wanted():
        return False
    import ctypes
    try:
        libc = ctypes.CDLL(None)
        mallopt, _ = libc.mallopt, libc.gnu_get_libc_version   # glibc, not musl
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
