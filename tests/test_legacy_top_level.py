"""Top-level torch names old programs still call, compared with torch: the deprecated
``set_default_tensor_type``, the linear-algebra functions removed in 1.9 (their errors), the
deterministic debug mode, and the build-fact switches (``has_lapack``, ``is_vulkan_available``)."""
import subprocess
import sys
import textwrap
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")
LIBS = [ember, torch]


@pytest.fixture
def restore_defaults():
    yield
    for lib in LIBS:
        lib.set_default_dtype(lib.float32)
        lib.use_deterministic_algorithms(False)


def _outcome(call):
    try:
        return ("ok", call())
    except Exception as e:    # the type and the text are what is compared
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("name", ["DoubleTensor", "HalfTensor", "BFloat16Tensor", "FloatTensor"])
def test_set_default_tensor_type_sets_the_dtype(name, restore_defaults):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # (once per process: see the test below)
        for lib in LIBS:
            lib.set_default_tensor_type(getattr(lib, name))
        assert str(ember.get_default_dtype()) == str(torch.get_default_dtype())
        assert str(ember.tensor([1.0]).dtype) == str(torch.tensor([1.0]).dtype)
        for lib in LIBS:
            lib.set_default_tensor_type("torch.DoubleTensor")
            lib.set_default_tensor_type(f"torch.{name}")    # a dotted name
        assert str(ember.ones(2).dtype) == str(torch.ones(2).dtype)


@pytest.mark.parametrize("make", [
    lambda lib: lib.float64, lambda lib: lib.IntTensor, lambda lib: "torch.IntTensor",
    lambda lib: lib.BoolTensor, lambda lib: 3, lambda lib: "torch.cuda.FloatTensor"])
@pytest.mark.filterwarnings("ignore:torch.set_default_tensor_type")
def test_set_default_tensor_type_refusals(make, restore_defaults):
    got, expected = (_outcome(lambda lib=lib: lib.set_default_tensor_type(make(lib)))
                     for lib in LIBS)
    assert got == expected and got[0] == "TypeError"
    assert str(ember.get_default_dtype()) == "torch.float32"


@pytest.mark.slow  # a torch and an ember.run interpreter (2.3 CPU-seconds)
def test_set_default_tensor_type_warns_once_per_process(tmp_path):
    script = textwrap.dedent("""
        import warnings
        import torch
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.set_default_tensor_type(torch.DoubleTensor)
            torch.set_default_tensor_type(torch.FloatTensor)
        print([str(w.message).split(" (Triggered")[0] for w in caught])
        """)
    path = tmp_path / "legacy_default_type.py"
    path.write_text(script)
    outs = [subprocess.run([sys.executable, *runner, str(path)], text=True,
                           capture_output=True, check=True).stdout
            for runner in ([], ["-m", "ember.run"])]
    assert outs[0] == outs[1] and "deprecated as of PyTorch 2.1" in outs[0]


@pytest.mark.parametrize("name, args", [
    ("matrix_rank", 1), ("eig", 1), ("symeig", 1), ("lstsq", 2), ("solve", 2)])
def test_removed_linear_algebra_functions_say_what_replaces_them(name, args):
    got, expected = (_outcome(lambda lib=lib: getattr(lib, name)(*[lib.eye(3)] * args))
                     for lib in LIBS)
    assert got == expected and got[0] == "RuntimeError"


@pytest.mark.parametrize("mode", [0, 1, 2, "default", "warn", "error", True, 3, "x", 1.5, None])
def test_deterministic_debug_mode(mode, restore_defaults):
    def state(lib):
        outcome = _outcome(lambda: lib.set_deterministic_debug_mode(mode))
        return (outcome, lib.get_deterministic_debug_mode(),
                lib.are_deterministic_algorithms_enabled(),
                lib.is_deterministic_algorithms_warn_only_enabled())
    assert state(ember) == state(torch)


def test_debug_mode_follows_use_deterministic_algorithms(restore_defaults):
    for args in [(True,), (True, True), (False,)]:
        for lib in LIBS:
            lib.use_deterministic_algorithms(args[0], warn_only=args[1:] == (True,))
        assert ember.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()


def test_is_distributed():
    assert ember.is_distributed(ember.ones(2)) is torch.is_distributed(torch.ones(2)) is False
    assert _outcome(lambda: ember.is_distributed(3)) == _outcome(lambda: torch.is_distributed(3))


def test_build_facts():
    """Where Ember's build is like torch's, the same answer; MKL and OpenMP are not Ember's
    (NumPy's BLAS is OpenBLAS, its threads are not OpenMP's)."""
    for name in ("has_lapack", "has_spectral"):
        assert getattr(ember, name) is getattr(torch, name) is True
    assert ember.has_mkl is False and ember.has_openmp is False
    assert ember.is_vulkan_available() is torch.is_vulkan_available() is False
    assert ember.compiled_with_cxx11_abi() is torch.compiled_with_cxx11_abi()
    assert ember.init_num_threads() is torch.init_num_threads() is None
    assert ember.set_flush_denormal(False) is False     # Ember keeps the CPU's default mode


LEGACY_AUTOCAST = [("is_autocast_cpu_enabled", ()), ("get_autocast_cpu_dtype", ()),
                   ("set_autocast_cpu_enabled", (False,)), ("get_autocast_gpu_dtype", ()),
                   ("set_autocast_cpu_dtype", ("bfloat16",)),
                   ("set_autocast_gpu_dtype", ("float16",))]


@pytest.mark.parametrize("name, args", LEGACY_AUTOCAST)
def test_legacy_autocast_spellings_warn_and_answer(name, args):
    def call(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = getattr(lib, name)(*[getattr(lib, a) if isinstance(a, str) else a
                                          for a in args])
        return (str(result), getattr(lib, name).__name__,
                [(w.category, str(w.message).split(" (Triggered")[0]) for w in caught])
    assert call(ember) == call(torch)


def test_legacy_autocast_spellings_see_autocast_regions():
    def seen(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autocast("cpu", dtype=lib.float16):
                inside = (lib.is_autocast_cpu_enabled(), str(lib.get_autocast_cpu_dtype()))
            lib.set_autocast_cpu_enabled(True)
            switched = lib.is_autocast_enabled("cpu")
            lib.set_autocast_cpu_enabled(False)
        return inside, switched, lib.is_autocast_enabled("cpu")
    assert seen(ember) == seen(torch) == ((True, "torch.float16"), True, False)
