"""``torch.hub``: models published as a ``hubconf.py`` (``load``, ``list``, ``help``) and the
checkpoint cache (``load_state_dict_from_url``, ``download_url_to_file``, ``get_dir``, ``set_dir``).

A hub repository is a folder with a ``hubconf.py``: its ``dependencies`` list names the packages
it needs and its public callables are the entry points.  ``source="local"`` loads from a folder;
``source="github"`` uses ``owner/name[:ref]`` from the cache (``<hub dir>/owner_name_ref``),
downloading the repository's zip archive first when it is not there.

Ember shares PyTorch's cache folder (``$TORCH_HOME/hub``, else
``$XDG_CACHE_HOME/torch/hub``, else ``~/.cache/torch/hub``), so weights already downloaded by
PyTorch are reused.  Downloads are written atomically; without network access the error says
where to put the file by hand.
"""
import builtins
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request
from urllib.parse import urlparse  # noqa: F401  (torch.hub.urlparse, which libraries import)
import zipfile

from . import _errors
from . import serialization as _serialization

__all__ = ["get_dir", "set_dir", "load", "list", "help", "load_state_dict_from_url",
           "download_url_to_file"]

_hub_dir = [None]
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_CHUNK = 1 << 20
_HUBCONF = "hubconf.py"
# Owners whose repositories torch trusts without asking.
_TRUSTED_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")


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
        match = HASH_REGEX.search(name) if check_hash else None
        try:
            download_url_to_file(url, cached, match.group(1) if match else None, progress)
        except OSError as e:    # URLError, timeouts, refused connections
            raise _errors.hub_download_failed(url, cached, e) from e
    return _serialization.load(cached, map_location=map_location, weights_only=weights_only)


# ---- hubconf.py repositories -------------------------------------------------------------------
def _import_hubconf(repo_dir):
    """Import ``repo_dir/hubconf.py`` (with ``repo_dir`` importable while it runs)."""
    path = os.path.join(repo_dir, _HUBCONF)
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_dir)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_dir)
    missing = [d for d in getattr(module, "dependencies", []) if
               importlib.util.find_spec(d) is None]
    if missing:
        raise _errors.hub_missing_dependencies(missing)
    return module


def _entry(module, model):
    if not isinstance(model, str):
        raise _errors.hub_model_not_string()
    fn = getattr(module, model, None)
    if fn is None or not callable(fn):
        raise _errors.hub_no_callable(model)
    return fn


def _parse_repo(github):
    owner_name, _, ref = github.partition(":")
    owner, _, name = owner_name.partition("/")
    return owner, name, ref or None


def _check_trusted(owner, name, cached_dir, trust_repo):
    """torch's trust rules: known owners, the hub's ``trusted_list``, an existing download, or
    the user's answer (asked when ``trust_repo`` is False, or "check" and nothing else holds)."""
    hub_dir = get_dir()
    listing = os.path.join(hub_dir, "trusted_list")
    os.makedirs(hub_dir, exist_ok=True)
    with open(listing, "a+") as f:
        f.seek(0)
        trusted = {line.strip() for line in f}
    key = f"{owner}_{name}"
    is_trusted = key in trusted or os.path.isdir(cached_dir) or owner in _TRUSTED_OWNERS
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        answer = builtins.input(_errors.hub_trust_prompt(key)).lower()
        if answer in ("n", "no", ""):
            raise _errors.hub_untrusted()
        if answer not in ("y", "yes"):
            raise _errors.hub_trust_answer(answer)
    if not is_trusted:
        with open(listing, "a") as f:
            f.write(key + "\n")


def _github_dir(github, force_reload, trust_repo, verbose):
    """The cached checkout of ``owner/name[:ref]``, downloaded when absent (or forced)."""
    owner, name, ref = _parse_repo(github)
    hub_dir = get_dir()
    candidates = [os.path.join(hub_dir, f"{owner}_{name}_{r.replace('/', '_')}")
                  for r in ([ref] if ref else ["main", "master"])]
    repo_dir = next((d for d in candidates if os.path.isdir(d)), candidates[0])
    _check_trusted(owner, name, repo_dir, trust_repo)
    if os.path.isdir(repo_dir) and not force_reload:
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    url = f"https://github.com/{owner}/{name}/zipball/{ref or 'main'}"
    archive = repo_dir + ".zip"
    try:
        download_url_to_file(url, archive, progress=False)
    except OSError as e:
        raise _errors.hub_download_failed(url, repo_dir, e, repo=True) from e
    with zipfile.ZipFile(archive) as z:
        top = z.namelist()[0].split("/")[0]
        z.extractall(hub_dir)
    os.remove(archive)
    shutil.rmtree(repo_dir, ignore_errors=True)
    shutil.move(os.path.join(hub_dir, top), repo_dir)
    return repo_dir


def _repo_dir(repo_or_dir, source, force_reload, trust_repo, verbose):
    if source not in ("github", "local"):
        raise _errors.hub_unknown_source(source)
    if source == "local":
        return repo_or_dir
    return _github_dir(repo_or_dir, force_reload, trust_repo, verbose)


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    """Call the entry point ``model`` of a hub repository with ``args`` / ``kwargs``."""
    repo_dir = _repo_dir(repo_or_dir, source.lower() if isinstance(source, str) else source,
                         force_reload, trust_repo, verbose)
    return _entry(_import_hubconf(repo_dir), model)(*args, **kwargs)


def list(github, force_reload=False, skip_validation=False, trust_repo="check",  # noqa: A001
         verbose=True):
    """The public callables of ``github``'s ``hubconf.py``."""
    module = _import_hubconf(_github_dir(github, force_reload, trust_repo, verbose))
    return [n for n in dir(module) if callable(getattr(module, n)) and not n.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False,  # noqa: A001
         trust_repo="check"):
    """The docstring of the entry point ``model``."""
    module = _import_hubconf(_github_dir(github, force_reload, trust_repo, True))
    return _entry(module, model).__doc__
