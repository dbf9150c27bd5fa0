"""DLPack export and import (``__dlpack__``, ``from_dlpack``)."""


def dlpack_requires_grad():
    return BufferError("Can't export tensors that require gradient, use tensor.detach()")


def dlpack_invalid_capsule():
    return RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can "
                        "be consumed only once, so you might have already constructed a tensor "
                        "from it once.")


def dlpack_unsupported_device(kind):
    return BufferError(f"Unsupported device_type: {kind}")
