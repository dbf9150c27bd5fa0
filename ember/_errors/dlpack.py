"""DLPack exchange (``__dlpack__``, ``from_dlpack``) and pinned host memory."""


def dlpack_requires_grad():
    return BufferError("Can't export tensors that require gradient, use tensor.detach()")


def dlpack_invalid_capsule():
    return RuntimeError("from_dlpack received an invalid capsule. Note that DLTensor capsules can "
                        "be consumed only once, so you might have already constructed a tensor "
                        "from it once.")


def dlpack_unsupported_device(kind):
    return BufferError(f"Unsupported device_type: {kind}")


# ---- pinned host memory (kept with the other host-exchange messages) ---------------------------
def no_accelerator():
    return RuntimeError("Cannot access accelerator device when none is available.")


def no_pinned_allocator():
    return RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned "
                        "memory allocator is available on this system.")


def pin_non_cpu(t):
    return RuntimeError(f"cannot pin '{t.type()}' only dense CPU tensors can be pinned")
