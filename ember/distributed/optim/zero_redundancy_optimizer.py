"""ZeRO stage 1: each rank keeps the optimizer state of its own share of the parameters.

The parameters are partitioned once (per parameter group, largest first, each to the rank
holding the fewest elements so far, as torch does); every rank runs the wrapped optimizer on its
share and then broadcasts it, so all ranks end each ``step`` with the same parameters as a
single optimizer over all of them.  ``state_dict`` is the full optimizer's, in the wrapped
optimizer's layout, once ``consolidate_state_dict(to=rank)`` has gathered the shards there.
"""
import copy
from itertools import chain

from ... import _errors
from ...optim.optimizer import Optimizer
from ..algorithms.join import Join, Joinable, JoinHook

__all__ = ["ZeroRedundancyOptimizer"]


def _dist():
    from ... import distributed
    return distributed


class _ZeROJoinHook(JoinHook):
    """A joined rank still takes part in the other ranks' parameter broadcasts."""

    def __init__(self, zero):
        self.zero = zero

    def main_hook(self):
        self.zero._sync_params()


class ZeroRedundancyOptimizer(Optimizer, Joinable):
    def __init__(self, params, optimizer_class, process_group=None,
                 parameters_as_bucket_view=False, overlap_with_ddp=False, **defaults):
        if overlap_with_ddp:
            raise _errors.unsupported("ZeroRedundancyOptimizer(overlap_with_ddp=True)",
                                      "step it after backward instead")
        params = self._checked_params(params)
        self.initialized = False
        Optimizer.__init__(self, params, defaults)
        Joinable.__init__(self)
        dist = _dist()
        self.process_group = process_group if process_group is not None else \
            dist.group.WORLD
        self.world_size = dist.get_world_size(self.process_group)
        self.rank = dist.get_rank(self.process_group)
        self.global_rank = dist.get_global_rank(self.process_group, self.rank)
        # (broadcasting per parameter or per bucket moves the same values: the flag is kept)
        self.parameters_as_bucket_view = parameters_as_bucket_view
        self._optim_defaults = defaults
        self._partition = None
        self._all_state_dicts = []
        self.optim = optimizer_class(self._partition_parameters()[self.rank], **defaults)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        self.initialized = True

    def _checked_params(self, params):
        """``params`` as a list (tensors or groups), checked as torch checks them."""
        from ..._tensor import Tensor
        from ..._torch_functions import typename
        if isinstance(params, Tensor):
            raise _errors.zero_params_type(f"Tensors, but got {typename(params)}")
        try:
            params = list(params)
        except TypeError:
            raise _errors.zero_params_type(f"Tensors or dicts, but got {typename(params)}") \
                from None
        if not params:
            raise _errors.zero_empty_params()
        if all(isinstance(p, dict) for p in params):
            if any("params" not in g for g in params):
                raise _errors.zero_group_without_params()
            tensors = list(chain.from_iterable(g["params"] for g in params))
        elif all(isinstance(p, Tensor) for p in params):
            tensors = params
        else:
            raise _errors.zero_params_type("Tensors or dicts")
        first = typename(tensors[0])
        if tensors[0].is_sparse:
            raise _errors.zero_mixed_params(first)
        other = next((typename(t) for t in tensors[1:] if typename(t) != first), None)
        if other is not None:
            raise _errors.zero_mixed_params(f"both {first} and {other}")
        return params

    # ---- the partition -----------------------------------------------------------------------
    def _partition_parameters(self):
        """Per rank, its parameter groups (each group's options, its share of the params)."""
        if self._partition is None:
            self._partition = [[] for _ in range(self.world_size)]
            sizes = [0] * self.world_size
            for group in self.param_groups:
                shares = [[] for _ in range(self.world_size)]
                for p in sorted(group["params"], key=lambda t: t.numel(), reverse=True):
                    rank = sizes.index(min(sizes))
                    shares[rank].append(p)
                    sizes[rank] += p.numel()
                for rank, share in enumerate(shares):
                    self._partition[rank].append({**group, "params": share})
        return self._partition

    def _all_params(self):
        return list(chain.from_iterable(g["params"] for g in self.param_groups))

    def add_param_group(self, param_group):
        """Add a group on every rank (all ranks must call it); this rank's share of it joins
        the local optimizer."""
        super().add_param_group(param_group)
        if self.initialized:
            self._partition = None
            mine = self._partition_parameters()[self.rank]
            if len(mine) == len(self.optim.param_groups) + 1:
                self.optim.add_param_group(mine[-1])

    @staticmethod
    def _sync_param_groups(source, target):
        """Copy the groups' options (lr, betas, ...) from ``source`` to ``target``."""
        for src, dst in zip(source, target):
            dst.update({k: v for k, v in src.items() if k != "params"})

    # ---- stepping ----------------------------------------------------------------------------
    def step(self, closure=None, **kwargs):
        """Step this rank's share with the wrapped optimizer, then give every rank the updated
        parameters (a collective: all ranks must call it)."""
        Join.notify_join_context(self)
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        loss = self.optim.step(**kwargs) if closure is None else \
            self.optim.step(closure=closure, **kwargs)
        self._sync_param_groups(self.optim.param_groups, self.param_groups)
        self._sync_params()
        return loss

    def _sync_params(self):
        dist = _dist()
        works = []
        for rank, groups in enumerate(self._partition_parameters()):
            src = dist.get_global_rank(self.process_group, rank)
            works += [dist.broadcast(p.data, src=src, group=self.process_group, async_op=True)
                      for g in groups for p in g["params"]]
        for work in works:
            work.wait()

    def join_hook(self, **kwargs):
        return _ZeROJoinHook(self)

    @property
    def join_device(self):
        return self._all_params()[0].device

    @property
    def join_process_group(self):
        return self.process_group

    # ---- state -------------------------------------------------------------------------------
    def consolidate_state_dict(self, to=0):
        """Gather every rank's local optimizer state on rank ``to`` (a collective)."""
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
        gathered = [None] * self.world_size if self.rank == to else None
        _dist().gather_object(self.optim.state_dict(), gathered,
                              dst=_dist().get_global_rank(self.process_group, to),
                              group=self.process_group)
        self._all_state_dicts = gathered or []

    def state_dict(self):
        """The full optimizer state (the wrapped optimizer's layout, indexed over all
        parameters), as last consolidated on this rank."""
        if not self._all_state_dicts:
            raise _errors.zero_not_consolidated(self.rank)
        state_dict = super().state_dict()
        index = {p: i for i, p in enumerate(self._all_params())}
        for local, groups in zip(self._all_state_dicts, self._partition_parameters()):
            for local_group, group in zip(local["param_groups"], groups):
                for i, p in zip(local_group["params"], group["params"]):
                    if i in local["state"]:
                        state_dict["state"][index[p]] = local["state"][i]
        state_dict["state"] = dict(sorted(state_dict["state"].items()))
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a full state: each rank keeps the state of its own share."""
        state_dict = copy.copy(state_dict)
        params = self._all_params()
        owner = {p: rank for rank, groups in enumerate(self._partition_parameters())
                 for g in groups for p in g["params"]}
        state_dict["state"] = dict(state_dict["state"])
        for i, value in state_dict["state"].items():
            if owner[params[i]] == self.rank:
                self.optim.state[params[i]] = value
            else:
                state_dict["state"][i] = None
        super().load_state_dict(state_dict)
        self._sync_param_groups(state_dict["param_groups"], self.param_groups)
        self._sync_param_groups(self.param_groups, self.optim.param_groups)
