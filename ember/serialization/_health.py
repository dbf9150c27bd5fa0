"""What ``python -m ember.serialization verify|inspect FILE`` reports: a checkpoint's health
(every record's CRC-32, the pickle readable under ``weights_only``) and its tensors' key paths,
dtypes and shapes, read without loading tensor data (zip files are memory-mapped, and only the
pages of ``data.pkl`` are touched).  Nothing here runs a checkpoint's pickle code."""
import bisect
import dataclasses
import pickle
import re

from .. import _names

from . import _files, _load, _walk, _zipfmt
from ._rebuild import LoadContext


@dataclasses.dataclass
class TensorInfo:
    path: str
    dtype: object
    shape: tuple
    record: str = None      # the zip record holding its storage (None for legacy files)


@dataclasses.dataclass
class Report:
    format: str             # "zip" or "legacy"
    size: int
    records: int = 0
    tensors: list = dataclasses.field(default_factory=list)
    damaged: dict = dataclasses.field(default_factory=dict)   # record -> what is wrong
    error: str = None       # why the object could not be read, if it could not
    refused: str = None     # why weights_only refused the (intact) pickle, if it did

    @property
    def ok(self):
        return not self.damaged and self.error is None

    def fail(self, e):
        """Record the exception that stopped reading the object."""
        if isinstance(e, pickle.UnpicklingError) and str(e).startswith("Weights only"):
            named = re.search(r"GLOBAL (\S+)", str(e))
            self.refused = ("its pickle needs weights_only=False, run it only if you trust the "
                            "file" + (f" (it names {_in_file(named.group(1))})" if named else ""))
        else:
            self.error = f"{type(e).__name__}: {e}"


def _zip_tensors(fp, reader):
    """The tensors of the mapped zip checkpoint, each with the record of its storage."""
    loader = _load.StorageLoader(lambda key, nbytes, isz: reader.read_storage(key, nbytes), "cpu")
    with LoadContext():
        obj = _load._unpickle(reader.read_small("data.pkl"), 0, loader, True, {})
    spans = sorted((raw.ctypes.data, key) for key, raw in loader.storages() if raw.nbytes)
    starts = [s for s, _ in spans]
    out = []
    for path, t in _walk.iter_tensors(obj):
        i = bisect.bisect_right(starts, t._data.ctypes.data) - 1
        record = f"{reader.prefix}data/{spans[i][1]}" if i >= 0 else None
        out.append(TensorInfo(path, t.dtype, tuple(t.shape), record))
    return out


def examine(path, check=True):
    """A ``Report`` on the checkpoint at ``path``; ``check``: verify every CRC-32 too."""
    with _files.open_read(path) as fp:
        fp.seek(0, 2)
        size = fp.tell()
        fp.seek(0)
        if not _zipfmt.is_zip(fp):
            report = Report("legacy", size)
            try:
                obj = _load.load_legacy(fp, "cpu", True, {})
            except Exception as e:  # noqa: BLE001 - any failure is the report's content
                report.fail(e)
                return report
            report.tensors = [TensorInfo(p, t.dtype, tuple(t.shape))
                              for p, t in _walk.iter_tensors(obj)]
            return report
        report = Report("zip", size)
        try:
            reader = _zipfmt.ArchiveReader(fp, _zipfmt.map_file(fp), verify=False)
            report.records = len(reader.zf.infolist())
            if check:
                report.damaged = reader.check_all()
            report.tensors = _zip_tensors(fp, reader)
        except Exception as e:  # noqa: BLE001
            report.fail(e)
        return report


def _mb(n):
    return f"{n / 1e6:.1f} MB"


def verify_text(path, report):
    """Lines describing ``report`` for ``verify``."""
    if report.format == "legacy":
        head = "legacy (pre-1.6) format: it carries no checksums, tensor data is not verifiable"
    else:
        head = f"zip checkpoint, {report.records} records"
    count = "" if report.refused else f", {len(report.tensors)} tensors"
    lines = [f"{path}: {'OK' if report.ok else 'DAMAGED'} ({head}, {_mb(report.size)}{count})"]
    by_record = {}
    for t in report.tensors:
        by_record.setdefault(t.record, []).append(t.path)
    for record, what in report.damaged.items():
        held = by_record.get(record)
        lines.append(f"  {record}: {what}" + (f"; tensors {', '.join(held)}" if held else ""))
    if report.error:
        lines.append(f"  cannot read the object: {report.error}")
    if report.refused:
        lines.append(f"  tensors not listed: {report.refused}")
    return lines


def inspect_text(path, report):
    """Lines listing the tensors of ``report`` for ``inspect``."""
    if report.error or report.refused:
        why = report.error and f"cannot read the object: {report.error}"
        return [f"{path}: {why or report.refused}"]
    width = max([len(t.path) for t in report.tensors] + [4])
    lines = [f"{'key':<{width}}  {'dtype':<15} shape"]
    lines += [f"{t.path:<{width}}  {str(t.dtype):<15} {list(t.shape)}" for t in report.tensors]
    lines.append(f"{len(report.tensors)} tensors, {report.format} format, {_mb(report.size)}")
    return lines


def _in_file(name):
    """A global as the checkpoint spells it (Ember writes its classes under torch's names)."""
    return _names.to_torch(name) if name.startswith("ember.") else name
