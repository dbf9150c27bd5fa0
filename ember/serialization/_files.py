"""Opening checkpoint files: atomic writes to paths, pass-through for file objects."""
import contextlib
import io
import os
import tempfile

from .. import _errors


def is_path(f):
    return isinstance(f, (str, os.PathLike))


def _new_file_mode(path):
    """The mode a plain ``open(path, "wb")`` would give (kept from the file it replaces)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def open_write(f):
    """A binary file to write.  For a path, a temporary file in the same folder that replaces
    ``f`` (``os.replace``) only once completely written and synced: an interrupted or failing
    save leaves any existing file untouched."""
    if not is_path(f):
        yield f
        return
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _errors.save_parent_missing(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fp:
            yield fp
            fp.flush()
            os.fsync(fp.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def open_read(f):
    """A seekable binary file to read (paths are opened and closed here)."""
    if is_path(f):
        with open(f, "rb") as fp:
            yield fp
        return
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    yield f
