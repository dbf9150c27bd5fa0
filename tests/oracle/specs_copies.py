"""Oracle entries for the copying variants of the view ops (ember/_ops/copies.py): ``*_copy``,
``unsafe_split`` / ``unsafe_chunk`` and ``*_scatter``."""
from .spec import Case, OpSpec, T

M = T((3, 4))
M3 = T((2, 3, 4))
NC = T((4, 3), noncontig=True)
S = T(())
R1 = T((3, 1))


def _method(name):
    return lambda lib, x, *a, **k: getattr(x, name)(*a, **k)


SPECS = [
    OpSpec("expand_copy", [Case((R1, (2, 3, 4))), Case((S, (2, 2))),
                           Case((R1, (4, 4)), error=True)]),
    OpSpec("diagonal_copy", [Case((M,)), Case((M3, 1, 0, 2)), Case((NC, -1))]),
    OpSpec("alias_copy", [Case((M,)), Case((NC,)), Case((S,))]),
    OpSpec("detach_copy", [Case((M,)), Case((NC,)), Case((S,))], grad=False,
           node_names=False),
    OpSpec("as_strided_copy", [Case((M, (2, 2), (1, 2))), Case((M, (3,), (4,), 1))],
           gradcheck=False),
    OpSpec("view_copy", [Case((M, (12,))), Case((M3, (4, -1))), Case((M, (5,)), error=True)]),
    OpSpec("permute_copy", [Case((M3, (2, 0, 1))), Case((NC, (1, 0)))]),
    OpSpec("unbind_copy", [Case((M,)), Case((M3, 1))]),
    OpSpec("unfold_copy", [Case((M, 1, 2, 1)), Case((M3, 0, 2, 2))]),
    OpSpec("squeeze_copy", [Case((T((3, 1, 4, 1)),)), Case((T((3, 1, 4)), 1)),
                            Case((T((1, 3, 1)), (0, 2)))]),
    OpSpec("unsqueeze_copy", [Case((M, 0)), Case((NC, -1))]),
    OpSpec("transpose_copy", [Case((M3, 0, 2)), Case((NC, 0, 1))]),
    OpSpec("t_copy", [Case((M,)), Case((T((5,)),))]),
    OpSpec("split_with_sizes_copy", [Case((M, [1, 2])), Case((M3, [3, 1], -1)),
                                     Case((M, [1, 1]), error=True)]),
    OpSpec("select_copy", [Case((M, 1, 2)), Case((M3, -1, 0)), Case((NC, 0, -1)),
                           Case((M, 0, 3), error=True)]),
    OpSpec("slice_copy", [Case((M,)), Case((M, 1, 1, 3)), Case((M3, -1, None, None, 2)),
                          Case((NC, 0, -2))]),
    OpSpec("split_copy", [Case((M, 2)), Case((M3, 3, -1)), Case((NC, 1, 1))]),
    OpSpec("view_as_real_copy", [Case((T((3, 2)),)), Case((T((2, 3, 2), noncontig=True),))],
           call=lambda lib, x: lib.view_as_real_copy(lib.view_as_complex(x.contiguous()) * 2)),
    # (torch gives view_as_complex_copy's complex output no derivative)
    OpSpec("view_as_complex_copy", [Case((T((3, 2), grad=False),)),
                                    Case((T((2, 4, 2), grad=False),))],
           call=lambda lib, x: lib.view_as_real(lib.view_as_complex_copy(x) * 2), grad=False),
    OpSpec("unsafe_split_with_sizes", [Case((M, [1, 2])), Case((M3, [1, 3], -1))],
           call=_method("unsafe_split_with_sizes")),
    OpSpec("unsafe_split", [Case((M, 2)), Case((M3, 3, -1))], call=_method("unsafe_split")),
    OpSpec("unsafe_chunk", [Case((M, 2)), Case((M3, 3, 1))], call=_method("unsafe_chunk")),
    OpSpec("select_scatter", [Case((M, T((4,)), 0, 1)), Case((M3, T((2, 4)), 1, -1)),
                              Case((NC, T((4,)), 1, 0)),
                              Case((M, T((5,)), 0, 1), error=True)]),
    OpSpec("slice_scatter", [Case((M, T((1, 4)), 0, 0, 1)), Case((M, T((3, 2)), 1, None, None, 2)),
                             Case((M3, T((2, 3, 2)), -1, -2)),
                             Case((M, T((2, 4)), 0, 0, 1), error=True)]),
    OpSpec("diagonal_scatter", [Case((M, T((3,)))), Case((M3, T((3, 2)), 1, 0, 2)),
                                Case((M, T((4,))), error=True)]),
    # torch's input gradient of as_strided_scatter is wrong (see tests/oracle/opinfo_skips.py):
    # ember's is checked by finite differences only
    OpSpec("as_strided_scatter", [Case((M, T((2, 2)), (2, 2), (1, 2))),
                                  Case((M, T((3,)), (3,), (4,)), {"storage_offset": 1}),
                                  Case((M, T((2, 3)), (2, 2), (1, 2)), error=True)],
           grad=False),
]
