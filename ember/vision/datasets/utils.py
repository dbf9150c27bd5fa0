"""Download and integrity helpers: md5 checks, atomic writes, optional tqdm progress bar."""
import gzip
import hashlib
import os
import tarfile
import urllib.request
import zipfile

from ... import _errors


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5):
    return md5 == calculate_md5(fpath)


def check_integrity(fpath, md5=None):
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def _progress(total):
    try:
        from tqdm import tqdm
    except ImportError:            # tqdm is optional (extra ``progress``)
        return None
    return tqdm(total=total, unit="B", unit_scale=True)


def download_url(url, root, filename=None, md5=None):
    """Fetch ``url`` into ``root/filename`` unless a file with the right md5 is there.

    The body is written to a temporary file renamed into place only once complete and
    verified, so an interrupted download never leaves a truncated file behind."""
    root = os.path.expanduser(root)
    fpath = os.path.join(root, filename or os.path.basename(url))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    tmp = fpath + ".part"
    with urllib.request.urlopen(urllib.request.Request(url), timeout=30) as resp, \
            open(tmp, "wb") as out:
        bar = _progress(int(resp.headers.get("Content-Length") or 0) or None)
        for chunk in iter(lambda: resp.read(1 << 16), b""):
            out.write(chunk)
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
    if md5 is not None and not check_md5(tmp, md5):
        os.remove(tmp)
        raise _errors.download_md5(url, md5)
    os.replace(tmp, fpath)


def extract_archive(from_path, to_path=None, remove_finished=False):
    to_path = to_path or os.path.dirname(from_path)
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path) as tar:
            tar.extractall(to_path, filter="data")
    elif from_path.endswith(".zip"):
        with zipfile.ZipFile(from_path) as z:
            z.extractall(to_path)
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        with gzip.open(from_path, "rb") as src, open(out + ".part", "wb") as dst:
            dst.write(src.read())
        os.replace(out + ".part", out)
    else:
        raise _errors.extraction_unsupported(from_path)
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None,
                                 md5=None, remove_finished=False):
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root or download_root,
                    remove_finished)


def download_from_mirrors(mirrors, filename, folder, md5):
    """Try each mirror in turn; without network, say exactly which file goes where."""
    errors = []
    for mirror in mirrors:
        try:
            download_url(mirror + filename, folder, filename, md5)
            return
        except OSError as e:      # URLError and socket errors are OSErrors
            errors.append(f"{mirror}{filename}: {e}")
    raise _errors.download_failed(filename, "; ".join(errors), filename, md5, folder)


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is a string among ``valid_values``, else torchvision's ValueError."""
    if not isinstance(value, str):
        raise _errors.dataset_str_arg_type(value, arg)
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    raise _errors.dataset_str_arg_value(value, arg, valid_values)


def loadmat(path, **kwargs):
    """``scipy.io.loadmat`` (SciPy is an optional dependency, in the ``vision`` extra)."""
    try:
        from scipy.io import loadmat as _loadmat
    except ImportError as e:
        raise _errors.scipy_missing() from e
    return _loadmat(path, **kwargs)
