"""Tensor printing, character for character as PyTorch prints.

The rules (observed from PyTorch): one formatter per tensor (two for complex: real and imaginary
parts) decides from the nonzero finite values whether floats print in integer mode (``1.``),
fixed point (``precision`` decimals) or scientific notation, and the common width every element
is right-aligned to.  Tensors with more than ``threshold`` elements are summarised: each
dimension longer than ``2 * edgeitems`` keeps its first and last ``edgeitems`` entries around an
ellipsis.  Rows wrap to ``linewidth``; suffixes (device, dtype, grad_fn...) follow the data.
"""
import contextlib
import math

import numpy as np

from . import _dtype as D


class _PrintOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision, self.threshold, self.edgeitems, self.linewidth = 4, 1000, 3, 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """torch.set_printoptions.  ``sci_mode`` is always reset (None: decide per tensor)."""
    o = PRINT_OPTS
    if profile is not None:
        o.precision, o.threshold, o.edgeitems, o.linewidth = _PROFILES[profile]
    if precision is not None:
        o.precision = precision
    if threshold is not None:
        o.threshold = threshold
    if edgeitems is not None:
        o.edgeitems = edgeitems
    if linewidth is not None:
        o.linewidth = linewidth
    o.sci_mode = sci_mode


def get_printoptions():
    o = PRINT_OPTS
    return {"precision": o.precision, "threshold": o.threshold, "edgeitems": o.edgeitems,
            "linewidth": o.linewidth, "sci_mode": o.sci_mode}


