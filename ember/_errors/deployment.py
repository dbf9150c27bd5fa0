"""Deployment: jit tracing, scripting, save / load, ONNX export and torch.export."""
from .base import UnsupportedError
from .compiler import TorchDynamoException


# ---- deployment: jit tracing / save / load, ONNX export -------------------------------------
def trace_input_type(what):
    return UnsupportedError(f"ember.jit.trace: example inputs must be tensors or (nested) "
                            f"tuples/lists of tensors; got {what}")


def trace_output_type(what):
    return UnsupportedError(f"ember.jit.trace: the traced function must return tensors or "
                            f"tuples of tensors; got {what} (use strict=False to allow lists "
                            f"and dicts)")


def trace_argument_type(op, what):
    return UnsupportedError(f"ember.jit.trace: cannot record an argument of type {what} "
                            f"passed to {op}")


def script_target_type(what):
    return UnsupportedError(f"ember.jit.script expects a Module, a function or a class; got {what}")


def script_source_unavailable(obj):
    return OSError(f"Can't get the source of {obj!r}. ember.jit.script keeps scripted code as "
                   "Python source: define it in a .py file (not in a REPL or through exec)")


def script_extension_class(name):
    return UnsupportedError(f"ember.jit.script: the class {name} has no Python source (a built-in "
                            "or C-extension class); only classes defined in Python can be kept")


def script_lambda(name):
    return UnsupportedError(f"ember.jit.script cannot keep the lambda {name}: its source is not a "
                            "statement of its own; define it with def")


def script_unresolved_name(name, where):
    return NameError(f"ember.jit.script: name '{name}' used in {where} is not defined")


def script_module_import(where, module):
    return UnsupportedError(f"ember.jit.script: {where} is the module '{module}'; scripted code "
                            "may use modules of ember, the standard library, NumPy and installed packages "
                            "only")


def script_value_type(where, type_name):
    return UnsupportedError(f"ember.jit.script: {where} is a {type_name} object, which a scripted "
                            "module cannot keep. Supported: None, bool, int, float, str, tuples, "
                            "lists and dicts of these, dtypes, devices, tensors, modules and "
                            "objects of ember / the standard library / NumPy, and classes and "
                            "functions defined in Python source")


def script_module_hooks(name):
    return UnsupportedError(f"ember.jit.script: the {name} module has hooks registered, which a "
                            "scripted module does not keep; remove them before scripting")


def script_not_called():
    return RuntimeError("ember.jit.script records .graph from the inputs of the first call: call "
                        "the scripted module (or pass example_inputs) before reading .graph")


def script_no_graph(name, why):
    return RuntimeError(f"{name} is kept as Python source and has no graph: {why}. Its .code is "
                        "the source that runs")


def jit_archive(path, why):
    return RuntimeError(f"{path} is not an ember.jit archive: {why}")


def onnx_unsupported(op, why=""):
    """``why``: the arguments or mode that keep an otherwise exported operator out."""
    return UnsupportedError(f"Exporting the operator '{op}' to ONNX is not supported by ember"
                            + (f": {why}" if why else ""))


def onnx_missing(extra="onnx"):
    return ModuleNotFoundError(f"ember.onnx needs the 'onnx' and 'onnxruntime' packages: "
                               f"pip install 'ember[{extra}]'")


# ---- torch.jit run-time surface ------------------------------------------------------------
JIT_ISINSTANCE_EMPTY = ("The inner type of a container is lost when calling torch.jit.isinstance "
                        "in eager mode. For example, List[int] would become list and therefore "
                        "falsely return True for List[float] or List[str].")


def jit_type_constructor(name):
    return TypeError(f"torch._C.{name}: No constructor defined!")


def jit_interface_not_class():
    return RuntimeError("interface must be applied to a class")


def jit_isinstance_target():
    return RuntimeError("The second argument to `torch.jit.isinstance` must be a type or a tuple "
                        "of types")


def jit_container_without_type(name):
    if name.endswith("ict"):
        return RuntimeError(f"Attempted to use {name} without contained types. Please add "
                            f"contained type, e.g. {name}[int, int]")
    return RuntimeError(f"Attempted to use {name} without a contained type. Please add a "
                        f"contained type, e.g. {name}[int]")


def jit_unknown_fuser(name):
    return Exception(f"unrecognized fuser option (name: {name})")


def freeze_needs_script_module(fn):
    what = "Freezing" if fn == "freeze" else fn
    return RuntimeError(f"{what} expects a ScriptModule as input. Please use torch.jit.script "
                        "or torch.jit.trace to script your 'nn.Module'.")


def freeze_needs_eval():
    return RuntimeError("Freezing is currently only implemented for modules in eval mode. Please "
                        "call .eval() on your module before freezing.")


def freeze_unknown_name(name):
    return RuntimeError(f"Unknown name: {name}")


# ---- torch.export: exporting, dynamic shapes, guards of the exported module, archives ----------

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


def export_unrecordable(name):
    return UnsupportedError(f"ember does not implement torch.export of a call of {name}: it "
                            "computes without operators the graph can record")


def export_size_fit(node):
    return UserError(f"Constraints violated: an integer argument of {node} does not follow the "
                     "dynamic sizes as a product-and-sum of them; make those dims static "
                     "(Dim.STATIC)" + _EXPORT_HINT)


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


def export_dynamic_shapes_keys(expected, got):
    return UserError("When `dynamic_shapes` is specified as a dict, its top-level keys must be "
                     f"the arg names {expected} of `inputs`, but here they are {got}. "
                     "Alternatively, you could also ignore arg names entirely and specify "
                     "`dynamic_shapes` as a list/tuple matching `inputs`." + _EXPORT_HINT)


def export_dim_range(name, lo, hi):
    return AssertionError(f"Cannot create Dim with inconsistent min={lo}, max={hi}")


def export_input_spec(expected, got):
    return ValueError(f"Trying to flatten user inputs with exported input tree spec: \n"
                      f"{expected}\nbut actually got inputs with tree spec of: \n{got}.\n"
                      "Please check that the inputs have the same number and type of args and "
                      "kwargs as the ones you used when tracing.")


def export_keywords(got, expected):
    return ValueError(f"Ran into a kwarg keyword mismatch: Got the following keywords {got} but "
                      f"expected {expected}")


def export_archive(f, why):
    return RuntimeError(f"{f!r} is not an Ember exported-program archive ({why}); Ember reads "
                        "the archives ember.export.save writes, not PyTorch's .pt2 files")
