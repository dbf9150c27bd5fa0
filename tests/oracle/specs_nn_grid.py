"""Oracle entries for spatial sampling (ember/_ops/nn_grid.py, F.grid_sample, F.affine_grid):
every mode x padding mode x align_corners in 2-D, bilinear / nearest in 3-D, gradients for the
input and the grid (float64 finite differences), affine grids and torch's errors."""
from .spec import Case, OpSpec, T

IMG = T((2, 3, 4, 5))
GRID = T((2, 3, 6, 2), low=-1.3, high=1.3)
SMALL = T((2, 2, 2, 2), low=-1.3, high=1.3)
VOL = T((1, 2, 3, 4, 5))
GRID3 = T((1, 2, 3, 4, 3), low=-1.3, high=1.3)
SMALL3 = T((1, 1, 2, 2, 3), low=-1.3, high=1.3)

_KINK = "finite differences straddle the floor / clamp kinks of the sampling coordinates"


def _sample(lib, *a, **k):
    return lib.nn.functional.grid_sample(*a, **k)


def _affine(lib, *a, **k):
    return lib.nn.functional.affine_grid(*a, **k)


def _cases(img, grid, modes):
    return [Case((img, grid), {"mode": m, "padding_mode": p, "align_corners": a})
            for m in modes for p in ("zeros", "border", "reflection") for a in (False, True)]


SPECS = [
    # finite differences (slow through bicubic's 16 taps) on the small grid, bicubic once
    OpSpec("grid_sampler_2d", [Case((IMG, GRID, m, p, a), gradcheck=False) for m in (0, 1, 2)
                               for p in (0, 1, 2) for a in (False, True)] + [
        Case((IMG, SMALL, m, p, a)) for m, p, a in ((0, 0, False), (0, 1, True), (0, 2, False),
                                                    (0, 2, True), (1, 2, True), (2, 0, False))] + [
        Case((IMG, T((1, 3, 6, 2)), 0, 0, False), error=True),
        Case((IMG, T((2, 3, 6, 3)), 0, 0, False), error=True),
        Case((T((2, 3, 0, 5)), GRID, 0, 0, False), error=True)],
        gradgradcheck=_KINK),
    OpSpec("grid_sampler_3d", [Case((VOL, GRID3, m, p, a), gradcheck=False)
                               for m in (0, 1) for p in (0, 1, 2) for a in (False, True)] + [
        Case((VOL, SMALL3, 0, 0, False)), Case((VOL, SMALL3, 0, 2, True))] + [
        Case((VOL, GRID3, 2, 0, False), error=True)], gradgradcheck=_KINK),
    OpSpec("grid_sampler", [Case((IMG, SMALL, 0, 2, False)), Case((VOL, SMALL3, 1, 1, True))],
           gradgradcheck=_KINK),
    OpSpec("nn.functional.grid_sample",
           _cases(IMG, GRID, ("bilinear", "nearest", "bicubic")) +
           _cases(T((2, 3, 4, 5), noncontig=True), GRID, ("bilinear",)) +
           [Case((IMG, GRID), {"mode": "area", "align_corners": False}, error=True),
            Case((IMG, GRID), {"padding_mode": "wrap", "align_corners": False}, error=True)],
           call=_sample, gradcheck=False),     # the op's own entries above check it
    OpSpec("affine_grid_generator", [Case((T((2, 2, 3)), (2, 3, 4, 5), False)),
                                     Case((T((2, 2, 3)), (2, 3, 4, 5), True)),
                                     Case((T((1, 3, 4)), (1, 2, 3, 4, 5), False)),
                                     Case((T((2, 2, 3)), (2, 3, 1, 5), True))]),
    OpSpec("nn.functional.affine_grid", [
        Case((T((2, 2, 3)), (2, 3, 4, 5)), {"align_corners": False}),
        Case((T((1, 3, 4)), (1, 2, 3, 4, 5)), {"align_corners": True}),
        Case((T((2, 3, 4)), (2, 3, 4, 5)), {"align_corners": False}, error=True),
        Case((T((2, 2, 3)), (2, 3, 4)), {"align_corners": False}, error=True),
        Case((T((2, 2, 3)), (2, 3, 0, 5)), {"align_corners": False}, error=True),
        Case((T((2, 2, 3), dtype="int64", grad=False), (2, 3, 4, 5)),
             {"align_corners": False}, error=True)], call=_affine),
]

# Fractional max pooling: explicit random samples (the op), and the functional form drawing
# them from a generator seeded alike in both libraries.
_U2 = T((2, 3, 2), low=0.0, high=1.0, grad=False)
_U3 = T((1, 2, 3), low=0.0, high=1.0, grad=False)


def _fractional_op(k):
    def call(lib, x, kernel, out, samples):
        return getattr(lib.nn.functional, f"fractional_max_pool{k}d")(
            x, kernel, output_size=out, _random_samples=samples, return_indices=True)
    return call


def _fractional(k):
    def call(lib, x, *a, **kw):
        lib.manual_seed(7)
        return getattr(lib.nn.functional, f"fractional_max_pool{k}d")(x, *a, **kw)
    return call


SPECS += [
    OpSpec("fractional_max_pool2d", [Case((T((2, 3, 7, 8)), (2, 3), (3, 4), _U2)),
                                     Case((T((2, 3, 7, 8), noncontig=True), (3, 2), (5, 6), _U2)),
                                     Case((T((3, 6, 6)), (2, 2), (1, 3),
                                           T((1, 3, 2), low=0.0, high=1.0, grad=False)))],
           call=_fractional_op(2), gradgradcheck=_KINK),
    OpSpec("fractional_max_pool3d", [Case((T((1, 2, 5, 6, 7)), (2, 2, 3), (2, 3, 4), _U3))],
           call=_fractional_op(3), gradgradcheck=_KINK),
    OpSpec("nn.functional.fractional_max_pool2d", [
        Case((T((2, 3, 9, 9)), 3), {"output_size": (4, 5)}),
        Case((T((2, 3, 9, 9)), 2), {"output_ratio": (0.5, 0.5), "return_indices": True}),
        Case((T((3, 9, 9)), (2, 3)), {"output_size": 3}),
        Case((T((2, 3, 9, 9)), 2), error=True)], call=_fractional(2), gradcheck=False),
    OpSpec("nn.functional.fractional_max_pool3d", [
        Case((T((1, 2, 6, 6, 6)), 2), {"output_size": 3}),
        Case((T((2, 5, 6, 7)), (2, 2, 2)), {"output_ratio": (0.5, 0.5, 0.5)})],
        call=_fractional(3), gradcheck=False),
]
