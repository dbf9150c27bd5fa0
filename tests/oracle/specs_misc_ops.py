"""Oracle entries for the small OpInfo ops (ember/_ops/misc.py, index_math.py, strided.py):
fill, sum_to_size, gcd / lcm, dist, triu / tril_indices, unravel_index, nonzero_static, the
strided allocators (dtypes and shapes only: their values are undefined) and resize_."""
import numpy as np

from .spec import Case, DT, OpSpec, T

M = T((3, 4))
M3 = T((2, 3, 4), noncontig=True)
S = T(())
I = T((3, 4), dtype="int64", low=-20, high=21, grad=False)
I2 = T((4,), dtype="int64", low=-20, high=21, grad=False)
IDX = T((2, 3), dtype="int64", low=-30, high=30, grad=False)
SPARSE = T((3, 4), dtype="int64", low=0, high=2, grad=False)


def _method(name):
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


def _resized(lib, x, *a):
    return x.clone().resize_(*a)


def _resized_as(lib, x, other):
    return lib.resize_as_(x.clone(), other)


def _strides(lib, t):
    """An allocator's result with its strides (its values are undefined)."""
    return lib.tensor(t.stride()), lib.empty_like(t).zero_() if t.dtype.is_floating_point \
        else t.shape


SPECS = [
    OpSpec("fill", [Case((M, 2.5)), Case((M3, T((), grad=True))), Case((I, 3)),
                    Case((M, T((2,))), error=True)]),
    OpSpec("sum_to_size", [Case((M, 1, 4)), Case((M, (4,))), Case((M3, 3, 1)), Case((S, ())),
                           Case((M, 2, 4), error=True)], call=_method("sum_to_size")),
    OpSpec("gcd", [Case((I, I2)), Case((I, T((), dtype="int64", low=1, high=9, grad=False))),
                   Case((T((3,), grad=False), T((3,), grad=False)), error=True)]),
    OpSpec("lcm", [Case((I, I2)), Case((T((2, 3), dtype="int32", low=-9, high=9, grad=False),
                                        T((3,), dtype="int32", low=0, high=9, grad=False))),
                   Case((T((3,), grad=False), T((3,), grad=False)), error=True)]),
    OpSpec("dist", [Case((M, T((4,)))), Case((M3, T((2, 3, 4)), 1)), Case((M, T((3, 4)), 3.5)),
                    Case((M, T((3, 1)), float("inf"))), Case((T((3, 4), grad=False), T((3, 4), grad=False), 0)),
                    Case((M, T((5,))), error=True), Case((I, I2), error=True)],
           gradgradcheck="finite differences straddle the kinks of |x| for p = 1 and inf"),
    OpSpec("triu_indices", [Case((3, 4)), Case((4, 3, 1)), Case((5, 5, -2)), Case((0, 0)),
                            Case((3, 4), {"dtype": DT("int32")}),
                            Case((3, 4), {"dtype": DT("float32")}, error=True),
                            Case((-1, 4), error=True)]),
    OpSpec("tril_indices", [Case((3, 4)), Case((4, 3, 1)), Case((5, 5, -2)),
                            Case((3, -2), error=True)]),
    OpSpec("unravel_index", [Case((IDX, (4, 5))), Case((IDX, (2, 3, 5))), Case((7, (2, 3)), error=True, match="has no attribute"),
                             Case((T((3,), grad=False), (2, 3)), error=True)]),
    OpSpec("nonzero_static", [Case((SPARSE,), {"size": 4}), Case((SPARSE,), {"size": 20}),
                              Case((SPARSE,), {"size": 3, "fill_value": 7}),
                              Case((T((5,), grad=False),), {"size": 2}),
                              Case((SPARSE,), {"size": -1}, error=True)]),
    OpSpec("empty_strided", [Case(((2, 3), (1, 2))), Case(((2, 3), (3, 1)),
                                                         {"dtype": DT("float64")}),
                             Case(((2, 0), (0, 1))), Case(((2, 3), (1,)), error=True)],
           values=False),
    OpSpec("new_empty_strided", [Case((M, (2, 3), (1, 2))), Case((I, (4,), (2,)))],
           call=_method("new_empty_strided"), values=False),
    OpSpec("empty_permuted", [Case(((2, 3, 4), (2, 0, 1))), Case(((2, 3), (1, 0)),
                                                                {"dtype": DT("int64")}),
                              Case(((2, 3), (1,)), error=True)], values=False),
    OpSpec("resize_", [Case((T((3, 4), grad=False), (2, 6))), Case((T((3, 4), grad=False), 5)),
                       Case((T((3, 4), grad=False), (0,)))], call=_resized),
    OpSpec("resize_as_", [Case((T((3, 4), grad=False), T((12,), grad=False))),
                          Case((T((3, 4), grad=False), T((2, 2), grad=False)))],
           call=_resized_as),
]

