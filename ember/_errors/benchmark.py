"""torch.utils.benchmark: Timer's arguments and the parts Ember does not provide."""


def timer_stmt_not_str():
    return ValueError("Currently only a `str` stmt is supported.")


def timer_global_setup_python(global_setup):
    return ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely this code "
                      "can simply be moved to `setup`.")


def timer_invalid_language(language):
    return ValueError(f"Invalid language `{language}`.")


def timer_blocked_autorange_only():
    return NotImplementedError("See `Timer.blocked_autorange.`")


def benchmark_unsupported(what, why):
    return NotImplementedError(f"torch.utils.benchmark: {what} is not supported by Ember "
                               f"({why}).")


def trim_sigfig_not_int():
    return AssertionError("Number of significant figures must be an integer")


def compare_not_measurement(obj):
    return ValueError(f"Expected an instance of `Measurement`, got {type(obj)} instead.")


def compare_mixed_labels():
    return AssertionError("All results must share the same label")
