"""``Join``: training with uneven inputs across ranks.

Inside ``with Join([joinables]):`` each rank runs its own loop.  Every iteration the first
joinable calls ``Join.notify_join_context(self)``, an all-reduce of 1 meaning "still running".
A rank that runs out of inputs leaves the block; on exit it keeps all-reducing 0 (and runs
each joinable's ``JoinHook.main_hook`` to shadow the collectives the running ranks still
make) until the sum says every rank has joined, then runs the ``post_hook``s (``True`` on the
rank that joined last).  With ``throw_on_early_termination=True`` the first rank to run out
makes every rank raise instead.
"""
import abc
import warnings

from ... import _errors
from ..._ops.creation import ones, zeros
from .. import all_reduce, get_rank

__all__ = ["Join", "Joinable", "JoinHook"]

_SKEW_WARNING = 1000    # iterations of shadowing after which a rank warns about the skew


class JoinHook:
    """What a joinable does once its rank has joined: ``main_hook`` once per iteration the
    other ranks still run, ``post_hook(is_last_joiner)`` when all have joined."""

    def main_hook(self):
        pass

    def post_hook(self, is_last_joiner):
        pass


class Joinable(abc.ABC):
    """A class that takes part in ``Join``: it calls ``Joinable.__init__`` and names its hook,
    device and process group."""

    @abc.abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig(enable=False, throw_on_early_termination=False,
                                        is_first_joinable=False)

    @abc.abstractmethod
    def join_hook(self, **kwargs):
        """The ``JoinHook`` this object runs after its rank joins."""

    @property
    @abc.abstractmethod
    def join_device(self):
        """The device of the join all-reduces."""

    @property
    @abc.abstractmethod
    def join_process_group(self):
        """The process group of the join all-reduces."""


class _JoinConfig:
    __slots__ = ("enable", "throw_on_early_termination", "is_first_joinable")

    def __init__(self, enable, throw_on_early_termination, is_first_joinable):
        self.enable = enable
        self.throw_on_early_termination = throw_on_early_termination
        self.is_first_joinable = is_first_joinable


class Join:
    """Context manager for uneven inputs over ``joinables`` (keyword arguments go to each
    ``join_hook``)."""

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise _errors.join_no_joinables()
        self._joinables = joinables
        self._join_hooks = [j.join_hook(**kwargs) for j in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, j in enumerate(joinables):
            j._join_config = _JoinConfig(enable, throw_on_early_termination, i == 0)
        groups = {id(j.join_process_group) for j in joinables}
        if len(groups) > 1:
            raise _errors.join_process_groups()
        self._process_group = joinables[0].join_process_group
        self._device = joinables[0].join_device
        self._rank = get_rank(self._process_group)

    def __enter__(self):
        pass

    def __exit__(self, exc_type, exc, tb):
        if not self._enable or exc_type is not None:
            return      # an exception propagates as it is
        is_last_joiner = True
        shadowed = 0
        while self._count_running() > 0:
            if shadowed == _SKEW_WARNING:
                warnings.warn(f"Detected uneven input skew of greater than {_SKEW_WARNING}: rank "
                              f"{self._rank} has at least that many fewer inputs than other "
                              "ranks still running, which slows training down.", stacklevel=2)
            if self._throw_on_early_termination:
                all_reduce(ones(1, device=self._device), group=self._process_group)
                raise _errors.join_rank_exhausted(self._rank)
            for hook in self._join_hooks:
                hook.main_hook()
            is_last_joiner = False
            shadowed += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count_running(self):
        """The number of ranks still running (a joined rank adds 0 to their 1s)."""
        count = zeros(1, device=self._device)
        all_reduce(count, group=self._process_group)
        return count.item()

    @staticmethod
    def notify_join_context(joinable):
        """Called by ``joinable`` once per iteration before its collectives: all-reduce 1 (this
        rank still runs) when it is the first joinable of an enabled ``Join``; with early
        termination, also raise if some rank already ran out.  Returns the work handle of the
        all-reduce (``None`` for the other joinables)."""
        config = getattr(joinable, "_join_config", None)
        if config is None:
            raise _errors.join_not_initialised(type(joinable))
        if not (config.is_first_joinable and config.enable):
            return None
        device, group = joinable.join_device, joinable.join_process_group
        work = all_reduce(ones(1, device=device), group=group, async_op=True)
        if config.throw_on_early_termination:
            flag = zeros(1, device=device)
            all_reduce(flag, group=group)
            if flag.item():
                raise _errors.join_early_termination()
        return work
