"""``parametrizations.orthogonal``: a matrix (or batch of them) kept orthogonal / unitary.

The original parameter ``X`` is mapped to ``Q`` by one of three maps: the matrix exponential or
the Cayley transform of the skew-Hermitian matrix made from ``X``'s lower triangle, or the
product of the Householder reflectors stored below ``X``'s diagonal.  Wide matrices are handled
as their transpose.  With ``use_trivialization`` (the "dynamic trivialization" of Lezcano-Casado
2019) a buffer ``base`` multiplies the map's result, and assigning a matrix stores it (made
orthogonal by QR when it is not) as the new base with an original that maps to the identity.
"""
import enum

from ... import _errors, _ops
from ... import linalg as _linalg
from ..._type_info import finfo
from ...autograd import grad_mode
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal"]

_fn = _ops.functions


class _OrthMaps(enum.Enum):
    matrix_exp = enum.auto()
    cayley = enum.auto()
    householder = enum.auto()


def _tall(X):
    """``X`` as a tall matrix (n >= k) and whether it was transposed to be one."""
    wide = X.size(-2) < X.size(-1)
    return (X.mT if wide else X), wide


def _unitary_columns(A):
    """The Q of A = QR (A tall), with R's diagonal made real and non-negative."""
    packed, tau = _fn["geqrf"](A)
    Q = _linalg.householder_product(packed, tau)
    return Q * packed.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _has_orthonormal_columns(Q):
    n, k = Q.size(-2), Q.size(-1)
    eye = _fn["eye"](k, dtype=Q.dtype, device=Q.device)
    return bool(_fn["allclose"](Q.mH @ Q, eye, atol=10.0 * n * finfo(Q.dtype).eps))


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map is _OrthMaps.householder:
            raise _errors.orthogonal_householder_complex()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def _skew_map(self, X):
        n, k = X.size(-2), X.size(-1)
        X = X.tril()
        if n != k:      # complete the lower triangle to a square n x n one with zeros
            X = _fn["cat"]([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
        A = X - X.mH
        if self.orthogonal_map is _OrthMaps.matrix_exp:
            Q = _fn["matrix_exp"](A)
        else:           # Cayley: (I - A/2)^-1 (I + A/2)
            eye = _fn["eye"](n, dtype=A.dtype, device=A.device)
            Q = _linalg.solve(_fn["add"](eye, A, alpha=-0.5), _fn["add"](eye, A, alpha=0.5))
        return Q[..., :k] if n != k else Q

    def forward(self, X):
        X, wide = _tall(X)
        if self.orthogonal_map is _OrthMaps.householder:
            reflectors = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (reflectors * reflectors).sum(dim=-2))
            Q = _linalg.householder_product(reflectors, tau)
            # the diagonal of X holds the signs (+-1) of Q's columns
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        else:
            Q = self._skew_map(X)
        if hasattr(self, "base"):
            Q = self.base @ Q
        return Q.mT if wide else Q

    def right_inverse(self, Q):
        with grad_mode.no_grad():
            return self._original_for(Q)

    def _original_for(self, Q):
        if Q.shape != self.shape:
            raise _errors.orthogonal_shape(self.shape, Q.shape)
        given = Q
        Q, wide = _tall(Q)
        n, k = Q.size(-2), Q.size(-1)
        if not hasattr(self, "base"):
            if self.orthogonal_map is not _OrthMaps.householder:
                raise _errors.orthogonal_no_trivialization_assign()
            # Householder reflectors below the diagonal; the signs of R's diagonal on it
            A, tau = _fn["geqrf"](Q)
            diag = A.diagonal(dim1=-2, dim2=-1)
            diag.sign_()
            diag[tau == 0.0] *= -1
            return A.mT if wide else A
        if n == k:
            Q = Q.clone() if _has_orthonormal_columns(Q) else _unitary_columns(Q)
        else:           # complete the columns to a square unitary basis with random ones
            extra = _fn["randn"](*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
            Q = _unitary_columns(_fn["cat"]([Q, extra], dim=-1))
        self.base = Q
        # the original that every map sends to the identity (so the weight is the base)
        minus_eye = _fn["zeros_like"](given)
        minus_eye.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return minus_eye


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Make ``module.<name>`` orthogonal (unitary when complex): orthonormal columns when it is
    tall, rows when it is wide.  ``orthogonal_map``: ``"matrix_exp"`` (default for square or
    complex weights), ``"cayley"`` or ``"householder"`` (default otherwise)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, _ops.Tensor):
        raise _errors.spectral_norm_no_tensor(module, name)
    if weight.ndim < 2:
        raise _errors.orthogonal_matrix_ndim(weight.ndim)
    if orthogonal_map is None:
        square = weight.size(-2) == weight.size(-1)
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    kind = getattr(_OrthMaps, orthogonal_map, None)
    if kind is None:
        raise _errors.orthogonal_map_unknown(orthogonal_map)
    parametrize.register_parametrization(
        module, name, _Orthogonal(weight, kind, use_trivialization=use_trivialization),
        unsafe=True)
    return module
