"""Failure behaviour beyond PyTorch's (docs/reliability.md): CRC-checked loads, saves that
leave no debris, DataLoader workers that die with their parent.  Distributed failures are in
test_distributed.py, the checkpoint fuzzer in test_checkpoint_fuzz.py."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.serialization import _files
from ember.serialization.__main__ import main as serialization_cli

ROOT = Path(__file__).resolve().parents[1]


def _gone(pid):
    """Whether ``pid`` has exited (a zombie waiting for a reaper counts as exited)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


def _wait_for(cond, seconds):
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# ---- DataLoader workers die with their parent ------------------------------------------------
_HANGING_PARENT = """
import os, sys, threading, time
from {lib}.utils.data import DataLoader, Dataset

class Hang(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        open(os.path.join(sys.argv[1], str(os.getpid())), "w").close()
        time.sleep(600)

def main():
    for _ in DataLoader(Hang(), num_workers=1, persistent_workers={persistent}):
        pass

if {in_thread}:
    t = threading.Thread(target=main)
    t.start()
    t.join()
else:
    main()
"""


def hanging_worker_outlives_parent(tmp_path, lib="ember", persistent=False, in_thread=False):
    """SIGKILL a parent whose DataLoader worker hangs in ``__getitem__``; whether the worker
    is still running a few seconds later (it is then killed here)."""
    code = _HANGING_PARENT.format(lib=lib, persistent=persistent, in_thread=in_thread)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], env=env)
    try:
        assert _wait_for(lambda: any(tmp_path.iterdir()), 60), "the worker never started"
        worker = int(next(tmp_path.iterdir()).name)
    finally:
        parent.kill()
        parent.wait()
    survived = not _wait_for(lambda: _gone(worker), 5)
    if survived:
        os.kill(worker, signal.SIGKILL)
    return survived


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process semantics")
@pytest.mark.parametrize("persistent, in_thread", [(False, False), (True, False), (False, True)],
                         ids=["pdeathsig", "persistent", "polling-fallback"])
def test_worker_dies_with_killed_parent(tmp_path, persistent, in_thread):
    # in_thread: the loader is started by a non-main thread, where the kernel's parent-death
    # signal would fire when that thread ends: the polling fallback must do the job
    assert not hanging_worker_outlives_parent(tmp_path, persistent=persistent,
                                              in_thread=in_thread)


# ---- CRC-checked loads -------------------------------------------------------------------------
WEIGHT = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)


def _state(lib):
    return {"model": {"layer.weight": lib.tensor(WEIGHT), "layer.bias": lib.zeros(3).double()},
            "steps": [lib.arange(5)], "epoch": 7}


def _data_start(raw, record):
    """Offset of ``record``'s first data byte in the zip file bytes ``raw``."""
    import io
    import struct
    import zipfile
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo(record)
    n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    return info.header_offset + 30 + n + m


def _flip_weight_byte(path):
    """Flip one byte of ``model.layer.weight`` (storage key '0') in place; the record name."""
    raw = bytearray(path.read_bytes())
    record = next(n for n in __import__("zipfile").ZipFile(path).namelist()
                  if n.endswith("/data/0"))
    raw[_data_start(raw, record) + 3] ^= 0x40
    path.write_bytes(raw)
    return record


@pytest.fixture(params=["ember", "torch"])
def damaged(request, tmp_path):
    """A checkpoint written by ember or torch with one byte of ``model.layer.weight``
    flipped; (path, record name)."""
    torch = pytest.importorskip("torch")
    lib = ember if request.param == "ember" else torch
    path = tmp_path / "ckpt.pt"
    lib.save(_state(lib), path)
    return path, _flip_weight_byte(path)


def test_flipped_byte_in_tensor_data_is_an_error(damaged):
    path, record = damaged
    with pytest.raises(RuntimeError) as e:
        ember.load(path)
    msg = str(e.value)
    assert f"record '{record}' is damaged: CRC-32 mismatch" in msg
    assert "'model.layer.weight'" in msg and "bias" not in msg


