"""``torch.hub``'s checkpoint cache: ``load_state_dict_from_url``, ``get_dir``, ``set_dir``.

Ember shares PyTorch's cache folder (``$TORCH_HOME/hub``, else
``$XDG_CACHE_HOME/torch/hub``, else ``~/.cache/torch/hub``), so weights already downloaded by
PyTorch are reused.  Downloads are written atomically; without network access the error says
where to put the file by hand.
"""
import hashlib
import os
import re
import shutil
import tempfile
import urllib.parse
import urllib.request

from . import _errors
from .serialization import load

__all__ = ["get_dir", "set_dir", "load_state_dict_from_url", "download_url_to_file"]

_hub_dir = [None]
_HASH_PREFIX = re.compile(r"-([a-f0-9]*)\.")
_CHUNK = 1 << 20


def get_dir():
    """The hub folder (``set_dir`` overrides the default)."""
    if _hub_dir[0] is not None:
        return _hub_dir[0]
    torch_home = os.environ.get("TORCH_HOME")
    if torch_home is None:
        cache = os.environ.get("XDG_CACHE_HOME", os.path.join("~", ".cache"))
        torch_home = os.path.join(cache, "torch")
    return os.path.join(os.path.expanduser(torch_home), "hub")


def set_dir(d):
    _hub_dir[0] = os.path.expanduser(os.fspath(d))


def _progress_bar(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:     # progress is optional: no tqdm, no bar
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to ``dst`` atomically; check the SHA-256 prefix when given."""
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".download.", suffix=".partial")
    try:
        sha = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
            length = resp.headers.get("Content-Length")
            bar = _progress_bar(int(length) if length else None, progress)
            while chunk := resp.read(_CHUNK):
                out.write(chunk)
                sha.update(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
        if hash_prefix is not None and not sha.hexdigest().startswith(hash_prefix):
            raise _errors.hub_hash_mismatch(hash_prefix, sha.hexdigest())
        shutil.move(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=True):
    """Load the checkpoint at ``url``, from the hub cache when already there."""
    model_dir = model_dir or os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    name = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    cached = os.path.join(model_dir, name)
    if not os.path.exists(cached):
        match = _HASH_PREFIX.search(name) if check_hash else None
        try:
            download_url_to_file(url, cached, match.group(1) if match else None, progress)
        except OSError as e:    # URLError, timeouts, refused connections
            raise _errors.hub_download_failed(url, cached, e) from e
    return load(cached, map_location=map_location, weights_only=weights_only)
