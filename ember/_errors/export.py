"""``torch.export``: exporting, dynamic shapes, guards of the exported module, archives."""
from .compiler import TorchDynamoException


class UserError(TorchDynamoException):
    __module__ = "ember._dynamo.exc"


class GuardOnDataDependentSymNode(RuntimeError):
    __module__ = "ember.fx.experimental.symbolic_shapes"


_EXPORT_HINT = ("\n\nThe error above occurred when calling torch.export.export. If you would like "
                "to view some more information about this error, and get a list of all other "
                "errors that may occur in your export call, you can replace your `export()` "
                "call with `draft_export()`.")


def export_not_module(mod):
    return ValueError(f"Expected `mod` to be an instance of `torch.nn.Module`, got "
                      f"{type(mod)}.")


def export_args_tuple(args):
    return UserError("Expecting `args` to be a tuple of example positional inputs, got "
                     f"{_torch_type(args)}" + _EXPORT_HINT)


def _torch_type(v):
    """``type(v)`` printed with torch's module names (an Ember tensor is a torch.Tensor)."""
    return str(type(v)).replace("'ember.", "'torch.").replace("torch._tensor.", "torch.")


def export_call_program():
    return RuntimeError("Unable to call ExportedProgram directly. You should use "
                        "`exported_program.module()` instead.")


def export_train_eval(which):
    return NotImplementedError(f"Calling {which}() is not supported yet.")


def export_guard_failed(expression):
    return AssertionError(f"Guard failed: {expression}")


def export_data_dependent(op):
    return GuardOnDataDependentSymNode(
        f"Could not guard on data-dependent expression u0 (the value of a traced tensor, read "
        f"by {op}).  (Size-like symbols: none)\n\nconsider using data-dependent friendly APIs "
        "such as guard_or_false, guard_or_true and statically_known_true." + _EXPORT_HINT)


def export_specialized(name, value):
    return UserError(
        f"Constraints violated ({name})! For more information, run with "
        f'TORCH_LOGS="+dynamic".\n  - You marked {name} as dynamic but your code specialized '
        f"it to be a constant ({value}). If you're using mark_dynamic, either remove it or use "
        "maybe_mark_dynamic. If you're using Dim.DYNAMIC, replace it with either Dim.STATIC or "
        f"Dim.AUTO.\nSuggested fixes:\n  {name} = {value}" + _EXPORT_HINT)


def export_dynamic_shapes_mismatch(path, what):
    return UserError("Detected mismatch between the structure of `inputs` and `dynamic_shapes`: "
                     f"`inputs{path}` is {what}")


def export_dim_range(name, lo, hi):
    return AssertionError(f"Cannot create Dim with inconsistent min={lo}, max={hi}")


def export_input_spec(expected, got):
    return ValueError(f"Trying to flatten user inputs with exported input tree spec: \n"
                      f"{expected}\nbut actually got inputs with tree spec of: \n{got}.\n"
                      "Please check that the inputs have the same number and type of args and "
                      "kwargs as the ones you used when tracing.")


def export_archive(f, why):
    return RuntimeError(f"{f!r} is not an Ember exported-program archive ({why}); Ember reads "
                        "the archives ember.export.save writes, not PyTorch's .pt2 files")
