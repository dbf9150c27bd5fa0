"""Oracle entries for the creation family (ember/_ops/creation.py): factories, conversions
between dtypes and devices, copies and fills."""
from .spec import Case, DT, OpSpec, T

M = T((3, 4))
S = T(())
E = T((0, 3))
NC = T((4, 3), noncontig=True)
I = T((3, 4), dtype="int64", low=-3, high=4, grad=False)
B = T((3, 4), dtype="bool", grad=False)
C = T((2, 3), dtype="complex64", grad=False)
F64 = DT("float64")
I32 = DT("int32")

SIZES = [Case((3,)), Case((2, 3)), Case(((2, 3),)), Case(([],)), Case((0, 2)),
         Case((2,), {"dtype": DT()}), Case((2, 3), {"dtype": DT("int32")}),
         Case((2,), {"dtype": DT("bool")}), Case((-1, 2), error=True)]
LIKE = [Case((M,)), Case((S,)), Case((E,)), Case((NC,)), Case((I,)),
        Case((M,), {"dtype": DT("int32")}), Case((I,), {"dtype": DT()})]


def _bytes_file(_made=[]):
    """A file of the bytes 0..63 (made once, removed at exit), for ``from_file``."""
    if not _made:
        import atexit
        import os
        import tempfile
        fd, path = tempfile.mkstemp(suffix=".bin")
        os.write(fd, bytes(range(64)))
        os.close(fd)
        atexit.register(os.remove, path)
        _made.append(path)
    return _made[0]


def _factory(name, values=True):
    return OpSpec(name, SIZES, grad=False, values=values)


def _like(name, values=True):
    return OpSpec(name, LIKE, grad=False, values=values)


def _method(name, *args, **kwargs):
    return lambda lib, x, *a, **k: getattr(x, name)(*args, *a, **kwargs, **k)


def _on_copy(name):
    """An in-place method on a non-leaf copy of ``x`` (so it is allowed with grad)."""
    return lambda lib, x, *a, **k: getattr(x * 1, name)(*a, **k)


def _conversion(name):
    return OpSpec(name, [Case((M,)), Case((S,)), Case((E,)), Case((NC,)), Case((I,)),
                         Case((B,))], call=_method(name), gradcheck=name == "double")


DATA = [[1.5, -2.25], [3.0, 1e-3]]

