"""Run under ember.distributed.run: checks the torch-style variables and env:// init."""
import os
import sys

import ember.distributed as dist

dist.init_process_group("gloo", init_method="env://")
assert int(os.environ["RANK"]) == dist.get_rank()
assert int(os.environ["WORLD_SIZE"]) == dist.get_world_size()
assert os.environ["LOCAL_RANK"] == os.environ["RANK"]
assert os.environ["MASTER_ADDR"] and os.environ["MASTER_PORT"]
line = f"ENV rank={os.environ['RANK']} world={os.environ['WORLD_SIZE']} argv={sys.argv[1:]}"
lines = []
dist.all_gather_object(lines, line)
if dist.get_rank() == 0:
    print("\n".join(lines), flush=True)
