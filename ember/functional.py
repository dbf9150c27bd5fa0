"""``torch.functional``: the module where torch defines some of its top-level functions
(``einsum``, ``split``, ``stft``, ``norm``, ...); each name here is the same object as
``ember.<name>``, as ``torch.functional.einsum is torch.einsum`` holds in torch."""
import ember as _ember

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
           "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu",
           "norm", "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot",
           "unique", "unique_consecutive", "unravel_index"]


def __getattr__(name):
    if name in __all__:
        return getattr(_ember, name)
    from . import _errors
    raise _errors.module_attribute(__name__, name)


def __dir__():
    return sorted(__all__)
