"""The compiler switches: ``compile``, ``torch._dynamo``, ``torch.compiler``."""


class TorchDynamoException(RuntimeError):
    __module__ = "ember._dynamo.exc"


class InvalidBackend(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


class Unsupported(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


class UncapturedHigherOrderOpError(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


_UNCAPTURED = ("This higher order operator doesn't work unless it is captured completely with "
               "torch.compile. Got graph break/error:\n\n")


def cond_pred(pred, tensor=False):
    kind = "bool or single-element tensor" if tensor else "bool or tensor"
    return RuntimeError(f"Expected pred to be {kind}, but got {pred}.")


def cond_operands(operands):
    return RuntimeError("Expect operands to be a tuple of possibly nested dict/list/tuple that "
                        f"only consists of tensor leaves, but got {operands}.")


def while_loop_cond_type():
    return UncapturedHigherOrderOpError(_UNCAPTURED + "torch.while_loop: unsupported cond_fn "
                                        "return type")


def while_loop_infinite():
    return UncapturedHigherOrderOpError(_UNCAPTURED + "torch.while_loop: infinite loop detected")


def while_loop_metadata(i, differences):
    """``differences``: "'dtype: torch.float32 vs torch.int64'"-style texts of pair ``i``."""
    return UncapturedHigherOrderOpError(
        "Expected body_fn_output and carried_inputs to have same metadata but found:\n"
        f"pair[{i}] differ in {', '.join(differences)}")


def invalid_backend(name):
    return InvalidBackend(f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for "
                          "available backends.")


def compile_mode(mode, modes):
    return RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(modes)}")


def compile_mode_and_options():
    return RuntimeError("Either mode or options can be specified, but both can't be specified "
                        "at the same time.")


def compile_not_callable(model):
    return AssertionError(f"A callable function is expected, but {type(model)} is provided.")


def dynamo_config_attribute(name):
    return AttributeError(f"torch._dynamo.config has no attribute {name!r}")


def recompile_limit_hit(fn, limit):
    code = getattr(getattr(fn, "__func__", fn), "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if code is not None else ""
    return (f"torch._dynamo hit config.recompile_limit ({limit})\n"
            f"   function: {getattr(fn, '__name__', type(fn).__name__)!r}{where}\n"
            "   last reason: the guards changed (new shapes, modes or state)\n"
            'To log all recompilation reasons, use EMBER_LOGS="recompiles". '
            "Calls with new guards now run eagerly.")


def compile_graph_break_warning(reason, filename, line):
    return (f"Graph break in compiled code at {filename}:{line}: {reason}. "
            "ember.compile runs calls with these guards eagerly.")


def compile_graph_break(reason, filename, line):
    return Unsupported(f"{reason}\n  (fullgraph=True) graph break at {filename}:{line}")


def compile_guard_failed(name, detail):
    return RuntimeError(f"ember.compile: a value that {name} read from a tensor during capture "
                        f"changed on replay ({detail}); part of the program may have run. "
                        "Later calls with these guards run eagerly.")


def compile_fail_on_recompile(name):
    return RuntimeError(f"Detected recompile when torch.compile stance is 'fail_on_recompile'. "
                        f"function: {name!r}")
