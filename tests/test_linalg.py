"""Linear algebra against torch 2.13: values, dtypes, grad_fn names, gradients and errors."""
import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def pair(*shape, dtype="float64", grad=True, noncontig=False):
    a = RNG.standard_normal(shape).astype(dtype)
    if noncontig and a.ndim >= 2:
        a = np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    e = ember.from_numpy(a.copy()) if not noncontig else ember.from_numpy(
        np.ascontiguousarray(np.swapaxes(a, -1, -2))).transpose(-1, -2)
    t = torch.from_numpy(a.copy())
    if grad and dtype.startswith("float"):
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def spd(n, batch=()):
    a = RNG.standard_normal(batch + (n, n))
    a = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
    return ember.from_numpy(a.copy()).requires_grad_(), torch.from_numpy(a.copy()).requires_grad_()


def close(e, t, rtol=1e-6, atol=1e-7):
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def check(fe, ft, *pairs, name=True, grad=True, rtol=1e-6, atol=1e-7):
    """Run ``fe`` on ember inputs and ``ft`` on torch inputs; compare outputs, node, grads."""
    es = [p[0] for p in pairs]
    ts = [p[1] for p in pairs]
    re, rt = fe(*es), ft(*ts)
    close(re, rt, rtol, atol)
    if name and rt.grad_fn is not None:
        assert type(re.grad_fn).__name__ == type(rt.grad_fn).__name__
    if grad and rt.requires_grad:
        w = RNG.standard_normal(tuple(rt.shape))
        (re * ember.from_numpy(w.astype(str(rt.dtype).split(".")[1]))).sum().backward()
        (rt * torch.from_numpy(w).to(rt.dtype)).sum().backward()
        for e, t in zip(es, ts):
            if t.grad is not None:
                close(e.grad, t.grad, max(rtol, 1e-5), max(atol, 1e-6))


def raises(fe, ft, exc=RuntimeError):
    with pytest.raises(Exception) as te:
        ft()
    with pytest.raises(exc) as ee:
        fe()
    assert str(ee.value) == str(te.value)


# ---- matmul and friends -------------------------------------------------------------------
MATMUL_SHAPES = [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
                 ((5, 2, 3), (3,)), ((3,), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4)),
                 ((2, 5, 2, 3), (2, 5, 3, 4)), ((0, 3), (3, 2)), ((2, 0), (0, 4))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matmul(sa, sb, dtype):
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == "float32" else {}
    check(lambda a, b: a @ b, lambda a, b: a @ b, pair(*sa, dtype=dtype), pair(*sb, dtype=dtype),
          **tol)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES[:9])
def test_matmul_one_grad_and_nograd(sa, sb):
    a, b = pair(*sa), pair(*sb, grad=False)
    check(ember.matmul, torch.matmul, a, b)
    a, b = pair(*sa, grad=False), pair(*sb, grad=False)
    close(ember.matmul(a[0], b[0]), torch.matmul(a[1], b[1]))


def test_matmul_noncontig_and_dtypes():
    check(ember.matmul, torch.matmul, pair(4, 3, noncontig=True), pair(3, 5, noncontig=True))
    for dt in ["int64", "int32"]:
        a = RNG.integers(-5, 5, (2, 3)).astype(dt)
        b = RNG.integers(-5, 5, (3, 4)).astype(dt)
        close(ember.from_numpy(a) @ ember.from_numpy(b), torch.from_numpy(a) @ torch.from_numpy(b))
    a = RNG.standard_normal((2, 3)).astype("float16")
    b = RNG.standard_normal((3, 4)).astype("float16")
    close(ember.from_numpy(a) @ ember.from_numpy(b), torch.from_numpy(a) @ torch.from_numpy(b),
          rtol=1e-2, atol=1e-2)
    x = torch.ones(2, 3, dtype=torch.bfloat16)
    assert str((ember.ones(2, 3, dtype=ember.bfloat16) @ ember.ones(3, 2, dtype=ember.bfloat16))
               .dtype) == str((x @ x.T).dtype)


