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


def debug_mode_type(mode):
    return TypeError(f"debug_mode must be str or int, but got {type(mode)}")


def debug_mode_int(mode):
    return RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {mode}")


def debug_mode_str(mode):
    return RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, "
                        f"but got {mode}")


def default_tensor_type_deprecated():
    return ("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            "torch.set_default_dtype() and torch.set_default_device() as alternatives.")


def default_tensor_type_not_floating(invalid_object=False):
    prefix = "invalid type object: " if invalid_object else ""
    return TypeError(f"{prefix}only floating-point types are supported as the default type")
