"""Small torch APIs programs touch, compared with torch: constants, layouts and memory formats,
the default device, threads, determinism and matmul-precision switches, legacy tensor types,
``torch.storage``, and ``torch.cuda`` as a CPU-only PyTorch answers it."""
import pickle
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["pi", "e", "inf", "nan", "newaxis"])
def test_constants(name):
    got, expected = getattr(ember, name), getattr(torch, name)
    assert repr(got) == repr(expected)


@pytest.mark.parametrize("name", ["strided", "sparse_coo", "contiguous_format", "preserve_format",
                                  "channels_last", "channels_last_3d"])
def test_layouts_and_memory_formats(name):
    got = getattr(ember, name)
    assert repr(got) == repr(getattr(torch, name))
    assert type(got).__name__ == type(getattr(torch, name)).__name__
    assert pickle.loads(pickle.dumps(got)) is got


def test_tensor_layout():
    assert ember.ones(2).layout is ember.strided
    assert repr(ember.ones(2).layout) == repr(torch.ones(2).layout)


def test_default_device():
    assert str(ember.get_default_device()) == str(torch.get_default_device())
    ember.set_default_device("cpu")
    try:
        assert ember.zeros(1).device == ember.device("cpu")
    finally:
        ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu")


def test_num_threads_reach_the_blas():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = ember.get_num_threads()
    want = 2 if before == 1 else 1     # a change (the test session runs one thread)
    try:
        ember.set_num_threads(want)
        assert ember.get_num_threads() == want
        blas = [i["num_threads"] for i in threadpoolctl.threadpool_info()
                if i["user_api"] == "blas"]
        assert blas and set(blas) == {want}
    finally:
        ember.set_num_threads(before)
    assert ember.get_num_interop_threads() >= 1


@pytest.mark.parametrize("call", [
    lambda m: m.set_num_threads(0), lambda m: m.set_num_threads(True),
    lambda m: m.set_num_threads("2"), lambda m: m.set_num_interop_threads(-1),
    lambda m: m.use_deterministic_algorithms("yes"),
    lambda m: m.use_deterministic_algorithms(True, warn_only=1),
])
def test_switch_argument_errors(call):
    def check(mod):
        with pytest.raises(Exception) as info:
            call(mod)
        return type(info.value), str(info.value)
    assert check(ember) == check(torch)


def test_deterministic_switch():
    try:
        for mod in (ember, torch):
            mod.use_deterministic_algorithms(True, warn_only=True)
        assert ember.are_deterministic_algorithms_enabled() == \
            torch.are_deterministic_algorithms_enabled() is True
        assert ember.is_deterministic_algorithms_warn_only_enabled()
    finally:
        for mod in (ember, torch):
            mod.use_deterministic_algorithms(False)
    assert not ember.are_deterministic_algorithms_enabled()


def test_float32_matmul_precision():
    try:
        for mod in (ember, torch):
            assert mod.get_float32_matmul_precision() == "highest"
            mod.set_float32_matmul_precision("high")
        assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
        for mod in (ember, torch):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                mod.set_float32_matmul_precision("bogus")
            assert "bogus is not one of 'highest', 'high', or 'medium'" in str(caught[0].message)
            assert mod.get_float32_matmul_precision() == "high"
    finally:
        for mod in (ember, torch):
            mod.set_float32_matmul_precision("highest")


_LEGACY = ["FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor",
           "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor"]


@pytest.mark.parametrize("name", _LEGACY)
def test_legacy_types_construct(name):
    for args in [(), (2, 3), ([1, 0, 1],), (ember.Size([2]),)]:
        t_args = tuple(torch.Size(a) if isinstance(a, ember.Size) else a for a in args)
        got, expected = getattr(ember, name)(*args), getattr(torch, name)(*t_args)
        assert tuple(got.shape) == tuple(expected.shape) and str(got.dtype) == str(expected.dtype)
        if args and isinstance(args[0], list):
            np.testing.assert_array_equal(got.float().numpy(), expected.float().numpy())


@pytest.mark.parametrize("name", _LEGACY)
def test_legacy_types_isinstance(name):
    for dtype in ("float32", "int64", "uint8", "bool"):
        e, t = ember.zeros(2, dtype=getattr(ember, dtype)), torch.zeros(2, dtype=getattr(torch,
                                                                                       dtype))
        assert isinstance(e, getattr(ember, name)) == isinstance(t, getattr(torch, name))
        assert isinstance(e, getattr(ember.cuda, name)) == isinstance(t, getattr(torch.cuda,
                                                                                 name))
    cls = getattr(ember, name)
    assert repr(cls) == repr(getattr(torch, name)) and repr(getattr(ember.cuda, name)) == repr(
        getattr(torch.cuda, name))
    assert str(cls.dtype) == str(getattr(torch, name).dtype) and not cls.is_cuda
    assert issubclass(cls, ember.Tensor) == issubclass(getattr(torch, name), torch.Tensor)