@pytest.mark.parametrize("sa,sb", [((3,), (4,)), ((2, 3), (4,)), ((3,), (4, 5)),
                                   ((2, 3), (4, 5)), ((10, 2, 3), (10, 4, 5)),
                                   ((10, 2, 3), (9, 3, 5)), ((10, 2, 3), (4, 5)), ((), (3,))])
def test_matmul_errors(sa, sb):
    (a, ta), (b, tb) = pair(*sa), pair(*sb)
    raises(lambda: a @ b, lambda: ta @ tb)


def test_product_errors():
    (a, ta), (b, tb) = pair(2, 2), pair(2, 2)
    raises(lambda: ember.dot(a, b), lambda: torch.dot(ta, tb))
    raises(lambda: ember.mm(ember.ones(2, 2, 3), a), lambda: torch.mm(torch.ones(2, 2, 3), ta))
    raises(lambda: ember.bmm(a, b), lambda: torch.bmm(ta, tb))
    raises(lambda: ember.bmm(ember.ones(10, 2, 3), ember.ones(9, 3, 5)),
           lambda: torch.bmm(torch.ones(10, 2, 3), torch.ones(9, 3, 5)))
    raises(lambda: ember.mm(ember.ones(2, 3), ember.ones(3, 4, dtype=ember.float64)),
           lambda: torch.mm(torch.ones(2, 3), torch.ones(3, 4, dtype=torch.float64)))
    raises(lambda: ember.dot(ember.ones(3), ember.ones(3, dtype=ember.float64)),
           lambda: torch.dot(torch.ones(3), torch.ones(3, dtype=torch.float64)))
    raises(lambda: ember.mm(ember.ones(2, 3, dtype=ember.bool), ember.ones(3, 2, dtype=ember.bool)),
           lambda: torch.mm(torch.ones(2, 3, dtype=torch.bool), torch.ones(3, 2, dtype=torch.bool)),
           NotImplementedError)
    raises(lambda: ember.addmm(ember.ones(3), ember.ones(2, 3), ember.ones(3, 5)),
           lambda: torch.addmm(torch.ones(3), torch.ones(2, 3), torch.ones(3, 5)))


@pytest.mark.parametrize("op,shapes", [
    ("mm", [(2, 3), (3, 4)]), ("bmm", [(2, 2, 3), (2, 3, 4)]), ("mv", [(2, 3), (3,)]),
    ("dot", [(3,), (3,)]), ("vdot", [(3,), (3,)]), ("outer", [(3,), (4,)]),
    ("ger", [(3,), (4,)]), ("inner", [(2, 3), (4, 3)]), ("inner", [(3,), (3,)]),
    ("inner", [(), (3,)]), ("kron", [(2, 3), (3, 4)]), ("kron", [(2,), (2, 3)]),
])
def test_binary_products(op, shapes):
    check(getattr(ember, op), getattr(torch, op), *[pair(*s) for s in shapes])


@pytest.mark.parametrize("op,shapes", [
    ("addmm", [(2, 4), (2, 3), (3, 4)]), ("addmm", [(4,), (2, 3), (3, 4)]),
    ("addmv", [(2,), (2, 3), (3,)]), ("addr", [(3, 4), (3,), (4,)]),
    ("baddbmm", [(2, 2, 4), (2, 2, 3), (2, 3, 4)]), ("addbmm", [(2, 4), (5, 2, 3), (5, 3, 4)]),
])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1)])
def test_addops(op, shapes, beta, alpha):
    fe, ft = getattr(ember, op), getattr(torch, op)
    check(lambda *a: fe(*a, beta=beta, alpha=alpha), lambda *a: ft(*a, beta=beta, alpha=alpha),
          *[pair(*s) for s in shapes])


@pytest.mark.parametrize("op,shapes", [
    ("addmm", [(2, 4), (2, 3), (3, 4)]), ("addmv", [(2,), (2, 3), (3,)]),
    ("addr", [(3, 4), (3,), (4,)]), ("baddbmm", [(2, 2, 4), (2, 2, 3), (2, 3, 4)]),
])
def test_addops_take_zero_dim_tensor_factors(op, shapes):
    """A 0-d tensor that needs no gradient is a Number for ``beta`` / ``alpha``."""
    fe, ft = getattr(ember, op), getattr(torch, op)
    check(lambda *a: fe(*a, beta=ember.tensor(0.5, dtype=ember.float64), alpha=ember.tensor(-2)),
          lambda *a: ft(*a, beta=torch.tensor(0.5, dtype=torch.float64), alpha=torch.tensor(-2)),
          *[pair(*s) for s in shapes])
    args = [ember.ones(*s, dtype=ember.float64) for s in shapes]
    with pytest.raises(TypeError):
        fe(*args, alpha=ember.tensor(2.0, requires_grad=True))


