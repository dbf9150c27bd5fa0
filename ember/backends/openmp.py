"""``torch.backends.openmp``: Ember's threads are the BLAS library's, not OpenMP's."""


def is_available():
    return False
