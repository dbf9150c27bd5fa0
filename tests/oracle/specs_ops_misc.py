"""Oracle entries for distances, searching, histograms, quantiles, finite differences and the
small composite ops (ember/_ops/distance.py, searching.py, histogram.py, statistics.py,
calculus.py, combinatorics.py, renorm.py).  More cases in tests/test_ops_misc.py."""
from .spec import OpSpec, Case, T

SORTED = dict(grad=False)
# torch composes these in C++, whose Scalar overloads and in-place squeezes name their last node
# (DivBackward1, MulBackward1, SqueezeBackward4) in ways no Python-level composition reproduces
COMPOSITE = dict(node_names=False)


def _sorted(lib, s, *a, **k):
    return lib.searchsorted(s.sort(-1).values, *a, **k)


SPECS = [
    OpSpec("cdist", [Case((T((4, 3)), T((5, 3)))),
                     Case((T((2, 4, 3)), T((5, 3))), {"p": 1.0}, name="p1_broadcast"),
                     Case((T((4, 3)), T((5, 3))), {"p": 3.0}, name="p3"),
                     Case((T((4, 3)), T((5, 3))), {"p": float("inf")}, name="pinf"),
                     Case((T((4, 3)), T((5, 3))), {"compute_mode": "use_mm_for_euclid_dist"},
                          name="mm"),
                     Case((T((4, 3)), T((5, 2))), name="columns", error=True)],
           tol={"float32": (1e-4, 1e-5)}),
    OpSpec("searchsorted", [Case((T((7,), **SORTED), T((3, 4), grad=False))),
                            Case((T((3, 7), **SORTED), T((3, 4), grad=False)), {"right": True},
                                 name="rows_right"),
                            Case((T((7,), **SORTED), 0.5), {"out_int32": True}, name="scalar"),
                            Case((T((3, 7), **SORTED), 0.5), name="scalar_rows", error=True)],
           call=_sorted),
    OpSpec("bucketize", [Case((T((3, 4), grad=False), T((7,), grad=False))),
                         Case((T((3, 4), grad=False), T((2, 7), grad=False)), name="2d",
                              error=True)],
           call=lambda lib, x, b, **k: lib.bucketize(x, b.sort().values, **k)),
    OpSpec("isin", [Case((T((3, 4), "int64", 0, 6), T((5,), "int64", 0, 6))),
                    Case((T((3, 4), "int64", 0, 6), T((5,), "int64", 0, 6)), {"invert": True},
                         name="invert")]),
    OpSpec("histc", [Case((T((20,), grad=False),)),
                     Case((T((20,), grad=False),), {"bins": 5, "min": -1, "max": 1},
                          name="range"),
                     Case((T((20,), "int64"),), name="int", error=True)]),
    OpSpec("histogram", [Case((T((20,), grad=False), 5)),
                         Case((T((20,), grad=False), 4), {"density": True}, name="density")]),
    OpSpec("histogramdd", [Case((T((20, 2), grad=False),), {"bins": [2, 3]})]),
    OpSpec("quantile", [Case((T((3, 5)), 0.3)), Case((T((3, 5)), 0.7), {"dim": 1},
                                                      name="dim"),
                        Case((T((3, 5)), 0.5), {"dim": 0, "keepdim": True,
                                                "interpolation": "midpoint"}, name="midpoint"),
                        Case((T((3, 5)), 1.5), name="range", error=True)], **COMPOSITE),
    OpSpec("nanquantile", [Case((T((3, 5)), 0.3)),
                           Case((T((3, 5)), 0.6), {"dim": 1, "interpolation": "lower"},
                                name="lower")], **COMPOSITE),
    OpSpec("cov", [Case((T((3, 6)),)), Case((T((6,)),), {"correction": 0}, name="1d"),
                   Case((T((3, 6)),), {"fweights": T((6,), "int64", 0, 4)}, name="fweights"),
                   Case((T((2, 3, 6)),), name="3d", error=True)]),
    OpSpec("corrcoef", [Case((T((3, 6)),))]),
    OpSpec("diff", [Case((T((3, 6)),)), Case((T((3, 6)),), {"n": 2, "dim": 0}, name="n2"),
                    Case((T((3, 6)),), {"prepend": T((3, 1)), "append": T((3, 2))},
                         name="prepend_append"),
                    Case((T(()),), name="0d", error=True)]),
    OpSpec("gradient", [Case((T((4, 6)),)), Case((T((4, 6)),), {"spacing": 2.0, "dim": 1,
                                                                 "edge_order": 2}, name="edge2"),
                        Case((T((4, 6)),), {"edge_order": 3}, name="edge3", error=True)]),
    OpSpec("trapezoid", [Case((T((3, 6)),)), Case((T((3, 6)),), {"dx": 0.5, "dim": 0},
                                                  name="dx"),
                         Case((T((3, 6)), T((6,), grad=False)), name="x")], **COMPOSITE),
    OpSpec("trapz", [Case((T((3, 6)),))], **COMPOSITE),
    OpSpec("cumulative_trapezoid", [Case((T((3, 6)),)),
                                    Case((T((3, 6)), T((6,), grad=False)), name="x")],
           **COMPOSITE),
    OpSpec("block_diag", [Case((T((2, 3)), T((4,)), T(()))),
                          Case((T((2, 3)), T((2, 2), "int64")), name="mixed")]),
    OpSpec("cartesian_prod", [Case((T((3,)), T((2,)))),
                              Case((T((2, 2)),), name="2d", error=True)]),
    OpSpec("combinations", [Case((T((4,)),)), Case((T((4,)),), {"r": 3,
                                                                "with_replacement": True},
                                                   name="replacement")]),
    OpSpec("renorm", [Case((T((3, 6)), 2, 0, 1.0)), Case((T((3, 4, 2)), 1, 1, 0.5), name="p1"),
                      Case((T((3, 6)), 2, 0, -1.0), name="negative", error=True)]),
]