@contextlib.contextmanager
def printoptions(**kwargs):
    """``set_printoptions(**kwargs)`` for the block; the previous options come back after."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---- element formatting -------------------------------------------------------------------------
class _Formatter:
    """Chooses the notation and common width for one real-valued array (already summarised)."""
    __slots__ = ("floating", "int_mode", "sci_mode", "width", "precision")

    def __init__(self, a, floating):
        self.floating = floating
        self.int_mode, self.sci_mode, self.width = True, False, 1
        self.precision = PRINT_OPTS.precision
        if not floating:
            self.width = _int_width(a)
            return
        vals = a[np.isfinite(a) & (a != 0)]
        if vals.size == 0:
            return
        self.int_mode = bool((vals == np.ceil(vals)).all())
        mag = np.abs(vals.astype(np.float64))
        lo, hi = float(mag.min()), float(mag.max())
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
                         if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        if self.sci_mode:
            fmt = f"{{:.{self.precision}e}}"
        elif self.int_mode:
            fmt = "{:.0f}."
        else:
            fmt = f"{{:.{self.precision}f}}"
        self.width = max(len(fmt.format(v)) for v in _extremes(vals))

    def format(self, v):
        if self.floating:
            if self.sci_mode:
                s = f"{v:.{self.precision}e}"
            elif self.int_mode:
                s = f"{v:.0f}" if math.isinf(v) or math.isnan(v) else f"{v:.0f}."
            else:
                s = f"{v:.{self.precision}f}"
        else:
            s = str(v)
        return s.rjust(self.width)


def _int_width(a):
    if a.size == 0:
        return 1
    if a.dtype == np.bool_:
        return 5 if not a.all() else 4
    return max(len(str(int(a.min()))), len(str(int(a.max()))))


def _extremes(vals):
    """The values whose printed forms are longest: the largest and smallest magnitudes of each
    sign (the printed length grows with the magnitude and with the exponent's size)."""
    out = []
    for part in (vals[vals > 0], vals[vals < 0]):
        if part.size:
            out += [float(part.min()), float(part.max())]
    return out


def _complex_str(re_s, im_s):
    im_s = (im_s + "j").lstrip()
    return re_s + im_s if im_s[0] in "+-" else re_s + "+" + im_s


# ---- layout --------------------------------------------------------------------------------------
def _summary_index(shape, summarize):
    """Per dimension: the kept indices (or None for all) and whether an ellipsis goes there."""
    e = PRINT_OPTS.edgeitems
    keep, cut = [], []
    for n in shape:
        c = summarize and n > 2 * e
        keep.append(np.concatenate([np.arange(e), np.arange(n - e, n)]) if c else np.arange(n))
        cut.append(c)
    return keep, cut


def _vector(items, cut, indent, elem_len):
    o = PRINT_OPTS
    if cut:
        e = o.edgeitems
        items = items[:e] + [" ..."] + items[e:]
    per_line = max(1, int(math.floor((o.linewidth - indent) / elem_len)))
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(strs, cut, indent, elem_len):
    """Render the nested lists of formatted elements ``strs`` (depth ``len(cut)``)."""
    if len(cut) == 1:
        return _vector(strs, cut[0], indent, elem_len)
    rows = [_nested(s, cut[1:], indent + 1, elem_len) for s in strs]
    if cut[0]:
        e = PRINT_OPTS.edgeitems
        rows = rows[:e] + ["..."] + rows[e:]
    return "[" + ("," + "\n" * (len(cut) - 1) + " " * (indent + 1)).join(rows) + "]"


def _reshape_list(flat, shape):
    for n in reversed(shape[1:]):
        flat = [flat[i:i + n] for i in range(0, len(flat), n)]
    return flat


def _body(a, dt, indent):
    """The bracketed data of a non-empty tensor held in host array ``a``."""
    summarize = a.size > PRINT_OPTS.threshold
    if summarize and not PRINT_OPTS.edgeitems and a.ndim:
        return "[...]"
    if dt is D.float16 or dt is D.bfloat16:
        a = a.astype(np.float32)
    keep, cut = _summary_index(a.shape, summarize)
    s = a[np.ix_(*keep)] if summarize and a.ndim else a
    if dt.is_complex:
        f1, f2 = _Formatter(s.real, True), _Formatter(s.imag, True)
        strs = [_complex_str(f1.format(v.real), f2.format(v.imag)) for v in s.ravel().tolist()]
        elem_len = f1.width + f2.width + 3
    else:
        f1 = _Formatter(s, dt.category >= 2)
        strs = [f1.format(v) for v in s.ravel().tolist()]
        elem_len = f1.width + 2
    if a.ndim == 0:
        return strs[0]
    return _nested(_reshape_list(strs, s.shape), cut, indent, elem_len)


# ---- the whole repr -----------------------------------------------------------------------------
def _suffixes(t, a):
    dt = t._dtype
    out = []
    if t._device.type != "cpu":
        out.append(f"device='{t._device}'")
    default = D.get_default_dtype()
    if a.size == 0:
        if a.ndim != 1:
            out.append(f"size={tuple(a.shape)}")
        if dt is not default:
            out.append(f"dtype={dt}")
    else:
        if not PRINT_OPTS.edgeitems:
            out.append(f"size={tuple(a.shape)}")
        if dt not in (default, D.default_complex(), D.int64, D.bool_):
            out.append(f"dtype={dt}")
    if t._grad_fn is not None:
        out.append(f"grad_fn=<{type(t._grad_fn).__name__}>")
    elif t._requires_grad:
        out.append("requires_grad=True")
    return out


def _add_suffixes(text, suffixes, indent, force_newline=False):
    """Append ``, suffix`` to the last line, or on a new line when it would pass linewidth
    (the first one always with ``force_newline``); subclasses' reprs call it (torch's name)."""
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if force_newline or last + len(s) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + s)
            last = indent + len(s)
            force_newline = False
        else:
            parts.append(", " + s)
            last += len(s) + 2
    parts.append(")")
    return "".join(parts)


def _tensor_str(t, indent):
    """The data part of ``repr(t)`` (``torch._tensor_str._tensor_str``): the bracketed values,
    continuation lines indented by ``indent``."""
    a = t._device.backend.to_host(t._data)
    return _body(a, t._dtype, indent) if a.size else "[]"


def tensor_repr(t, prefix="tensor("):
    """``repr(t)`` as PyTorch prints it; ``prefix`` replaces ``tensor(`` (for subclasses)."""
    if t._device.type == "meta":    # no data to print
        dtype = "" if t._dtype is D.get_default_dtype() else f", dtype={t._dtype}"
        return f"{prefix}..., device='meta', size={tuple(t._data.shape)}{dtype})"
    indent = len(prefix)
    return _add_suffixes(prefix + _tensor_str(t, indent), _suffixes(t, t._data), indent)
