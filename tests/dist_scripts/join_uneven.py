"""Join with uneven inputs on 2 ranks: rank r runs 3 + 2r steps of a joinable that all-reduces
a counter each step; after joining, its hook shadows those all-reduces, so every rank ends with
the total step count (8) and rank 1 is the last joiner.  Then throw_on_early_termination makes
both ranks raise.  Rank 0 prints JOIN OK."""
import ember as torch
import ember.distributed as dist
from ember.distributed.algorithms import Join, Joinable, JoinHook

dist.init_process_group("gloo")
r = dist.get_rank()


class Counter(Joinable):
    """Counts the steps of every rank: each step all-reduces 1 (0 once joined)."""

    def __init__(self):
        super().__init__()
        self.total = 0
        self.last_joiner = None

    def step(self):
        Join.notify_join_context(self)
        t = torch.ones(1)
        dist.all_reduce(t)
        self.total += int(t.item())

    def join_hook(self, **kwargs):
        counter = self

        class Hook(JoinHook):
            def main_hook(self):
                t = torch.zeros(1)
                dist.all_reduce(t)
                counter.total += int(t.item())

            def post_hook(self, is_last_joiner):
                counter.last_joiner = is_last_joiner
        return Hook()

    @property
    def join_device(self):
        return torch.device("cpu")

    @property
    def join_process_group(self):
        return dist.group.WORLD


counter = Counter()
with Join([counter]):
    for _ in range(3 + 2 * r):
        counter.step()
assert counter.total == 8, counter.total
assert counter.last_joiner == (r == 1), counter.last_joiner

early = Counter()
try:
    with Join([early], throw_on_early_termination=True):
        for _ in range(3 + 2 * r):
            early.step()
except RuntimeError as e:
    raised = str(e)
else:
    raised = None
expected = ("Rank 0 exhausted all inputs." if r == 0 else
            "Detected at least one rank that exhausted inputs. Throwing across all ranks.")
assert raised == expected, raised
dist.barrier()
done = []
dist.all_gather_object(done, r)
if r == 0:
    print("JOIN OK", *done, flush=True)
dist.destroy_process_group()
