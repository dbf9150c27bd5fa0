"""Oracle entries for convolution, pooling, padding and shuffle ops (ember/_ops/nn_conv.py,
ember/_ops/nn_pool.py, ember/_ops/nn_resample.py).  Module-level behaviour is in tests/test_nn_conv.py / test_nn_pool.py."""
from .spec import OpSpec, Case, T

TOL = {"float32": (1e-4, 1e-5)}


def _F(name):
    """Call ``lib.nn.functional.<name>``."""
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def _first(r):
    return r[0] if isinstance(r, tuple) else r


SPECS = [
    OpSpec("convolution", [
        Case((T((2, 4, 6, 5)), T((6, 2, 3, 2)), T((6,)), [2, 1], [1, 0], [1, 2], False, [0, 0],
              2)),
        Case((T((2, 4, 4, 3)), T((4, 3, 2, 2)), None, [2, 2], [0, 1], [1, 1], True, [1, 0], 1)),
    ], tol=TOL),
    OpSpec("conv1d", [Case((T((2, 3, 7)), T((4, 3, 3)), T((4,))), {"stride": 2, "padding": 1})],
           call=_F("conv1d"), tol=TOL),
    OpSpec("conv2d", [Case((T((2, 3, 6, 5)), T((4, 3, 3, 3)), T((4,))), {"padding": "same"}),
                      Case((T((3, 6, 5)), T((4, 3, 2, 2))), {"dilation": 2})],
           call=_F("conv2d"), tol=TOL),
    OpSpec("conv3d", [Case((T((1, 2, 4, 4, 3)), T((3, 2, 2, 2, 2))), {"padding": 1})],
           call=_F("conv3d"), tol=TOL),
    OpSpec("conv_transpose1d", [Case((T((2, 3, 5)), T((3, 2, 3))), {"stride": 2})],
           call=_F("conv_transpose1d"), tol=TOL),
    OpSpec("conv_transpose2d", [Case((T((2, 4, 3, 3)), T((4, 1, 3, 3)), T((2,))),
                                     {"stride": 2, "output_padding": 1, "groups": 2})],
           call=_F("conv_transpose2d"), tol=TOL),
    OpSpec("conv_transpose3d", [Case((T((1, 2, 2, 3, 2)), T((2, 2, 2, 2, 2))), {"stride": 2})],
           call=_F("conv_transpose3d"), tol=TOL),
    OpSpec("max_pool1d", [Case((T((2, 3, 9)), 3), {"stride": 2, "padding": 1})],
           call=_F("max_pool1d")),
    OpSpec("max_pool2d", [Case((T((2, 3, 6, 6)), 2)),
                          Case((T((2, 3, 7, 6)), 3), {"stride": 2, "ceil_mode": True})],
           call=_F("max_pool2d")),
    OpSpec("max_pool3d", [Case((T((1, 2, 4, 4, 4)), 2))], call=_F("max_pool3d")),
    OpSpec("avg_pool1d", [Case((T((2, 3, 9)), 3), {"stride": 2, "padding": 1})],
           call=_F("avg_pool1d")),
    OpSpec("adaptive_avg_pool1d", [Case((T((2, 3, 9)), 4))], call=_F("adaptive_avg_pool1d")),
    OpSpec("adaptive_max_pool1d", [Case((T((2, 3, 9)), 4))], call=_F("adaptive_max_pool1d")),
    OpSpec("constant_pad_nd", [Case((T((2, 3, 4)), [1, 2, -1, 1], 0.5))]),
    OpSpec("pixel_shuffle", [Case((T((2, 8, 2, 3)), 2))]),
    OpSpec("pixel_unshuffle", [Case((T((2, 2, 4, 6)), 2))]),
    OpSpec("channel_shuffle", [Case((T((2, 6, 2, 3)), 3))], call=_F("channel_shuffle")),
]
