"""Oracle entries for the view family (ember/_ops/views.py) and the views that live with the
pointwise ops (real, imag, conj) plus rsub."""
from .spec import Case, OpSpec, T

M = T((3, 4))
M3 = T((2, 3, 4))
V = T((5,))
S = T(())
E = T((0, 3))
NC = T((4, 3), noncontig=True)
R1 = T((3, 1))
I = T((3, 4), dtype="int64", low=-3, high=4, grad=False)
C = T((2, 3), dtype="complex128", grad=False)


def _method(name):
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


SPECS = [
    OpSpec("view", [Case((M, 12)), Case((M, (2, -1))), Case((M3, 4, 6)), Case((S, 1)),
                    Case((E, (3, 0))), Case((M, -1, 2, 2)), Case((S, ())),
                    Case((NC, 12), error=True), Case((M, 5), error=True),
                    Case((M, -1, -1), error=True)], call=_method("view")),
    OpSpec("reshape", [Case((M, (12,))), Case((M, (2, -1))), Case((NC, (12,)), name="copy"),
                       Case((S, (1, 1))), Case((E, (-1,))), Case((M, (5,)), error=True)]),
    OpSpec("view_as", [Case((M, T((2, 6), grad=False))), Case((M3, T((6, 4), grad=False)))],
           call=_method("view_as")),
    OpSpec("reshape_as", [Case((M, T((2, 6), grad=False))),
                          Case((NC, T((12,), grad=False)))], call=_method("reshape_as")),
    OpSpec("permute", [Case((M3, (2, 0, 1))), Case((M3, (1, 0, 2))), Case((M, (-1, 0))),
                       Case((S, ())), Case((M, (0,)), error=True),
                       Case((M, (0, 0)), error=True), Case((NC, (1, 0)))]),
    OpSpec("transpose", [Case((M, 0, 1)), Case((M3, -1, 0)), Case((S, 0, -1)),
                         Case((NC, 0, 1)), Case((M, 0, 2), error=True)]),
    OpSpec("swapaxes", [Case((M, 0, 1)), Case((M3, -1, 0)), Case((NC,), {"axis0": 1, "axis1": 0}),
                        Case((M, 0, 2), error=True)]),
    OpSpec("t", [Case((M,)), Case((V,)), Case((S,)), Case((NC,)), Case((M3,), error=True)]),
    OpSpec("adjoint", [Case((M,)), Case((M3,)), Case((C,)), Case((V,), error=True)]),
    OpSpec("expand", [Case((R1, 3, 4)), Case((R1, (2, 3, -1))), Case((S, 2, 3)),
                      Case((V, 2, 5)), Case((R1, 4, 4), error=True),
                      Case((M, 4), error=True)], call=_method("expand")),
    OpSpec("expand_as", [Case((R1, T((3, 4), grad=False))), Case((S, T((2, 2), grad=False)))],
           call=_method("expand_as")),
    OpSpec("broadcast_to", [Case((R1, (2, 3, 4))), Case((V, (3, 5))), Case((S, ())),
                            Case((M, (4, 4)), error=True)]),
    OpSpec("squeeze", [Case((T((3, 1, 4, 1)),)), Case((T((3, 1, 4)), 1)), Case((M, 0)),
                       Case((T((1, 3, 1)), (0, 2))), Case((S,)), Case((S, 0)),
                       Case((M, 3), error=True)]),
    OpSpec("unsqueeze", [Case((M, 0)), Case((M, -1)), Case((S, 0)), Case((NC, 1)),
                         Case((M, 3), error=True)]),
    OpSpec("select", [Case((M, 0, 1)), Case((M3, -1, -2)), Case((NC, 1, 2)),
                      Case((M, 0, 3), error=True), Case((S, 0, 0), error=True)]),
    OpSpec("narrow", [Case((M, 1, 1, 2)), Case((M3, -1, 0, 4)), Case((M, 0, -2, 2)),
                      Case((M, 0, 2, 2), error=True)]),
    OpSpec("as_strided", [Case((M, (2, 2), (1, 2))), Case((M, (3,), (4,), 1)),
                          Case((NC, (2, 3), (1, 2))), Case((M, (5, 5), (4, 1)), error=True)],
           gradcheck=False),
    OpSpec("detach", [Case((M,)), Case((S,))]),
    OpSpec("real", [Case((C,)), Case((M,))]),
    OpSpec("imag", [Case((C,)), Case((M,), error=True)]),
    OpSpec("conj", [Case((C,)), Case((M,)), Case((I,))]),
    # torch's conj() sets a conjugate bit that ember's (materialized) conj() has no use for:
    # these run on tensors without the bit, where the two libraries agree
    *(OpSpec(n, [Case((C,)), Case((M,)), Case((I,))]) for n in ("resolve_conj", "resolve_neg")),
    *(OpSpec(n, [Case((C,)), Case((M,))], call=lambda lib, x, n=n: (
        getattr(lib, n)(x), getattr(x, n)(), getattr(lib, n)(x.conj_physical())))
      for n in ("is_conj", "is_neg")),
    OpSpec("rsub", [Case((M, M)), Case((M, 2.5)), Case((M, R1), {"alpha": 2}),
                    Case((I, 3)), Case((S, M))]),
]
