"""``ember.save`` / ``ember.load`` in PyTorch's own checkpoint format.

Files written here load in ``torch.load`` (``weights_only=True`` and ``mmap=True`` included)
and files written by ``torch.save`` load here: values, dtypes, shapes, strides, storage offsets
and storage sharing survive the round trip.  Modules:

* ``_pickler`` — writes ``data.pkl`` with torch's globals (without importing torch);
* ``_zipfmt`` — the zip container with 64-byte-aligned records;
* ``_legacy`` — the pre-1.6 stream format;
* ``_unpickler`` — the allow-list (``weights_only``) and full unpicklers;
* ``_rebuild`` — what torch's names become in Ember; ``_load`` — storages and map_location;
* ``_globals`` — the ``weights_only`` allow-list (``add_safe_globals`` & co.);
* ``_files`` — atomic writes that clean up after killed saves;
* ``_walk`` — the tensors of a loaded object with their key paths (for error messages);
* ``_health`` / ``__main__`` — ``python -m ember.serialization verify|inspect FILE``.

Zip records are CRC-32 checked as they are read (``_zipfmt``); docs/reliability.md lists what
is guaranteed when files are damaged or saves are interrupted.
"""
import io
import warnings
from typing import Callable, Union

from .. import _errors
from .._device import device
from ..types import FileLike, Storage
from . import _files, _legacy, _load, _zipfmt
from ._file_reader import PyTorchFileReader
from ._globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._pickler import CheckpointPickler

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "DEFAULT_PROTOCOL", "PyTorchFileReader"]

DEFAULT_PROTOCOL = 2
# the annotation aliases torch.serialization exports (``FileLike`` is imported above)
MAP_LOCATION = Union[Callable[[Storage, str], Storage], device, str, dict[str, str], None]


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` to ``f`` (a path, ``pathlib.Path`` or binary file object).

    Saving to a path is atomic: the file appears complete or keeps its previous contents.
    ``pickle_module`` is accepted for compatibility; the checkpoint pickler is always used.
    """
    if not _use_new_zipfile_serialization:
        with _files.open_write(f) as fp:
            _legacy.write(fp, CheckpointPickler, obj, pickle_protocol)
        return
    buf = io.BytesIO()
    pickler = CheckpointPickler(buf, pickle_protocol)
    pickler.dump(obj)
    with _files.open_write(f) as fp:
        _zipfmt.write_archive(fp, buf.getbuffer(), pickler.records)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         verify=None, **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save`` (zip or legacy format).

    ``weights_only=True`` (the default, as in PyTorch >= 2.6) resolves only allow-listed
    globals (tensors, parameters, containers, dtypes, devices, sizes, and whatever
    ``add_safe_globals`` added); anything else raises ``pickle.UnpicklingError`` without running
    it.  ``weights_only=False`` runs the pickle: use it only on trusted files.
    ``map_location`` is a device, a string, a dict ``{saved: wanted}`` or a callable
    ``(storage, location) -> storage or None``.  ``mmap=True`` (paths only) maps storages
    from the file instead of reading them (copy-on-write).

    ``verify`` (an Ember addition): check each tensor record against the CRC-32 the zip archive
    stores for it, raising ``RuntimeError`` naming the record and the tensors' key paths when
    the bytes were altered.  ``None`` (default): verify, except for ``mmap`` loads, where
    checking would read the whole file up front (pass ``verify=True`` to check them too).
    Legacy-format files carry no checksums.
    """
    if weights_only is None:
        weights_only = True
    if weights_only and pickle_load_args:
        warnings.warn(_errors.pickle_load_args_ignored(), stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")    # Python 2 strings, as torch reads them
    if mmap and not _files.is_path(f):
        raise _errors.mmap_needs_path()
    with _files.open_read(f) as fp:
        if _zipfmt.is_zip(fp):
            return _load.load_zip(fp, map_location, weights_only, bool(mmap),
                                  pickle_load_args, not mmap if verify is None else verify)
        if mmap:
            raise _errors.mmap_legacy_format(f)
        return _load.load_legacy(fp, map_location, weights_only, pickle_load_args)