def test_addmm_inplace_and_out():
    (c, tc), (a, ta), (b, tb) = pair(2, 4, grad=False), pair(2, 3), pair(3, 4)
    c.addmm_(a, b, alpha=2)
    tc.addmm_(ta, tb, alpha=2)
    close(c, tc)
    o = ember.empty(0, dtype=ember.float64)
    ember.mm(a.detach(), b.detach(), out=o)
    close(o, torch.mm(ta.detach(), tb.detach()))


def test_linear_style_addmm_grad_fn():
    (x, tx), (w, tw), (b, tb) = pair(5, 3), pair(4, 3), pair(4)
    check(lambda x, w, b: ember.addmm(b, x, w.t()), lambda x, w, b: torch.addmm(b, x, w.t()),
          (x, tx), (w, tw), (b, tb))


def test_trace_cross():
    check(ember.trace, torch.trace, pair(3, 4))
    assert ember.trace(ember.ones(2, 3, dtype=ember.int32)).dtype is ember.int64
    (a, ta) = pair(2, 3, 4)
    raises(lambda: ember.trace(a), lambda: torch.trace(ta))
    check(lambda a, b: ember.linalg.cross(a, b), lambda a, b: torch.linalg.cross(a, b),
          pair(4, 3), pair(4, 3))
    check(lambda a, b: ember.linalg.cross(a, b), lambda a, b: torch.linalg.cross(a, b),
          pair(1, 3), pair(4, 3))
    check(lambda a, b: ember.cross(a, b, dim=0), lambda a, b: torch.cross(a, b, dim=0),
          pair(3, 2), pair(3, 2))
    (a, ta), (b, tb) = pair(4, 2), pair(4, 2)
    raises(lambda: ember.linalg.cross(a, b, dim=0), lambda: torch.linalg.cross(ta, tb, dim=0))


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ii", [(3, 3)]), ("ii->i", [(3, 3)]),
    ("ij->ji", [(3, 2)]), ("ij->", [(3, 2)]), ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]), ("...ij,...jk", [(2, 2, 3), (2, 3, 4)]),
    ("i,i->i", [(3,), (3,)]), ("i,ij,j->", [(3,), (3, 4), (4,)]), ("ij,kj", [(2, 3), (4, 3)]),
    ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]), ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
])
def test_einsum(eq, shapes):
    check(lambda *a: ember.einsum(eq, *a), lambda *a: torch.einsum(eq, *a),
          *[pair(*s) for s in shapes], name=False)


def test_einsum_error():
    (a, ta), (b, tb) = pair(2, 3), pair(4, 5)
    raises(lambda: ember.einsum("ij,jk->ik", a, b), lambda: torch.einsum("ij,jk->ik", ta, tb))


@pytest.mark.parametrize("sa,sb,dims", [((2, 3, 4), (3, 4, 5), 2), ((2, 3, 4), (4, 3, 5),
                                         ([1, 2], [1, 0])), ((2, 3), (4,), 0),
                                        ((2, 3), (3, 4), 1)])
def test_tensordot(sa, sb, dims):
    check(lambda a, b: ember.tensordot(a, b, dims=dims),
          lambda a, b: torch.tensordot(a, b, dims=dims), pair(*sa), pair(*sb))


def test_tensordot_error():
    (a, ta), (b, tb) = pair(2, 3), pair(4, 5)
    raises(lambda: ember.tensordot(a, b, dims=1), lambda: torch.tensordot(ta, tb, dims=1))