_IDX = T((4,), dtype="int64", low=0, high=5, grad=False)
SPECS += [
    OpSpec("index_reduce", [
        Case((T((5, 3)), 0, _IDX, T((4, 3)), reduce), {"include_self": self_})
        for reduce in ("prod", "mean", "amax", "amin") for self_ in (True, False)] + [
        Case((T((3, 5), noncontig=True), 1, _IDX, T((3, 4)), "mean")),
        Case((T((5, 3)), 0, _IDX, T((4, 3)), "sum"), error=True),
        Case((T((5, 3)), 0, T((3,), dtype="int64", low=0, high=5, grad=False), T((4, 3)),
              "prod"), error=True),
        Case((T((5, 3)), 0, T((4,), low=0, high=4, grad=False), T((4, 3)), "amax"),
             error=True)],
        gradgradcheck="finite differences straddle the kinks of amax / amin"),
]

SPECS += [
    OpSpec("hash_tensor", [Case((M,)), Case((M3, 1)), Case((M, (0, 1)), {"keepdim": True}),
                           Case((I, 0)), Case((T((3,), dtype="bool", grad=False),)),
                           Case((T((3,), dtype="float16", grad=False),)), Case((S,)),
                           Case((T((0, 3)),), error=True), Case((T((0, 3)), 0), error=True),
                           Case((M,), {"mode": 1}, error=True),
                           Case((T((2,), dtype="complex64", grad=False),), error=True)],
           grad=False),
]


def _segment_reduce(lib, x, reduce, axis=0, by="lengths"):
    """Three segments of ``axis`` per row of the dims before it, split differently in the
    second row; sum and prod have an empty one (whose max, min or mean, an infinity or nan,
    finite differences cannot check)."""
    n = x.shape[axis]
    rows = [[2, 0, n - 2], [n - 1, 1, 0]] if reduce in ("sum", "prod") else \
        [[2, 1, n - 3], [1, n - 2, 1]]
    lead = tuple(x.shape[:axis % x.dim()])
    counts = np.array([rows[i % 2] for i in range(int(np.prod(lead)))]).reshape(lead + (3,))
    if by == "offsets":
        counts = np.concatenate([np.zeros(lead + (1,), "int64"), counts.cumsum(-1)], -1)
    return lib.segment_reduce(x, reduce, axis=axis, **{by: lib.tensor(counts)})


SPECS += [
    OpSpec("segment_reduce", [
        Case((T((6, 3)), "sum")), Case((T((6,)), "mean")), Case((T((6, 3)), "max")),
        Case((T((2, 5), noncontig=True), "min"), {"axis": 1}),
        Case((T((2, 3, 4)), "prod"), {"axis": -1, "by": "offsets"}),
        Case((T((4, 2)), "amax"), {"by": "offsets"}),
        Case((T((6,)), "median"), error=True)],
        call=_segment_reduce,
        gradgradcheck="torch has no derivative of segment_reduce's gradient"),
]
