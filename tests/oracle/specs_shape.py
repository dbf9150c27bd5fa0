"""Oracle entries for the shape family (ember/_ops/shape.py)."""
from .spec import Case, OpSpec, T

M = T((3, 4))
M2 = T((2, 4))
M3 = T((2, 3, 4))
V = T((5,))
S = T(())
NC = T((4, 3), noncontig=True)
I = T((3, 4), dtype="int64", low=-3, high=4, grad=False)
E0 = T((0,))


def _first(r):
    return r[0]


def _last(r):
    return r[-1]


SPECS = [
    OpSpec("cat", [Case(([M, M2],)), Case(([M, M], 1)), Case(([M3, M3], -1)),
                   Case(([M, E0, M],), name="legacy_empty"), Case(([M, I],), name="promote"),
                   Case(([NC, NC], 1)), Case(([M, T((3, 5))],), error=True),
                   Case(([S],), error=True), Case(([],), error=True)]),
    OpSpec("stack", [Case(([M, M],)), Case(([M, M], 2)), Case(([S, S],)), Case(([V, V], -1)),
                     Case(([M, M2],), error=True)]),
    OpSpec("hstack", [Case(([M, M],)), Case(([V, V],))]),
    OpSpec("vstack", [Case(([M, T((4,))],)), Case(([V, V],))]),
    OpSpec("dstack", [Case(([M, M],)), Case(([V, V],))]),
    OpSpec("column_stack", [Case(([V, V],)), Case(([T((3, 2)), T((3,))],))]),
    OpSpec("split", [Case((M, 2, 1)), Case((M3, [1, 2], 1)), Case((M, 0), error=True)],
           output=_last),
    OpSpec("split_with_sizes", [Case((M, [1, 3], 1)), Case((M, [1, 1]), error=True)],
           output=_first),
    OpSpec("chunk", [Case((M, 3, 1)), Case((M3, 2)), Case((M, 0), error=True)], output=_last),
    OpSpec("tensor_split", [Case((M, 3, 1)), Case((M3, [1, 2], 2))], output=_last),
    OpSpec("hsplit", [Case((M, 2))], output=_first),
    OpSpec("vsplit", [Case((M, [1]))], output=_last),
    OpSpec("dsplit", [Case((M3, 2))], output=_last),
    OpSpec("unbind", [Case((M, 1)), Case((M3,))], output=_last),
    OpSpec("flip", [Case((M3, (0, 2))), Case((NC, [1])), Case((M, (0, 0)), error=True)]),
    OpSpec("fliplr", [Case((M,)), Case((V,), error=True)]),
    OpSpec("flipud", [Case((M,)), Case((V,))]),
    OpSpec("roll", [Case((M, 1, 0)), Case((M3, (1, -2), (0, 2))), Case((M, 5))]),
    OpSpec("rot90", [Case((M,)), Case((M3, 2, (2, 1))), Case((M, -1)),
                     Case((M, 1, (0, 0)), error=True)]),
    OpSpec("repeat", [Case((M, 2, 1)), Case((M, (1, 2, 3))), Case((S, 3)),
                      Case((M, 2), error=True)], call=lambda lib, x, *a: x.repeat(*a)),
    OpSpec("tile", [Case((M, (2,))), Case((V, (2, 2)))]),
    OpSpec("repeat_interleave", [Case((M, 2)), Case((M, 3, 1)), Case((NC, 2, 0))]),
    OpSpec("movedim", [Case((M3, 0, 2)), Case((M3, (0, 1), (2, 0)))], node_names=True),
    OpSpec("flatten", [Case((M3,)), Case((M3, 1)), Case((NC,)), Case((S,))]),
    OpSpec("unflatten", [Case((M3, 2, (2, 2))), Case((M, 1, (2, -1)))]),
    OpSpec("ravel", [Case((M3,)), Case((NC,))]),
    OpSpec("unfold", [Case((M, 1, 2, 1)), Case((M3, 2, 2, 2)), Case((M, 1, 7, 1), error=True)],
           call=lambda lib, x, *a: x.unfold(*a)),
    OpSpec("diagonal", [Case((M,)), Case((M3, 1, 1, 2)), Case((M3, -1, -1, 0)), Case((NC,))]),
    OpSpec("diag", [Case((V,)), Case((V, 1)), Case((M, -1)), Case((M3,), error=True)]),
    OpSpec("diag_embed", [Case((M,)), Case((M, 1, 0, 2)), Case((V,))]),
    OpSpec("tril", [Case((M,)), Case((M3, 1)), Case((NC, -1)), Case((V,), error=True)]),
    OpSpec("triu", [Case((M,)), Case((M3, -1)), Case((NC, 2))]),
    OpSpec("atleast_1d", [Case((S,)), Case((M,))]),
    OpSpec("atleast_2d", [Case((S,)), Case((V,)), Case((M,))]),
    OpSpec("atleast_3d", [Case((S,)), Case((V,)), Case((M,)), Case((M3,))]),
    OpSpec("broadcast_tensors", [Case((M, T((4,)))), Case((M, T((3, 1))))], output=_last),
    OpSpec("broadcast_shapes", [Case(((2, 1), (3,))), Case(((2, 3), (4,)), error=True)],
           grad=False, gradcheck=False),
    OpSpec("meshgrid", [Case((V, T((3,))), {"indexing": "ij"}),
                        Case((V, T((3,))), {"indexing": "xy"})], output=_last),
    OpSpec("narrow_copy", [Case((M, 1, 1, 2)), Case((M, 0, 2, 5), error=True)]),
]
