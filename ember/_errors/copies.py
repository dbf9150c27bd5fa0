"""The ``*_scatter`` ops and the other copying variants of view ops."""


def scatter_src_size(src_shape, slice_shape):
    return RuntimeError("expected src to have a size equal to the slice of self. src size = "
                        f"{list(src_shape)}, slice size = {list(slice_shape)}")
