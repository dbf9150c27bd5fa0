"""DistributedSampler takes rank and world size from the process group; prints its indices."""
import ember.distributed as dist
from ember.utils.data import DistributedSampler

dist.init_process_group("gloo")
lines = []
for n, drop_last in [(10, False), (11, False), (11, True)]:
    s = DistributedSampler(range(n), shuffle=False, drop_last=drop_last)
    lines.append(f"SAMPLER rank={dist.get_rank()} n={n} drop_last={drop_last} {list(s)}")
everyone = []
dist.all_gather_object(everyone, lines)  # printed by rank 0 alone: no interleaved output
if dist.get_rank() == 0:
    print("\n".join(line for rank_lines in everyone for line in rank_lines), flush=True)
