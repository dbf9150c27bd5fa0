"""``torch.return_types`` and the ``out=`` forms of multi-output ops, against torch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def test_the_same_return_types_as_torch():
    names = sorted(c.__name__ for c in torch.return_types.all_return_types)
    assert sorted(c.__name__ for c in ember.return_types.all_return_types) == names
    for name in names:
        ours, theirs = getattr(ember.return_types, name), getattr(torch.return_types, name)
        assert ours._fields == theirs._fields if hasattr(theirs, "_fields") else True
        assert ours.n_fields == theirs.n_fields


def _spd(lib, n, dtype, seed):
    x = np.random.default_rng(seed).standard_normal((n, n))
    return lib.tensor(x @ x.T + n * np.eye(n), dtype=getattr(lib, dtype))


# (call, out dtypes by name: "f" the input's, "c" its complex type, "i" int32, "l" int64)
CALLS = {
    "linalg.svd": (lambda L, A, out: L.linalg.svd(A, out=out), "fff"),
    "svd": (lambda L, A, out: L.svd(A, out=out), "fff"),
    "linalg.slogdet": (lambda L, A, out: L.linalg.slogdet(A, out=out), "ff"),
    "slogdet": (lambda L, A, out: L.slogdet(A, out=out), "ff"),
    "linalg.qr": (lambda L, A, out: L.linalg.qr(A, out=out), "ff"),
    "linalg.qr complete": (lambda L, A, out: L.linalg.qr(A, "complete", out=out), "ff"),
    "qr": (lambda L, A, out: L.qr(A, out=out), "ff"),
    "linalg.eigh": (lambda L, A, out: L.linalg.eigh(A, out=out), "ff"),
    "linalg.eig": (lambda L, A, out: L.linalg.eig(A, out=out), "cc"),
    "linalg.inv_ex": (lambda L, A, out: L.linalg.inv_ex(A, out=out), "fi"),
    "linalg.cholesky_ex": (lambda L, A, out: L.linalg.cholesky_ex(A, out=out), "fi"),
    "linalg.lu_factor": (lambda L, A, out: L.linalg.lu_factor(A, out=out), "fi"),
    "linalg.lu": (lambda L, A, out: L.linalg.lu(A, out=out), "fff"),
    "geqrf": (lambda L, A, out: L.geqrf(A, out=out), "ff"),
    "frexp": (lambda L, A, out: L.frexp(A, out=out), "fi"),
    "max": (lambda L, A, out: L.max(A, 0, out=out), "fl"),
    "sort": (lambda L, A, out: L.sort(A, 1, out=out), "fl"),
    "aminmax": (lambda L, A, out: L.aminmax(A, dim=1, out=out), "ff"),
    "cummin": (lambda L, A, out: L.cummin(A, 0, out=out), "fl"),
    "histogram": (lambda L, A, out: L.histogram(A, 4, out=out), "ff"),
}


def _outs(lib, codes, dtype):
    f = getattr(lib, dtype)
    kinds = {"f": f, "c": lib.complex128 if dtype == "float64" else lib.complex64,
             "i": lib.int32, "l": lib.int64}
    return tuple(lib.empty(0, dtype=kinds[c]) for c in codes)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_out_forms_return_the_out_type_holding_torchs_values(name, dtype):
    call, codes = CALLS[name]
    tol = 1e-4 if dtype == "float32" else 1e-8
    results = {}
    for lib in (torch, ember):
        A = _spd(lib, 4, dtype, 7)
        out = _outs(lib, codes, dtype)
        res = call(lib, A, out)
        plain = call(lib, A, None)
        assert all(r is o for r, o in zip(res, out))
        results[lib] = (type(res).__name__, type(plain).__name__,
                        [r.abs().numpy() if name == "linalg.eig" else r.numpy() for r in res])
    assert results[ember][:2] == results[torch][:2]
    # (singular and eigenvectors, Q and R are unique up to signs / phases)
    fold = np.abs if any(k in name for k in ("svd", "qr", "eig")) else np.asarray
    for ours, theirs in zip(results[ember][2], results[torch][2]):
        np.testing.assert_allclose(fold(ours), fold(theirs), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["linalg.eigvalsh", "linalg.svdvals"])
def test_single_output_out_forms(name):
    vals = {}
    for lib in (torch, ember):
        A = _spd(lib, 5, "float64", 3)
        out = lib.empty(2, dtype=lib.float64)
        res = getattr(lib.linalg, name.split(".")[1])(A, out=out)
        assert res is out
        vals[lib] = np.sort(out.numpy())
    np.testing.assert_allclose(vals[ember], vals[torch], rtol=1e-10)


def test_out_form_refuses_a_wrong_dtype_as_torch_does():
    errors = []
    for lib in (torch, ember):
        A = _spd(lib, 3, "float32", 1)
        with pytest.raises(RuntimeError) as info:
            lib.linalg.slogdet(A, out=(lib.empty(0, dtype=lib.int64), lib.empty(0)))
        errors.append(type(info.value))
    assert errors[0] is errors[1]


def test_repr_names_the_out_type():
    A = ember.tensor([[2.0, 1.0], [1.0, 3.0]])
    out = (ember.empty(0), ember.empty(0))
    assert repr(ember.linalg.slogdet(A, out=out)).startswith("torch.return_types.linalg_slogdet_out(")


@pytest.mark.parametrize("shape, warns", [((2, 3), True), ((0,), False), ((4,), False)])
def test_resizing_a_nonempty_out_warns_as_torch_does(shape, warns):
    texts = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.add(lib.ones(4), 1, out=lib.empty(shape))
        found = [str(w.message) for w in caught if "was resized" in str(w.message)]
        assert [w.filename for w in caught if "was resized" in str(w.message)] == \
            [__file__] * len(found)
        texts.append([t.split(" (Triggered internally")[0] for t in found])
    assert texts[0] == texts[1] and bool(texts[0]) == warns
