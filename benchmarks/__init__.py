"""Ember-vs-PyTorch CPU benchmark suite: ``python -m benchmarks --help``."""
