"""The multi-process DataLoader iterator.

The main process keeps ``prefetch_factor * num_workers`` tasks in flight, handing them to the
live workers round-robin through one index queue per worker.  Results come back on one shared
queue, possibly out of order, and are re-assembled by task number.  While it waits, the main
process checks every ``POLL_SECONDS`` that its workers are alive, so a crashed worker is
reported instead of hanging.  Workers are shut down at the end of an epoch (unless persistent),
when the iterator is deleted, and at interpreter exit.
"""
import atexit
import itertools
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref

from ... import _errors
from . import _shm
from ._worker import (ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration,
                      decode, worker_loop)
from .dataloader import _BaseDataLoaderIter

POLL_SECONDS = 0.1
JOIN_SECONDS = 5.0
_live = weakref.WeakSet()
_uid = itertools.count()


@atexit.register
def _shutdown_all():
    for it in list(_live):
        it._shutdown_workers()


def _death_error(worker):
    code = worker.exitcode
    if code is not None and code < 0:
        try:
            name = signal.strsignal(-code) or f"signal {-code}"
        except ValueError:
            name = f"signal {-code}"
        return _errors.data_worker_killed(worker.pid, name)
    return _errors.data_worker_exit_code(worker.pid, code)


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        ctx = loader.multiprocessing_context or multiprocessing
        self._shm_prefix = os.path.join(_shm.SHM_DIR,
                                        f"ember_dl_{os.getpid()}_{next(_uid)}_")
        self._data_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._workers, self._index_queues = [], []
        self._shutdown = False
        _live.add(self)
        for i in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(target=worker_loop, daemon=True, args=(
                self._is_iterable, self._dataset, index_queue, self._data_queue,
                self._done_event, self._auto_collation, self._collate_fn, self._drop_last,
                self._base_seed, loader.worker_init_fn, i, self._num_workers,
                self._shm_prefix, threading.current_thread() is threading.main_thread()))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._reset(loader, first_iter=True)

    # ---- epoch bookkeeping ----------------------------------------------------------------
    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0          # next task number to hand out
        self._rcvd_idx = 0          # next task number to yield
        self._task_info = {}        # task -> (worker,) while pending, (worker, data) once back
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for q in self._index_queues:
                q.put(_ResumeIteration())
            waiting = self._num_workers
            while waiting:
                idx, _ = self._get_data()
                if isinstance(idx, _ResumeIteration):
                    waiting -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker = next(self._worker_cycle)
            if self._workers_status[worker]:
                break
        else:
            return
        self._index_queues[worker].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    # ---- receiving ----------------------------------------------------------------------------
    def _check_workers(self):
        for i, w in enumerate(self._workers):
            if self._workers_status[i] and not w.is_alive():
                self._shutdown_workers()
                raise _death_error(w)

    def _get_data(self):
        """The next ``(task, data)`` from any worker, decoding its shared-memory arrays."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            try:
                idx, payload = self._data_queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                self._check_workers()
                if deadline is not None and time.monotonic() >= deadline:
                    raise _errors.data_timeout(self._timeout)
                continue
            return idx, (payload if payload is None else decode(payload))

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if isinstance(data, _IterableDatasetStopIteration):
                self._retire(data.worker_id)
                self._try_put_index()
            elif idx == self._rcvd_idx:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process(data)
            elif not self._in_order:
                del self._task_info[idx]
                return self._process(data)
            else:
                self._task_info[idx] += (data,)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _retire(self, worker):
        """An IterableDataset worker ran dry: send it no more tasks (and stop it, unless it
        must survive until the next epoch)."""
        self._workers_status[worker] = False
        if not self._persistent_workers:
            self._index_queues[worker].put(None)

    # ---- shutdown -----------------------------------------------------------------------------
    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        _live.discard(self)
        try:
            self._done_event.set()
            for q in self._index_queues:
                q.put(None)
            for w in self._workers:
                w.join(timeout=JOIN_SECONDS)
                if w.is_alive():
                    w.terminate()
                    w.join()
            for q in self._index_queues:
                q.close()
            self._data_queue.cancel_join_thread()
            self._data_queue.close()
        finally:
            _shm.remove_leftovers(self._shm_prefix)

    def __del__(self):
        if getattr(self, "_workers", None) is not None:
            self._shutdown_workers()
