"""Process-wide switches: threads, determinism, matmul precision."""


def threads_not_int(fn, n):
    return RuntimeError(f"{fn} expects an int, but got {type(n).__name__}")


def threads_not_positive(fn):
    return RuntimeError(f"{fn} expects a positive integer")


def keyword_type(fn, arg, value, expected="bool"):
    return TypeError(f"{fn}(): argument '{arg}' must be {expected}, not {type(value).__name__}")


def threads_without_threadpoolctl():
    return ("ember.set_num_threads / get_num_threads need the 'threadpoolctl' package to reach "
            "the BLAS thread pool (pip install 'ember[threads]'); the BLAS keeps its own setting")


def matmul_precision_ignored(precision):
    return (f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.")
