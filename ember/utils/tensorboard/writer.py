"""``torch.utils.tensorboard.SummaryWriter``, writing TensorBoard event files itself (no
``tensorboard`` package needed to write; TensorBoard reads them)."""
import io
import itertools
import os
import socket
import time
from datetime import datetime

import numpy as np

from ... import _errors
from . import _proto as P
from ._record import record

__all__ = ["FileWriter", "SummaryWriter"]

_uid = itertools.count()


class FileWriter:
    """Appends events to ``events.out.tfevents.<time>.<host>.<pid>.<n><suffix>`` in
    ``log_dir``; the first event is the file version."""

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        os.makedirs(log_dir, exist_ok=True)
        self._log_dir = str(log_dir)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_uid)}{filename_suffix}")
        self._path = os.path.join(self._log_dir, name)
        self._file = open(self._path, "ab")
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._pending = 0
        self._last_flush = time.time()
        self.add_event(P.event(time.time(), file_version="brain.Event:2"))
        self.flush()

    def get_logdir(self):
        return self._log_dir

    def add_event(self, encoded_event):
        self._file.write(record(encoded_event))
        self._pending += 1
        if self._pending >= self._max_queue or time.time() - self._last_flush >= self._flush_secs:
            self.flush()

    def add_summary(self, encoded_summary, global_step=None, walltime=None):
        walltime = time.time() if walltime is None else walltime
        self.add_event(P.event(walltime, step=global_step or 0, summary=encoded_summary))

    def flush(self):
        if not self._file.closed:
            self._file.flush()
        self._pending = 0
        self._last_flush = time.time()

    def close(self):
        if not self._file.closed:
            self.flush()
            self._file.close()


def _numpy(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _scalar(x):
    return float(_numpy(x).reshape(-1)[0]) if not isinstance(x, (int, float)) else float(x)


def _default_bins():
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


class SummaryWriter:
    """Writes scalars, histograms, images, text and hparams to TensorBoard event files in
    ``log_dir`` (default ``runs/<date>_<host><comment>``)."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = None
        self.all_writers = None
        self._get_file_writer()
        self.default_bins = _default_bins()

    def _get_file_writer(self):
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
        return self.file_writer

    def get_logdir(self):
        return self.log_dir

    def _add(self, value, global_step, walltime):
        self._get_file_writer().add_summary(P.summary(value), global_step, walltime)

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        self._add(P.value(tag, simple_value=_scalar(scalar_value)), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each ``tag`` goes to its own run ``<log_dir>/<main_tag>_<tag>``, as in PyTorch."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, scalar_value in tag_scalar_dict.items():
            path = os.path.join(base, main_tag.replace("/", "_") + "_" + tag)
            writer = self.all_writers.get(path)
            if writer is None:
                writer = FileWriter(path, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[path] = writer
            writer.add_summary(P.summary(P.value(main_tag, simple_value=_scalar(scalar_value))),
                               global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        histo = _histogram(_numpy(values).astype(np.float64), bins, max_bins)
        self._add(P.value(tag, histo=histo), global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        self._add(P.value(tag, image=_png(_uint8(_to_hwc(_numpy(img_tensor), dataformats)))),
                  global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        tensor = P.string_tensor([text_string.encode("utf-8")], [1])
        self._add(P.value(tag + "/text_summary", tensor=tensor,
                          metadata=P.plugin_metadata("text")), global_step, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Log a hyper-parameter run (in ``<log_dir>/<run_name>``) for TensorBoard's HPARAMS
        tab, with the metrics as scalars."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise _errors.tb_hparams_dicts()
        summaries = _hparams(hparam_dict, metric_dict, hparam_domain_discrete or {})
        run = os.path.join(self._get_file_writer().get_logdir(), run_name or str(time.time()))
        with SummaryWriter(log_dir=run) as w:
            for s in summaries:
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def flush(self):
        for writer in (self.all_writers or {}).values():
            writer.flush()

    def close(self):
        for writer in (self.all_writers or {}).values():
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