SPECS = [
    OpSpec("tensor", [
        Case((DATA,)), Case(([1, 2, 3],)), Case(([True, False],)), Case((3.5,)), Case((7,)),
        Case(([],)), Case(([[1, 2.5], [3, 4]],), name="mixed"),
        Case(([1 + 2j, 3],), name="complex"),
        Case((DATA,), {"dtype": DT()}), Case((DATA,), {"dtype": DT("float16")}),
        Case((DATA,), {"dtype": DT("int32")}), Case(([0.1, 1e-5, 65519.0, 3.14159, 1 / 3],),
                                                    {"dtype": DT("float16")}, name="half"),
        Case(([0.1, 1e-3, 1 / 3, 2.7182818],), {"dtype": DT("bfloat16")}, name="bf16"),
        Case(([[1, 2], [3]],), error=True, match="length"),
        Case((M,), name="from_tensor"), Case((I,), {"dtype": DT()}, name="tensor_cast")],
        grad=False),
    OpSpec("as_tensor", [Case((DATA,)), Case((M,)), Case((M,), {"dtype": F64}),
                         Case(([1, 2],), {"dtype": DT()})], grad=False),
    OpSpec("asarray", [Case((DATA,)), Case((M,)), Case((M,), {"dtype": F64}),
                       Case(([1, 2],), {"copy": True})], grad=False),
    OpSpec("from_numpy", [Case(("f64",)), Case(("i32",)), Case(("b",))], grad=False,
           call=lambda lib, kind: lib.from_numpy(_numpy(kind))),
    OpSpec("frombuffer", [Case(("int32", -1, 0)), Case(("uint8", 4, 2)), Case(("float64", 2, 8)),
                          Case(("bfloat16", 3, 2)), Case(("int32", -1, 1), error=True),
                          Case(("int64", 9, 0), error=True), Case(("uint8", 0, 0), error=True),
                          Case(("uint8", -1, 64), error=True)], grad=False,
           call=lambda lib, dtype, count, offset: lib.frombuffer(
               bytearray(range(64)), dtype=getattr(lib, dtype), count=count, offset=offset)),
    OpSpec("set_", [Case((M,)), Case((NC,)), Case((I,)), Case((S,))], grad=False,
           call=lambda lib, t: lib.empty(0, dtype=t.dtype).set_(t) * 1),
    OpSpec("from_file", [Case(("float32", 4)), Case(("int16", 32)), Case(("float64", 0)),
                         Case(("uint8", 65), error=True)], grad=False,
           call=lambda lib, dtype, size: lib.from_file(_bytes_file(), size=size,
                                                       dtype=getattr(lib, dtype))),
    OpSpec("scalar_tensor", [Case((2.5,)), Case((3,)), Case((True,)),
                             Case((2,), {"dtype": DT()})], grad=False),
    _factory("zeros"), _factory("ones"), _factory("empty", values=False),
    OpSpec("full", [Case(((2, 3), 1.5)), Case(((2,), 7)), Case(((2,), True)),
                    Case(((), 2.0)), Case(((2, 2), 3), {"dtype": DT()}),
                    Case(((2,), 2.5), {"dtype": I32}), Case(((-1,), 2.0), error=True)],
           grad=False),
    _like("zeros_like"), _like("ones_like"), _like("empty_like", values=False),
    OpSpec("full_like", [Case((M, 2.5)), Case((I, 3)), Case((I, 2.5)),
                         Case((M, 1), {"dtype": I32}), Case((S, -1.0))], grad=False),
    OpSpec("new_zeros", [Case((M, (2, 3))), Case((I, 2, 3)), Case((M, []), {"dtype": I32})],
           grad=False, call=_method("new_zeros")),
    OpSpec("new_ones", [Case((M, (2, 3))), Case((I, 4)), Case((M, 2), {"dtype": F64})],
           grad=False, call=_method("new_ones")),
    OpSpec("new_empty", [Case((M, (2, 3))), Case((I, 4))], grad=False, values=False,
           call=_method("new_empty")),
    OpSpec("new_full", [Case((M, (2, 3), 1.5)), Case((I, (2,), 3)), Case((M, (), 2))],
           grad=False, call=_method("new_full")),
    OpSpec("new_tensor", [Case((M, DATA)), Case((I, DATA)), Case((M, [1, 2])),
                          Case((M, [1, 2]), {"dtype": F64})],
           grad=False, call=_method("new_tensor")),
    OpSpec("arange", [Case((5,)), Case((1, 7, 2)), Case((0.0, 1.0, 0.1)), Case((5, 1, -1)),
                      Case((1.5,)), Case((0, 5), {"dtype": DT()}), Case((0, 1, 0.25),
                                                                         {"dtype": F64}),
                      Case((-2.5, 3.5, 0.7)), Case((10, 0, 3)), Case((0, 5, 0)),
                      Case((3,), {"dtype": I32})], grad=False),
    OpSpec("linspace", [Case((0, 1, 5)), Case((-2.5, 3.0, 7)), Case((3, -1, 4)),
                        Case((0, 10, 1)), Case((0, 10, 0)), Case((0, 1, 11), {"dtype": DT()}),
                        Case((0, 9, 4), {"dtype": I32}), Case((0, 1, -1), error=True)],
           grad=False),
    OpSpec("logspace", [Case((0, 2, 5)), Case((-1, 1, 4, 2.0)), Case((0, 3, 4),
                                                                     {"dtype": F64}),
                        Case((0, 3, 4), {"dtype": DT("int64")})], grad=False),
    OpSpec("eye", [Case((3,)), Case((2, 4)), Case((0,)), Case((3,), {"dtype": DT()}),
                   Case((2, 3), {"dtype": DT("bool")}), Case((-1,), error=True)], grad=False),
    OpSpec("clone", [Case((M,)), Case((S,)), Case((E,)), Case((NC,)), Case((I,))]),
    OpSpec("contiguous", [Case((M,)), Case((NC,)), Case((S,))], call=_method("contiguous")),
    OpSpec("to", [Case((M, F64)), Case((M, DT("float32"))), Case((M, I32)), Case((I, DT())),
                  Case((NC, F64)), Case((M, "cpu")), Case((M,), {"dtype": DT("float16")}),
                  Case((M, "cpu", F64)), Case((S, DT("bool"))), Case((M, T((2,), "int32")))],
           call=_method("to"), gradcheck=False),   # casts to float32/16 defeat finite differences,
    OpSpec("cpu", [Case((M,)), Case((S,))], call=_method("cpu")),
    OpSpec("copy_", [Case((M, T((3, 4)))), Case((M, T((4,)))), Case((M, I)), Case((NC, T((4, 3)))),
                     Case((M, T((2, 4))), error=True), Case((M, T((5, 3, 4))), error=True)], call=_on_copy("copy_")),
    OpSpec("fill_", [Case((M, 2.5)), Case((S, 1)), Case((I, 3)), Case((M, T(()))),
                     Case((M, T((2,))), error=True), Case((I, T(())), gradcheck=False),
                     Case((M, T((), grad=False)))], call=_on_copy("fill_")),
    OpSpec("zero_", [Case((M,)), Case((NC,)), Case((I,))], call=_on_copy("zero_")),
    OpSpec("fill_diagonal_", [Case((M, 2.5)), Case((T((7, 3)), -1.0), {"wrap": True}),
                              Case((T((7, 3)), 4.0)), Case((T((3, 3, 3)), 0.5)), Case((NC, 2.0)),
                              Case((I, 3)), Case((T((3,)), 1.0), error=True),
                              Case((T((2, 3, 3)), 1.0), error=True)],
           call=_on_copy("fill_diagonal_")),
    # float64 -> float16 rounds through float32 in PyTorch (ties differ from a direct cast)
    OpSpec("half", [Case((T((256, 256), dtype="float64", grad=False),), name="double_round")],
           call=_method("half")),
    OpSpec("tensor", [Case((T((256, 256), dtype="float64", grad=False),), name="double_round")],
           call=lambda lib, x: lib.tensor(x.tolist(), dtype=lib.float16), grad=False),
] + [_conversion(n) for n in ("float", "double", "half", "bfloat16", "long", "int", "short",
                              "char", "byte", "bool", "cfloat", "cdouble")]


def _numpy(kind):
    import numpy as np
    return {"f64": np.arange(6, dtype=np.float64).reshape(2, 3) / 7,
            "i32": np.arange(-3, 3, dtype=np.int32), "b": np.array([True, False])}[kind]
