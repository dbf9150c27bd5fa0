"""``torch.return_types``: the named tuples returned by multi-output ops (``max(dim)``, ``sort``,
``linalg.svd``...), printing like PyTorch's structseqs.  Every type ``name`` has a twin
``name_out``, the type an ``out=`` call returns (``torch.max(x, 0, out=...)`` gives a
``max_out``); ``all_return_types`` lists them all."""
from collections import namedtuple as _namedtuple

_VALUES = ("values", "indices")
_LU = ("LU", "pivots")
_FIELDS = {
    "max": _VALUES, "min": _VALUES, "median": _VALUES, "nanmedian": _VALUES, "mode": _VALUES,
    "kthvalue": _VALUES, "topk": _VALUES, "sort": _VALUES, "cummax": _VALUES,
    "cummin": _VALUES, "aminmax": ("min", "max"), "frexp": ("mantissa", "exponent"),
    "histogram": ("hist", "bin_edges"), "histogramdd": ("hist", "bin_edges"),
    "geqrf": ("a", "tau"), "triangular_solve": ("solution", "cloned_coefficient"),
    "lu_unpack": ("P", "L", "U"), "svd": ("U", "S", "V"), "qr": ("Q", "R"),
    "slogdet": ("sign", "logabsdet"),
    "linalg_svd": ("U", "S", "Vh"), "linalg_qr": ("Q", "R"),
    "linalg_slogdet": ("sign", "logabsdet"),
    "linalg_eig": ("eigenvalues", "eigenvectors"), "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
    "linalg_inv_ex": ("inverse", "info"), "linalg_solve_ex": ("result", "info"),
    "linalg_cholesky_ex": ("L", "info"), "linalg_lu": ("P", "L", "U"),
    "linalg_lu_factor": _LU, "linalg_lu_factor_ex": _LU + ("info",),
    "linalg_ldl_factor": ("LD", "pivots"), "linalg_ldl_factor_ex": ("LD", "pivots", "info"),
    "_lu_with_info": _LU + ("info",),
}
_NO_OUT = ("histogramdd", "_lu_with_info")     # ops without an ``out=`` form


def _structseq(name, fields):
    base = _namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__module__": __name__})
    cls.n_fields = cls.n_sequence_fields = len(fields)
    return cls


def _define():
    made = {}
    for name, fields in _FIELDS.items():
        cls = made[name] = _structseq(name, fields)
        cls._out = cls    # the type an ``out=`` call returns
        if name not in _NO_OUT:
            cls._out = made[name + "_out"] = _structseq(name + "_out", fields)
    return made


globals().update(_define())
all_return_types = [globals()[n] for n in sorted(_FIELDS) + sorted(n + "_out" for n in _FIELDS)
                    if n in globals() and not n.startswith("_")]
__all__ = ["all_return_types"] + [c.__name__ for c in all_return_types]
