"""What runs inside a DataLoader worker process, and the messages it exchanges with the main
process.

Protocol: the main process puts ``(task_idx, index)`` on the worker's own index queue, ``None``
to stop it, or a ``_ResumeIteration`` to restart an IterableDataset for a new epoch (persistent
workers).  The worker answers on the shared result queue with ``(task_idx, payload)`` where the
payload is the pickled batch (large arrays moved to shared memory), an ``ExceptionWrapper`` or an
``_IterableDatasetStopIteration``.
"""
import dataclasses
import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

from ... import _errors
from ..._parent_death import die_with_parent
from ..._ops.random import manual_seed
from . import _shm
from ._fetch import make_fetcher

POLL_SECONDS = 1.0      # how often an idle worker checks that the main process still exists

_worker_info = None


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """Describes the current worker: ``id``, ``num_workers``, its ``seed`` and its own copy of
    the ``dataset``."""
    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "multiprocessing"


def get_worker_info():
    """The ``WorkerInfo`` of this DataLoader worker process; ``None`` in the main process."""
    return _worker_info


class _KeyErrorMessage(str):
    """KeyError shows ``repr`` of its argument; this keeps the multi-line text readable."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process as its type and the
    formatted traceback, and raised there again."""

    def __init__(self, exc_info=None, where="in background"):
        exc_type, exc, tb = exc_info or sys.exc_info()
        try:
            pickle.dumps(exc_type)
        except Exception:       # a type defined in a closure cannot travel; keep its text
            exc_type = RuntimeError
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(type(exc), exc, tb))
        self.where = where

    def reraise(self):
        msg = _errors.data_worker_caught(self.exc_type.__name__, self.where, self.exc_msg)
        if self.exc_type is KeyError:
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


@dataclasses.dataclass(frozen=True)
class _IterableDatasetStopIteration:
    worker_id: int


class _ResumeIteration:
    """Tells a persistent worker that a new epoch begins."""


def _seed_everything(base_seed, worker_id):
    """Seed ``random``, Ember and NumPy's legacy global RNG differently in every worker."""
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(_generate_state(base_seed, worker_id))
    return seed


def _generate_state(base_seed, worker_id):
    """The four 32-bit words NumPy's global RNG is seeded with in a worker: NumPy's
    SeedSequence of ``[worker_id, base_seed]``, the words torch's workers use."""
    return np.random.SeedSequence([worker_id, base_seed]).generate_state(4).tolist()


def _encode(data, writer, where):
    """The payload to send: pickled bytes, so that a batch that cannot be pickled turns into an
    error here instead of vanishing in the queue's feeder thread."""
    try:
        return pickle.dumps(writer.pack(data), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return pickle.dumps(ExceptionWrapper(where=where))


def decode(payload):
    return _shm.unpack(pickle.loads(payload))


def worker_loop(iterable, dataset, index_queue, data_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, shm_prefix,
                forked_by_main_thread=False):
    """Main function of a worker process."""
    global _worker_info
    try:
        parent = os.getppid()
        die_with_parent(parent, forked_by_main_thread)
        seed = _seed_everything(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        writer = _shm.Writer(f"{shm_prefix}{worker_id}_")
        init_error = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        ended = False
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                # shutting down: the None sent after the done event may never arrive (an
                # iterator collected in a reference cycle: its queues' own finalizers stop their
                # feeder threads first), so the event alone ends the loop
                if done_event.is_set():
                    break
                continue
            if isinstance(task, _ResumeIteration):
                data_queue.put((task, None))
                ended = False
                if iterable and init_error is None:
                    fetcher = make_fetcher(iterable, dataset, auto_collation, collate_fn,
                                           drop_last)
                continue
            if task is None:
                break
            if done_event.is_set() or ended:
                continue
            idx, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data, ended = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=where)
            data_queue.put((idx, _encode(data, writer, where)))
            del data
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
