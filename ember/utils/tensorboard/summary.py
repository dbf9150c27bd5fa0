"""``torch.utils.tensorboard.summary``: the summaries ``SummaryWriter`` writes, as encoded
``Summary`` messages (what ``FileWriter.add_summary`` takes)."""
import io

import numpy as np

from ... import _errors
from . import _proto as P

__all__ = ["scalar", "histogram", "image", "text", "hparams"]


def _numpy(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _scalar(x):
    return float(_numpy(x).reshape(-1)[0]) if not isinstance(x, (int, float)) else float(x)


def default_bins():
    v, buckets = 1e-12, []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return [-b for b in reversed(buckets)] + [0] + buckets


def _histogram(values, bins, max_bins=None):
    """TensorBoard's histogram: counts over ``bins`` trimmed to the occupied range, with
    min/max/num/sum/sum of squares (as histogram.cc and PyTorch compute them)."""
    if values.size == 0:
        raise _errors.tb_empty_histogram()
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        step = len(counts) // max_bins
        rem = len(counts) % step
        if rem:
            counts = np.pad(counts, [[0, step - rem]])
        counts = counts.reshape(-1, step).sum(axis=-1)
        new_limits = np.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:step]
        new_limits[-1] = limits[-1]
        limits = new_limits
    cum = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return P.histogram(float(values.min()), float(values.max()), float(len(values)),
                       float(values.sum()), float(values.dot(values)),
                       [float(x) for x in limits], [float(x) for x in counts])


def _to_hwc(array, dataformats):
    """An image in ``dataformats`` (``CHW``, ``HWC``, ``HW``, or a batch ``NCHW`` / ``NHWC``
    tiled into a grid) as an HxWx3 (or x4) array, as PyTorch converts it."""
    fmt = dataformats.upper()
    if len(fmt) == 4:
        return np.transpose(_grid(np.transpose(array, [fmt.find(c) for c in "NCHW"])),
                            (1, 2, 0))
    if len(fmt) == 3:
        hwc = np.transpose(array, [fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    hw = np.transpose(array, [fmt.find(c) for c in "HW"])
    return np.stack([hw] * 3, 2)


def _grid(nchw, ncols=8):
    if nchw.shape[1] == 1:
        nchw = np.concatenate([nchw] * 3, 1)
    n, c, h, w = nchw.shape
    ncols = min(n, ncols)
    nrows = int(np.ceil(float(n) / ncols))
    canvas = np.zeros((c, h * nrows, w * ncols), dtype=nchw.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = nchw[i]
    return canvas


def _png(hwc):
    try:
        from PIL import Image
    except ImportError:
        raise _errors.tb_needs_pillow() from None
    height, width, channels = hwc.shape
    buf = io.BytesIO()
    Image.fromarray(hwc).save(buf, format="PNG")
    return P.image(height, width, channels, buf.getvalue())


def _uint8(hwc):
    if hwc.dtype == np.uint8:
        return np.ascontiguousarray(hwc)
    return np.ascontiguousarray((hwc.astype(np.float32) * 255).clip(0, 255).astype(np.uint8))


def _hparams(hparam_dict, metric_dict, domains):
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or \
                not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise _errors.tb_hparams_domain(k)
    infos, values = [], {}
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if hasattr(v, "detach"):
            v = float(_numpy(v).reshape(-1)[0])
        if isinstance(v, (int, float)):     # bools too: PyTorch tests numbers first
            kind, v = P.DATA_TYPE_FLOAT64, float(v)
        elif isinstance(v, str):
            kind = P.DATA_TYPE_STRING
        else:
            raise _errors.tb_hparams_value()
        values[k] = v
        domain = domains.get(k)
        if domain is not None and kind == P.DATA_TYPE_FLOAT64:
            domain = [float(d) for d in domain]
        infos.append(P.hparam_info(k, kind, domain))

    def plugin(field, body, tag):
        content = P.hparams_plugin_data(field, body)
        return P.summary(P.value(tag, metadata=P.plugin_metadata(P.HPARAMS_PLUGIN, content)))
    return (plugin(2, P.experiment(infos, list(metric_dict)), P.EXPERIMENT_TAG),
            plugin(3, P.session_start_info(values), P.SESSION_START_INFO_TAG),
            plugin(4, P.session_end_info(P.STATUS_SUCCESS), P.SESSION_END_INFO_TAG))


def figure_to_image(figures, close=True):
    """Render matplotlib figure(s) to uint8 CHW (or NCHW for a list) RGB arrays."""
    import matplotlib.backends.backend_agg as agg
    import matplotlib.pyplot as plt

    def render(figure):
        canvas = agg.FigureCanvasAgg(figure)
        canvas.draw()
        w, h = figure.canvas.get_width_height()
        rgb = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape([h, w, 4])[:, :, :3]
        if close:
            plt.close(figure)
        return np.moveaxis(rgb, 2, 0)
    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)


# ---- the public builders ----------------------------------------------------------------------
def scalar(name, tensor, collections=None, new_style=False, double_precision=False):
    return P.summary(P.value(name, simple_value=_scalar(tensor)))


def histogram(name, values, bins, max_bins=None):
    return P.summary(P.value(name, histo=_histogram(_numpy(values).astype(np.float64), bins,
                                                     max_bins)))


def image(tag, tensor, rescale=1, dataformats="NCHW"):
    return P.summary(P.value(tag, image=_png(_uint8(_to_hwc(_numpy(tensor), dataformats)))))


def text(tag, text):
    tensor = P.string_tensor([text.encode("utf-8")], [1])
    return P.summary(P.value(tag + "/text_summary", tensor=tensor,
                             metadata=P.plugin_metadata("text")))


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The hparams plugin's (experiment, session start info, session end info) summaries."""
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise _errors.tb_hparams_dict_type("hparam_dict" if not isinstance(hparam_dict, dict)
                                           else "metric_dict")
    return _hparams(hparam_dict, metric_dict, hparam_domain_discrete or {})
