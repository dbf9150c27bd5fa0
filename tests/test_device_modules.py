"""``torch.cpu`` (the CPU as a device module) and ``torch.accelerator`` without an accelerator,
against torch: return values, stream identity, errors and deprecation warnings."""
import contextlib
import warnings

import pytest
import torch

import ember


def _call(out, fn, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args)
            out.append(repr(result) if isinstance(result, (bool, int, str, type(None)))
                       else type(result).__name__)
        except RuntimeError as e:
            out.append(f"RuntimeError: {e}")
    out.extend(f"{w.category.__name__}: {w.message}" for w in caught)


def _accelerator_transcript(lib):
    a, out = lib.accelerator, []
    for name in ("current_device_idx", "current_device_index", "empty_cache",
                 "empty_host_cache", "get_memory_info", "max_memory_allocated",
                 "max_memory_reserved", "memory_allocated", "memory_reserved", "memory_stats",
                 "reset_peak_memory_stats", "synchronize", "current_stream",
                 "current_accelerator", "is_available", "device_count"):
        _call(out, getattr(a, name))
    for name in ("set_device_index", "set_device_idx"):
        _call(out, getattr(a, name), 0)
    with a.device_index(None):
        out.append("device_index(None) entered")
    _call(out, lambda: a.device_index(0).__enter__())
    return out


def _cpu_transcript(lib):
    c, out = lib.cpu, []
    for name in ("is_available", "is_initialized", "device_count", "current_device"):
        _call(out, getattr(c, name))
    out += [c.set_device(0), c.synchronize(), c.synchronize("cpu")]
    default, s = c.current_stream(), c.Stream(priority=0)
    out += [s.wait_stream(default), s.record_event(), s.wait_event(None)]
    with c.stream(s):
        out += [c.current_stream() is s, c.current_stream("cpu") is s]
    out.append(c.current_stream() is default)
    with c.stream(None):
        out.append(c.current_stream() is default)
    e = c.Event()
    out += [e.query(), e.record(), e.record(s), e.synchronize(), e.wait(), e.wait(s)]
    out.append(isinstance(c.StreamContext(s), contextlib.AbstractContextManager))
    return out


@pytest.mark.skipif(ember.cuda.is_available(), reason="compares the answers without a GPU")
def test_accelerator_without_one_as_torch():
    assert _accelerator_transcript(ember) == _accelerator_transcript(torch)


def test_cpu_device_module_as_torch():
    assert _cpu_transcript(ember) == _cpu_transcript(torch)


def _placements(lib):
    out = []
    for kind in ("xpu", "ipu", "mtia", "mps", "hip", "xla", "vulkan", "ve", "maia", "xpu:1",
                 "meta"):
        try:
            out.append(str(lib.ones(2).to(kind).device))
        except (RuntimeError, AssertionError) as e:
            out.append(f"{type(e).__name__}: {e}")
        out.append(str(lib.device(kind)))
    return out


def test_device_types_without_a_backend_as_a_cpu_only_torch():
    assert _placements(ember) == _placements(torch)


def _moves(lib):
    out = []
    for method in ("xpu", "ipu", "mtia"):
        for kwargs in ({}, {"device": 1}, {"non_blocking": True}):
            try:
                getattr(lib.ones(2), method)(**kwargs)
            except (RuntimeError, AssertionError) as e:
                out.append(f"{type(e).__name__}: {e}")
    return out


def test_tensor_moves_to_devices_without_a_backend_as_torch():
    if ember.cuda.is_available():
        pytest.skip("compares the answers without a GPU")
    assert _moves(ember) == _moves(torch)


def _device_modules(lib):
    out = []
    for device in (None, "cpu", lib.device("cpu"), "cuda", "cuda:1", "meta", "mps", "xpu", 3,
                   "foo"):
        try:
            out.append(lib.get_device_module(device).__name__.split(".", 1)[1])
        except RuntimeError as e:
            out.append(f"RuntimeError: {str(e).split(' device type at start')[0]}")
    return out


@pytest.mark.skipif(ember.cuda.is_available(), reason="compares the answers without a GPU")
def test_get_device_module_as_torch():
    assert _device_modules(ember) == _device_modules(torch)