def test_chains_and_powers():
    shapes = [(2, 3), (3, 4), (4, 5)]
    check(lambda *a: ember.linalg.multi_dot(list(a)), lambda *a: torch.linalg.multi_dot(list(a)),
          *[pair(*s) for s in shapes])
    check(lambda *a: ember.linalg.multi_dot(list(a)), lambda *a: torch.linalg.multi_dot(list(a)),
          pair(3), pair(3, 4), pair(4))
    check(lambda *a: ember.chain_matmul(*a), lambda *a: torch.linalg.multi_dot(a),
          *[pair(*s) for s in shapes])
    for n in (0, 1, 2, 3, 5):
        check(lambda a: ember.matrix_power(a, n), lambda a: torch.matrix_power(a, n),
              pair(3, 3), name=n > 1)
    check(lambda a: ember.linalg.matrix_power(a, -2), lambda a: torch.linalg.matrix_power(a, -2),
          spd(3))
    check(lambda a: ember.linalg.matrix_power(a, 3), lambda a: torch.linalg.matrix_power(a, 3),
          pair(2, 3, 3), name=False)
    (a, ta) = pair(2, 3)
    raises(lambda: ember.matrix_power(a, 2), lambda: torch.matrix_power(ta, 2))


# ---- linalg ---------------------------------------------------------------------------------
@pytest.mark.parametrize("batch", [(), (2,)])
def test_inv_det_slogdet_solve(batch):
    check(ember.linalg.inv, torch.linalg.inv, spd(3, batch))
    check(ember.inverse, torch.inverse, spd(3, batch))
    check(ember.linalg.det, torch.linalg.det, spd(3, batch))
    check(ember.det, torch.det, pair(*batch, 3, 3))
    check(lambda a: ember.linalg.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1],
          pair(*batch, 3, 3))
    check(lambda a: ember.linalg.slogdet(a)[0], lambda a: torch.linalg.slogdet(a)[0],
          pair(*batch, 3, 3), grad=False, name=False)
    check(ember.logdet, torch.logdet, spd(3, batch))
    check(ember.linalg.solve, torch.linalg.solve, spd(3, batch), pair(*batch, 3, 2))
    check(ember.linalg.solve, torch.linalg.solve, spd(3, batch), pair(*batch, 3))
    check(lambda a, b: ember.linalg.solve(a, b, left=False),
          lambda a, b: torch.linalg.solve(a, b, left=False), spd(3, batch), pair(*batch, 2, 3))


def test_linalg_errors():
    z = np.zeros((2, 2))
    raises(lambda: ember.linalg.inv(ember.from_numpy(z)), lambda: torch.linalg.inv(
        torch.from_numpy(z)), ember.linalg.LinAlgError)
    zb = np.stack([np.eye(2), z])
    raises(lambda: ember.linalg.inv(ember.from_numpy(zb)), lambda: torch.linalg.inv(
        torch.from_numpy(zb)), ember.linalg.LinAlgError)
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    raises(lambda: ember.linalg.inv(ember.ones(2, 3)), lambda: torch.linalg.inv(torch.ones(2, 3)))
    raises(lambda: ember.linalg.inv(ember.ones(2)), lambda: torch.linalg.inv(torch.ones(2)))
    raises(lambda: ember.linalg.inv(ember.ones(2, 2, dtype=ember.int64)),
           lambda: torch.linalg.inv(torch.ones(2, 2, dtype=torch.int64)))
    raises(lambda: ember.linalg.solve(ember.from_numpy(z), ember.ones(2, dtype=ember.float64)),
           lambda: torch.linalg.solve(torch.from_numpy(z), torch.ones(2, dtype=torch.float64)),
           ember.linalg.LinAlgError)
    neg = -np.stack([-np.eye(2), np.eye(2)])
    raises(lambda: ember.linalg.cholesky(ember.from_numpy(neg)),
           lambda: torch.linalg.cholesky(torch.from_numpy(neg)), ember.linalg.LinAlgError)
    raises(lambda: ember.linalg.qr(ember.ones(3, 3), mode="foo"),
           lambda: torch.linalg.qr(torch.ones(3, 3), mode="foo"))
    raises(lambda: ember.linalg.matrix_norm(ember.ones(3), ord=3),
           lambda: torch.linalg.matrix_norm(torch.ones(3), ord=3))
    raises(lambda: ember.linalg.matrix_norm(ember.ones(3, 3), ord=3),
           lambda: torch.linalg.matrix_norm(torch.ones(3, 3), ord=3))
    raises(lambda: ember.linalg.vector_norm(ember.ones(3, dtype=ember.int64)),
           lambda: torch.linalg.vector_norm(torch.ones(3, dtype=torch.int64)))


