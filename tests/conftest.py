"""Shared fixtures: a seeded ember RNG for every test, a seeded NumPy RNG, the torch oracle
(skips when absent) and fake CUDA; and the worker's economy (docs/testing.md): one BLAS thread,
cached byte code, long-lived objects frozen out of the cyclic collector, freed memory handed
back between tests."""
import ctypes
import functools
import gc
import os
import pathlib
import sys
import tempfile

# One BLAS / OpenMP thread per process (set before NumPy and torch load their libraries; the
# workers and every subprocess a test starts inherit it).  The tests' tensors are small, and
# with two xdist workers on two cores each extra thread only spins: 2-3x the CPU time of the
# model tests.  An explicit setting in the environment wins.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = str(pathlib.Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:    # so that ``tests.oracle`` imports the same way everywhere
    sys.path.insert(0, ROOT)

# Byte code, even where the environment turns writing it off (PYTHONDONTWRITEBYTECODE): every
# xdist worker and every subprocess a test starts imports ember and the test modules afresh,
# and compiling (plus pytest's assertion rewriting) them each time costs seconds apiece.  The
# cache lives outside the tree.
if sys.dont_write_bytecode and not sys.pycache_prefix:
    sys.pycache_prefix = os.path.join(tempfile.gettempdir(), "ember-tests-pycache")
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix


def require_torch():
    """The torch module, or skip the test (the oracle is a test-only dependency)."""
    return pytest.importorskip("torch")


_TEST_DEVICE = os.environ.get("EMBER_TEST_DEVICE")


@pytest.fixture(autouse=True)
def _each_test(request):
    """What every test starts from, whatever ran before it on its worker (one autouse fixture:
    pytest's per-fixture cost is paid by each of ~24,000 tests).

    - The same ember RNG state: statistical checks of samplers would otherwise depend on test
      order.
    - The oracle validates distribution arguments, torch's default: the first real
      ``torch.compile`` in a process (tests compare ember's compile with it) switches that
      default off for good (torch._dynamo's TorchPatcher).
    - ``EMBER_TEST_DEVICE=cuda``: ember's factory functions (``ember.tensor``, ``randn``, ...)
      make their tensors there, so a test module written for the CPU runs its ember side on
      the GPU, or on the strict CuPy-shaped backend with ``EMBER_FAKE_CUDA=strict`` (CI's
      strict-backend job); ``cpu_only`` tests stay on the CPU."""
    import ember
    ember.manual_seed(20261123)
    dist = sys.modules.get("torch.distributions")
    if dist is not None:
        dist.Distribution.set_default_validate_args(True)
    if not _TEST_DEVICE or request.node.get_closest_marker("cpu_only"):
        yield
        return
    ember.set_default_device(_TEST_DEVICE)
    try:
        yield
    finally:
        ember.set_default_device(None)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def torch():
    return require_torch()


def _fake_cuda(strict):
    from ember import _backend
    was_fake, was_strict = _backend.fake_cuda_enabled(), _backend._strict[0]
    _backend.enable_fake_cuda(True, strict=strict)
    try:
        yield
    finally:
        _backend.enable_fake_cuda(was_fake, strict=was_strict)


@pytest.fixture
def fake_cuda():
    """Make ``cuda`` devices resolve to the NumPy-backed fake for one test."""
    yield from _fake_cuda(False)


@pytest.fixture
def strict_cuda():
    """The same with the strict CuPy-shaped fake (kernels that reach data with NumPy fail)."""
    yield from _fake_cuda(True)


# ---- the cyclic collector: leave what lives all session out of its scans ---------------------
# After collection a worker holds about a million objects that live until it exits (torch,
# ember, the OpInfo database, the test items).  Every full collection walks them all (0.6-0.9 s
# apiece): the trim below, tests that check for leaks, Python's own generation-2 collections,
# and pytest's five at the end of the session.  Frozen, they are skipped.
@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


# ---- memory: give freed heap back after a test that grew the worker ---------------------------
# ember raises glibc's malloc thresholds so that freed arrays stay in the heap for reuse
# (``ember._backend.malloc_tuning``): right for a training loop, but over thousands of tests a
# worker would keep every large test's peak.  After a test that grew the process by
# ``_TRIM_STEP`` since the last trim, cyclic garbage is collected and glibc's free pages are
# returned.  After the last test of a file that grew it by ``_FILE_TRIM_STEP`` (its module
# fixtures are gone then; xdist runs the small files, with the end-to-end tests, last, when
# the worker is largest), only the pages are returned: about a millisecond, where a
# full collection walks the few hundred thousand objects made since the freeze (~0.15 s).
_TRIM_STEP = 32 << 20
_FILE_TRIM_STEP = 4 << 20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _glibc_malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):   # not glibc
        return None


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


_malloc_trim = _glibc_malloc_trim() if os.path.exists("/proc/self/statm") else None
_rss_after_trim = [0]


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _malloc_trim is None:
        return
    grown = _rss() - _rss_after_trim[0]
    if grown > _TRIM_STEP:
        gc.collect()
    elif grown <= _FILE_TRIM_STEP or (nextitem is not None and nextitem.path == item.path):
        return
    _malloc_trim(0)
    _rss_after_trim[0] = _rss()