def test_torch_loads_the_flipped_byte_silently(damaged):
    """What docs/reliability.md states about PyTorch (the probe this issue started from)."""
    torch = pytest.importorskip("torch")
    path, _ = damaged
    got = torch.load(path)["model"]["layer.weight"]
    assert not np.array_equal(got.numpy(), WEIGHT)


def test_damaged_whole_module_names_the_parameter(tmp_path):
    path = tmp_path / "model.pt"
    ember.save(ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU()), path)
    record = _flip_weight_byte(path)
    with pytest.raises(RuntimeError, match=f"record '{record}' is damaged.*tensor '0.weight'"):
        ember.load(path, weights_only=False)


def test_mmap_loads_verify_on_request(damaged):
    path, record = damaged
    ember.load(path, mmap=True)                 # lazy: tensor pages are not read up front
    with pytest.raises(RuntimeError, match="CRC-32 mismatch.*'model.layer.weight'"):
        ember.load(path, mmap=True, verify=True)
    assert ember.load(path, verify=False)["epoch"] == 7


def test_intact_checkpoints_pass_verification(tmp_path):
    torch = pytest.importorskip("torch")
    for lib in (ember, torch):
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save(_state(lib), path)
        for mmap in (False, True):
            got = ember.load(path, mmap=mmap, verify=True)
            np.testing.assert_array_equal(got["model"]["layer.weight"].numpy(), WEIGHT)


def test_large_records_are_checked_in_pipelined_chunks(tmp_path, monkeypatch):
    from ember.serialization import _zipfmt
    monkeypatch.setattr(_zipfmt, "_CHUNK", 1 << 12)
    path = tmp_path / "big.pt"
    big = ember.arange(10_000, dtype=ember.float32)
    ember.save({"big": big}, path)
    assert ember.load(path)["big"].tolist() == big.tolist()
    raw = bytearray(path.read_bytes())
    raw[_data_start(raw, "archive/data/0") + 39_000] ^= 1        # in the last chunk
    path.write_bytes(raw)
    with pytest.raises(RuntimeError, match="'big'"):
        ember.load(path)


