"""Opening checkpoint files: atomic writes to paths, pass-through for file objects.

A save to ``NAME`` writes ``.NAME.<pid>.<random>.tmp`` in the same folder, holding an exclusive
``flock`` on it while writing, then renames it over ``NAME`` and syncs the folder.  A save that
is killed leaves its temporary behind; the next successful save of ``NAME`` removes those that
are provably stale: named for ``NAME``, written by a process that no longer exists, and not
locked by anyone (a process in another pid namespace writing to a shared folder still holds
its lock).
"""
import contextlib
import io
import os
import re
import tempfile
import time

try:
    import fcntl
except ImportError:         # Windows: no flock; stale temporaries are judged by pid alone
    fcntl = None

STALE_SECONDS = 60      # a temporary untouched this long, by a dead pid, is debris

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
    name = os.path.basename(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fp:
            _lock(fd)
            yield fp
            fp.flush()
            os.fsync(fp.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)
    remove_stale_temporaries(folder, name)


def _lock(fd, blocking=True):
    """An exclusive ``flock`` on ``fd`` (released by the kernel when its process dies);
    False when ``blocking`` is off and someone else holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _sync_folder(folder):
    """Make the rename durable: without this a power cut can bring back the old entry."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:         # e.g. Windows, where folders cannot be opened (nor need syncing)
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:         # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(folder, name):
    """Remove temporaries of killed saves of ``folder/name`` (see the module docstring)."""
    pattern = re.compile(re.escape(f".{name}.") + r"(\d+)\.\w+\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = pattern.fullmatch(entry.name)
            if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))) \
                    and entry.stat().st_mtime < time.time() - STALE_SECONDS:
                _remove_if_unlocked(entry.path)


def _remove_if_unlocked(path):
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        if _lock(fd, blocking=False):
            os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


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
