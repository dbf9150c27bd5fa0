"""Oracle entries for ``ember.masked`` (torch.masked's reductions and normalisations; composite
functions, not registered ops): masks of the input's shape and broadcast ones, fully masked-out
slices, ``mask=None``, integer inputs and torch's errors."""
from .spec import Case, DT, OpSpec, T

X = T((3, 4))
X3 = T((2, 3, 4), noncontig=True)
MASK = T((3, 4), dtype="bool", low=0, high=2, grad=False)
MASK3 = T((3, 4), dtype="bool", low=0, high=2, grad=False)       # broadcast over dim 0
ROW = T((3, 1), dtype="bool", low=0, high=1, grad=False)          # every row masked out
INT = T((3, 4), dtype="int64", low=-5, high=6, grad=False)
POS = T((3, 4), low=0.5, high=2.0)


def _masked(name):
    return lambda lib, *a, **k: getattr(lib.masked, name)(*a, **k)


def _reduction(name, extra=(), **opts):
    cases = [Case((X,), {"mask": MASK}), Case((X, 1), {"mask": MASK, "keepdim": True}),
             Case((X3, (0, 2)), {"mask": MASK3}), Case((X,), {"mask": None}),
             Case((X, 0), {"mask": T((4,), dtype="bool", low=1, high=2, grad=False)}),
             Case((X, 3), {"mask": MASK}, error=True),
             Case((X, (1, 1)), {"mask": MASK}, error=True), *extra]
    return OpSpec(f"masked.{name}", cases, call=_masked(name), **opts)


_KINK = "finite differences straddle the kink where a masked-out maximum changes"
# Random masks can drop a whole slice, where these give -inf / nan and finite differences are
# undefined: their gradients are compared with torch's only.
_NONFINITE = {"gradcheck": False}

SPECS = [
    _reduction("sum", [Case((INT, 1), {"mask": MASK}), Case((X, 1), {"mask": ROW}),
                       Case((X,), {"mask": MASK, "dtype": DT("float64")})]),
    _reduction("prod", [Case((INT, 1), {"mask": MASK}), Case((X, 1), {"mask": ROW})]),
    _reduction("amax", [Case((INT, 1), {"mask": MASK})], **_NONFINITE),
    _reduction("amin", [Case((INT, 0), {"mask": MASK})], **_NONFINITE),
    _reduction("mean", [Case((X, 1), {"mask": ROW}), Case((INT, 1), {"mask": MASK}, error=True)],
               **_NONFINITE),
    _reduction("logsumexp", [Case((X, 1), {"mask": ROW})], **_NONFINITE),
    _reduction("var", [Case((X, 1), {"mask": MASK, "unbiased": False}),
                       Case((X, 1), {"mask": MASK, "correction": 0}),
                       Case((INT, 1), {"mask": MASK})], **_NONFINITE),
    _reduction("std", [Case((X, 1), {"mask": MASK, "unbiased": True})],
               tol={"float32": (1e-4, 1e-4)}, **_NONFINITE),
    OpSpec("masked.norm", [Case((X, 2.0), {"mask": MASK}), Case((X, 1.0, 1), {"mask": MASK}),
                           Case((X, float("inf"), 0), {"mask": MASK, "keepdim": True}),
                           Case((X, float("-inf"), 1), {"mask": MASK})],
           call=_masked("norm"), gradgradcheck=_KINK),
    OpSpec("masked.argmax", [Case((X, 1), {"mask": MASK}), Case((INT, 0), {"mask": MASK}),
                             Case((X,), {"mask": MASK})], call=_masked("argmax")),
    OpSpec("masked.argmin", [Case((X, 1), {"mask": MASK}), Case((X3, -1), {"mask": MASK3})],
           call=_masked("argmin")),
    OpSpec("masked.median", [Case((X, 1), {"mask": MASK}), Case((X, 1), {"mask": ROW}),
                             Case((INT, 0), {"mask": T((3, 4), dtype="bool", low=1, high=2,
                                                       grad=False)}),
                             Case((INT, 1), {"mask": ROW}, error=True)],
           call=_masked("median"), **_NONFINITE),
    OpSpec("masked.cumsum", [Case((X, 1), {"mask": MASK}), Case((X3, 0), {"mask": MASK3}),
                             Case((INT, 1), {"mask": MASK})], call=_masked("cumsum")),
    OpSpec("masked.cumprod", [Case((POS, 1), {"mask": MASK}), Case((POS, 0), {"mask": None})],
           call=_masked("cumprod")),
    OpSpec("masked.softmax", [Case((X, 1), {"mask": MASK}), Case((X3, 0), {"mask": MASK3})],
           call=_masked("softmax"), **_NONFINITE),
    OpSpec("masked.log_softmax", [Case((X, 1), {"mask": T((3, 4), dtype="bool", low=1, high=2,
                                                          grad=False)}),
                                  Case((X3, -1), {"mask": None})],
           call=_masked("log_softmax"), **_NONFINITE),
    OpSpec("masked.softmin", [Case((X, 0), {"mask": MASK}), Case((X3, 1), {"mask": MASK3})],
           call=_masked("softmin")),
    OpSpec("masked.normalize", [Case((X, 2.0, 1), {"mask": MASK}),
                                Case((X3, 1.0, 0), {"mask": MASK3, "eps": 0.1})],
           call=_masked("normalize")),
    OpSpec("masked.logaddexp", [Case((X, T((3, 4))), {"input_mask": MASK, "other_mask": MASK3}),
                                Case((X, T((4,))), {"input_mask": MASK})],
           call=_masked("logaddexp"), **_NONFINITE),
]
