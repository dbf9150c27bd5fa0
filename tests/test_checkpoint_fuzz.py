"""Checkpoint fuzzer: random byte flips, truncations and header-field edits over ember- and
torch-written checkpoints in both formats (zip and legacy).  Every case must end in a clean
exception or in data equal to the original: never a crash, a hang, unbounded memory or
silently wrong values.

The legacy (pre-1.6) format has no checksums at all, so a flipped bit in its pickle or its
tensor bytes cannot be detected, by Ember or PyTorch: flips in legacy files only have to end
cleanly (an exception or some object); truncations must still be caught.  docs/reliability.md
says so.  ``EMBER_FUZZ_CASES`` sets the number of cases (default: about a second's worth),
``EMBER_FUZZ_SEED`` the seed.
"""
import io
import os
import pickle
import random
import signal
import tracemalloc
import zipfile

import numpy as np
import pytest

import ember

CASES = int(os.environ.get("EMBER_FUZZ_CASES", "400"))
SEED = int(os.environ.get("EMBER_FUZZ_SEED", "2113"))
SECONDS_PER_CASE = 5
PEAK_BYTES = 64 << 20
# what a damaged checkpoint may raise: the loader's own errors, never an internal one
CLEAN = (RuntimeError, pickle.UnpicklingError, ValueError, EOFError, zipfile.BadZipFile,
         NotImplementedError)


def _content(lib):
    g = np.random.default_rng(1)
    w = lib.tensor(g.standard_normal((3, 4)).astype(np.float32))
    return {"w": w, "row": w[1], "b": lib.tensor(g.standard_normal(5)),
            "h": lib.tensor(g.standard_normal(4)).half(), "bf": lib.ones(3).bfloat16(),
            "i": lib.arange(6).reshape(2, 3).t(), "flag": lib.tensor([True, False]),
            "nested": {"list": [lib.zeros(2), 1, "s", (2.5, None)]}, "epoch": 3}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """name -> (file bytes, the object ember loads from it intact)."""
    torch = pytest.importorskip("torch")
    out = {}
    for lib in (ember, torch):
        for legacy in (False, True):
            buf = io.BytesIO()
            lib.save(_content(lib), buf, _use_new_zipfile_serialization=not legacy)
            raw = buf.getvalue()
            out[f"{lib.__name__}-{'legacy' if legacy else 'zip'}"] = (
                raw, ember.load(io.BytesIO(raw)))
    return out


# ---- mutations ---------------------------------------------------------------------------------
def _zip_fields(raw):
    """(offset, width) of every numeric field in the zip's local headers, central directory
    and end records."""
    fields = []
    local = (4, 2), (6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2)
    central = (6, 2), (8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (42, 4)
    for sig, layout in ((b"PK\x03\x04", local), (b"PK\x01\x02", central),
                        (b"PK\x05\x06", ((4, 2), (8, 2), (10, 2), (12, 4), (16, 4))),
                        (b"PK\x06\x06", ((24, 8), (32, 8), (40, 8), (48, 8))),
                        (b"PK\x06\x07", ((8, 8),))):
        start = raw.find(sig)
        while start >= 0:
            fields += [(start + o, w) for o, w in layout if start + o + w <= len(raw)]
            start = raw.find(sig, start + 1)
    return fields


def _mutate(rng, raw, legacy):
    """A damaged copy of ``raw``; whether the damage may go undetected (a flip in a legacy
    file)."""
    out = bytearray(raw)
    kind = rng.choice(["flip", "flip", "truncate", "field"] if not legacy else
                      ["flip", "flip", "truncate"])
    if kind == "truncate":
        return bytes(out[:rng.randrange(len(out))]), False
    if kind == "field":
        at, width = rng.choice(_zip_fields(raw))
        value = rng.choice([0, 1, (1 << 8 * width) - 1, rng.getrandbits(8 * width),
                            int.from_bytes(out[at:at + width], "little") + rng.choice([-1, 1])])
        out[at:at + width] = (value % (1 << 8 * width)).to_bytes(width, "little")
        return bytes(out), False
    for _ in range(rng.choice([1, 1, 2, 8])):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out), legacy


# ---- comparing ---------------------------------------------------------------------------------
def _equal(a, b):
    if isinstance(a, ember.Tensor):
        return (isinstance(b, ember.Tensor) and a.dtype == b.dtype and a.shape == b.shape
                and a.stride() == b.stride() and a._data.tobytes() == b._data.tobytes())
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    return type(a) is type(b) and a == b


class _Hang(Exception):
    pass


def _alarm(*_):
    raise _Hang


def _load_bounded(data, **kw):
    """ember.load(data) within SECONDS_PER_CASE and PEAK_BYTES: (result or exception)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_CASE)
    tracemalloc.start()
    try:
        return ember.load(data, **kw)
    except _Hang:
        raise AssertionError("load hung") from None
    except CLEAN as e:
        return e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < PEAK_BYTES, f"load used {peak} bytes"


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")
def test_damaged_checkpoints_never_load_wrong_values(corpus, tmp_path):
    rng = random.Random(SEED)
    names = sorted(corpus)
    outcomes = {"error": 0, "equal": 0, "undetectable": 0}
    for case in range(CASES):
        name = names[case % len(names)]
        raw, original = corpus[name]
        damaged, undetectable = _mutate(rng, raw, name.endswith("legacy"))
        got = _load_bounded(io.BytesIO(damaged))
        if not name.endswith("legacy") and case % 8 == 0:     # the mmap path too
            path = tmp_path / "case.pt"
            path.write_bytes(damaged)
            mapped = _load_bounded(path, mmap=True, verify=True)
            assert isinstance(mapped, Exception) or _equal(original, mapped), (name, case)
        if isinstance(got, Exception):
            outcomes["error"] += 1
        elif _equal(original, got):
            outcomes["equal"] += 1
        else:
            assert undetectable, f"case {case} on {name}: damaged file loaded wrong values"
            outcomes["undetectable"] += 1
    assert outcomes["error"] > CASES // 4, outcomes