@pytest.mark.parametrize("call", [
    lambda m: m.cuda.FloatTensor(2),
    lambda m: m.FloatTensor(m.ones(2, dtype=m.long)),
    lambda m: m.FloatTensor([1], [2]),
])
def test_legacy_type_errors(call):
    """Type and message (its first line: torch adds per-overload "didn't match" details)."""
    def check(mod):
        with pytest.raises(Exception) as info:
            call(mod)
        return type(info.value), str(info.value).splitlines()[0]
    assert check(ember) == check(torch)


def test_tensor_type_with_a_legacy_type():
    for mod in (ember, torch):
        assert str(mod.ones(2).type(mod.LongTensor).dtype) == "torch.int64"
        assert mod.ones(2, dtype=mod.long).type(mod.DoubleTensor).type() == "torch.DoubleTensor"


def test_untyped_storage_exported():
    assert ember.UntypedStorage is ember.storage.UntypedStorage
    assert isinstance(ember.ones(2).untyped_storage(), ember.UntypedStorage)


_CUDA_CALLS = {
    "empty_cache": lambda c: c.empty_cache(), "synchronize": lambda c: c.synchronize(),
    "Stream": lambda c: c.Stream(), "Event": lambda c: c.Event(enable_timing=True),
    "current_stream": lambda c: c.current_stream(), "default_stream": lambda c: c.default_stream(),
    "stream": lambda c: c.stream(None).__enter__(), "CUDAGraph": lambda c: c.CUDAGraph(),
    "memory_allocated": lambda c: c.memory_allocated(),
    "max_memory_allocated": lambda c: c.max_memory_allocated(),
    "memory_reserved": lambda c: c.memory_reserved(),
    "max_memory_reserved": lambda c: c.max_memory_reserved(),
    "memory_stats": lambda c: dict(c.memory_stats()), "mem_get_info": lambda c: c.mem_get_info(),
    "get_device_name": lambda c: c.get_device_name(),
    "get_device_capability": lambda c: c.get_device_capability(),
    "get_device_properties": lambda c: c.get_device_properties(0),
    "is_bf16_supported": lambda c: c.is_bf16_supported(), "ipc_collect": lambda c: c.ipc_collect(),
    "get_rng_state_all": lambda c: c.get_rng_state_all(), "initial_seed": lambda c: c.initial_seed(),
    "set_rng_state_all": lambda c: c.set_rng_state_all([]), "seed": lambda c: c.seed(),
    "device": lambda c: c.device(0).__enter__(), "is_initialized": lambda c: c.is_initialized(),
    "_initialized": lambda c: c._initialized,
    "device_count": lambda c: c.device_count(), "get_arch_list": lambda c: c.get_arch_list(),
    "init": lambda c: c.init(), "manual_seed_all": lambda c: c.manual_seed_all(0),
    "is_tf32_supported": lambda c: c.is_tf32_supported(),
    "set_per_process_memory_fraction": lambda c: c.set_per_process_memory_fraction(0.5),
    "nvtx.range_push": lambda c: c.nvtx.range_push("a"),
    "is_current_stream_capturing": lambda c: c.is_current_stream_capturing(),
}


@pytest.mark.parametrize("name", sorted(_CUDA_CALLS))
def test_cuda_answers_like_cpu_only_torch(name):
    if ember.cuda.is_available() or torch.cuda.is_available():
        pytest.skip("compares the CPU-only answers")

    def answer(mod):
        try:
            return "value", _CUDA_CALLS[name](mod.cuda)
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e)
    ours, theirs = answer(ember), answer(torch)
    if ours[0] != "value" and "\n" in ours[1]:
        # torch's first line, then why CUDA is unavailable and what to install
        assert "pip install 'ember[cuda]'" in ours[1].split("\n", 1)[1]
        ours = ours[0], ours[1].split("\n", 1)[0]
    assert ours == theirs


def test_cuda_amp_is_deprecated_spelling():
    for mod in (ember, torch):
        with pytest.warns(FutureWarning, match=r"torch\.cuda\.amp\.autocast\(args\.\.\.\)` is "
                                               r"deprecated"):
            try:
                mod.cuda.amp.autocast(enabled=False)
            except ImportError:     # ember.amp is another branch's work
                assert mod is ember


