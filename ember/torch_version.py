"""``torch.torch_version``: ``TorchVersion``, a version string that compares like a version.

``torch.__version__ >= "2.1"`` and ``torch.__version__ >= (2, 1)`` compare by PEP 440 rules
(``2.13.0+ember.0.1.0`` is newer than ``2.13`` and older than ``2.14.0a0``), while the value
stays a plain ``str`` for everything else (printing, ``split``, ``packaging.version.parse``).
"""
import functools
import re

__all__ = ["TorchVersion"]

_PEP440 = (
    r"v?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:-(?P<post_n1>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n2>\d*))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?")
_PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_LOW, _HIGH = (-1,), (1 << 62,)   # sort below / above every real segment


@functools.lru_cache(maxsize=None)
def _pattern():
    return re.compile(_PEP440, re.IGNORECASE)     # compiled on first comparison, not at import


def _sort_key(text):
    """PEP 440 ordering key of a version string (the order ``packaging.version`` gives)."""
    m = _pattern().fullmatch(text.strip())
    if m is None:
        raise ValueError(f"Invalid version: '{text}'")
    release = tuple(int(p) for p in m["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    post = m["post_n1"] or m["post_n2"]
    has_post = m["post_n1"] is not None or m["post_n2"] is not None
    dev = None if m["dev_n"] is None else (int(m["dev_n"] or 0),)
    if m["pre_l"] is not None:
        pre = (_PRE_ORDER[m["pre_l"].lower()], int(m["pre_n"] or 0))
    else:
        pre = _LOW if dev is not None and not has_post else _HIGH
    local = () if m["local"] is None else tuple(
        (int(p), "") if p.isdigit() else (-1, p.lower()) for p in re.split(r"[-_.]", m["local"]))
    return (release, pre, (int(post or 0),) if has_post else _LOW, dev or _HIGH, local)


def _key_of(other):
    if isinstance(other, str):
        return _sort_key(other)
    if isinstance(other, (tuple, list)):
        return _sort_key(".".join(str(p) for p in other))
    if hasattr(other, "release"):     # a packaging.version.Version
        return _sort_key(str(other))
    raise TypeError(f"Expected string, tuple or Version, got {type(other).__name__}")


class TorchVersion(str):
    """A version string that compares with strings, tuples and ``packaging`` versions."""

    def _compare(self, other, op):
        try:
            return op(_sort_key(self), _key_of(other))
        except TypeError:
            return NotImplemented
        except ValueError:      # not a version at all: torch falls back to string order
            return op(str(self), str(other))

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    def __eq__(self, other):
        if isinstance(other, str) and str.__eq__(self, other):
            return True
        result = self._compare(other, lambda a, b: a == b)
        return False if result is NotImplemented else result

    __ne__ = str.__ne__     # torch's compares as plain strings here ("2.13" != "2.13.0")
    __hash__ = str.__hash__
