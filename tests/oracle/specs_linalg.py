"""Oracle entries for the linear-algebra ops (ember/_ops/linalg.py)."""
from .spec import OpSpec, Case, T


def _L(name):
    """Call ``lib.linalg.<name>``."""
    return lambda lib, *a, **k: getattr(lib.linalg, name)(*a, **k)


def _sym(lib, x):
    """A well-conditioned symmetric positive-definite matrix built from ``x``."""
    return x @ x.mT + x.shape[-1] * lib.eye(x.shape[-1], dtype=x.dtype)


def _cases(*shape_lists):
    return [Case(tuple(T(s) for s in shapes)) for shapes in shape_lists]


SQ = [Case((T((3, 3)),)), Case((T((2, 3, 3)),))]
MATS = [Case((T((4, 3)),)), Case((T((3, 4)),)), Case((T((2, 3, 3), noncontig=True),))]
F64 = {"float32": (1e-4, 1e-5)}

# torch differentiates these twice; ember's svd / eigh / lstsq backwards (ember/_ops/linalg.py)
# are not twice differentiable yet
_NOT_TWICE = "ember's svd/eigh/lstsq backward is not twice differentiable yet (linalg.py)"

SPECS = [
    OpSpec("matmul", _cases([(3,), (3,)], [(3,), (3, 4)], [(2, 3), (3,)], [(2, 3), (3, 4)],
                            [(5, 2, 3), (5, 3, 4)], [(5, 2, 3), (3, 4)], [(2, 3), (5, 3, 4)],
                            [(5, 2, 3), (3,)], [(3,), (5, 3, 4)], [(2, 1, 2, 3), (5, 3, 4)])
           + [Case((T((4, 3), noncontig=True), T((3, 2), noncontig=True)))], tol=F64),
    OpSpec("mm", _cases([(2, 3), (3, 4)], [(0, 3), (3, 2)]), tol=F64),
    OpSpec("bmm", _cases([(2, 2, 3), (2, 3, 4)]), tol=F64),
    OpSpec("mv", _cases([(2, 3), (3,)]), tol=F64),
    OpSpec("dot", _cases([(3,), (3,)]), tol=F64),
    OpSpec("vdot", _cases([(3,), (3,)]), tol=F64),
    OpSpec("addmm", _cases([(2, 4), (2, 3), (3, 4)], [(4,), (2, 3), (3, 4)])
           + [Case((T((4,)), T((2, 3)), T((3, 4))), {"beta": 0.5, "alpha": 2.0})], tol=F64),
    OpSpec("addmv", _cases([(2,), (2, 3), (3,)]), tol=F64),
    OpSpec("addr", _cases([(3, 4), (3,), (4,)]), tol=F64),
    OpSpec("baddbmm", _cases([(2, 2, 4), (2, 2, 3), (2, 3, 4)]), tol=F64),
    OpSpec("addbmm", _cases([(2, 4), (5, 2, 3), (5, 3, 4)]), tol=F64),
    OpSpec("outer", _cases([(3,), (4,)])),
    OpSpec("inner", _cases([(2, 3), (4, 3)], [(3,), (3,)], [(), (3,)]), tol=F64),
    OpSpec("tensordot", _cases([(2, 3, 4), (3, 4, 5)])
           + [Case((T((2, 3, 4)), T((4, 3, 5))), {"dims": ([1, 2], [1, 0])})], tol=F64),
    OpSpec("kron", _cases([(2, 3), (3, 4)], [(2,), (2, 3)])),
    OpSpec("trace", _cases([(3, 4)])),
    OpSpec("linalg_cross", _cases([(4, 3), (4, 3)], [(1, 3), (4, 3)]), call=_L("cross")),
    OpSpec("cross", [Case((T((3, 2)), T((3, 2))), {"dim": 0})]),
    OpSpec("einsum", [Case(("ij,jk->ik", T((2, 3)), T((3, 4)))), Case(("ii", T((3, 3)))),
                      Case(("bij,bjk->bik", T((2, 2, 3)), T((2, 3, 4)))),
                      Case(("...ij,...jk", T((2, 2, 3)), T((2, 3, 4)))),
                      Case(("i,ij,j->", T((3,)), T((3, 4)), T((4,))))],
           tol=F64, node_names=False),
    OpSpec("linalg_multi_dot", [Case(([T((2, 3)), T((3, 4)), T((4, 5))],)),
                                Case(([T((3,)), T((3, 4)), T((4,))],))],
           call=lambda lib, ts: lib.linalg.multi_dot(ts), tol=F64),
    OpSpec("chain_matmul", _cases([(2, 3), (3, 4), (4, 5)]),
           call=lambda lib, *ts: lib.linalg.multi_dot(ts), tol=F64),
    OpSpec("matrix_power", [Case((T((3, 3)), 3)), Case((T((2, 3, 3)), 2))], tol=F64),
    OpSpec("linalg_matrix_power", [Case((T((3, 3)), 3))], call=_L("matrix_power"), tol=F64),
    OpSpec("linalg_inv", SQ, call=lambda lib, x: lib.linalg.inv(_sym(lib, x)), tol=F64),
    OpSpec("inverse", SQ, call=lambda lib, x: lib.inverse(_sym(lib, x)), tol=F64),
    OpSpec("linalg_det", SQ, call=_L("det"), tol=F64),
    OpSpec("det", SQ, tol=F64),
    OpSpec("linalg_slogdet", SQ, call=lambda lib, x: lib.linalg.slogdet(_sym(lib, x)),
           output=lambda r: r[1], tol=F64),
    OpSpec("slogdet", SQ, call=lambda lib, x: lib.slogdet(_sym(lib, x)), output=lambda r: r[1],
           tol=F64),
    OpSpec("logdet", SQ, call=lambda lib, x: lib.logdet(_sym(lib, x)), tol=F64),
    OpSpec("linalg_solve", [Case((T((3, 3)), T((3, 2)))), Case((T((2, 3, 3)), T((2, 3))))],
           call=lambda lib, a, b: lib.linalg.solve(_sym(lib, a), b), tol=F64),
    OpSpec("linalg_solve_triangular", [Case((T((3, 3)), T((3, 2))), {"upper": True}),
                                       Case((T((3, 3)), T((2, 3))), {"upper": False,
                                                                       "left": False})],
           call=lambda lib, a, b, **k: lib.linalg.solve_triangular(_sym(lib, a), b, **k),
           tol=F64),
    OpSpec("linalg_cholesky", SQ, call=lambda lib, x: lib.linalg.cholesky(_sym(lib, x)),
           tol=F64),
    OpSpec("linalg_qr", [Case((T((4, 3)),)), Case((T((2, 3, 3)),))], call=_L("qr"),
           output=lambda r: r[1], tol=F64),
    OpSpec("qr", [Case((T((4, 3)),))], output=lambda r: r[1], tol=F64),
    OpSpec("linalg_eigh", SQ, call=lambda lib, x: lib.linalg.eigh(_sym(lib, x)),
           output=lambda r: r[0], tol=F64),
    OpSpec("linalg_eigvalsh", SQ, call=lambda lib, x: lib.linalg.eigvalsh(_sym(lib, x)),
           tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_svd", MATS, call=lambda lib, x: lib.linalg.svd(x, full_matrices=False),
           output=lambda r: r[1], tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_svdvals", MATS, call=_L("svdvals"), tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("svd", MATS, output=lambda r: r[1], tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_pinv", MATS, call=_L("pinv"), tol=F64),
    OpSpec("pinverse", MATS, tol=F64),
    OpSpec("linalg_lstsq", [Case((T((4, 3)), T((4, 2))))], call=_L("lstsq"),
           output=lambda r: r[0], tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_vector_norm", [Case((T((3, 4)),)), Case((T((3, 4)), 1, 1)),
                                  Case((T((3, 4)), float("inf"), (0, 1), True)),
                                  Case((T((3, 4)), 3))], call=_L("vector_norm"), tol=F64),
    OpSpec("linalg_matrix_norm", [Case((T((2, 3, 4)), o)) for o in ("fro", 1, -1, float("inf"))],
           call=_L("matrix_norm"), tol=F64),
    OpSpec("linalg_matrix_norm", [Case((T((2, 3, 4)), o)) for o in ("nuc", 2, -2)],
           call=_L("matrix_norm"), tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_norm", [Case((T((3, 3)),)), Case((T((4,)), 3))], call=_L("norm"), tol=F64),
    OpSpec("linalg_norm", [Case((T((3, 3)), 2))], call=_L("norm"), tol=F64,
           gradgradcheck=_NOT_TWICE),
    OpSpec("norm", [Case((T((3, 3)),)), Case((T((3, 3)),), {"p": 1}),
                    Case((T((3, 3)),), {"dim": 1})], tol=F64),
    OpSpec("norm", [Case((T((3, 3)),), {"p": "nuc"})], tol=F64, gradgradcheck=_NOT_TWICE),
    OpSpec("linalg_vecdot", _cases([(2, 3), (2, 3)]), call=_L("vecdot")),
]


