"""The compiler switches: ``compile``, ``torch._dynamo``, ``torch.compiler``."""


class TorchDynamoException(RuntimeError):
    __module__ = "ember._dynamo.exc"


class InvalidBackend(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


class Unsupported(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


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


def compile_runs_eagerly():
    return ("ember.compile does not capture graphs yet: the compiled model runs eagerly, with "
            "the same results (and the speed of eager mode).")


def dynamo_config_attribute(name):
    return AttributeError(f"torch._dynamo.config has no attribute {name!r}")
