"""``torch.fx.experimental``: the parts libraries import."""