@pytest.mark.parametrize("call", [
    "addmm(ones(3, 3), ones(3), ones(3, 3))",
    "addmm(ones(3, 3), ones(3, 3), ones(3))",
    "addmm(ones(2, 2), ones(2, 2, dtype=float64), ones(2, 2))",
    "addmm(ones(2, 2, dtype=float64), ones(2, 2), ones(2, 2))",
    "addmv(ones(2, dtype=float64), ones(2, 2), ones(2))",
    "baddbmm(ones(2, 2, 2, dtype=float64), ones(2, 2, 2), ones(2, 2, 2))",
    "addbmm(ones(3, 3), ones(2, 3, 4), ones(2, 5, 3))",
    "addbmm(ones(3, 3), ones(2, 3, 4), ones(3, 4, 3))",
    "addr(ones(3, 3), ones(3, 1), ones(3))",
    "addr(ones(3, 3), ones(3), ones(3, 1))",
    # the input's dtype is checked whatever beta is, integer inputs included
    "addmm(ones(2, 2, dtype=int64), ones(2, 2), ones(2, 2))",
    "addmm(ones(2, 2, dtype=float64), ones(2, 2), ones(2, 2), beta=0)",
    "addmm(ones(2, 2), ones(2, 2), ones(2, 2, dtype=float64))",
    "addmv(ones(2, dtype=int64), ones(2, 2), ones(2), beta=0)",
    "baddbmm(ones(1, 2, 2), ones(1, 2, 2), ones(1, 2, 2, dtype=float64))",
    "addbmm(ones(2, 2), ones(1, 2, 2, dtype=float64), ones(1, 2, 2))",
    "addbmm(ones(2, 2, dtype=int64), ones(1, 2, 2), ones(1, 2, 2), beta=0)",
    # addr promotes its three operands, and checks beta and alpha against the result
    "addr(ones(2, 2, dtype=int64), ones(2, dtype=int64), ones(2, dtype=int64), beta=0.5)",
    "addr(ones(2, 2, dtype=int64), ones(2, dtype=int64), ones(2, dtype=int64), alpha=1+1j)",
    "addr(ones(2, 2), ones(2), ones(2), beta=True)",
    "addr(ones(2, 2, dtype=bool), ones(2, dtype=bool), ones(2, dtype=bool), alpha=0.5)",
    "linalg.solve(ones(3, 3), ones(5, 3, 4), left=False)",
    "einsum('ii', ones(3, 4))",
    "einsum('i,ii', ones(3), ones(3, 4))",
])
def test_fused_product_and_einsum_errors(call):
    """Messages worded per operation (addmm's mat1/mat2, addr's vec1, baddbmm's dtypes)."""
    raises(lambda: eval(call, vars(ember)), lambda: eval(call, vars(torch)))


@pytest.mark.parametrize("dtypes", [("float64", "float32", "float32"),
                                    ("int64", "float32", "float32"),
                                    ("float32", "float64", "float64"),
                                    ("float32", "int64", "int64"),
                                    ("float32", "float32", "float64"),
                                    ("float32", "bool", "bool")])
@pytest.mark.parametrize("beta", [1, 0, 0.5])
def test_addr_promotes_like_torch(dtypes, beta):
    rng = np.random.default_rng(0)
    arrays = [rng.integers(-3, 4, shape).astype(dt) for shape, dt in
              zip([(3, 4), (3,), (4,)], dtypes)]
    if beta == 0.5 and dtypes[0] == "int64":
        beta = 0
    res = []
    for lib in (ember, torch):
        ts = [lib.from_numpy(a.copy()) for a in arrays]
        for t in ts:
            if t.dtype.is_floating_point:
                t.requires_grad_()
        out = lib.addr(*ts, beta=beta, alpha=2)
        leaves = [t for t in ts if t.requires_grad]
        try:
            grads = lib.autograd.grad(out.sum(), leaves)
        except RuntimeError:
            # torch's AddrBackward0 calls mv on the promoted gradient and the unpromoted
            # vectors, which fails when the vectors are the narrower type; the reference is
            # then torch on operands promoted beforehand, its gradients cast back
            assert lib is torch and dtypes[1] != str(out.dtype).split(".")[1]
            wide = [t.to(out.dtype) for t in ts]
            grads = [g.to(t.dtype) for g, t in zip(lib.autograd.grad(
                lib.addr(*wide, beta=beta, alpha=2).sum(), [wide[i] for i, t in enumerate(ts)
                                                            if t.requires_grad]), leaves)]
        res.append((out, grads))
    (e, eg), (t, tg) = res
    assert str(e.dtype) == str(t.dtype) and type(e.grad_fn).__name__ == type(t.grad_fn).__name__
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy())
    for a, b in zip(eg, tg):
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.numpy(), b.numpy())


