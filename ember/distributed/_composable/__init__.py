"""``torch.distributed._composable``: composable distributed APIs (none in Ember)."""
