"""Rank 1 raises while rank 0 waits in a collective: the job must end non-zero, not hang."""
import ember as torch
import ember.distributed as dist

dist.init_process_group("gloo")
if dist.get_rank() == 1:
    raise ValueError("rank 1 fails on purpose")
dist.all_reduce(torch.ones(3))  # would wait forever without the abort hook