@pytest.mark.slow  # two interpreters (Ember under the runner, torch)
def test_hub_repositories_match_torch():
    """``torch.hub.load/list/help`` on a local folder and on a cached GitHub repository."""
    import re
    from tests.test_runner import SCRIPTS, run_ember, run_torch

    def output(proc):
        assert proc.returncode == 0, proc.stderr
        return re.sub(r"/tmp\S*/hub", "<hub>", proc.stdout + proc.stderr)
    script = SCRIPTS / "hub_repo.py"
    assert output(run_ember(script)) == output(run_torch(script))


def test_hub_load_is_not_serialization_load():
    assert ember.hub.load is not ember.load and ember.hub.HASH_REGEX.pattern == \
        torch.hub.HASH_REGEX.pattern


@pytest.mark.parametrize("name", ["Dataset", "IterableDataset", "TensorDataset", "ConcatDataset",
                                  "Subset", "Sampler", "SequentialSampler", "RandomSampler",
                                  "BatchSampler", "WeightedRandomSampler", "DistributedSampler",
                                  "DataLoader"])
def test_data_classes_are_generic_like_torchs(name):
    import typing
    got, expected = getattr(ember.utils.data, name), getattr(torch.utils.data, name)
    assert issubclass(got, typing.Generic) == issubclass(expected, typing.Generic)
    assert [c.__name__ for c in got.__mro__] == [c.__name__ for c in expected.__mro__]
    def subscript(cls):     # in annotations: Sampler[int], Dataset[Tensor]
        try:
            return repr(cls[int]).rpartition(".")[2]
        except TypeError as e:
            return str(e).rpartition(".")[2]
    assert subscript(got) == subscript(expected)


def test_dataloader_iterator_names():
    import torch.utils.data.dataloader as t_dl
    from ember.utils.data import dataloader as e_dl
    for name in ("_BaseDataLoaderIter", "_SingleProcessDataLoaderIter",
                 "_MultiProcessingDataLoaderIter"):
        assert getattr(e_dl, name).__name__ == getattr(t_dl, name).__name__
    loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(ember.arange(4)))
    assert type(iter(loader)).__name__ == type(iter(torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(4))))).__name__
    assert isinstance(iter(loader), e_dl._BaseDataLoaderIter)


_NEW_DTYPES = ["uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
               "float8_e5m2fnuz"]


@pytest.mark.parametrize("name", _NEW_DTYPES)
def test_storage_dtypes(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == repr(t) and e.itemsize == t.itemsize
    assert (e.is_floating_point, e.is_signed, e.is_complex) == (
        t.is_floating_point, t.is_signed, t.is_complex)
    values = np.array([0.1, 1 / 3, -2.5, 448, 449, 470, 500, 1e6, -1e6, 57344, 1e-9, np.inf,
                       -np.inf, np.nan, -0.0, 7, 70000, 2 ** 40], dtype=np.float64)
    if not e.is_floating_point:
        values = np.abs(np.nan_to_num(values, posinf=3, neginf=3))
    got, expected = ember.from_numpy(values).to(e), torch.from_numpy(values).to(t)
    assert got.type() == expected.type() and str(got) == str(expected)
    np.testing.assert_array_equal(got.double().numpy(), expected.double().numpy())


@pytest.mark.parametrize("a", _NEW_DTYPES)
@pytest.mark.parametrize("b", ["uint8", "int16", "bool", "float32", "float16", "complex64",
                               "uint32", "float8_e5m2"])
def test_storage_dtype_promotion(a, b):
    def promote(mod):
        try:
            return str(mod.promote_types(getattr(mod, a), getattr(mod, b)))
        except RuntimeError as err:
            return str(err)
    assert promote(ember) == promote(torch)


def test_storage_dtypes_in_checkpoints(tmp_path):
    from ember import safetensors as e_st
    st = pytest.importorskip("safetensors.torch")
    data = np.array([1.5, 2.0, -3.0, 0.25])
    tensors = {name: ember.from_numpy(np.abs(data) if name.startswith("u") else data).to(
        getattr(ember, name)) for name in _NEW_DTYPES}
    path = tmp_path / "m.pt"
    ember.save(tensors, path)
    loaded = torch.load(path, weights_only=True)
    torch.save(loaded, path)
    back = ember.load(path)
    e_st.save_file(tensors, tmp_path / "m.safetensors")
    from_st = st.load_file(tmp_path / "m.safetensors")
    for name, t in tensors.items():
        assert str(loaded[name].dtype) == str(back[name].dtype) == str(from_st[name].dtype)
        np.testing.assert_array_equal(loaded[name].double().numpy(), t.double().numpy())
        np.testing.assert_array_equal(back[name].double().numpy(), t.double().numpy())
        np.testing.assert_array_equal(from_st[name].double().numpy(), t.double().numpy())