@pytest.mark.parametrize("op, shapes", [
    ("addmm", [(2, 2), (2, 2), (2, 2)]), ("addmv", [(2,), (2, 2), (2,)]),
    ("baddbmm", [(1, 2, 2), (1, 2, 2), (1, 2, 2)]), ("addbmm", [(2, 2), (1, 2, 2), (1, 2, 2)]),
    ("addr", [(2, 2), (2,), (2,)]), ("addr", [(2, 2), (2,), (2,), "bool"])])
@pytest.mark.parametrize("kw", [dict(beta=0.5), dict(alpha=0.5), dict(beta=2, alpha=3),
                                dict(beta=True), dict(alpha=-1.5)])
def test_fused_products_scalar_factors_on_integers(op, shapes, kw):
    """Integral results truncate float factors (torch casts them); addr refuses them."""
    dtype = shapes[3] if len(shapes) == 4 else "int64"
    outs = []
    for lib in (ember, torch):
        args = [lib.arange(1, 1 + math.prod(s)).reshape(s).to(getattr(lib, dtype))
                for s in shapes[:3]]
        try:
            outs.append(getattr(lib, op)(*args, **kw))
        except RuntimeError as e:
            outs.append(e)
    e, t = outs
    if isinstance(t, Exception):
        assert isinstance(e, RuntimeError) and str(e) == str(t)
    else:
        assert e.dtype == getattr(ember, dtype) and e.tolist() == t.tolist()


def test_bool_batched_product_kernel_names():
    b, tb = ember.ones(2, 2, 2, dtype=ember.bool), torch.ones(2, 2, 2, dtype=torch.bool)
    raises(lambda: ember.baddbmm(b, b, b), lambda: torch.baddbmm(tb, tb, tb), NotImplementedError)
    raises(lambda: ember.addbmm(b[0], b, b), lambda: torch.addbmm(tb[0], tb, tb),
           NotImplementedError)


def test_qr_complete_backward_error():
    def run(lib):
        a = lib.ones(3, 2, dtype=lib.float64, requires_grad=True)
        q, r = lib.linalg.qr(a, mode="complete")
        (q.sum() + r.sum()).backward()
    raises(lambda: run(ember), lambda: run(torch))

def _sym(x):
    return x @ x.mT + 3 * (ember.eye(x.shape[-1], dtype=x.dtype) if isinstance(x, ember.Tensor)
                           else torch.eye(x.shape[-1], dtype=x.dtype))


@pytest.mark.parametrize("batch", [(), (2,)])
def test_cholesky_eigh(batch):
    check(lambda a: ember.linalg.cholesky(_sym(a)), lambda a: torch.linalg.cholesky(_sym(a)),
          pair(*batch, 3, 3), name=False)
    check(lambda a: ember.linalg.cholesky(_sym(a), upper=True),
          lambda a: torch.linalg.cholesky(_sym(a), upper=True), pair(*batch, 3, 3), name=False)
    check(ember.linalg.cholesky, torch.linalg.cholesky, spd(3, batch))
    check(ember.linalg.eigvalsh, torch.linalg.eigvalsh, spd(3, batch))
    check(lambda a: ember.linalg.eigh(a)[0], lambda a: torch.linalg.eigh(a)[0], spd(3, batch))
    check(lambda a: ember.linalg.eigh(a, UPLO="U")[0], lambda a: torch.linalg.eigh(a, UPLO="U")[0],
          pair(*batch, 3, 3), grad=False)

    # eigenvectors up to sign: compare a sign-invariant function
    def f(lib):
        return lambda a: (lambda V: V * V)(lib.linalg.eigh(_sym(a))[1])
    check(f(ember), f(torch), pair(*batch, 3, 3), name=False)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (3, 3), (2, 4, 3)])
