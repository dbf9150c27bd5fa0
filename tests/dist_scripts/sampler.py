"""DistributedSampler picks rank / world size up from the process group; prints the indices."""
import ember.distributed as dist
from ember.utils.data import DistributedSampler

dist.init_process_group("gloo")
for n, drop_last in [(10, False), (11, False), (11, True)]:
    s = DistributedSampler(range(n), shuffle=False, drop_last=drop_last)
    print(f"SAMPLER rank={dist.get_rank()} n={n} drop_last={drop_last} {list(s)}", flush=True)
