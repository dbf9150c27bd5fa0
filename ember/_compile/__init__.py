"""``ember.compile``'s compiler: capture a call's array program, replay it.

:mod:`.tape` records (the recording array type), :mod:`.backend` runs a call on it,
:mod:`.program` turns the tape into a Python function (:mod:`.fuse` puts runs of elementwise
calls into numba kernels), :mod:`.state` finds the modules and
optimizers a call touches, :mod:`.compiled` holds guards, cache, capture and replay.
See ``docs/compile.md``.
"""
