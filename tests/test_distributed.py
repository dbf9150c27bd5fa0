"""ember.distributed, DDP and the launcher.  Multi-rank checks run 2-rank MPI jobs in
subprocesses (``tests/dist_scripts``) with timeouts; they skip without mpiexec / mpi4py."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.distributed as dist
from ember import nn

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "dist_scripts"


def _have_mpi():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return False
    return shutil.which("mpiexec") is not None


needs_mpi = pytest.mark.skipif(not _have_mpi(), reason="needs mpi4py and mpiexec "
                               "(pip install 'ember[distributed]')")


def _run(cmd, timeout=120):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("EMBER_FAKE_CUDA", None)
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def mpirun(script, *args, n=2, timeout=120):
    return _run(["mpiexec", "-n", str(n), sys.executable, str(SCRIPTS / script), *args],
                timeout)


def launch(script, *args, n=2, timeout=120):
    return _run([sys.executable, "-m", "ember.distributed.run", "--nproc-per-node", str(n),
                 str(SCRIPTS / script), *args], timeout)


def _ok(proc, marker):
    """Rank 0 prints ``marker`` and every rank that finished its checks."""
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert f"{marker} 0 1" in proc.stdout, out


# ---- multi-rank jobs -----------------------------------------------------------------------
@pytest.mark.slow
@needs_mpi
def test_collectives_match_numpy():
    _ok(mpirun("collectives.py"), "COLLECTIVES OK")


@pytest.mark.slow
@needs_mpi
def test_differentiable_collectives_match_a_simulation():
    """``torch.distributed.nn.functional``: values and gradients of the nine collectives."""
    _ok(mpirun("differentiable_collectives.py"), "DIFFCOLL OK")


@pytest.mark.slow
@needs_mpi
def test_join_with_uneven_inputs():
    """``Join``'s protocol on 2 ranks (also: dropped async work handles still complete)."""
    _ok(mpirun("join_uneven.py"), "JOIN OK")


@pytest.mark.slow
@needs_mpi
def test_zero_redundancy_optimizer_equals_one_optimizer():
    """``ZeroRedundancyOptimizer``: torch's partition, steps, consolidated state, reload."""
    _ok(mpirun("zero_optimizer.py"), "ZERO OK")


@pytest.mark.parametrize("make", ["tensor", "empty", "mixed", "dtypes", "no_params_key",
                                  "not_iterable"])
def test_zero_redundancy_optimizer_checks_params_as_torch(make):
    import importlib
    errors = []
    for lib in (torch, ember):
        zero = importlib.import_module(f"{lib.__name__}.distributed.optim").ZeroRedundancyOptimizer
        ps = {"tensor": lambda: lib.ones(2), "empty": lambda: [],
              "mixed": lambda: [lib.ones(2), {"params": [lib.ones(2)]}],
              "dtypes": lambda: [lib.ones(2), lib.ones(2, dtype=lib.float64)],
              "no_params_key": lambda: [{"lr": 0.1}], "not_iterable": lambda: 3}[make]()
        with pytest.raises((TypeError, ValueError)) as info:
            zero(ps, lib.optim.SGD, lr=0.1)
        errors.append((type(info.value), str(info.value)))
    assert errors[1] == errors[0]


@pytest.mark.slow
@needs_mpi
def test_ddp_matches_single_process_training():
    _ok(mpirun("ddp_train.py"), "DDP OK")


@pytest.mark.slow  # the launcher, two ranks, a training run (3 CPU-seconds)
@needs_mpi
def test_ddp_under_launcher_with_env_init():
    _ok(launch("ddp_train.py", "--env"), "DDP OK")


@pytest.mark.slow  # the launcher, two ranks, each imports torch
@needs_mpi
def test_launcher_sets_torch_variables():
    proc = launch("launcher_env.py", "a", "--b")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for k in range(2):
        assert f"ENV rank={k} world=2 argv=['a', '--b']" in proc.stdout


@pytest.mark.slow
@needs_mpi
@pytest.mark.parametrize("runner", [mpirun, launch])
def test_crashing_rank_ends_job_with_traceback(runner):
    start = time.monotonic()
    proc = runner("crash.py", timeout=60)
    assert time.monotonic() - start < 30
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "Traceback" in out and "ValueError: rank 1 fails on purpose" in out


