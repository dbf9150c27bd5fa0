"""Oracle entries for the indexing family (ember/_ops/indexing.py).  Index tensors are drawn
in range (``T`` with an int dtype and ``low``/``high``), with repeats, so gradients exercise
accumulation."""
from .spec import Case, OpSpec, T

M = T((4, 6))
NC = T((6, 4), noncontig=True)
SRC = T((4, 3))
IDX = T((4, 3), dtype="int64", low=0, high=4, grad=False)        # along dim 0 of M
IDX1 = T((4, 3), dtype="int64", low=0, high=6, grad=False)       # along dim 1 of M
ROW = T((5,), dtype="int64", low=0, high=4, grad=False)
MASK = T((4, 6), dtype="bool", low=0, high=2, grad=False)
COL = T((4, 1), dtype="int64", low=0, high=6, grad=False)      # one write per row: no races
FLAT = T((2, 3), dtype="int64", low=-24, high=24, grad=False)


def _gi(lib, x, key):
    return x[key]


SPECS = [
    OpSpec("gather", [Case((M, 1, IDX1)), Case((M, 0, IDX)), Case((NC, 1, IDX)),
                      Case((M, 1, T((4, 3), dtype="int64", low=6, high=9, grad=False)),
                           error=True)]),
    OpSpec("scatter", [Case((M, 1, COL, T((4, 1))), name="src"), Case((M, 0, IDX), {"value": 1.5}),
                       Case((M, 1, IDX1, 2.0), name="scalar")]),
    OpSpec("scatter_add", [Case((M, 1, IDX1, SRC)), Case((NC, 0, IDX, SRC))]),
    OpSpec("scatter_reduce", [Case((M, 1, IDX1, SRC, r), {"include_self": inc})
                              for r in ("sum", "prod", "mean", "amax", "amin")
                              for inc in (True, False)]),
    OpSpec("index_select", [Case((M, 0, ROW)), Case((NC, 1, ROW)),
                            Case((M, 0, IDX), error=True)]),
    OpSpec("index_add", [Case((M, 0, ROW, T((5, 6)))), Case((M, 0, ROW, T((5, 6))),
                                                             {"alpha": 2.0})]),
    OpSpec("index_copy", [Case((M, 1, T((4, 2))))],
           call=lambda lib, x, d, s: x.index_copy(d, lib.tensor([4, 1]), s)),
    OpSpec("index_fill", [Case((M, 0, ROW, -1.0)), Case((M, 1, ROW, T(())))]),
    OpSpec("index_put", [Case((M, (T((1,), dtype="int64", low=0, high=4, grad=False),), T((6,)))), Case((M, (ROW,), T((5, 6)), True)),
                         Case((M, (MASK,), T(())))]),
    OpSpec("masked_fill", [Case((M, MASK, 2.0)), Case((M, MASK, T(()))),
                           Case((T((6,)), MASK, 0.0))]),
    OpSpec("masked_select", [Case((M, MASK)), Case((T((6,)), MASK))]),
    OpSpec("masked_scatter", [Case((M, MASK, T((4, 6))))]),
    OpSpec("take", [Case((M, FLAT)), Case((NC, FLAT))]),
    OpSpec("take_along_dim", [Case((M, IDX1, 1)),
                              Case((M, T((5,), dtype="int64", low=0, high=24, grad=False)))]),
    OpSpec("put", [Case((M, T((2, 3)))), Case((M, T((2, 3)), True))],
           call=lambda lib, x, s, acc=False: x.put(lib.tensor([[0, 5, -1], [7, 9, 11]]), s, acc)),
    OpSpec("nonzero", [Case((MASK,)), Case((M,))], grad=False, gradcheck=False),
    OpSpec("argwhere", [Case((MASK,))], grad=False, gradcheck=False),
    OpSpec("__getitem__", [Case((M, (slice(1, 3), 2))), Case((M, (None, Ellipsis, 1))),
                           Case((M, ([0, 0, 3],))), Case((M, (MASK,))),
                           Case((M, (ROW, slice(None, None, 2)))),
                           Case((M, (slice(None, None, -1),)), error=True),
                           Case((M, (9,)), error=True)], call=_gi),
]
