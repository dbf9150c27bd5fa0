"""Oracle entries for the reduction family (ember/_ops/reduction.py, scan.py,
sorting.py, softmax.py)."""
from .spec import Case, OpSpec, T

M = T((3, 4))
M3 = T((2, 3, 4))
V = T((5,))
S = T(())
NC = T((4, 3), noncontig=True)
I = T((3, 4), dtype="int64", low=-3, high=4, grad=False)
B = T((3, 4), dtype="bool", low=0, high=2, grad=False)


def _dims(*extra, zero_dim_gradcheck=True):
    return [Case((M,)), Case((M, 1)), Case((M, -1, True)), Case((M3, (0, 2))),
            Case((M3, (-1, 0), True)), Case((V, 0)), Case((S,), gradcheck=zero_dim_gradcheck),
            Case((NC, 0)), *extra]


def _along(*extra):
    return [Case((M, 0)), Case((M, -1)), Case((M3, 1)), Case((V, 0)), Case((S, 0)),
            Case((NC, 1)), *extra]


def _values(r):
    """The values of a (values, indices) result; full reductions return a plain tensor."""
    return r[0] if isinstance(r, tuple) else r


SPECS = [
    OpSpec("sum", _dims(Case((I,)), Case((B, 0)))),
    OpSpec("mean", _dims()),
    OpSpec("nansum", _dims(Case((I, 1)))),
    OpSpec("nanmean", _dims()),
    OpSpec("prod", [Case((M,)), Case((M, 1)), Case((M, -1, True)), Case((V, 0)), Case((S,)),
                    Case((I,)), Case((NC, 0))]),
    OpSpec("amax", _dims(Case((I, 1)))),
    OpSpec("amin", _dims(Case((I, 1)))),
    OpSpec("max", [Case((M,)), Case((S,)), Case((M, 1)), Case((M, -1, True)), Case((V, 0)),
                   Case((NC, 0)), Case((I, 1))], output=_values),
    OpSpec("min", [Case((M,)), Case((S,)), Case((M, 1)), Case((M, -1, True)), Case((V, 0)),
                   Case((NC, 0)), Case((I, 1))], output=_values),
    OpSpec("aminmax", [Case((M,)), Case((M,), {"dim": 1}), Case((M,), {"dim": 0, "keepdim": True})],
           output=lambda r: r[0] + r[1] if hasattr(r[0], "requires_grad") else r[0]),
    OpSpec("argmax", [Case((M,)), Case((M, 1)), Case((M, -1, True)), Case((I, 0))], grad=False,
           gradcheck=False),
    OpSpec("argmin", [Case((M,)), Case((M, 1)), Case((M, -1, True)), Case((I, 0))], grad=False,
           gradcheck=False),
    # one element with correction=1 has no degrees of freedom: the result is NaN
    OpSpec("std", _dims(Case((M, 1), {"correction": 0}), Case((M, 1, False, True)),
                        zero_dim_gradcheck=False)),
    OpSpec("var", _dims(Case((M, 1), {"correction": 2}), Case((M, 1, False, True)),
                        zero_dim_gradcheck=False)),
    OpSpec("std_mean", [Case((M,)), Case((M, 1)), Case((M3, (0, 2)), {"keepdim": True})],
           output=lambda r: r[0] + r[1]),
    OpSpec("var_mean", [Case((M,)), Case((M, 1)), Case((M3, (0, 2)), {"correction": 0})],
           output=lambda r: r[0] + r[1]),
    OpSpec("logsumexp", [Case((M, 1)), Case((M, (0, 1))), Case((M3, -1, True)), Case((V, 0)),
                         Case((S, 0)), Case((NC, 0)), Case((I, 1))]),
    OpSpec("softmax", _along()),
    OpSpec("log_softmax", _along()),
    OpSpec("softmin", _along(),
           call=lambda lib, *a, **k: (lib.softmin if hasattr(lib, "softmin")
                                      else lib.nn.functional.softmin)(*a, **k)),
    OpSpec("cumsum", _along(Case((I, 1)))),
    OpSpec("cumprod", _along(Case((I, 1)))),
    OpSpec("logcumsumexp", _along()),
    OpSpec("cummax", _along(), output=_values),
    OpSpec("cummin", _along(), output=_values),
    OpSpec("all", [Case((B,)), Case((B, 1)), Case((B, 0, True)), Case((I, (0, 1)))],
           grad=False, gradcheck=False),
    OpSpec("any", [Case((B,)), Case((B, 1)), Case((B, 0, True)), Case((I, (0, 1)))],
           grad=False, gradcheck=False),
    OpSpec("count_nonzero", [Case((I,)), Case((I, 1)), Case((B, (0, 1)))], grad=False,
           gradcheck=False),
    OpSpec("sort", _along(Case((M, 1, True))), output=_values),
    OpSpec("argsort", _along(Case((M, 1, True))), grad=False, gradcheck=False),
    OpSpec("msort", [Case((M,)), Case((V,)), Case((NC,))]),
    OpSpec("topk", [Case((M, 2)), Case((M, 2, 0)), Case((M, 3, -1, False)), Case((V, 5)),
                    Case((S, 1))], output=_values),
    OpSpec("kthvalue", [Case((M, 2)), Case((M, 1, 0)), Case((M, 3, -1, True)), Case((V, 5)),
                        Case((S, 1))], output=_values),
    OpSpec("median", [Case((M,)), Case((M, 1)), Case((M, 0, True)), Case((V, 0)), Case((S,))],
           output=lambda r: r[0] if isinstance(r, tuple) else r),
    OpSpec("nanmedian", [Case((M,)), Case((M, 1)), Case((M, 0, True)), Case((V, 0))],
           output=lambda r: r[0] if isinstance(r, tuple) else r),
    OpSpec("mode", [Case((I,)), Case((I, 0)), Case((I, 1, True))], output=_values, grad=False,
           gradcheck=False),
    OpSpec("unique", [Case((I,)), Case((I,), {"return_inverse": True, "return_counts": True}),
                      Case((I,), {"dim": 1})], grad=False, gradcheck=False,
           output=lambda r: r[0] if isinstance(r, tuple) else r),
    OpSpec("unique_consecutive", [Case((I,)), Case((I,), {"return_counts": True}),
                                  Case((I,), {"dim": 0})], grad=False, gradcheck=False,
           output=lambda r: r[0] if isinstance(r, tuple) else r),
]
