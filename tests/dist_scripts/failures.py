"""Rank 1 fails in the way argv[1] names while rank 0 waits in a collective: the job must end
within seconds (the hang within the launcher's --timeout), saying which rank failed and how."""
import os
import signal
import sys
import time

import ember as torch
import ember.distributed as dist

dist.init_process_group("gloo")
if dist.get_rank() == 1:
    how = sys.argv[1]
    if how == "os_exit":
        os._exit(3)
    if how == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    if how == "sys_exit":
        sys.exit(4)
    if how == "hang":
        time.sleep(600)
dist.all_reduce(torch.ones(3))
print("rank 0 was not stopped", flush=True)