def test_svd(shape):
    check(ember.linalg.svdvals, torch.linalg.svdvals, pair(*shape))
    check(lambda a: ember.linalg.svd(a)[1], lambda a: torch.linalg.svd(a)[1], pair(*shape))
    check(lambda a: ember.svd(a)[1], lambda a: torch.svd(a)[1], pair(*shape))

    def f(lib, full):          # U diag(S) Vh is gauge-invariant; so are |U|^2 and |Vh|^2
        def g(a):
            U, S, Vh = lib.linalg.svd(a, full_matrices=full)
            k = S.shape[-1]
            return (U[..., :k] * S.unsqueeze(-2)) @ Vh[..., :k, :] + (U * U).sum() + (Vh * Vh).sum()
        return g
    for full in (False, True):
        check(f(ember, full), f(torch, full), pair(*shape), name=False, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 4, 3)])
def test_qr(shape):
    for mode in ("reduced", "complete"):
        check(lambda a: ember.linalg.qr(a, mode=mode)[1], lambda a: torch.linalg.qr(a, mode=mode)[1],
              pair(*shape), grad=mode == "reduced")
        check(lambda a: ember.linalg.qr(a, mode=mode)[0], lambda a: torch.linalg.qr(a, mode=mode)[0],
              pair(*shape), grad=mode == "reduced")
    check(lambda a: ember.linalg.qr(a, mode="r")[1], lambda a: torch.linalg.qr(a, mode="r")[1],
          pair(*shape), grad=False, name=False)


@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 4)])
def test_pinv_lstsq(shape):
    check(ember.linalg.pinv, torch.linalg.pinv, pair(*shape), rtol=1e-5, atol=1e-6)
    check(ember.pinverse, torch.pinverse, pair(*shape), rtol=1e-5, atol=1e-6)
    check(lambda a: ember.linalg.pinv(_sym(a), hermitian=True),
          lambda a: torch.linalg.pinv(_sym(a), hermitian=True), pair(3, 3), rtol=1e-5, atol=1e-6)
    m = shape[-2]
    if m >= shape[-1]:
        check(lambda a, b: ember.linalg.lstsq(a, b).solution,
              lambda a, b: torch.linalg.lstsq(a, b).solution, pair(*shape),
              pair(*shape[:-1], 2), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("upper,left,unit", [(True, True, False), (False, True, False),
                                             (True, False, False), (False, True, True)])
def test_solve_triangular(upper, left, unit):
    B = pair(3, 2) if left else pair(2, 3)
    check(lambda a, b: ember.linalg.solve_triangular(a, b, upper=upper, left=left,
                                                     unitriangular=unit),
          lambda a, b: torch.linalg.solve_triangular(a, b, upper=upper, left=left,
                                                     unitriangular=unit), spd(3), B)


@pytest.mark.parametrize("ord", [2, 1, 0, 3, 0.5, math.inf, -math.inf])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), ((0, 1), True)])
def test_vector_norm(ord, dim, keepdim):
    check(lambda a: ember.linalg.vector_norm(a, ord, dim, keepdim),
          lambda a: torch.linalg.vector_norm(a, ord, dim, keepdim), pair(3, 4))


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf])
def test_matrix_norm(ord):
    check(lambda a: ember.linalg.matrix_norm(a, ord), lambda a: torch.linalg.matrix_norm(a, ord),
          pair(2, 3, 4), rtol=1e-5, atol=1e-6)
    check(lambda a: ember.linalg.matrix_norm(a, ord, dim=(0, 2), keepdim=True),
          lambda a: torch.linalg.matrix_norm(a, ord, dim=(0, 2), keepdim=True), pair(3, 2, 4),
          rtol=1e-5, atol=1e-6, name=False)


