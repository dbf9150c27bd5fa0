"""``torch.distributed.rpc`` as a PyTorch build without RPC support has it: ``is_available()``
answers False and nothing else is defined (Ember's process groups run on MPI and NCCL; remote
procedure calls and ``RRef`` are not implemented)."""

__all__ = ["is_available"]


def is_available():
    return False
