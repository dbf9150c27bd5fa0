"""``torch.distributed.constants``: the default collective timeouts."""
import datetime

default_pg_timeout = datetime.timedelta(minutes=30)
default_pg_nccl_timeout = default_pg_timeout