# ---- an xdist worker keeps no report of a passing test ----------------------------------------
# The controller prints the run's results.  A worker's own terminal reporter prints nothing, but
# it still keeps every report it is shown (three per test, each with its keywords and sections):
# about 4 KB a test, 60 MB by the end of a worker's 15,000 tests.  Passing ones are dropped as
# soon as the terminal reporter has counted them; failures, skips and xfails stay.
_worker_stats = []


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if hasattr(config, "workerinput") and reporter is not None:
        _worker_stats.append(reporter.stats)
    if hasattr(config, "workerinput") and config.get_verbosity() <= 0 \
            and config.option.durations is None and not config.option.xmlpath:
        for plugin in config.pluginmanager.get_plugins():
            if type(plugin).__name__ == "WorkerInteractor":
                plugin.sendevent = functools.partial(_send_needed, plugin.sendevent)


# ---- ... nor sends what the controller would not show ------------------------------------------
# Per test a worker sends six messages (start, the setup / call / teardown reports, finish, done);
# unpacking and dispatching them is most of the controller's CPU (20 CPU-s for the 13,000 tests
# of the sweeps).  Without ``-v``, ``--durations`` or ``--junitxml``, the controller only counts
# a passing setup or teardown and prints nothing for a test's start: those are not sent.  A
# failing, skipped or output-carrying setup / teardown still is.
def _send_needed(send, name, **kwargs):
    if name == "logstart":
        return
    if name == "testreport":
        data = kwargs["data"]
        if data["when"] != "call" and data["outcome"] == "passed" and not data["sections"]:
            return
    send(name, **kwargs)


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report):
    if not (_worker_stats and report.passed):
        return
    for category in ("", "passed"):     # a passing setup / teardown, a passing call
        kept = _worker_stats[0].get(category)
        if kept and kept[-1] is report:
            kept.pop()
            return


# ---- the quick command in two parts, each with fresh workers ----------------------------------
# A worker keeps what every file it ran imported (torch._dynamo, sympy, numba, scipy, the OpInfo
# database, ...) and the items it collected, so by the end of the whole quick run each of the
# two holds ~1 GB.  ``--part sweeps`` collects only the files that sweep the op table or the
# OpInfo database (SWEEPS: most of the items, the database and its libraries), ``--part rest``
# every other file; run one after the other, neither part's workers carry the other's.
# Without ``--part``, every file, as before.  ``--part sweeps`` also takes the files that import
# what the sweeps' workers hold anyway: torch._dynamo and sympy (+50 MB on the other part's
# worker that ran the file, which ends at ~0.85 GB), and files that import no new library, to
# keep its second worker busy while the first runs ``test_oracle.py`` (a third of the part's
# CPU, one file: ``--dist loadfile``), and to take that time out of the longer second part.
# ``test_jit.py``'s ResNet-18 tests (+83 MB) took the other part's worker, at ~870 MB late in
# its run, to 956 MB; here they took the worker beside ``test_oracle.py``'s to 877 MB.
SWEEPS = frozenset({
    "test_oracle.py", "test_opinfo.py", "test_opinfo_complex.py", "test_opinfo_forward_ad.py",
    "test_opinfo_transforms.py", "test_forward_ad_oracle.py", "test_vmap_oracle.py",
    "test_pointwise.py", "test_registry_coverage.py"})
WITH_SWEEPS = frozenset({"test_compile_switches.py", "test_intra_op_threads.py",
                         "test_optim.py", "test_reduction.py", "test_jit.py"})
_TESTS = pathlib.Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption("--part", choices=("sweeps", "rest"), default=None,
                     help="collect only the op-table / OpInfo sweeps, or only the other files")


def pytest_ignore_collect(collection_path, config):
    if collection_path.parent != _TESTS or collection_path.suffix != ".py" \
            or not collection_path.name.startswith("test_"):
        return None
    if config.option.markexpr == "slow":
        return not _spells_slow(collection_path) or None
    part = config.getoption("part")
    if part is None:
        return None
    first = collection_path.name in SWEEPS or collection_path.name in WITH_SWEEPS
    return first != (part == "sweeps") or None


# ---- ``-m slow`` collects only the files that mark tests slow ---------------------------------
# Collecting every file for the ~190 slow tests cost each worker 180 MB (474 -> 294 MB after
# collection: the other files' modules, items and module-level imports), which the slow files'
# models then had to fit on top of.  A file with slow tests spells ``mark.slow``
# (``@pytest.mark.slow``, ``marks=pytest.mark.slow``, ``pytestmark = pytest.mark.slow``).  A run
# that deselects the slow tests (the quick tier) records the files of those that do not, and
# ``tests/test_suite_parts.py`` fails on any.
_SLOW = "mark.slow"
UNSPELLED_SLOW = set()


@functools.lru_cache(maxsize=None)
def _spells_slow(path):
    return _SLOW in path.read_text(encoding="utf-8")


def pytest_deselected(items):
    UNSPELLED_SLOW.update(item.path.name for item in items if item.path.parent == _TESTS
                          and item.get_closest_marker("slow") and not _spells_slow(item.path))
