"""``torch.distributed.rpc`` as PyTorch builds without RPC support have it: the module imports
and ``is_available()`` is False (Ember has no RPC agent; its process groups run over MPI or
in-process, see ``ember.distributed``).  Code that probes for RPC before using it runs."""


def is_available():
    """False: this build has no RPC framework (``init_rpc``, ``rpc_sync``, ``RRef``...)."""
    return False