@pytest.mark.slow
@needs_mpi
def test_distributed_sampler_uses_process_group():
    proc = mpirun("sampler.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = re.findall(r"SAMPLER rank=(\d) n=(\d+) drop_last=(\w+) (\[.*\])", proc.stdout)
    assert len(lines) == 6
    for rank, n, drop_last, got in lines:
        ref = torch.utils.data.DistributedSampler(range(int(n)), num_replicas=2, rank=int(rank),
                                                  shuffle=False, drop_last=drop_last == "True")
        assert eval(got) == list(ref)


# ---- single process --------------------------------------------------------------------------
@pytest.mark.slow
def test_import_is_cheap():
    code = "import sys, ember.distributed, ember.nn.parallel; print('mpi4py' in sys.modules)"
    assert _run([sys.executable, "-c", code]).stdout.strip() == "False"


@pytest.mark.parametrize("fn", ["get_rank", "get_world_size", "barrier"])
def test_uninitialized_errors_match_torch(fn):
    with pytest.raises(ValueError) as theirs:
        getattr(torch.distributed, fn)()
    with pytest.raises(ValueError) as ours:
        getattr(dist, fn)()
    assert str(ours.value) == str(theirs.value)
    assert not dist.is_initialized() and dist.is_available()


def test_sampler_without_group_raises_like_torch():
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DistributedSampler(range(4))
    with pytest.raises(ValueError) as ours:
        ember.utils.data.DistributedSampler(range(4))
    assert str(ours.value) == str(theirs.value)


def test_bad_arguments():
    with pytest.raises(AssertionError, match="Unknown backend type foo"):
        dist.init_process_group("foo")
    with pytest.raises(ValueError, match="env://"):
        dist.init_process_group("gloo", init_method="tcp://127.0.0.1:1234")
    assert not dist.is_initialized()


def test_nccl_without_gpu_is_a_clear_error():
    if dist.is_nccl_available():
        pytest.skip("a GPU with NCCL is present")
    with pytest.raises(RuntimeError, match="ProcessGroupNCCL is only supported with GPUs"):
        dist.init_process_group("nccl")


def test_reduce_op_members():
    assert {m.name for m in dist.ReduceOp.RedOpType} >= {"SUM", "AVG", "MAX", "MIN", "PRODUCT"}
    assert dist.ReduceOp.SUM == dist.ReduceOp.RedOpType.SUM


def test_data_parallel_is_thin_wrapper():
    ember.manual_seed(0)
    inner = nn.Linear(4, 3)
    dp = nn.DataParallel(inner)
    assert dp.module is inner
    x = ember.randn(5, 4)
    np.testing.assert_array_equal(dp(x).detach().numpy(), inner(x).detach().numpy())
    theirs = torch.nn.DataParallel(torch.nn.Linear(4, 3)).state_dict()
    assert list(dp.state_dict()) == list(theirs)


def test_model_parallel_example_matches_single_device():
    from ember._backend import enable_fake_cuda, fake_cuda_enabled
    from ember.examples import model_parallel
    was = fake_cuda_enabled()
    enable_fake_cuda(True)
    try:
        split = model_parallel.train("cuda:0", "cuda:1", steps=10)
    finally:
        enable_fake_cuda(was)
    single = model_parallel.train("cpu", "cpu", steps=10)
    np.testing.assert_allclose(split, single, rtol=1e-6)
    assert split[-1] < split[0]


def test_data_parallel_splits_batch_over_visible_devices():
    """With two (fake) CUDA devices the batch is scattered, run on replicas and gathered; the
    output and the wrapped module's gradients equal a single-device run."""
    from ember import _backend
    prev = _backend.fake_cuda_enabled()
    _backend.enable_fake_cuda(True)
    try:
        ember.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to("cuda:0")
        ref = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to("cuda:0")
        ref.load_state_dict(model.state_dict())
        x = ember.randn(10, 4, device="cuda:0")
        dp = nn.DataParallel(model)
        assert dp.device_ids == [0, 1] and dp.output_device == 0
        y = dp(x)
        y.sum().backward()
        ref(x).sum().backward()
        assert y.device == ember.device("cuda:0") and y.shape == (10, 3)
        np.testing.assert_allclose(y.detach().cpu().numpy(),
                                   ref(x).detach().cpu().numpy(), rtol=1e-6)
        for p, q in zip(model.parameters(), ref.parameters()):
            np.testing.assert_allclose(p.grad.cpu().numpy(), q.grad.cpu().numpy(), rtol=1e-5)
    finally:
        _backend.enable_fake_cuda(prev)


# ---- failing ranks: reported within seconds, with rank and exit status --------------------
@needs_mpi
@pytest.mark.slow
@pytest.mark.parametrize("how, expect", [
    ("os_exit", r"rank 1 \(pid \d+\) exited with code 3 without Python's shutdown"),
    ("sigkill", r"rank 1 \(pid \d+\) was killed by signal 9"),
    ("sys_exit", r"rank 1 \(pid \d+\) called sys.exit\(4\): aborting the job"),
    ("hang", r"RuntimeError: Work timed out after 2.0 seconds"),
])
def test_failing_rank_is_reported_within_seconds(how, expect):
    start = time.monotonic()
    proc = _run([sys.executable, "-m", "ember.distributed.run", "--nproc-per-node", "2",
                 "--timeout", "2", str(SCRIPTS / "failures.py"), how], timeout=60)
    out = proc.stdout + proc.stderr
    assert time.monotonic() - start < 30, out
    assert proc.returncode != 0 and "rank 0 was not stopped" not in out, out
    assert re.search(expect, out), out


def test_launcher_timeout_option_sets_default_group_timeout(monkeypatch):
    from ember.distributed import run
    args = run._parser().parse_args(["--timeout", "90", "x.py"])
    assert args.timeout == 90.0
    assert "1800" in run._parser().format_help()
    monkeypatch.setenv("EMBER_DIST_TIMEOUT", "90")
    assert dist._default_timeout().total_seconds() == 90
    monkeypatch.delenv("EMBER_DIST_TIMEOUT")
    assert dist._default_timeout() == dist.default_pg_timeout == \
        torch.distributed.default_pg_timeout


def _default(field):
    """A dataclass field's default, classes by name (a factory's value counts as default)."""
    import dataclasses
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return "required"
    return tuple(c.__name__ for c in value) if isinstance(value, tuple) else repr(value)


def test_fsdp_configuration_types_are_torchs():
    """The FSDP names libraries import: the same enums and dataclasses (fields, defaults);
    no Ember module is an FSDP module, and sharding one is refused."""
    import dataclasses
    import importlib
    got = []
    for lib in (torch, ember):
        fsdp = importlib.import_module(f"{lib.__name__}.distributed.fsdp")
        row = {}
        for name in sorted(fsdp.__all__):
            obj = getattr(fsdp, name)
            if isinstance(obj, type) and issubclass(obj, __import__("enum").Enum):
                row[name] = [(m.name, m.value) for m in obj]
            elif dataclasses.is_dataclass(obj):
                row[name] = [(f.name, _default(f)) for f in dataclasses.fields(obj)]
            else:
                row[name] = "callable" if callable(obj) else type(obj).__name__
        got.append(row)
        assert not isinstance(lib.nn.Linear(2, 2), fsdp.FSDPModule)
        assert fsdp.MixedPrecisionPolicy(param_dtype=lib.bfloat16).cast_forward_inputs
    assert got[1] == got[0]
    with pytest.raises(ember.UnsupportedError):
        ember.distributed.fsdp.fully_shard(ember.nn.Linear(2, 2))


def test_dtensor_experimental_and_dataloader_annotations():
    import importlib
    for lib in (torch, ember):
        exp = importlib.import_module(f"{lib.__name__}.distributed._tensor.experimental")
        with exp.implicit_replication():          # no DTensor in the block: nothing changes
            assert lib.ones(2).sum().item() == 2
        dl = importlib.import_module(f"{lib.__name__}.utils.data.dataloader")
        assert str(dl._collate_fn_t).startswith("collections.abc.Callable[[list[~_T]]")
        assert str(dl._worker_init_fn_t) == "collections.abc.Callable[[int], None]"


def test_backend_names_as_torch():
    got = []
    for lib in (torch, ember):
        B = lib.distributed.Backend
        row = [B(n) for n in ("gloo", "GLOO", "Nccl", "mpi", "undefined", "UNDEFINED", "foo")]
        # (registering a backend, as torch's testing utilities do, adds entries to these
        # maps in torch's process: the built-in ones are compared)
        row += [type(B("gloo")).__name__, B.NCCL, B.backend_list[:7],
                {k: B.default_device_backend_map[k] for k in ("cpu", "cuda", "xpu", "mps")},
                {k: B.backend_capability[k] for k in ("gloo", "nccl", "xccl", "ucc", "mpi")}]
        with pytest.raises(ValueError) as info:
            B(3)
        got.append((row, str(info.value)))
    assert got[1] == got[0]
