"""``torch.futures``: a thread-safe ``Future`` with ``then`` / done callbacks, ``wait_all`` and
``collect_all``."""
import threading
import traceback
from typing import Generic, TypeVar

from .. import _errors

__all__ = ["Future", "collect_all", "wait_all"]

T = TypeVar("T")


class Future(Generic[T]):
    """The result (or exception) of an asynchronous computation, set once."""

    def __init__(self, *, devices=None):
        self._cond = threading.Condition()
        self._done = False
        self._result = None
        self._error = None
        self._callbacks = []

    def __repr__(self):
        return f"<torch.futures.Future object at {hex(id(self))}>"

    def done(self):
        return self._done

    def wait(self):
        """Block until completed; return the result or raise the exception."""
        with self._cond:
            self._cond.wait_for(lambda: self._done)
        return self.value()

    def value(self):
        if not self._done:
            raise _errors.future_not_completed()
        if self._error is not None:
            raise self._error
        return self._result

    def _complete(self, result, error):
        with self._cond:
            if self._done:
                raise _errors.future_completed_twice()
            self._result, self._error, self._done = result, error, True
            callbacks, self._callbacks = self._callbacks, []
            self._cond.notify_all()
        for callback in callbacks:
            callback(self)

    def set_result(self, result):
        self._complete(result, None)

    def set_exception(self, result):
        if not isinstance(result, Exception):
            raise _errors.future_not_exception(result)
        self._complete(None, result)

    def add_done_callback(self, callback):
        """Run ``callback(self)`` when completed (now, if it already is)."""
        with self._cond:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def then(self, callback):
        """A new Future completed with ``callback(self)`` once this one completes (with the
        callback's error, if it raises)."""
        out = Future()

        def run(fut):
            try:
                result = callback(fut)
            except Exception as error:    # noqa: BLE001 - handed to the chained future
                where = "".join(f"  {f.filename}({f.lineno}): {f.name}\n"
                                for f in reversed(traceback.extract_tb(error.__traceback__)))
                out.set_exception(_errors.future_callback_error(error, where))
                return
            out.set_result(result)
        self.add_done_callback(run)
        return out


def collect_all(futures):
    """A Future completed with the list ``futures`` once all of them are."""
    futures = list(futures)
    out = Future()
    remaining = [len(futures)]
    lock = threading.Lock()

    def one_done(_):
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            out.set_result(futures)
    if not futures:
        out.set_result(futures)
    for f in futures:
        f.add_done_callback(one_done)
    return out


def wait_all(futures):
    """Wait for every future; return their results (raising the first exception)."""
    return [f.wait() for f in collect_all(futures).wait()]
