"""Ember's test suite (a regular package, so that a ``tests`` package some library installs
into site-packages cannot shadow it)."""
