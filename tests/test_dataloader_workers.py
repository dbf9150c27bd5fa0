"""DataLoader with worker processes: same batches as in-process loading (and as torch), worker
seeding and sharding, error reporting, timeouts and clean shutdown."""
import gc
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils import data as ed

# Datasets live at module level so that "spawn" workers can unpickle them.


class Rows(ed.Dataset):
    """Row i of a fixed float32 matrix, its label, and a string."""

    def __init__(self, n=37, d=300):
        self.x = np.arange(n * d, dtype=np.float32).reshape(n, d)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return ember.from_numpy(self.x[i].copy()), int(i) % 7, f"s{i}"


class Failing(ed.Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 5:
            raise ValueError("five is not allowed")
        if i == 6:
            raise KeyError("missing")
        return i


class SelfKilling(Failing):
    def __getitem__(self, i):
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Slow(Failing):
    def __getitem__(self, i):
        time.sleep(3 if i == 2 else 0)
        return i


class Sharded(ed.IterableDataset):
    """0..n-1, each worker yielding its own stride."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = ed.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


class Unsharded(Sharded):
    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class Seeds(ed.Dataset):
    """What each worker's RNGs produce."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = ed.get_worker_info()
        return (info.id, info.seed, random.random(), float(np.random.rand()),
                float(ember.rand(1).item()))


class BigArrays(ed.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        return {"img": np.full((64, 64), i, np.float64), "t": ember.full((50, 50), float(i))}


def _init_marks_worker(worker_id):
    np.random.seed(1000 + worker_id)


def _to_lists(batches):
    out = []
    for b in batches:
        out.append([x.tolist() if hasattr(x, "tolist") else x for x in b])
    return out


def _children():
    return [p for p in multiprocessing.active_children() if p.daemon]


@pytest.fixture(autouse=True)
def no_leftover_workers():
    before = set(p.pid for p in _children())
    yield
    gc.collect()
    left = [p for p in _children() if p.pid not in before]
    assert not left, left


# ---- same batches as in-process loading and as torch -------------------------------------------
@pytest.mark.parametrize("kw", [dict(batch_size=5), dict(batch_size=5, drop_last=True),
                                dict(batch_size=None), dict(batch_size=4, prefetch_factor=1),
                                dict(batch_size=3, sampler=[3, 1, 4, 1, 5, 9, 2, 6])])
def test_workers_match_single_process(kw):
    single = _to_lists(ed.DataLoader(Rows(), **{k: v for k, v in kw.items()
                                                if k != "prefetch_factor"}))
    multi = _to_lists(ed.DataLoader(Rows(), num_workers=2, **kw))
    assert multi == single


def test_workers_match_torch(torch):
    class TorchRows(torch.utils.data.Dataset):
        def __init__(self):
            self.x = Rows().x

        def __len__(self):
            return len(self.x)

        def __getitem__(self, i):
            return torch.from_numpy(self.x[i].copy()), int(i) % 7, f"s{i}"
    theirs = _to_lists(torch.utils.data.DataLoader(TorchRows(), batch_size=6))
    ours = ed.DataLoader(Rows(), batch_size=6, num_workers=2)
    batches = list(ours)
    assert _to_lists(batches) == theirs
    assert str(batches[0][0].dtype) == "torch.float32" and str(batches[0][1].dtype) == \
        "torch.int64"


def test_shared_memory_batches_are_writable_tensors():
    batches = list(ed.DataLoader(BigArrays(), batch_size=4, num_workers=2))
    img, t = batches[1]["img"], batches[1]["t"]
    assert isinstance(img, ember.Tensor) and img.dtype == ember.float64
    assert tuple(t.shape) == (4, 50, 50) and t[0, 0, 0].item() == 4.0
    t.add_(1)
    assert t[3, 0, 0].item() == 8.0
    from ember.utils.data import _shm
    assert not [f for f in os.listdir(_shm.SHM_DIR) if f.startswith(f"ember_dl_{os.getpid()}_")]


@pytest.mark.slow  # spawned workers each start an interpreter
def test_spawn_start_method():
    loader = ed.DataLoader(Rows(n=9), batch_size=4, num_workers=2,
                           multiprocessing_context="spawn")
    assert _to_lists(loader) == _to_lists(ed.DataLoader(Rows(n=9), batch_size=4))


def test_in_order_false_yields_everything():
    loader = ed.DataLoader(Slow(), batch_size=2, num_workers=2, in_order=False)
    got = sorted(x for b in loader for x in b.tolist())
    assert got == list(range(10))


# ---- seeding, worker info, iterable sharding ---------------------------------------------------
def test_worker_seeding():
    loader = ed.DataLoader(Seeds(), batch_size=None, num_workers=2,
                           generator=ember.Generator().manual_seed(7))
    rows = [tuple(v.item() if hasattr(v, "item") else v for v in r) for r in loader]
    ids = [r[0] for r in rows]
    assert ids == [0, 1, 0, 1]
    base = rows[0][1]
    assert rows[1][1] == base + 1
    assert len({r[2] for r in rows}) == 4 and len({r[3] for r in rows}) == 4
    again = ed.DataLoader(Seeds(), batch_size=None, num_workers=2,
                          generator=ember.Generator().manual_seed(7))
    assert [tuple(v.item() if hasattr(v, "item") else v for v in r) for r in again] == rows
    random.seed(rows[0][1])
    assert random.random() == rows[0][2]


def test_worker_init_fn():
    loader = ed.DataLoader(Seeds(), batch_size=None, num_workers=2,
                           worker_init_fn=_init_marks_worker)
    first = [r[3] for r in loader]
    np.random.seed(1000)
    assert first[0] == np.random.rand()


def test_iterable_sharding_with_workers(torch):
    ours = [b.tolist() for b in ed.DataLoader(Sharded(20), batch_size=4, num_workers=2)]

    class TSharded(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            return iter(range(info.id, 20, info.num_workers))
    theirs = [b.tolist() for b in torch.utils.data.DataLoader(TSharded(), batch_size=4,
                                                               num_workers=2)]
    assert ours == theirs


def test_iterable_duplicate_warning_with_workers():
    loader = ed.DataLoader(Unsharded(3), num_workers=2)
    assert len(loader) == 3
    with pytest.warns(UserWarning, match="For multiprocessing data-loading, this could be "
                                         "caused by not properly configuring"):
        assert len(list(loader)) == 6


def test_persistent_workers_reuse_processes():
    loader = ed.DataLoader(Rows(n=10), batch_size=3, num_workers=2, persistent_workers=True)
    first = _to_lists(loader)
    pids = [w.pid for w in loader._iterator._workers]
    assert _to_lists(loader) == first
    assert [w.pid for w in loader._iterator._workers] == pids
    workers = list(loader._iterator._workers)
    del loader
    gc.collect()
    assert not any(w.is_alive() for w in workers)


def test_persistent_iterable_restarts_each_epoch():
    loader = ed.DataLoader(Sharded(6), batch_size=2, num_workers=2, persistent_workers=True)
    first = [b.tolist() for b in loader]
    assert [b.tolist() for b in loader] == first
    loader._iterator._shutdown_workers()


# ---- failures -------------------------------------------------------------------------------
def test_worker_exception_is_reraised_with_traceback():
    it = iter(ed.DataLoader(Failing(), num_workers=2))
    assert [next(it).item() for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError) as err:
        next(it)
    text = str(err.value)
    assert text.startswith("Caught ValueError in DataLoader worker process 1.\n"
                           "Original Traceback (most recent call last):\n")
    assert "five is not allowed" in text and "__getitem__" in text
    with pytest.raises(KeyError) as err:    # the iterator goes on after an error
        next(it)
    assert "Caught KeyError in DataLoader worker process 0." in str(err.value)
    assert [x.item() for x in it] == [7, 8, 9]


def test_killed_worker_raises_promptly():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid \d+\) is killed by "
                                           r"signal: Killed\."):
        list(ed.DataLoader(SelfKilling(), num_workers=2))
    assert time.monotonic() - start < 10


def test_timeout():
    loader = ed.DataLoader(Slow(), num_workers=1, timeout=0.5)
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.5 seconds"):
        list(loader)


def test_break_shuts_workers_down():
    loader = ed.DataLoader(Rows(), batch_size=2, num_workers=2)
    it = iter(loader)
    next(it)
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    assert not any(w.is_alive() for w in workers)
    for batch in loader:
        break


def test_exhausted_iterator_stops_workers():
    it = iter(ed.DataLoader(Rows(n=6), batch_size=3, num_workers=2))
    assert len(list(it)) == 2
    assert not any(w.is_alive() for w in it._workers)


def _unpicklable_batch(batch):
    return lambda: batch


def test_unpicklable_batch_becomes_an_error():
    loader = ed.DataLoader(Failing(), batch_size=2, num_workers=1,
                           collate_fn=_unpicklable_batch)
    with pytest.raises(Exception, match="in DataLoader worker process 0"):
        next(iter(loader))


@pytest.mark.slow
def test_interpreter_exit_with_live_iterator():
    import subprocess
    import sys
    script = ("from ember.utils.data import DataLoader\n"
              "it = iter(DataLoader(list(range(100)), batch_size=2, num_workers=2))\n"
              "next(it)\n"
              "print(*(w.pid for w in it._workers))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert done.returncode == 0, done.stderr
    for pid in map(int, done.stdout.split()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
