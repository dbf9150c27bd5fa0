"""``torch.distributed.device_mesh``: Ember has no device meshes (they serve DTensor and FSDP);
the class exists for ``isinstance`` checks and creating one raises ``ember.UnsupportedError``."""
from .._errors import unsupported

_WHY = "Ember has no device meshes; use DistributedDataParallel over a process group"


class DeviceMesh:
    def __init__(self, *args, **kwargs):
        raise unsupported("torch.distributed.device_mesh.DeviceMesh", _WHY)


def init_device_mesh(*args, **kwargs):
    raise unsupported("torch.distributed.device_mesh.init_device_mesh", _WHY)


__all__ = ["DeviceMesh", "init_device_mesh"]