# ---- decompositions, solvers and matrix functions ------------------------------------------
def _lu_call(name, **kw):
    """``lib.linalg.<name>(*lu_factor(A), B)``: the factorization made inside the call."""
    def call(lib, a, b):
        LU, piv = lib.linalg.lu_factor(a + 3 * lib.eye(a.shape[-1], dtype=a.dtype))
        return getattr(lib.linalg, name)(LU, piv, b, **kw)
    return call


def _view_real(lib, z):
    return lib.view_as_real(z)


WIDE_TALL = [Case((T((3, 3)),)), Case((T((2, 4, 4)),)), Case((T((3, 5)),)), Case((T((5, 3)),))]
SPECS += [
    OpSpec("linalg_inv_ex", SQ, call=lambda lib, x: lib.linalg.inv_ex(_sym(lib, x)),
           output=lambda r: r[0], tol=F64, gradgradcheck=True),
    OpSpec("linalg_solve_ex", [Case((T((3, 3)), T((3, 2)))), Case((T((2, 3, 3)), T((3, 1))))],
           call=lambda lib, a, b: lib.linalg.solve_ex(_sym(lib, a), b), output=lambda r: r[0],
           tol=F64),
    OpSpec("linalg_cholesky_ex", SQ, call=lambda lib, x: lib.linalg.cholesky_ex(_sym(lib, x)),
           output=lambda r: r[0], tol=F64, gradgradcheck=True),
    OpSpec("cholesky", SQ + [Case((T((3, 3)), True))],
           call=lambda lib, x, *a: lib.cholesky(_sym(lib, x), *a), tol=F64),
    OpSpec("linalg_lu_factor_ex", WIDE_TALL, call=lambda lib, x: lib.linalg.lu_factor_ex(x),
           output=lambda r: r[0], tol=F64, gradgradcheck=True),
    OpSpec("linalg_lu_factor", WIDE_TALL, call=lambda lib, x: lib.linalg.lu_factor(x),
           output=lambda r: r[0], tol=F64),
    OpSpec("lu", SQ, call=lambda lib, x: lib.lu(x), output=lambda r: r[0], tol=F64),
    OpSpec("linalg_lu", WIDE_TALL, call=lambda lib, x: lib.linalg.lu(x), output=lambda r: r[1:],
           tol=F64),
    OpSpec("lu_unpack", WIDE_TALL,
           call=lambda lib, x: lib.lu_unpack(x, lib.linalg.lu_factor(x.detach())[1]),
           output=lambda r: r[1:], tol=F64),
    OpSpec("linalg_lu_solve", [Case((T((3, 3)), T((3, 2)))), Case((T((2, 3, 3)), T((2, 3, 2))))],
           call=_lu_call("lu_solve"), tol=F64, gradgradcheck=True),
    OpSpec("lu_solve", [Case((T((3, 3)), T((3, 2))))],
           call=lambda lib, a, b: lib.lu_solve(b, *lib.linalg.lu_factor(
               a + 3 * lib.eye(3, dtype=a.dtype))), tol=F64),
    OpSpec("cholesky_solve", [Case((T((3, 2)), T((3, 3)))), Case((T((2, 3, 2)), T((3, 3))))],
           call=lambda lib, b, a: lib.cholesky_solve(b, lib.linalg.cholesky(_sym(lib, a))),
           tol=F64, gradgradcheck=True),
    OpSpec("cholesky_inverse", SQ,
           call=lambda lib, a: lib.cholesky_inverse(lib.linalg.cholesky(_sym(lib, a))), tol=F64),
    OpSpec("triangular_solve", [Case((T((3, 2)), T((3, 3)))),
                                Case((T((3, 2)), T((3, 3))), {"upper": False,
                                                              "transpose": True})],
           call=lambda lib, b, a, **k: lib.triangular_solve(b, a + 4 * lib.eye(3, dtype=a.dtype),
                                                            **k),
           output=lambda r: r[0], tol=F64),
    OpSpec("linalg_ldl_factor_ex", [Case((T((4, 4)),)), Case((T((2, 3, 3)),))],
           call=lambda lib, x: lib.linalg.ldl_factor_ex(x + x.mT), output=lambda r: r[0],
           tol=F64, grad=False),
    OpSpec("linalg_ldl_factor", [Case((T((4, 4)),))],
           call=lambda lib, x: lib.linalg.ldl_factor(x + x.mT), output=lambda r: r[0], tol=F64,
           grad=False),
    OpSpec("linalg_ldl_solve", [Case((T((4, 4)), T((4, 2)))), Case((T((2, 3, 3)), T((3, 1))))],
           call=lambda lib, a, b: lib.linalg.ldl_solve(
               *lib.linalg.ldl_factor(a.detach() + a.detach().mT), b), tol=F64, grad=False),
    OpSpec("geqrf", [Case((T((4, 3), grad=False),)), Case((T((2, 3, 4), grad=False),))],
           output=lambda r: r[0], tol=F64, grad=False),
    OpSpec("linalg_householder_product", [Case((T((4, 3)), T((3,)))),
                                          Case((T((2, 4, 3)), T((2, 2))))],
           call=lambda lib, a, t: lib.linalg.householder_product(a, t), tol=F64,
           gradgradcheck=True),
    OpSpec("orgqr", [Case((T((4, 3)), T((3,))))], tol=F64),
    OpSpec("ormqr", [Case((T((4, 3)), T((3,)), T((4, 2)))),
                     Case((T((4, 3)), T((3,)), T((2, 4))), {"left": False, "transpose": True})],
           tol=F64, gradgradcheck=True),
    OpSpec("linalg_eig", [Case((T((3, 3)),))],
           call=lambda lib, x: _view_real(lib, lib.linalg.eig(x)[0]), tol=F64),
    OpSpec("linalg_eigvals", SQ, call=lambda lib, x: _view_real(lib, lib.linalg.eigvals(x)),
           tol=F64),
    OpSpec("linalg_matrix_exp", SQ, call=_L("matrix_exp"), tol=F64, gradgradcheck=True),
    OpSpec("matrix_exp", [Case((T((3, 3), low=-4, high=4),))], tol=F64),
    OpSpec("linalg_matrix_rank", [Case((T((3, 4)),)), Case((T((2, 3, 3)),), {"hermitian": True}),
                                  Case((T((3, 3)),), {"atol": 1.0, "rtol": 0.1})],
           call=_L("matrix_rank"), grad=False),
    OpSpec("linalg_cond", [Case((T((3, 3)),)), Case((T((3, 3)), "nuc")),
                           Case((T((3, 3)), -2)), Case((T((4, 3)),))],
           call=_L("cond"), tol={"float32": (1e-3, 1e-4)}, gradgradcheck=_NOT_TWICE),
    # torch fills the inverse in place, so backward through these orders raises (ember too)
    OpSpec("linalg_cond", [Case((T((2, 3, 3)), "fro")), Case((T((3, 3)), 1)),
                           Case((T((3, 3)), float("-inf")))],
           call=_L("cond"), tol={"float32": (1e-3, 1e-4)}, grad=False),
    # torch's inverse is column-major, so its reshape is a ReshapeAlias node (ember: a View)
    OpSpec("linalg_tensorinv", [Case((T((4, 2, 2)),), {"ind": 1}), Case((T((2, 3, 6)),))],
           call=lambda lib, x, **k: lib.linalg.tensorinv(x + 3 * lib.eye(
               x.shape[0] if k else 6, dtype=x.dtype).reshape(x.shape), **k), tol=F64,
           node_names=False),
    OpSpec("linalg_tensorsolve", [Case((T((6, 2, 3)), T((6,)))),
                                  Case((T((2, 3, 6)), T((6,))), {"dims": (0, 1)})],
           call=lambda lib, a, b, **k: lib.linalg.tensorsolve(
               a + 3 * lib.eye(6, dtype=a.dtype).reshape(a.shape), b, **k), tol=F64),
    OpSpec("linalg_vander", [Case((T((3,)),)), Case((T((2, 3)),), {"N": 4}),
                             Case((T((3,), "int64", 1, 5),))], call=_L("vander"), tol=F64),
    # (torch's own backward of vander fails: it saves a view it later overwrites in place)
    OpSpec("vander", [Case((T((3,)),)), Case((T((4,)),), {"N": 2}),
                      Case((T((3,)), 5, True)), Case((T((3,), "int64", 1, 5),)),
                      Case((T((2,), "int32", 1, 5),), {"N": 0}), Case((T((0,)),)),
                      Case((T((2, 2)),), error=True, match="one-dimensional"),
                      Case((T(()),), error=True, match="one-dimensional"),
                      Case((T((3,)),), {"N": -1}, error=True, match="non-negative")],
           grad=False, tol=F64),
    OpSpec("linalg_diagonal", [Case((T((2, 3, 4)),)), Case((T((3, 4)),), {"offset": 1}),
                               Case((T((2, 3, 4)),), {"dim1": 0, "dim2": 2})],
           call=_L("diagonal")),
    OpSpec("complex", _cases([(3,), (3,)], [(2, 1), (3,)]),
           call=lambda lib, a, b: lib.view_as_real(lib.complex(a, b))),
    OpSpec("polar", [Case((T((3,), low=0.1), T((3,)))), Case((T((2, 3), low=0.1), T((3,)))),
                     Case((T((3,)), T((3,))), name="negative_abs", gradcheck=False)],
           call=lambda lib, a, b: lib.view_as_real(lib.polar(a, b)), tol=F64),
    OpSpec("view_as_real", [Case((T((3, 2)),)), Case((T((2, 3, 2), noncontig=True),))],
           call=lambda lib, x: lib.view_as_real(lib.view_as_complex(x.contiguous()) * 2)),
    OpSpec("view_as_complex", [Case((T((3, 2)),))],
           call=lambda lib, x: lib.view_as_real(lib.view_as_complex(x) * 2)),
    OpSpec("frexp", [Case((T((3, 4)),)), Case((T(()),))], output=lambda r: r[0]),
    OpSpec("block_diag", [Case((T((2, 3)), T(()), T((2,)))), Case((T((0, 2)), T((2, 0)))),
                          Case((T((2, 2)), T((2,), "int64", 0, 5)))]),
    OpSpec("diagflat", [Case((T((3,)),)), Case((T((2, 2)),), {"offset": -1})]),
]
