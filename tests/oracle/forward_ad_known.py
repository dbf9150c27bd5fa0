"""Ops whose forward-mode AD differs from torch's, with the reason (each is an xfail in
tests/test_forward_ad_oracle.py; strict, so a fix must remove its entry)."""

_TRIANGLE = ("torch's forward formula uses the whole tangent of the triangular factor although "
             "the op reads only its triangle; ember's tangent, like finite differences, "
             "depends on the triangle only")

KNOWN = {"triangular_solve": _TRIANGLE, "cholesky_inverse": _TRIANGLE}