# ---- verify / inspect command ----------------------------------------------------------------
def test_verify_command(tmp_path, damaged, capsys):
    path, record = damaged
    good = tmp_path / "good.pt"
    ember.save(_state(ember), good)
    assert serialization_cli(["verify", str(good)]) == 0
    assert capsys.readouterr().out.startswith(f"{good}: OK (zip checkpoint")
    assert serialization_cli(["verify", str(good), str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: DAMAGED" in out
    assert f"{record}: CRC-32 mismatch" in out and "tensors model.layer.weight" in out
    assert serialization_cli(["verify", str(tmp_path / "missing.pt")]) == 2


def test_verify_and_inspect_never_run_pickled_code(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    path = tmp_path / "module.pt"
    torch.save(torch.nn.Linear(3, 2), path)
    assert serialization_cli(["verify", str(path)]) == 0      # intact, though not listable
    assert serialization_cli(["inspect", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count("its pickle needs weights_only=False") == 2
    assert "torch.nn.modules.linear.Linear" in out


@pytest.mark.parametrize("legacy", [False, True])
def test_inspect_lists_tensors_without_loading_them(tmp_path, capsys, monkeypatch, legacy):
    path = tmp_path / "ckpt.pt"
    ember.save(_state(ember), path, _use_new_zipfile_serialization=not legacy)
    if not legacy:      # zip files are mapped: no tensor data is read
        from ember.serialization import _zipfmt
        monkeypatch.setattr(_zipfmt, "read_checked", None)
    assert serialization_cli(["inspect", str(path)]) == 0
    rows = [line.split(None, 2) for line in capsys.readouterr().out.splitlines()[1:-1]]
    assert rows == [["model.layer.weight", "torch.float32", "[3, 4]"],
                    ["model.layer.bias", "torch.float64", "[3]"],
                    ["steps[0]", "torch.int64", "[5]"]]


@pytest.mark.slow
def test_command_line_entry_point(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save(_state(ember), path)
    _flip_weight_byte(path)
    proc = subprocess.run([sys.executable, "-m", "ember.serialization", "verify", str(path)],
                          capture_output=True, text=True, env=dict(os.environ,
                                                                   PYTHONPATH=str(ROOT)))
    assert proc.returncode == 1 and "DAMAGED" in proc.stdout


# ---- saves leave no debris --------------------------------------------------------------------
def test_interrupted_save_removes_its_temporary(tmp_path, monkeypatch):
    from ember.serialization import _zipfmt

    def interrupted(fp, *args):
        fp.write(b"partial")
        raise KeyboardInterrupt
    monkeypatch.setattr(_zipfmt, "write_archive", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ember.save({"v": ember.ones(3)}, tmp_path / "ckpt.pt")
    assert os.listdir(tmp_path) == []


def test_rename_is_made_durable(tmp_path, monkeypatch):
    import stat
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_mode), real(fd)))
    ember.save({"v": ember.ones(3)}, tmp_path / "ckpt.pt")
    assert [stat.S_ISDIR(m) for m in synced] == [False, True]    # the file, then its folder


_KILLED_SAVER = """
import sys, time
from ember.serialization import _files
with _files.open_write(sys.argv[1]) as fp:
    fp.write(b"x" * 100_000)
    fp.flush()
    print("writing", flush=True)
    time.sleep(600)
"""


def _start_savers(*paths):
    """Processes stuck in the middle of a save to each of ``paths``; [(process, temporary)]."""
    procs = [subprocess.Popen([sys.executable, "-c", _KILLED_SAVER, str(path)],
                              stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT))) for path in paths]
    out = []
    for proc, path in zip(procs, paths):
        assert proc.stdout.readline() == "writing\n"
        out.append((proc, path.parent / next(n for n in os.listdir(path.parent)
                                             if f".{proc.pid}." in n)))
    return out


def _age(path, seconds=2 * _files.STALE_SECONDS):
    t = time.time() - seconds
    os.utime(path, (t, t))


@pytest.mark.slow
def test_next_save_removes_temporaries_of_killed_saves(tmp_path):
    path = tmp_path / "ckpt.pt"
    (live, live_tmp), (killed, killed_tmp), (other, other_tmp) = _start_savers(
        path, path, tmp_path / "other.pt")
    try:
        for p in (killed, other):
            p.kill()
            p.wait()
        ember.save({"v": ember.ones(3)}, path)
        assert killed_tmp.exists()              # too recent to be judged stale
        for tmp in (live_tmp, killed_tmp, other_tmp):
            _age(tmp)
        ember.save({"v": ember.ones(3)}, path)
        assert not killed_tmp.exists()
        assert live_tmp.exists()                # a live saver's file is never touched
        assert other_tmp.exists()               # nor another target's
        assert ember.load(path)["v"].tolist() == [1.0] * 3
    finally:
        live.kill()
        live.wait()


def test_locked_temporary_is_kept(tmp_path):
    """A dead pid is not enough: a temporary someone holds a lock on (a saver in another pid
    namespace sharing the folder) stays."""
    import fcntl
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    tmp = tmp_path / f".ckpt.pt.{dead.pid}.abc123.tmp"
    tmp.write_bytes(b"partial")
    _age(tmp)
    with open(tmp, "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        ember.save({"v": ember.ones(3)}, tmp_path / "ckpt.pt")
        assert tmp.exists()
    ember.save({"v": ember.ones(3)}, tmp_path / "ckpt.pt")
    assert not tmp.exists()


def test_crc_overhead_benchmark_runs(capsys):
    from benchmarks import checkpoint
    checkpoint.main(["--mb", "1", "--rounds", "1"])
    assert "CRC cost" in capsys.readouterr().out