def test_norm_variants():
    check(ember.norm, torch.norm, pair(3, 3))
    check(lambda a: ember.norm(a, p=1), lambda a: torch.norm(a, p=1), pair(3, 3))
    check(lambda a: ember.norm(a, dim=1), lambda a: torch.norm(a, dim=1), pair(3, 3))
    check(lambda a: ember.norm(a, p="nuc"), lambda a: torch.norm(a, p="nuc"), pair(3, 3))
    check(lambda a: a.norm(), lambda a: a.norm(), pair(2, 3))
    check(ember.linalg.norm, torch.linalg.norm, pair(3, 3))
    check(lambda a: ember.linalg.norm(a, 2), lambda a: torch.linalg.norm(a, 2), pair(3, 3))
    check(lambda a: ember.linalg.norm(a, 3), lambda a: torch.linalg.norm(a, 3), pair(4))
    check(ember.linalg.norm, torch.linalg.norm, pair(2, 3, 4))
    x = ember.zeros(3, requires_grad=True)
    ember.linalg.vector_norm(x).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    check(lambda a, b: ember.linalg.vecdot(a, b), lambda a, b: torch.linalg.vecdot(a, b),
          pair(2, 3), pair(2, 3))


# ---- OpInfo conformance regressions --------------------------------------------------------
def test_einsum_ellipsis_summed_on_one_side():
    check(lambda a, b: ember.einsum("...ik, ...j -> ij", a, b),
          lambda a, b: torch.einsum("...ik, ...j -> ij", a, b), pair(1, 2, 3), pair(3))


def test_tensordot_size_one_contraction_broadcasts():
    dims = ([0, 1], [2, 0])
    check(lambda a, b: ember.tensordot(a, b, dims), lambda a, b: torch.tensordot(a, b, dims),
          pair(1, 1, 1), pair(2, 1, 2))


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4), (1, 3)])
def test_qr_backward_wide(shape):
    for i in (0, 1):
        check(lambda a: ember.linalg.qr(a)[i], lambda a: torch.linalg.qr(a)[i], pair(*shape))
    e, t = pair(*shape)
    qe, re = ember.linalg.qr(e)
    qt, rt = torch.linalg.qr(t)
    (qe.sum() + (re * re).sum()).backward()
    (qt.sum() + (rt * rt).sum()).backward()
    close(e.grad, t.grad, 1e-6, 1e-7)


def test_slogdet_outputs_both_from_node():
    e, t = pair(3, 3)
    for fe, ft in ((ember.linalg.slogdet, torch.linalg.slogdet), (ember.slogdet, torch.slogdet)):
        for oe, ot in zip(fe(e), ft(t)):
            assert oe.requires_grad == ot.requires_grad
            assert type(oe.grad_fn).__name__ == type(ot.grad_fn).__name__
    check(lambda a: ember.linalg.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1], pair(3, 3))


@pytest.mark.parametrize("ord", [0.5, -0.5, -1, -2, -3.5, 3.5, math.inf, -math.inf])
def test_vector_norm_subgradient_at_zero(ord):
    for x in (np.zeros(5), np.array([0.0, 1.0, -2.0])):
        e = ember.tensor(x, requires_grad=True)
        t = torch.tensor(x, requires_grad=True)
        ember.linalg.norm(e, ord).backward()
        torch.linalg.norm(t, ord).backward()
        close(e.grad, t.grad)


@pytest.mark.parametrize("driver", ["gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("sa,sb", [((4, 3), (4, 2)), ((2, 4, 3), (2, 4, 2)), ((4, 3), (4,)),
                                   ((3, 3), (3, 2)), ((2, 3), (2, 3))])
def test_lstsq_outputs_and_residual_gradient(driver, sa, sb):
    A, B = pair(*sa), pair(*sb)
    re = ember.linalg.lstsq(A[0], B[0], driver=driver)
    rt = torch.linalg.lstsq(A[1], B[1], driver=driver)
    for oe, ot in zip(re, rt):
        close(oe, ot, 1e-6, 1e-7)
        assert oe.requires_grad == ot.requires_grad
    if rt.residuals.numel():
        check(lambda a, b: ember.linalg.lstsq(a, b, driver=driver).residuals,
              lambda a, b: torch.linalg.lstsq(a, b, driver=driver).residuals, pair(*sa),
              pair(*sb))
