"""``torch.utils.benchmark.utils``: the timer, measurement and comparison modules."""
